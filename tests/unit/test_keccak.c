/*
 * Unit tests of lib/keccak.c: Keccak-256 against the Keccak team's
 * published known-answer tests (KeccakKAT-3, ShortMsgKAT_256 and
 * LongMsgKAT_256), the canonical "abc" value and the KAT entries around
 * the 136-byte rate, then against an independent FIPS 202 reference for
 * every length from 0 to 410 bytes. Every expected value comes from a
 * published source named beside its table; nothing here was produced by
 * the code under test.
 */
#include "cc.h"

#include <strings.h>

#include <CUnit/Basic.h>

#include "cu_run.h"
#include "cu_hex.h"

#include "keccak.h"
#include "util.h"

struct keccak_vec {
	const char	*msg;		/* hex */
	const char	*md;		/* hex, either case */
};

/*
 * The Keccak team's final (round 3) known-answer tests, KeccakKAT-3.zip
 * (https://keccak.team/obsolete/KeccakKAT-3.zip), byte-aligned entries of
 * ShortMsgKAT_256.txt and LongMsgKAT_256.txt, as quoted in
 * axiom-crypto/halo2-lib hashes/zkevm/src/keccak/vanilla/tests.rs.
 */
static const struct keccak_vec keccak_kat[] = {
	/* ShortMsgKAT_256 Len = 0 */
	{ "",
	  "C5D2460186F7233C927E7DB2DCC703C0E500B653CA82273B7BFAD8045D85A470" },
	/* ShortMsgKAT_256 Len = 8 */
	{ "CC",
	  "EEAD6DBFC7340A56CAEDC044696A168870549A6A7F6F56961E84A54BD9970B8A" },
	/* ShortMsgKAT_256 Len = 920 */
	{ "B55C10EAE0EC684C16D13463F29291BF26C82E2FA0422A99C71DB4AF14DD9C7F"
	  "33EDA52FD73D017CC0F2DBE734D831F0D820D06D5F89DACC485739144F8CFD47"
	  "99223B1AFF9031A105CB6A029BA71E6E5867D85A554991C38DF3C9EF8C1E1E9A"
	  "7630BE61CAABCA69280C399C1FB7A12D12AEFC",
	  "0347901965D3635005E75A1095695CCA050BC9ED2D440C0372A31B348514A889" },
	/* ShortMsgKAT_256 Len = 1952 */
	{ "2EDC282FFB90B97118DD03AAA03B145F363905E3CBD2D50ECD692B37BF000185"
	  "C651D3E9726C690D3773EC1E48510E42B17742B0B0377E7DE6B8F55E00A8A4DB"
	  "4740CEE6DB0830529DD19617501DC1E9359AA3BCF147E0A76B3AB70C4984C13E"
	  "339E6806BB35E683AF8527093670859F3D8A0FC7D493BCBA6BB12B5F65E71E70"
	  "5CA5D6C948D66ED3D730B26DB395B3447737C26FAD089AA0AD0E306CB28BF0AC"
	  "F106F89AF3745F0EC72D534968CCA543CD2CA50C94B1456743254E358C1317C0"
	  "7A07BF2B0ECA438A709367FAFC89A57239028FC5FECFD53B8EF958EF10EE0608"
	  "B7F5CB9923AD97058EC067700CC746C127A61EE3",
	  "DD1D2A92B3F3F3902F064365838E1F5F3468730C343E2974E7A9ECFCD84AA6DB" },
	/* LongMsgKAT_256 Len = 2048 */
	{ "724627916C50338643E6996F07877EAFD96BDF01DA7E991D4155B9BE1295EA7D"
	  "21C9391F4C4A41C75F77E5D27389253393725F1427F57914B273AB862B9E31DA"
	  "BCE506E558720520D33352D119F699E784F9E548FF91BC35CA14704212870982"
	  "0D69A8287EA3257857615EB0321270E94B84F446942765CE882B191FAEE7E1C8"
	  "7E0F0BD4E0CD8A927703524B559B769CA4ECE1F6DBF313FDCF67C572EC4185C1"
	  "A88E86EC11B6454B371980020F19633B6B95BD280E4FBCB0161E1A82470320CE"
	  "C6ECFA25AC73D09F1536F286D3F9DACAFB2CD1D0CE72D64D197F5C7520B3CCB2"
	  "FD74EB72664BA93853EF41EABF52F015DD591500D018DD162815CC993595B195",
	  "EA0E416C0F7B4F11E3F00479FDDF954F2539E5E557753BD546F69EE375A5DE29" },
};

/*
 * "abc": the canonical Keccak-256 value, asserted e.g. by web3.py's test
 * suite (web3.solidityKeccak(['uint8'] * 3, [97, 98, 99])).
 */
static const struct keccak_vec keccak_abc = {
	"616263",
	"4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
};

/*
 * Around the 136-byte rate: Keccak-256 short-message KAT entries as
 * tabulated in glatan/ghash components/hashes/keccak/tests/
 * short_msg_kat_256.rs.
 */
static const struct keccak_vec keccak_rate[] = {
	/* Len = 1080 (135 bytes: rate - 1) */
	{ "2f3fb9e6321405869ff0e6271369357ee08c9c27837fe300adf3766a61979591"
	  "d64e7809627e8f026e762982df5f00bfeb9ce76f1ccb70c9bee6331f7dc8b154"
	  "17295d7aa7ec7c1662a69842059901f136e96052b4d01b72b64f92331744872f"
	  "6de4a915d0262b33ccc375d25d77c3936023e514f30187a9501adc685e6497cc"
	  "4841e119670d4d",
	  "0484f02cc16415e7e9f28f95b6bb77209e1b25ec35015de84facbc8f9605b39e" },
	/* Len = 1088 (136 bytes: one full rate block) */
	{ "33d0c3052e3ac8c19beca6b0dfa73888f753655fb2c9f77e1238602c9f6d7ad3"
	  "3e3dd96c78a22e148ed4c46d7cfdf674505bd40325cb813804e264a450de778f"
	  "1c50fc94f32aa881fe6def7b6ae6efbb42c3be678f40a09322053773e3af0200"
	  "00fe94f3283c7527aa64a2144b92cf8d568df4e6cd957af09ab1637e61667e61"
	  "6412558d4fcab4f9",
	  "b30ad6fc320c0d70309dc39953895cb7cf3fbedec7d86a5f7aa9f2bb760f6dba" },
	/* Len = 1096 (137 bytes: rate + 1) */
	{ "2f570e7aeadd07406bfc263992a0292c528daab4f32816573b6be58a36998465"
	  "f192e0db70e81cdbe5431477e43ea437cb4eebbe760116b26dfb3ca395c10987"
	  "53e962c3d27f9fb8c2b32fa6f1d3debd22c97b99cb924b388d87db2348e5aa9c"
	  "cf0d60a18cff594eb389f5a55dd362809dde19687064a0feec7c213561cbd130"
	  "d832d264312cb3e4b6",
	  "6cf9e0e9008f6b5b2d28fb38c47a0212e7b28f6a7f44815f10c53141c2f1c84d" },
};

static void
keccak_check(const char *what, size_t row, const struct keccak_vec *v)
{
	uint8_t msg[MAX_BYTES], md[KECCAK256_LEN];
	char hex[2 * KECCAK256_LEN + 1];
	size_t n = 0;

	CU_ASSERT_FATAL(unhex(v->msg, msg, sizeof(msg), &n) == 0);
	keccak256(msg, n, md);
	hex_encode(md, sizeof(md), hex);
	CU_ASSERT(strcasecmp(hex, v->md) == 0);
	if (strcasecmp(hex, v->md) != 0)
		fprintf(stderr, "\n  %s row %zu (%zu bytes): got %s\n", what,
		    row, n, hex);
}

static void
test_keccak_kat(void)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(keccak_kat); i++)
		keccak_check("KeccakKAT-3", i, &keccak_kat[i]);
	keccak_check("abc", 0, &keccak_abc);
	for (i = 0; i < CC_ARRAY_SIZE(keccak_rate); i++)
		keccak_check("rate boundary", i, &keccak_rate[i]);
}

/*
 * A second, independent Keccak-256 written straight from FIPS 202
 * sections 3.2 and 5: byte-wise state, round constants from the rc(t)
 * LFSR (Algorithm 5) and rho offsets from the (x, y) walk (Algorithm 2),
 * so no table is shared with nettle. It exists to cover lengths no
 * published vector has (e.g. 272 bytes, exactly two blocks); it is a
 * cross-check, not a source of expected values.
 */
static uint64_t
rol64(uint64_t v, unsigned int n)
{
	n %= 64;
	return n == 0 ? v : (v << n) | (v >> (64 - n));
}

static unsigned int
rc_bit(unsigned int t)
{
	unsigned int r = 1, i;

	for (i = 1; i <= t % 255; i++) {
		r <<= 1;
		if (r & 0x100)
			r ^= 0x171;
	}
	return r & 1;
}

static void
ref_keccak_f(uint64_t a[25])
{
	unsigned int off[25], x, y, t, j, ir, nx;
	uint64_t c[5], d, b[25], rc;

	memset(off, 0, sizeof(off));
	x = 1;
	y = 0;
	for (t = 0; t < 24; t++) {
		off[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
		nx = y;
		y = (2 * x + 3 * y) % 5;
		x = nx;
	}
	for (ir = 0; ir < 24; ir++) {
		for (x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^
			    a[x + 20];
		for (x = 0; x < 5; x++) {
			d = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
			for (y = 0; y < 5; y++)
				a[x + 5 * y] ^= d;
		}
		/* rho then pi: A'[x, y] = A[(x + 3y) mod 5, x] */
		for (x = 0; x < 5; x++)
			for (y = 0; y < 5; y++)
				b[x + 5 * y] = rol64(
				    a[(x + 3 * y) % 5 + 5 * x],
				    off[(x + 3 * y) % 5 + 5 * x]);
		for (x = 0; x < 5; x++)
			for (y = 0; y < 5; y++)
				a[x + 5 * y] = b[x + 5 * y] ^
				    (~b[(x + 1) % 5 + 5 * y] &
				    b[(x + 2) % 5 + 5 * y]);
		rc = 0;
		for (j = 0; j < 7; j++)
			rc |= (uint64_t)rc_bit(j + 7 * ir) << ((1U << j) - 1);
		a[0] ^= rc;
	}
}

static void
ref_keccak256(const uint8_t *in, size_t len, uint8_t out[32])
{
	uint8_t pad[MAX_BYTES + 136];
	uint64_t a[25];
	size_t padlen, off, i;

	padlen = (len / 136 + 1) * 136;
	memset(pad, 0, padlen);
	if (len > 0)
		memcpy(pad, in, len);
	pad[len] ^= 0x01;
	pad[padlen - 1] ^= 0x80;
	memset(a, 0, sizeof(a));
	for (off = 0; off < padlen; off += 136) {
		for (i = 0; i < 136; i++)
			a[i / 8] ^= (uint64_t)pad[off + i] << (8 * (i % 8));
		ref_keccak_f(a);
	}
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

static void
test_keccak_reference(void)
{
	uint8_t msg[MAX_BYTES], got[32], want[32];
	size_t len, i;

	/* The reference must itself reproduce a published value first. */
	ref_keccak256(NULL, 0, want);
	CU_ASSERT_FATAL(want[0] == 0xc5 && want[1] == 0xd2 &&
	    want[31] == 0x70);

	for (len = 0; len <= 410; len++) {
		for (i = 0; i < len; i++)
			msg[i] = (uint8_t)(i * 131 + len * 7 + 1);
		keccak256(msg, len, got);
		ref_keccak256(msg, len, want);
		CU_ASSERT(memcmp(got, want, sizeof(got)) == 0);
		if (memcmp(got, want, sizeof(got)) != 0)
			fprintf(stderr, "\n  keccak vs reference at %zu\n",
			    len);
	}
}

static const struct cu_test tests[] = {
	{ "keccak256 published vectors", test_keccak_kat },
	{ "keccak256 vs FIPS 202 reference, 0..410 bytes",
	    test_keccak_reference },
};

int
main(void)
{
	return cu_run("keccak", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
