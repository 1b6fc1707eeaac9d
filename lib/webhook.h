/*
 * What webhook endpoints and deliveries share: the event names a merchant
 * may subscribe to, the retry schedule, and where a delivery may go (the
 * SSRF rule, applied when a URL is saved and again to the address every
 * request connects to).
 */
#ifndef CC_WEBHOOK_H
#define CC_WEBHOOK_H

#include "cc.h"
#include "netcheck.h"

struct cc_config;

#define WEBHOOK_MAX_ENDPOINTS	16	/* per merchant and mode */
#define WEBHOOK_MAX_ALLOWED_IPS	32	/* entries in allowed_ips */
#define WEBHOOK_MAX_RETRIES	20
#define WEBHOOK_MAX_TIMEOUT	60	/* seconds, whole request */
#define WEBHOOK_DEFAULT_RETRIES	5
#define WEBHOOK_DEFAULT_TIMEOUT	30
#define WEBHOOK_MAX_DELAY	(24 * 3600)	/* longest wait between tries */
#define WEBHOOK_RESPONSE_CAP	4096	/* response bytes read */
#define WEBHOOK_RESOLVE_MS	3000	/* DNS wait when a URL is saved */

/*
 * Milliseconds to wait before the next try after attempt (1-based) failed:
 * exponential unit * 2^(attempt-1) seconds, linear unit * attempt, capped
 * at WEBHOOK_MAX_DELAY, then jittered into [80%, 120%) by rnd (any 32-bit
 * random value); never less than 1000 (unit is at least 1 second).
 */
int64_t	webhook_backoff_ms(bool linear, int attempt, int unit, uint32_t rnd);

/*
 * May a delivery connect to addr? Public addresses always; any other
 * (loopback, private, link-local, CGNAT, multicast, metadata, reserved)
 * only when the endpoint's allowed_ips (ep, nep; may be NULL, 0) or the
 * operator's [webhooks] allowed_ips covers it.
 */
bool	webhook_addr_ok(const struct net_addr *, const struct net_cidr *ep,
	    size_t nep, const struct cc_config *);

/*
 * Checks a webhook URL when it is saved: http(s), a host, no credentials,
 * and the host allowed by webhook_addr_ok: a literal address, or with
 * resolve_names every address a name resolves to within WEBHOOK_RESOLVE_MS
 * (invoices do not resolve, to keep DNS out of invoice creation). A name
 * that does not resolve is accepted: every send checks the address it
 * connects to. Returns 0, or 1 with the reason in why, worded to follow
 * the field's name ("must use http or https", "localhost resolves to
 * 127.0.0.1, a loopback address; ...").
 */
int	webhook_check_url(const char *url, const struct net_cidr *ep,
	    size_t nep, const struct cc_config *, bool resolve_names,
	    char *why, size_t whylen);

#endif
