/*
 * Unit tests of lib/bip32.c: extended public keys parsed, serialized and
 * derived (CKDpub) against BIP32 test vectors 1, 2 and 3, its error
 * cases, and every invalid key of BIP32 test vector 5 (bitcoin/bips
 * bip-0032.mediawiki). Every expected value comes from the BIP; nothing
 * here was produced by the code under test.
 */
#include "cc.h"

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "bip32.h"

struct bip32_vec {
	const char	*vector;	/* BIP32 test vector number */
	const char	*chain;
	const char	*xpub;
	int		 parent;	/* row to derive from, or -1 */
	uint32_t	 index;
};

/*
 * BIP32 test vectors 1, 2 and 3 ("ext pub" lines), bitcoin/bips
 * bip-0032.mediawiki. A row with a parent is its non-hardened child.
 */
static const struct bip32_vec bip32_vecs[] = {
	/* vector 1, chain m */
	{ "1", "m",
	  "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29E"
	  "SFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
	  -1, 0 },
	/* vector 1, chain m/0H */
	{ "1", "m/0H",
	  "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhw"
	  "BZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
	  -1, 0 },
	/* vector 1, chain m/0H/1 */
	{ "1", "m/0H/1",
	  "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAW"
	  "bWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
	  1, 1U },
	/* vector 1, chain m/0H/1/2H */
	{ "1", "m/0H/1/2H",
	  "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM"
	  "3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
	  -1, 0 },
	/* vector 1, chain m/0H/1/2H/2 */
	{ "1", "m/0H/1/2H/2",
	  "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLj"
	  "TAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
	  3, 2U },
	/* vector 1, chain m/0H/1/2H/2/1000000000 */
	{ "1", "m/0H/1/2H/2/1000000000",
	  "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFg"
	  "JS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
	  4, 1000000000U },
	/* vector 2, chain m */
	{ "2", "m",
	  "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED"
	  "9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB",
	  -1, 0 },
	/* vector 2, chain m/0 */
	{ "2", "m/0",
	  "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6"
	  "wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH",
	  6, 0 },
	/* vector 2, chain m/0/2147483647H */
	{ "2", "m/0/2147483647H",
	  "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySD"
	  "hKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
	  -1, 0 },
	/* vector 2, chain m/0/2147483647H/1 */
	{ "2", "m/0/2147483647H/1",
	  "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdM"
	  "VCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon",
	  8, 1U },
	/* vector 2, chain m/0/2147483647H/1/2147483646H */
	{ "2", "m/0/2147483647H/1/2147483646H",
	  "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkr"
	  "gZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL",
	  -1, 0 },
	/* vector 2, chain m/0/2147483647H/1/2147483646H/2 */
	{ "2", "m/0/2147483647H/1/2147483646H/2",
	  "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8"
	  "p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt",
	  10, 2U },
	/* vector 3, chain m */
	{ "3", "m",
	  "xpub661MyMwAqRbcEZVB4dScxMAdx6d4nFc9nvyvH3v4gJL378CSRZiYmhRoP7mB"
	  "y6gSPSCYk6SzXPTf3ND1cZAceL7SfJ1Z3GC8vBgp2epUt13",
	  -1, 0 },
	/* vector 3, chain m/0H */
	{ "3", "m/0H",
	  "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbh"
	  "hTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y",
	  -1, 0 },
};

static void
test_bip32_roundtrip(void)
{
	struct bip32_pub k;
	char text[BIP32_XPUB_STRLEN];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(bip32_vecs); i++) {
		check_int("bip32_parse", cu_row(i),
		    bip32_parse(bip32_vecs[i].xpub, &k), BIP32_OK);
		CU_ASSERT(k.version == BIP32_VERSION_XPUB);
		check_int("bip32_serialize", cu_row(i),
		    bip32_serialize(&k, text, sizeof(text)), BIP32_OK);
		check_str(bip32_vecs[i].chain, cu_row(i), text,
		    bip32_vecs[i].xpub);
	}
}

static void
test_bip32_derive(void)
{
	struct bip32_pub parent, child;
	char text[BIP32_XPUB_STRLEN];
	size_t i, tested = 0;
	const struct bip32_vec *v;

	for (i = 0; i < CC_ARRAY_SIZE(bip32_vecs); i++) {
		v = &bip32_vecs[i];
		if (v->parent < 0)
			continue;
		CU_ASSERT_FATAL(bip32_parse(bip32_vecs[v->parent].xpub,
		    &parent) == BIP32_OK);
		check_int("bip32_derive", cu_row(i),
		    bip32_derive(&parent, v->index, &child), BIP32_OK);
		CU_ASSERT(child.depth == parent.depth + 1);
		CU_ASSERT(child.child_num == v->index);
		CU_ASSERT(bip32_serialize(&child, text, sizeof(text)) ==
		    BIP32_OK);
		check_str(v->chain, cu_row(i), text, v->xpub);
		tested++;
	}
	CU_ASSERT(tested == 6);
}

static void
test_bip32_errors(void)
{
	/* BIP32 test vector 1, chain m, "ext prv". */
	static const char xprv[] = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nR"
	    "k4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBx"
	    "rMPHi";
	struct bip32_pub k, child;
	char text[BIP32_XPUB_STRLEN], bad[BIP32_XPUB_STRLEN];
	size_t len;

	CU_ASSERT_FATAL(bip32_parse(bip32_vecs[0].xpub, &k) == BIP32_OK);

	CU_ASSERT(bip32_derive(&k, BIP32_HARDENED, &child) == BIP32_EHARDENED);
	CU_ASSERT(bip32_derive(&k, 0xffffffffU, &child) == BIP32_EHARDENED);
	CU_ASSERT(bip32_derive(&k, BIP32_HARDENED - 1, &child) == BIP32_OK);

	CU_ASSERT(bip32_parse(xprv, &k) == BIP32_EVERSION);

	/* The last character of a listed xpub changed: checksum error. */
	len = strlen(bip32_vecs[0].xpub);
	memcpy(bad, bip32_vecs[0].xpub, len + 1);
	bad[len - 1] = bad[len - 1] == '8' ? '9' : '8';
	CU_ASSERT(bip32_parse(bad, &k) == BIP32_ECHECKSUM);
	/* Not base58 at all, and truncated. */
	bad[10] = '0';
	CU_ASSERT(bip32_parse(bad, &k) == BIP32_EENCODING);
	CU_ASSERT(bip32_parse("", &k) == BIP32_EENCODING);
	CU_ASSERT(bip32_parse("xpub661MyMwAqRbc", &k) != BIP32_OK);

	/* Serialization refuses what parse would refuse, and short buffers. */
	CU_ASSERT_FATAL(bip32_parse(bip32_vecs[0].xpub, &k) == BIP32_OK);
	CU_ASSERT(bip32_serialize(&k, text, 111) == BIP32_ESPACE);
	CU_ASSERT(bip32_serialize(&k, text, 112) == BIP32_OK);
	k.version = BIP32_VERSION_XPRV;
	CU_ASSERT(bip32_serialize(&k, text, sizeof(text)) == BIP32_EVERSION);
	k.version = BIP32_VERSION_XPUB;
	k.pubkey[0] = 0x04;
	CU_ASSERT(bip32_serialize(&k, text, sizeof(text)) == BIP32_EKEY);
	CU_ASSERT(bip32_derive(&k, 0, &child) == BIP32_EKEY);

	CU_ASSERT(strstr(bip32_strerror(BIP32_EVERSION), "xprv") != NULL);
	CU_ASSERT(bip32_strerror(BIP32_ERR__MAX) != NULL);
	CU_ASSERT(bip32_strerror(BIP32_OK) != NULL);
}

struct bip32_bad {
	const char	*why;
	const char	*text;
	enum bip32_err	 err;
};

/*
 * BIP32 test vector 5 (invalid extended keys), bitcoin/bips
 * bip-0032.mediawiki; the "why" column is the BIP's own comment. The
 * private-key entries are refused for their version before anything
 * else, since this module never takes a private key.
 */
static const struct bip32_bad bip32_v5[] = {
	{ "pubkey version / prvkey mismatch",
	  "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6LBp"
	  "B85b3D2yc8sfvZU521AAwdZafEz7mnzBBsz4wKY5fTtTQBm",
	  BIP32_EKEY },
	{ "prvkey version / pubkey mismatch",
	  "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGTQ"
	  "QD3dC4H2D5GBj7vWvSQaaBv5cxi9gafk7NF3pnBju6dwKvH",
	  BIP32_EVERSION },
	{ "invalid pubkey prefix 04",
	  "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Txn"
	  "t3siSujt9RCVYsx4qHZGc62TG4McvMGcAUjeuwZdduYEvFn",
	  BIP32_EKEY },
	{ "invalid prvkey prefix 04",
	  "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGpW"
	  "nsj83BHtEy5Zt8CcDr1UiRXuWCmTQLxEK9vbz5gPstX92JQ",
	  BIP32_EVERSION },
	{ "invalid pubkey prefix 01",
	  "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6N8Z"
	  "MMXctdiCjxTNq964yKkwrkBJJwpzZS4HS2fxvyYUA4q2Xe4",
	  BIP32_EKEY },
	{ "invalid prvkey prefix 01",
	  "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFAzH"
	  "GBP2UuGCqWLTAPLcMtD9y5gkZ6Eq3Rjuahrv17fEQ3Qen6J",
	  BIP32_EVERSION },
	{ "zero depth with non-zero parent fingerprint (prv)",
	  "xprv9s2SPatNQ9Vc6GTbVMFPFo7jsaZySyzk7L8n2uqKXJen3KUmvQNTuLh3fhZM"
	  "BoG3G4ZW1N2kZuHEPY53qmbZzCHshoQnNf4GvELZfqTUrcv",
	  BIP32_EVERSION },
	{ "zero depth with non-zero parent fingerprint",
	  "xpub661no6RGEX3uJkY4bNnPcw4URcQTrSibUZ4NqJEw5eBkv7ovTwgiT91XX27V"
	  "bEXGENhYRCf7hyEbWrR3FewATdCEebj6znwMfQkhRYHRLpJ",
	  BIP32_EENCODING },
	{ "zero depth with non-zero index (prv)",
	  "xprv9s21ZrQH4r4TsiLvyLXqM9P7k1K3EYhA1kkD6xuquB5i39AU8KF42acDyL3q"
	  "sDbU9NmZn6MsGSUYZEsuoePmjzsB3eFKSUEh3Gu1N3cqVUN",
	  BIP32_EVERSION },
	{ "zero depth with non-zero index",
	  "xpub661MyMwAuDcm6CRQ5N4qiHKrJ39Xe1R1NyfouMKTTWcguwVcfrZJaNvhpebz"
	  "Gerh7gucBvzEQWRugZDuDXjNDRmXzSZe4c7mnTK97pTvGS8",
	  BIP32_EENCODING },
	{ "unknown extended key version",
	  "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHGMQ"
	  "zT7ayAmfo4z3gY5KfbrZWZ6St24UVf2Qgo6oujFktLHdHY4",
	  BIP32_EVERSION },
	{ "unknown extended key version",
	  "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHPmH"
	  "JiEDXkTiJTVV9rHEBUem2mwVbbNfvT2MTcAqj3nesx8uBf9",
	  BIP32_EVERSION },
	{ "private key 0 not in 1..n-1",
	  "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzF93Y"
	  "5wvzdUayhgkkFoicQZcP3y52uPPxFnfoLZB21Teqt1VvEHx",
	  BIP32_EVERSION },
	{ "private key n not in 1..n-1",
	  "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFAzH"
	  "GBP2UuGCqWLTAPLcMtD5SDKr24z3aiUvKr9bJpdrcLg1y3G",
	  BIP32_EVERSION },
	{ "invalid pubkey 020000...07",
	  "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Q5J"
	  "Xayek4PRsn35jii4veMimro1xefsM58PgBMrvdYre8QyULY",
	  BIP32_EKEY },
	{ "invalid checksum",
	  "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVv"
	  "vNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHL",
	  BIP32_ECHECKSUM },
};

static void
test_bip32_vector5(void)
{
	struct bip32_pub k;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(bip32_v5); i++) {
		check_int(bip32_v5[i].why, cu_row(i),
		    bip32_parse(bip32_v5[i].text, &k), bip32_v5[i].err);
	}
}

static const struct cu_test tests[] = {
	{ "bip32 parse/serialize vectors 1-3", test_bip32_roundtrip },
	{ "bip32 CKDpub vectors 1-2", test_bip32_derive },
	{ "bip32 errors", test_bip32_errors },
	{ "bip32 test vector 5", test_bip32_vector5 },
};

int
main(void)
{
	return cu_run("bip32", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
