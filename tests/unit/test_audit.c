/*
 * Unit tests of lib/audit.c: the event name table, and the row that
 * AUDIT_INSERT reads, whose keys must be exactly the columns the fragment
 * inserts (a key missing from either side would insert NULL silently).
 */
#include "cc.h"

#include "audit.h"
#include "cu_run.h"
#include "ids.h"
#include "util.h"

static void
test_event_names(void)
{
	const char *a, *b;
	int i, j;

	for (i = 0; i < AUDIT__MAX; i++) {
		a = audit_event_name(i);
		EXPECT(a != NULL && strchr(a, '.') != NULL, "event %d: %s",
		    i, a ? a : "(null)");
		for (j = 0; j < i; j++) {
			b = audit_event_name(j);
			EXPECT(a == NULL || b == NULL || strcmp(a, b) != 0,
			    "events %d and %d share %s", i, j, a);
		}
	}
	EXPECT(audit_event_name(AUDIT__MAX) == NULL, "out of range");
	EXPECT(strcmp(audit_event_name(AUDIT_WALLET_ADDED),
	    "wallet.added") == 0, "wallet.added");
}

/* The row's keys, in order, are AUDIT_COLUMNS. */
static void
test_row_keys(void)
{
	static const char columns[] = AUDIT_COLUMNS;
	const struct audit_actor who = { "admin:test", "192.0.2.1", "ua",
	    "req_1" };
	char copy[sizeof(columns)], *tok, *save = NULL;
	struct audit_row row;
	json_object *d, *v;
	size_t n = 0;

	d = json_object_new_object();
	json_object_object_add(d, "key", json_object_new_string("k"));
	audit_row_init(&row, &who, AUDIT_API_KEY_REVOKED, "mer_x", NULL, d);
	EXPECT(ids_valid("audit_", row.id), "id %s", row.id);
	cc_strlcpy(copy, columns, sizeof(copy));
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		EXPECT(json_object_object_get_ex(row.json, tok, NULL),
		    "the row has no key %s", tok);
		n++;
	}
	EXPECT((size_t)json_object_object_length(row.json) == n,
	    "%d keys for %zu columns", json_object_object_length(row.json),
	    n);
	json_object_object_get_ex(row.json, "event", &v);
	EXPECT(strcmp(json_object_get_string(v), "api_key.revoked") == 0,
	    "event %s", json_object_get_string(v));
	json_object_object_get_ex(row.json, "invoice_id", &v);
	EXPECT(v == NULL, "NULL stays JSON null");
	json_object_object_get_ex(row.json, "ip_address", &v);
	EXPECT(strcmp(json_object_get_string(v), "192.0.2.1") == 0, "ip");
	EXPECT(strstr(audit_row_text(&row), "\"details\":{\"key\":\"k\"}") !=
	    NULL, "details %s", audit_row_text(&row));
	audit_row_release(&row);
	/* details is only referenced: the caller's reference still holds. */
	EXPECT(json_object_object_length(d) == 1, "details still alive");
	json_object_put(d);

	audit_row_init(&row, &who, AUDIT_MERCHANT_CREATED, NULL, NULL, NULL);
	EXPECT(strstr(audit_row_text(&row), "\"details\":{}") != NULL,
	    "no details is {}: %s", audit_row_text(&row));
	audit_row_release(&row);
}

static void
test_fragment(void)
{
	static const char one[] = AUDIT_INSERT("$1");
	static const char from[] = AUDIT_INSERT_FROM("upd", "$7");

	EXPECT(strstr(one, "INSERT INTO audit_log (" AUDIT_COLUMNS ")") ==
	    one, "%s", one);
	EXPECT(strstr(one, "jsonb_populate_record(NULL::audit_log, "
	    "($1)::jsonb) r") != NULL, "%s", one);
	EXPECT(strstr(from, " FROM upd, jsonb_populate_record(") != NULL,
	    "%s", from);
}

static const struct cu_test tests[] = {
	{ "audit event names", test_event_names },
	{ "audit row keys are the inserted columns", test_row_keys },
	{ "audit SQL fragments", test_fragment },
};

int
main(void)
{
	return cu_run("audit", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
