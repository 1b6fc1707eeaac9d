/* The audit row and log line of a failed authentication. */
#include "cc.h"

#include "audit.h"
#include "authfail.h"
#include "jsonx.h"
#include "log.h"

void
authfail_mask(const char *presented, char *out, size_t outlen)
{
	const char *best = NULL, *p;
	size_t n, bestn = 0, len = strlen(presented);
	int t;

	for (t = 0; t < APIKEY__MAX; t++) {
		p = apikey_prefix((enum apikey_type)t);
		n = strlen(p);
		if (n > bestn && strncmp(presented, p, n) == 0) {
			best = p;
			bestn = n;
		}
	}
	if (best != NULL && apikey_syntax_ok(presented))
		apikey_mask(best, presented + len - 3, out, outlen);
	else if (best != NULL)
		snprintf(out, outlen, "%s***", best);
	else if (strncmp(presented, "eyJ", 3) == 0)
		snprintf(out, outlen, "jwt");
	else
		snprintf(out, outlen, "unrecognized");
}

int
authfail_record(struct db *db, const struct audit_actor *who,
    const char *reason, const char *presented, bool throttled)
{
	char masked[APIKEY_MASK_LEN];
	json_object *d;
	int rc = 0;

	authfail_mask(presented, masked, sizeof(masked));
	log_warn("%s: authentication failed from %s: %s, key %s%s",
	    who->request_id ? who->request_id : "-", who->ip ? who->ip : "-",
	    reason, masked, throttled ? "; the address is refused until its "
	    "auth_failures window frees" : "");
	if (db == NULL)
		return -1;
	d = json_object_new_object();
	jsonx_add_str(d, "reason", reason);
	jsonx_add_str(d, "key", masked);
	jsonx_add(d, "throttled", json_object_new_boolean(throttled));
	rc = audit_write(db, who, AUDIT_AUTH_FAILED, NULL, NULL, d);
	json_object_put(d);
	return rc;
}
