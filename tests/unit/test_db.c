/*
 * Unit tests of lib/db.c's pure parts: the parameter builder (numbers,
 * booleans, bytea, array literals, the overflow guard), named result
 * columns, and the masking of secrets in database error text. A result is
 * built with libpq's own PQmakeEmptyPGresult, so no server is needed.
 */
#include "cc.h"

#include "cu_run.h"
#include "db.h"

static void
test_params(void)
{
	static const uint8_t bytes[] = { 0x00, 0xab, 0xff };
	const char *arr[] = { "a", "say \"hi\"", NULL, "back\\slash", "" };
	struct db_params p;
	const char *text = "plain";

	db_params_init(&p);
	db_param(&p, text);
	db_param(&p, NULL);
	db_param_int(&p, -9223372036854775807LL - 1);
	db_param_bool(&p, true);
	db_param_bool(&p, false);
	db_param_bytea(&p, bytes, sizeof(bytes));
	db_param_array(&p, arr, CC_ARRAY_SIZE(arr));
	db_param_array(&p, NULL, 0);
	EXPECT(p.n == 8, "n = %d", p.n);
	EXPECT(!p.overflow, "overflow");
	EXPECT(p.v[0] == text, "text is passed by pointer");
	EXPECT(p.v[1] == NULL, "NULL stays SQL NULL");
	EXPECT(strcmp(p.v[2], "-9223372036854775808") == 0, "int %s",
	    p.v[2]);
	EXPECT(strcmp(p.v[3], "t") == 0 && strcmp(p.v[4], "f") == 0,
	    "bools %s %s", p.v[3], p.v[4]);
	EXPECT(strcmp(p.v[5], "\\x00abff") == 0, "bytea %s", p.v[5]);
	EXPECT(strcmp(p.v[6],
	    "{\"a\",\"say \\\"hi\\\"\",NULL,\"back\\\\slash\",\"\"}") == 0,
	    "array %s", p.v[6]);
	EXPECT(strcmp(p.v[7], "{}") == 0, "empty array %s", p.v[7]);
	db_params_release(&p);
	EXPECT(p.n == 0, "released");
}

static void
test_array_builder(void)
{
	struct db_params p;
	struct db_array a;

	db_params_init(&p);
	db_array_init(&a);
	db_array_add_int(&a, 42);
	db_array_add(&a, NULL);
	db_array_add_int(&a, -1);
	db_param_array_take(&p, &a);
	EXPECT(strcmp(p.v[0], "{\"42\",NULL,\"-1\"}") == 0, "ints %s",
	    p.v[0]);
	EXPECT(a.n == 0, "the array is released once taken");
	db_params_release(&p);
}

static void
test_overflow(void)
{
	struct db_params p;
	int i;

	db_params_init(&p);
	for (i = 0; i < DB_PARAMS_MAX; i++)
		db_param_int(&p, i);
	EXPECT(!p.overflow, "exactly DB_PARAMS_MAX fit");
	db_param_int(&p, 1);
	db_param(&p, "x");
	EXPECT(p.overflow, "one more overflows");
	EXPECT(p.n == DB_PARAMS_MAX, "n stays %d", p.n);
	/* db_run refuses it before reaching a connection. */
	EXPECT(db_run(NULL, "SELECT 1", &p) == NULL, "db_run refuses");
	db_params_release(&p);
}

static void
test_named_columns(void)
{
	PGresAttDesc att[2];
	PGresult *res;
	int64_t v = 0;

	memset(att, 0, sizeof(att));
	att[0].name = (char *)"id";
	att[1].name = (char *)"count";
	res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	CU_ASSERT_FATAL(res != NULL);
	CU_ASSERT_FATAL(PQsetResultAttrs(res, 2, att) != 0);
	CU_ASSERT_FATAL(PQsetvalue(res, 0, 0, (char *)"inv_1", 5) != 0);
	CU_ASSERT_FATAL(PQsetvalue(res, 0, 1, (char *)"12", 2) != 0);
	CU_ASSERT_FATAL(PQsetvalue(res, 1, 0, (char *)"inv_2", 5) != 0);
	CU_ASSERT_FATAL(PQsetvalue(res, 1, 1, NULL, -1) != 0);
	EXPECT(strcmp(db_val(res, 0, "id"), "inv_1") == 0, "row 0 id");
	EXPECT(strcmp(db_val(res, 1, "id"), "inv_2") == 0, "row 1 id");
	EXPECT(db_val(res, 1, "count") == NULL, "SQL NULL");
	EXPECT(db_val(res, 0, "nope") == NULL, "absent column");
	EXPECT(db_val_int64(res, 0, "count", &v) == 0 && v == 12,
	    "int64 %lld", (long long)v);
	EXPECT(db_val_int64(res, 1, "count", &v) == -1, "NULL int64");
	EXPECT(db_val_int64(res, 0, "id", &v) == -1, "text is no int64");
	PQclear(res);
}

static void
test_mask(void)
{
	static const struct {
		const char	*in, *want;
	} rows[] = {
		{ "", "" },
		{ "short words stay", "short words stay" },
		{ "Key (network, xpub)=(eth-anvil, "
		  "xpub6C8PpcQaDbhPQ4c6JbbKM1dQHnTkXVBVdg8u7uAsDNWMLcJjCk) "
		  "already exists.",
		  "Key (network, xpub)=(eth-anvil, xpub***) already exists." },
		{ "constraint \"wallets_network_xpub\"",
		  "constraint \"wallets_network_xpub\"" },
		{ "0123456789abcde", "0123456789abcde" },
		{ "0123456789abcdef", "0123***" },
		{ "a\\x00123456789abcdef0123z", "a\\x001***" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		cc_snprintf(buf, sizeof(buf), "%s", rows[i].in);
		db_mask_secrets(buf);
		EXPECT(strcmp(buf, rows[i].want) == 0, "row %zu: %s", i, buf);
	}
}

static const struct cu_test tests[] = {
	{ "db_params builder", test_params },
	{ "db_array builder", test_array_builder },
	{ "db_params overflow is refused", test_overflow },
	{ "db_val named columns", test_named_columns },
	{ "db_mask_secrets", test_mask },
};

int
main(void)
{
	return cu_run("db", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
