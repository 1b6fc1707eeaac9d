/*
 * Payment request URIs for QR codes: EIP-681, TRON and BIP21. Amounts go
 * through money.c's integer formatting so that no float ever touches them.
 */
#include "cc.h"

#include <inttypes.h>

#include "money.h"
#include "payuri.h"
#include "util.h"

#define EVM_HEX_DIGITS		40
#define TRON_LEN		34
#define BTC_MIN_LEN		14
#define BTC_MAX_LEN		90
#define BTC_DECIMALS		8
#define AMOUNT_LEN		64	/* enough for any u128, money.h */

static const char base58_digits[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static bool
evm_address_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] != '0' || s[1] != 'x')
		return false;
	for (i = 0; i < EVM_HEX_DIGITS; i++)
		if (!is_hex(s[2 + i]))
			return false;
	return s[2 + EVM_HEX_DIGITS] == '\0';
}

static bool
tron_address_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] != 'T')
		return false;
	for (i = 1; i < TRON_LEN; i++)
		if (s[i] == '\0' || strchr(base58_digits, s[i]) == NULL)
			return false;
	return s[TRON_LEN] == '\0';
}

static bool
btc_address_ok(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= BTC_MAX_LEN || !is_alnum(s[i]))
			return false;
	return i >= BTC_MIN_LEN;
}

/* Common exit: "" in out on failure, as money.h does. */
static int
fail(char *out, size_t outlen)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	return -1;
}

int
payuri_evm_native(const char *address, uint64_t chain_id,
    unsigned __int128 wei, char *out, size_t outlen)
{
	char amount[AMOUNT_LEN];

	if (out == NULL || !evm_address_ok(address) || chain_id == 0 ||
	    wei == 0)
		return fail(out, outlen);
	if (money_u128_to_str(wei, amount, sizeof(amount)) == -1)
		return fail(out, outlen);
	if (cc_snprintf(out, outlen, "ethereum:%s@%" PRIu64 "?value=%s",
	    address, chain_id, amount) == -1)
		return fail(out, outlen);
	return 0;
}

int
payuri_evm_token(const char *contract, uint64_t chain_id,
    const char *recipient, unsigned __int128 units, char *out,
    size_t outlen)
{
	char amount[AMOUNT_LEN];

	if (out == NULL || !evm_address_ok(contract) ||
	    !evm_address_ok(recipient) || chain_id == 0 || units == 0)
		return fail(out, outlen);
	if (money_u128_to_str(units, amount, sizeof(amount)) == -1)
		return fail(out, outlen);
	if (cc_snprintf(out, outlen,
	    "ethereum:%s@%" PRIu64 "/transfer?address=%s&uint256=%s",
	    contract, chain_id, recipient, amount) == -1)
		return fail(out, outlen);
	return 0;
}

int
payuri_tron(const char *address, char *out, size_t outlen)
{
	if (out == NULL || !tron_address_ok(address))
		return fail(out, outlen);
	if (cc_snprintf(out, outlen, "%s", address) == -1)
		return fail(out, outlen);
	return 0;
}

int
payuri_bip21(const char *address, unsigned __int128 satoshi, char *out,
    size_t outlen)
{
	char amount[AMOUNT_LEN];

	if (out == NULL || !btc_address_ok(address) || satoshi == 0)
		return fail(out, outlen);
	if (money_format_units(satoshi, BTC_DECIMALS, amount,
	    sizeof(amount)) == -1)
		return fail(out, outlen);
	if (cc_snprintf(out, outlen, "bitcoin:%s?amount=%s", address,
	    amount) == -1)
		return fail(out, outlen);
	return 0;
}
