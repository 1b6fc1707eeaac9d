/*
 * What webhook endpoints and deliveries share: the retry schedule and
 * where a delivery may go (the SSRF rule, applied when a URL is saved and
 * again to the address every request connects to).
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
 * May a delivery to an endpoint connect to addr? The rule of
 * net_dest_check with the operator's [webhooks] allowed_ips and the
 * endpoint's (ep, nep; NULL, 0 when it has none): never metadata,
 * unspecified or multicast; with allowed_ips set, only the addresses it
 * lists; public addresses; any other (loopback, private, link-local,
 * CGNAT, reserved) only when the operator permits it AND allowed_ips
 * lists it. Called on every socket a delivery opens.
 */
bool	webhook_addr_ok(const struct net_addr *, const struct net_cidr *ep,
	    size_t nep, const struct cc_config *);
/*
 * The same, saying why not into why (when false): "127.0.0.3, a
 * loopback address that the server's configuration does not permit".
 */
bool	webhook_addr_explain(const struct net_addr *,
	    const struct net_cidr *ep, size_t nep, const struct cc_config *,
	    char *why, size_t whylen);

/*
 * The addresses a URL's host means without DNS: its literal address (1),
 * 127.0.0.1 and ::1 for a localhost name (2), none for another name or a
 * URL that does not parse (0). A send checks them before any request, so
 * that the refusal does not depend on how curl resolves "127.0.0.1." or
 * "LOCALHOST.".
 */
size_t	webhook_url_addresses(const char *url, struct net_addr out[2]);

/*
 * The allow list of a delivery to an invoice's own webhook_url, which has
 * no allowed_ips: the URL's host when it is an IP literal (naming an
 * address is choosing it), else none, so that a name reaches public
 * addresses only. Writes at most one CIDR to out; returns how many.
 */
size_t	webhook_url_allowlist(const char *url, struct net_cidr *out);

/*
 * May a merchant list cidr in an endpoint's allowed_ips (net_entry_check
 * with the operator's list)? 0, or 1 with why worded to follow the
 * entry's name: "is 127.0.0.3, a loopback address that the server's
 * configuration does not permit", "(0.0.0.0/0) holds metadata, ...".
 */
int	webhook_check_allowed_ip(const struct net_cidr *,
	    const struct cc_config *, char *why, size_t whylen);

/*
 * May a webhook connect to this TCP port? 80, 443 and the configuration's
 * [webhooks] allowed_ports (net_port_ok).
 */
bool	webhook_port_ok(long port, const struct cc_config *);
/* Why not, worded to follow the field's name ("port 22 is not one ..."). */
void	webhook_port_explain(long port, char *why, size_t whylen);

/*
 * Checks an endpoint's URL when it is saved: http(s), a host, no
 * credentials, the host allowed by webhook_addr_ok with ep, nep (a
 * literal address; a localhost name as 127.0.0.1 and ::1, which it
 * always means; with resolve_names every address another name resolves
 * to within WEBHOOK_RESOLVE_MS), and the port (the scheme's default when
 * the URL names none) allowed by webhook_port_ok. A name that does not
 * resolve is accepted: every send checks the address it connects to.
 * Returns 0, or 1 with the reason in why, worded to follow the field's
 * name ("must use http or https", "localhost resolves to 127.0.0.1, a
 * loopback address; ...", "port 22 is not one webhooks may use: ...").
 */
int	webhook_check_url(const char *url, const struct net_cidr *ep,
	    size_t nep, const struct cc_config *, bool resolve_names,
	    char *why, size_t whylen);
/*
 * The same for an invoice's webhook_url, whose allow list is
 * webhook_url_allowlist's: a literal non-public address passes only when
 * the operator permits it. A name is resolved (WEBHOOK_INVOICE_RESOLVE_MS
 * at most) and refused if any of its addresses is not public; the verdict
 * on a name is kept WEBHOOK_NAME_CACHE_S per process, since a merchant
 * names the same host on every invoice and invoice creation should not
 * wait for DNS each time. A name that does not resolve in time passes:
 * every send checks the address it connects to.
 */
#define WEBHOOK_INVOICE_RESOLVE_MS	1000
#define WEBHOOK_NAME_CACHE_S		60
int	webhook_check_invoice_url(const char *url, const struct cc_config *,
	    char *why, size_t whylen);
/*
 * What a send checks before any request, whatever was stored: the URL's
 * form (http or https, printable, a well-formed host, no credentials) and
 * its port. Addresses are checked on each socket (webhook_addr_ok) and,
 * for the ones a URL names without DNS, before it (webhook_url_addresses).
 * 0, or 1 with why filled as above.
 */
int	webhook_check_url_form(const char *url, const struct cc_config *,
	    char *why, size_t whylen);

#endif
