/*
 * Unit tests of lib/ids.c: prefixed random identifiers.
 */
#include "cc.h"

#include "cu_run.h"

#include "ids.h"
#include "util.h"

/*
 * ids
 */

static void
test_ids(void)
{
	static const struct {
		const char	*raw;
		const char	*b32;
	} vecs[] = {
		/* RFC 4648 section 10, lower case, padding dropped. */
		{ "", "" },
		{ "f", "my" },
		{ "fo", "mzxq" },
		{ "foo", "mzxw6" },
		{ "foob", "mzxw6yq" },
		{ "fooba", "mzxw6ytb" },
		{ "foobar", "mzxw6ytboi" },
	};
	static const struct {
		const char	*prefix;
		const char	*s;
		bool		 ok;
	} valid[] = {
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxyz", true },
		{ "inv_", "inv_234567abcdefghijklmnopqrst", true },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxy", false },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxyz2", false },
		{ "inv_", "inv_Abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_0bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_1bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_8bcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_abcdefghijklmnopqrstuvwxy=", false },
		{ "inv_", "cus_abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "abcdefghijklmnopqrstuvwxyz", false },
		{ "inv_", "inv_", false },
		{ "inv_", "", false },
		{ "", "abcdefghijklmnopqrstuvwxyz", true },
	};
	char a[IDS_MAX_LEN], b[IDS_MAX_LEN], out[32];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(vecs); i++) {
		ids_base32((const uint8_t *)vecs[i].raw, strlen(vecs[i].raw),
		    out, sizeof(out));
		check_str("ids_base32", vecs[i].raw, out, vecs[i].b32);
	}
	/* 16 bytes make 26 characters; a short buffer truncates. */
	ids_base32((const uint8_t *)"0123456789abcdef", 16, out, sizeof(out));
	CU_ASSERT(strlen(out) == 26);
	ids_base32((const uint8_t *)"foobar", 6, out, 4);
	check_str("ids_base32", "outlen 4", out, "mzx");
	for (i = 0; i < CC_ARRAY_SIZE(valid); i++)
		check_int("ids_valid", valid[i].s,
		    ids_valid(valid[i].prefix, valid[i].s), valid[i].ok);
	ids_new("inv_", a, sizeof(a));
	ids_new("inv_", b, sizeof(b));
	CU_ASSERT(strlen(a) == 4 + 26);
	CU_ASSERT(ids_valid("inv_", a) && ids_valid("inv_", b));
	CU_ASSERT(strcmp(a, b) != 0);
	CU_ASSERT(!ids_valid("evt_", a));
}

static const struct cu_test tests[] = {
	{ "ids", test_ids },
};

int
main(void)
{
	return cu_run("ids", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
