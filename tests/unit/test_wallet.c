/*
 * Unit tests of lib/wallet.c's pure part: wallet keys (one spelling,
 * private keys refused), fingerprints and the result messages. The module
 * is included to reach its static helpers.
 */
#include "cc.h"

#include "cu_run.h"

#include "../../lib/wallet.c"

/* The public BIP39 test mnemonic's account key (m/44'/60'/0'). */
#define DEMO_XPUB	"xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuN" \
	"d8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt"
/* The same key with testnet version bytes. */
#define DEMO_TPUB	"tpubDDaRj4Gb7q8V1P8hETLKbMRQyWRAkL1Sph3mQdTFgJHQe" \
	"fHqXajb6sXWyvKfEQo46xJYKA29vMhEUsBgf7QpEYL17aJwAQ7NDb8koR13eMV"

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

/* Every result has a message of its own; out of range is not a crash. */
static void
test_messages(void)
{
	int i;

	for (i = 0; i < WALLET_ERR__MAX; i++)
		EXPECT(wallet_strerror(i)[0] != '\0', "wallet %d", i);
	EXPECT(strcmp(wallet_strerror(-1), "unknown error") == 0,
	    "wallet out of range");
}

static const struct cu_test tests[] = {
	{ "wallet keys", test_wallet_keys },
	{ "wallet fingerprints", test_wallet_fingerprint },
	{ "result messages", test_messages },
};

int
main(void)
{
	return cu_run("wallet", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
