/*
 * Unit tests of lib/address.c: EVM addresses against the EIP-55 (ERC-55)
 * test cases, the address of the secp256k1 generator G (SEC 2), the
 * addresses of the BIP39 test mnemonic derived from its account xpubs,
 * TRON base58check addresses (TRON developer docs, Tronscan), the kind
 * names, and derivation from many threads at once. Every expected value
 * comes from a published source named beside its table; nothing here was
 * produced by the code under test.
 */
#include "cc.h"

#include <ctype.h>
#include <pthread.h>

#include <CUnit/Basic.h>

#include "cu_run.h"
#include "cu_hex.h"

#include "address.h"
#include "bip32.h"

/*
 * EIP-55
 */

/* ERC-55 "Test Cases" (ethereum/ERCs ERCS/erc-55.md), every address. */
static const char *const eip55_vecs[] = {
	/* all caps */
	"0x52908400098527886E0F7030069857D2E4169EE7",
	"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
	/* all lower */
	"0xde709f2102306220921060314715629080e2fb77",
	"0x27b1fdb04752bbc536007a920d24acb045561c26",
	/* normal */
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

static void
test_eip55(void)
{
	uint8_t a[20], b[20];
	char text[ADDRESS_EVM_STRLEN], flipped[ADDRESS_EVM_STRLEN];
	char lower[ADDRESS_EVM_STRLEN];
	size_t i, j;
	int c, flips;

	for (i = 0; i < CC_ARRAY_SIZE(eip55_vecs); i++) {
		check_int("address_evm_parse", cu_row(i),
		    address_evm_parse(eip55_vecs[i], a), 0);
		CU_ASSERT(address_evm_checksum(a, text, sizeof(text)) == 0);
		check_str("address_evm_checksum", cu_row(i), text,
		    eip55_vecs[i]);

		/* The all-lower spelling carries no checksum: accepted. */
		for (j = 0; j < sizeof(lower); j++)
			lower[j] = (char)tolower(
			    (unsigned char)eip55_vecs[i][j]);
		CU_ASSERT(address_evm_parse(lower, b) == 0 &&
		    memcmp(a, b, 20) == 0);

		/* Any single letter with its case flipped is refused. */
		flips = 0;
		for (j = 2; j < 42; j++) {
			c = (unsigned char)eip55_vecs[i][j];
			if (!isalpha(c))
				continue;
			memcpy(flipped, eip55_vecs[i], sizeof(flipped));
			flipped[j] = (char)(isupper(c) ? tolower(c) :
			    toupper(c));
			check_int("address_evm_parse (flipped)", cu_row(i),
			    address_evm_parse(flipped, b), -1);
			flips++;
		}
		CU_ASSERT(flips > 0);
	}
}

static void
test_evm_parse_reject(void)
{
	static const char *const bad[] = {
		"",
		"0x",
		"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",	/* no 0x */
		"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",	/* 39 */
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",	/* 41 */
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",
		" 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
	};
	uint8_t a[20];
	char small[ADDRESS_EVM_STRLEN - 1];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		check_int("address_evm_parse (bad)", cu_row(i),
		    address_evm_parse(bad[i], a), -1);
	CU_ASSERT(address_evm_checksum(a, small, sizeof(small)) == -1);
}

/*
 * Public key to address
 */

/*
 * The secp256k1 generator G (SEC 2, section 2.4.1), i.e. the public key
 * of private key 1, whose Ethereum address is the widely published
 * 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf (e.g. ethers.js
 * new Wallet(0x00..01).address).
 */
static const char g_uncompressed[] =
    "0479BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"
    "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8";

static void
test_evm_from_pubkey(void)
{
	uint8_t pub[65];
	char text[ADDRESS_MAX_LEN];
	size_t n;

	CU_ASSERT_FATAL(unhex(g_uncompressed, pub, sizeof(pub), &n) == 0 &&
	    n == 65);
	CU_ASSERT(address_evm_from_pubkey(pub, text, sizeof(text)) == 0);
	check_str("address_evm_from_pubkey", cu_row(0), text,
	    "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
	CU_ASSERT(address_from_pubkey(ADDRESS_EVM, pub, text,
	    sizeof(text)) == 0);
	check_str("address_from_pubkey", cu_row(0), text,
	    "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");

	/* Only the uncompressed 0x04 form is a valid input. */
	pub[0] = 0x02;
	CU_ASSERT(address_evm_from_pubkey(pub, text, sizeof(text)) == -1);
	CU_ASSERT(address_from_pubkey(ADDRESS_TRON, pub, text,
	    sizeof(text)) == -1);
}

/*
 * The BIP39 test mnemonic "abandon abandon ... abandon about" (12 words,
 * no passphrase). The account xpubs are the BIP32 public nodes at
 * m/44'/60'/0' and m/44'/195'/0'; the addresses at .../0/0 and .../0/1
 * are the ones wallets show for that phrase (Ian Coleman's BIP39 tool,
 * repeated in many public wallet test suites; a Ledger TRON app test
 * script expects TUEZSd... at m/44'/195'/0'/0/0). The two account xpubs
 * were computed once offline from the phrase's published BIP39 seed
 * (5eb00bbd...2ce9e38e4), by a throwaway program that also reproduced
 * the published m/44'/0'/0' xpub6BosfC...; both strings also appear
 * verbatim in public wallet test suites next to these addresses.
 */
static const char abandon_eth_xpub[] =
    "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3"
    "mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";
static const char abandon_tron_xpub[] =
    "xpub6D1AabNHCupeiLM65ZR9UStMhJ1vCpyV4XbZdyhMZBiJXALQtmn9p42VTQckoHVn8W"
    "NqS7dqnJokZHAHcHGoaQgmv8D45oNUKx6DZMNZBCd";

struct derive_vec {
	enum address_kind	 kind;
	const char		*xpub;
	uint32_t		 index;
	const char		*addr;
};

static const struct derive_vec derive_vecs[] = {
	{ ADDRESS_EVM, abandon_eth_xpub, 0,
	    "0x9858EfFD232B4033E47d90003D41EC34EcaEda94" },
	{ ADDRESS_EVM, abandon_eth_xpub, 1,
	    "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0" },
	{ ADDRESS_TRON, abandon_tron_xpub, 0,
	    "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH" },
	{ ADDRESS_TRON, abandon_tron_xpub, 1,
	    "TSeJkUh4Qv67VNFwY8LaAxERygNdy6NQZK" },
};

static void
test_address_derive(void)
{
	struct bip32_pub acct;
	char text[ADDRESS_MAX_LEN];
	uint8_t a[20];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(derive_vecs); i++) {
		CU_ASSERT_FATAL(bip32_parse(derive_vecs[i].xpub, &acct) ==
		    BIP32_OK);
		CU_ASSERT(acct.depth == 3);
		check_int("address_derive", cu_row(i), address_derive(
		    derive_vecs[i].kind, &acct, derive_vecs[i].index, text,
		    sizeof(text)), 0);
		check_str("address_derive", cu_row(i), text,
		    derive_vecs[i].addr);
		check_int("address_parse", cu_row(i),
		    address_parse(derive_vecs[i].kind, text, a), 0);
	}

	CU_ASSERT_FATAL(bip32_parse(abandon_eth_xpub, &acct) == BIP32_OK);
	CU_ASSERT(address_derive(ADDRESS_EVM, &acct, BIP32_HARDENED, text,
	    sizeof(text)) == -1);
	CU_ASSERT(address_derive(ADDRESS__MAX, &acct, 0, text,
	    sizeof(text)) == -1);
	CU_ASSERT(address_derive(ADDRESS_EVM, &acct, 0, text, 42) == -1);
	CU_ASSERT(address_derive(ADDRESS_TRON, &acct, 0, text, 34) == -1);
}

/*
 * TRON
 */

struct tron_vec {
	const char	*hex;		/* 0x41 || 20 bytes */
	const char	*text;
};

static const struct tron_vec tron_vecs[] = {
	/* TRON developer docs, "Account" address format example. */
	{ "418840E6C55B9ADA326D211D818C34A994AECED808",
	    "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL" },
	/* USDT (TRC-20) contract on TRON mainnet, as Tronscan lists it. */
	{ "41a614f803b6fd780986a42c78ec9c7f77e6ded13c",
	    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" },
};

static void
test_tron(void)
{
	static const char *const bad[] = {
		"",
		"TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeM",	/* checksum */
		"TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqe",	/* truncated */
		"16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM",	/* Bitcoin: 0x00 */
		"TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL ",
		"0x8840E6C55B9ADA326D211D818C34A994AECED808",
	};
	uint8_t raw[21], a[20];
	char text[ADDRESS_MAX_LEN];
	size_t i, n;

	for (i = 0; i < CC_ARRAY_SIZE(tron_vecs); i++) {
		CU_ASSERT_FATAL(unhex(tron_vecs[i].hex, raw, sizeof(raw),
		    &n) == 0 && n == 21);
		CU_ASSERT(address_tron_from_evm20(raw + 1, text,
		    sizeof(text)) == 0);
		check_str("address_tron_from_evm20", cu_row(i), text,
		    tron_vecs[i].text);
		check_int("address_tron_parse", cu_row(i),
		    address_tron_parse(tron_vecs[i].text, a), 0);
		CU_ASSERT(memcmp(a, raw + 1, 20) == 0);
		CU_ASSERT(address_parse(ADDRESS_TRON, tron_vecs[i].text,
		    a) == 0);
		/* A TRON address is not an EVM one, nor the reverse. */
		CU_ASSERT(address_parse(ADDRESS_EVM, tron_vecs[i].text,
		    a) == -1);
	}
	for (i = 0; i < CC_ARRAY_SIZE(bad); i++)
		check_int("address_tron_parse (bad)", cu_row(i),
		    address_tron_parse(bad[i], a), -1);
	CU_ASSERT(address_tron_from_evm20(raw + 1, text, 34) == -1);
	CU_ASSERT(address_tron_from_evm20(raw + 1, text, 35) == 0);
}

static void
test_kind_names(void)
{
	enum address_kind k;
	int i;

	for (i = 0; i < ADDRESS__MAX; i++) {
		CU_ASSERT_FATAL(address_kind_name(i) != NULL);
		CU_ASSERT(address_kind_from_name(address_kind_name(i),
		    &k) == 0 && (int)k == i);
	}
	check_str("address_kind_name", cu_row(0),
	    address_kind_name(ADDRESS_EVM), "evm");
	check_str("address_kind_name", cu_row(1),
	    address_kind_name(ADDRESS_TRON), "tron");
	CU_ASSERT(address_kind_name(ADDRESS__MAX) == NULL);
	CU_ASSERT(address_kind_from_name("EVM", &k) == -1);
	CU_ASSERT(address_kind_from_name("btc", &k) == -1);
	CU_ASSERT(address_kind_from_name("", &k) == -1);
	CU_ASSERT(address_kind_from_name(NULL, &k) == -1);
}

/*
 * Concurrency: runs first so that the threads race to create the shared
 * secp256k1 context (lib/bip32.c's, made once), then keep deriving
 * published addresses.
 */
#define NTHREADS	8
#define NROUNDS		25

static void *
derive_worker(void *arg)
{
	int *failures = arg;
	const struct derive_vec *v;
	struct bip32_pub acct;
	char text[ADDRESS_MAX_LEN];
	size_t r;

	for (r = 0; r < NROUNDS; r++) {
		v = &derive_vecs[r % CC_ARRAY_SIZE(derive_vecs)];
		if (bip32_parse(v->xpub, &acct) != BIP32_OK ||
		    address_derive(v->kind, &acct, v->index, text,
		    sizeof(text)) != 0 || strcmp(text, v->addr) != 0)
			(*failures)++;
	}
	return NULL;
}

static void
test_threads(void)
{
	pthread_t t[NTHREADS];
	int failures[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++) {
		failures[i] = 0;
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, derive_worker,
		    &failures[i]) == 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		CU_ASSERT(pthread_join(t[i], NULL) == 0);
		CU_ASSERT(failures[i] == 0);
	}
}

static const struct cu_test tests[] = {
	{ "concurrent derivation (runs first)", test_threads },
	{ "EIP-55", test_eip55 },
	{ "EVM parse rejects", test_evm_parse_reject },
	{ "EVM address of G", test_evm_from_pubkey },
	{ "address_derive, abandon mnemonic", test_address_derive },
	{ "TRON base58check", test_tron },
	{ "address kind names", test_kind_names },
};

int
main(void)
{
	return cu_run("address", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
