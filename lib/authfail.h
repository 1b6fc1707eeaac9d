/*
 * The trace a failed authentication leaves, so that an admin sees key
 * guessing: an audit row (event auth.failed, no merchant, actor
 * "ip:<address>", the address, user agent and request id, details with
 * the reason and the presented key masked) and a log line. Never the
 * secret. The caller bounds how many are written (the failed-
 * authentication throttle of lib/ratelimit.h refuses an address past
 * [ratelimit] auth_failures before anything is looked up or written).
 */
#ifndef CC_AUTHFAIL_H
#define CC_AUTHFAIL_H

#include "cc.h"

#include "apikey.h"

struct db;
struct audit_actor;

/*
 * What of a presented credential may be shown: a well-formed API key
 * as apikey_mask does ("sk_test_***x7q"), another text that starts like
 * a key by its type prefix only ("sk_live_***"), a JWT as "jwt", and
 * anything else as "unrecognized". out >= APIKEY_MASK_LEN.
 */
void	authfail_mask(const char *presented, char *out, size_t outlen);

/*
 * Writes the audit row (when db is not NULL) and the log line. reason is
 * a short static text ("unknown_or_revoked_key"); throttled says this
 * failure filled the address's window. Returns 0, or -1 if the row
 * could not be written (logged).
 */
int	authfail_record(struct db *, const struct audit_actor *,
	    const char *reason, const char *presented, bool throttled);

#endif
