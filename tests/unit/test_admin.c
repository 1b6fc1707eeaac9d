/*
 * Unit tests of the pure parts of the modules behind cc-admin: merchant
 * names, every result's message, API key scopes as the database prints
 * them, wallet keys (one spelling, private keys refused, fingerprints) and
 * the webhook statuses and summary names. The wallet and key modules are
 * included to reach their static helpers.
 */
#include "cc.h"

#include "cu_run.h"
#include "merchant.h"
#include "whadmin.h"

#include "../../lib/apikey.c"
#include "../../lib/wallet.c"

/* The public BIP39 test mnemonic's account key (m/44'/60'/0'). */
#define DEMO_XPUB	"xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuN" \
	"d8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt"
/* The same key with testnet version bytes. */
#define DEMO_TPUB	"tpubDDaRj4Gb7q8V1P8hETLKbMRQyWRAkL1Sph3mQdTFgJHQe" \
	"fHqXajb6sXWyvKfEQo46xJYKA29vMhEUsBgf7QpEYL17aJwAQ7NDb8koR13eMV"

static void
test_merchant_names(void)
{
	static const struct {
		const char	*name;
		bool		 ok;
	} rows[] = {
		{ "Demo Shop", true },
		{ "Ünïcode ✓", true },
		{ "", false },
		{ "tab\there", false },
		{ "new\nline", false },
		{ "\xff\xfe", false },
		{ "caf\xc3", false },
	};
	char big[MERCHANT_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(merchant_name_ok(rows[i].name) == rows[i].ok,
		    "row %zu (%s)", i, rows[i].name);
	memset(big, 'a', sizeof(big));
	big[MERCHANT_NAME_MAX] = '\0';
	EXPECT(merchant_name_ok(big), "%d bytes", MERCHANT_NAME_MAX);
	big[MERCHANT_NAME_MAX] = 'a';
	big[MERCHANT_NAME_MAX + 1] = '\0';
	EXPECT(!merchant_name_ok(big), "%d bytes", MERCHANT_NAME_MAX + 1);
}

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < MERCHANT_ERR__MAX; i++)
		EXPECT(merchant_strerror(i)[0] != '\0', "merchant %d", i);
	for (i = 0; i < APIKEY_ERR__MAX; i++)
		EXPECT(apikey_strerror(i)[0] != '\0', "apikey %d", i);
	for (i = 0; i < WALLET_ERR__MAX; i++)
		EXPECT(wallet_strerror(i)[0] != '\0', "wallet %d", i);
	for (i = 0; i < WHADMIN_ERR__MAX; i++)
		EXPECT(whadmin_strerror(i)[0] != '\0', "whadmin %d", i);
	EXPECT(strcmp(merchant_strerror(MERCHANT_ERR__MAX),
	    "unknown error") == 0, "merchant out of range");
	EXPECT(strcmp(wallet_strerror(-1), "unknown error") == 0,
	    "wallet out of range");
	EXPECT(strstr(merchant_strerror(MERCHANT_ENAME), "200") != NULL,
	    "the limit is in the message: %s",
	    merchant_strerror(MERCHANT_ENAME));
}

static void
test_scope_literals(void)
{
	static const struct {
		const char	*text;
		unsigned	 want;
	} rows[] = {
		{ "{*}", SCOPE_ALL },
		{ "{\"*\"}", SCOPE_ALL },
		{ "{invoices:create,invoices:read}",
		    SCOPE_INVOICES_CREATE | SCOPE_INVOICES_READ },
		{ "{analytics:read}", SCOPE_ANALYTICS_READ },
		{ "{analytics:read,gold}", SCOPE_ANALYTICS_READ },
		{ "{}", 0 },
		{ "", 0 },
	};
	size_t i;
	unsigned got;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		got = scopes_from_literal(rows[i].text);
		EXPECT(got == rows[i].want, "%s: %#x, want %#x",
		    rows[i].text, got, rows[i].want);
	}
}

static void
test_wallet_keys(void)
{
	static const char xprv[] = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2"
	    "nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuG"
	    "BxrMPHi";
	struct cc_network net;
	struct wallet_new out;
	char canon[BIP32_XPUB_STRLEN], bad[] = DEMO_XPUB;
	enum bip32_err why;
	enum wallet_err e;

	memset(&net, 0, sizeof(net));
	net.kind = ADDRESS_EVM;
	cc_strlcpy(net.name, "anvil", sizeof(net.name));
	memset(&out, 0, sizeof(out));
	e = check_key(&net, DEMO_XPUB, canon, sizeof(canon), &out, &why);
	EXPECT(e == WALLET_OK, "xpub: %s", wallet_strerror(e));
	EXPECT(strcmp(canon, DEMO_XPUB) == 0, "an xpub is kept: %s", canon);
	EXPECT(strcmp(out.first_address,
	    "0x9858EfFD232B4033E47d90003D41EC34EcaEda94") == 0,
	    "first address %s", out.first_address);
	e = check_key(&net, DEMO_TPUB, canon, sizeof(canon), &out, &why);
	EXPECT(e == WALLET_OK, "tpub: %s", bip32_strerror(why));
	EXPECT(strcmp(canon, DEMO_XPUB) == 0,
	    "a tpub is stored as its xpub: %s", canon);
	e = check_key(&net, xprv, canon, sizeof(canon), &out, &why);
	EXPECT(e == WALLET_EKEY && why == BIP32_EVERSION,
	    "xprv: %d %s", e, bip32_strerror(why));
	bad[sizeof(bad) - 2] = 'x';
	e = check_key(&net, bad, canon, sizeof(canon), &out, &why);
	EXPECT(e == WALLET_EKEY && why == BIP32_ECHECKSUM,
	    "checksum: %d %s", e, bip32_strerror(why));
	e = check_key(&net, "hello", canon, sizeof(canon), &out, &why);
	EXPECT(e == WALLET_EKEY, "hello: %d", e);
}

static void
test_wallet_fingerprint(void)
{
	char fp[WALLET_FINGERPRINT_LEN];

	wallet_fingerprint(DEMO_XPUB, fp, sizeof(fp));
	EXPECT(strcmp(fp, "xpub6DCo...nATt") == 0, "fingerprint %s", fp);
	wallet_fingerprint("xpub123", fp, sizeof(fp));
	EXPECT(strcmp(fp, "***") == 0, "short: %s", fp);
	wallet_fingerprint("", fp, sizeof(fp));
	EXPECT(strcmp(fp, "***") == 0, "empty: %s", fp);
}

static void
test_webhook_names(void)
{
	static const char *const good[] = { "pending", "delivered", "failed",
	    "cancelled" };
	static const char *const bad[] = { "", "Pending", "pending ", "dead",
	    "failed,pending" };
	size_t i;
	int s;

	for (i = 0; i < CC_ARRAY_SIZE(good); i++)
		EXPECT(whadmin_status_ok(good[i]), "%s", good[i]);
	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		EXPECT(!whadmin_status_ok(bad[i]), "'%s'", bad[i]);
	for (s = 0; s < WHADMIN_STAT__MAX; s++)
		EXPECT(whadmin_stat_name(s) != NULL, "stat %d", s);
	EXPECT(strcmp(whadmin_stat_name(WHADMIN_OLDEST_DUE),
	    "oldest_due_seconds") == 0, "oldest_due_seconds");
	EXPECT(whadmin_stat_name(WHADMIN_STAT__MAX) == NULL, "out of range");
}

static const struct cu_test tests[] = {
	{ "merchant names", test_merchant_names },
	{ "result messages", test_messages },
	{ "scopes as the database prints them", test_scope_literals },
	{ "wallet keys", test_wallet_keys },
	{ "wallet fingerprints", test_wallet_fingerprint },
	{ "webhook statuses and summary names", test_webhook_names },
};

int
main(void)
{
	return cu_run("admin", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
