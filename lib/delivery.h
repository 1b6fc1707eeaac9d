/*
 * Webhook delivery, the engine cc-webhooks loops over: it claims due
 * deliveries, sends them concurrently with the libcurl multi interface,
 * judges each answer and records the results.
 *
 * A claim takes the oldest due deliveries with FOR UPDATE SKIP LOCKED, at
 * most [webhooks] per_endpoint in flight per destination (counting what
 * other workers hold), and moves each one's next_attempt_at past the
 * request's timeout: a lease. A worker that dies mid-request leaves the
 * delivery to whichever run comes next once the lease ends; a live worker
 * is never raced, so two workers never send one attempt twice. Results are
 * recorded as requests finish (all that finished together in one
 * statement), so a slow endpoint delays no other.
 *
 * Safety: every address curl is about to connect to passes through the
 * open-socket callback, which asks webhook_addr_ok about the address
 * itself, so a name that resolved to a public address when the endpoint
 * was saved cannot later lead to a private one (DNS rebinding). Redirects
 * are not followed, proxies from the environment are not used, the
 * response is read up to WEBHOOK_RESPONSE_CAP bytes, and the endpoint's
 * timeout covers the whole request.
 */
#ifndef CC_DELIVERY_H
#define CC_DELIVERY_H

#include "cc.h"

#include <curl/curl.h>

struct cc_config;
struct db;
struct net_cidr;

struct delivery;

/*
 * An engine sending through db with cfg's [webhooks] settings (both must
 * outlive it). The caller runs curl_global_init first. NULL if curl
 * cannot make a multi handle.
 */
struct delivery	*delivery_new(struct db *, const struct cc_config *);
/*
 * Frees the engine; requests still in flight are abandoned (their leases
 * bring them back to the next run).
 */
void		 delivery_free(struct delivery *);

/*
 * Claims up to room due deliveries and starts their requests. Returns how
 * many were claimed (a full claim may leave more due behind it), or -1.
 */
int		 delivery_claim(struct delivery *, int room);
/* Requests in flight. */
int		 delivery_inflight(const struct delivery *);
/*
 * Lets curl work without blocking, then records the requests that
 * finished; returns how many did (each frees a slot the per-endpoint cap
 * may have held a delivery back for). A retry scheduled here moves
 * *next_retry (delivery_clock_us) earlier if it comes due sooner.
 */
int		 delivery_run(struct delivery *, int64_t *next_retry);
/*
 * Waits up to timeout_ms for network activity of the requests, or for
 * input on fd (-1: none), e.g. db_socket.
 */
void		 delivery_wait(struct delivery *, int fd, int timeout_ms);
/* The clock of delivery_run's retry times: monotonic microseconds. */
int64_t		 delivery_clock_us(void);

/* --- the pure parts, for the tests ----------------------------------- */

/* What an attempt was, besides the answer it got. */
struct delivery_try {
	int		 attempt;	/* 1-based, this one */
	int		 max_retries;
	bool		 linear;	/* backoff; else exponential */
	int		 timeout;	/* seconds, the whole request */
};

/* How the request ended, as curl and the open-socket callback say. */
struct delivery_answer {
	long		 code;		/* HTTP status; 0: no response */
	CURLcode	 result;
	bool		 capped;	/* the response passed the cap */
	const char	*blocked;	/* why the address was refused or "" */
	const char	*curl_error;	/* curl's error buffer, may be "" */
};

struct delivery_verdict {
	bool		 ok;		/* delivered */
	bool		 last;		/* failed for good */
	char		 err[300];	/* why not ok ("" if ok) */
	int64_t		 delay_ms;	/* until the retry, if neither */
};

/*
 * Judges an answer. A 2xx is delivered, also when its body passed
 * WEBHOOK_RESPONSE_CAP (read up to the cap); anything else fails this
 * attempt, for good once attempt is 1 + max_retries. The error names the
 * refusal, the timeout, curl's error, a redirect or the status, in that
 * order. The retry delay is webhook_backoff_ms(linear, attempt, unit,
 * rnd), computed in every case.
 */
void		 delivery_judge(const struct delivery_try *,
		    const struct delivery_answer *, int unit, uint32_t rnd,
		    struct delivery_verdict *);

/*
 * The request headers of one attempt: JSON body, signed with secret at
 * time t (unix seconds), naming the webhook (hook_id), the event, the
 * delivery (whd_) and which attempt of it this is (1-based: a receiver
 * sees one attempt number at most once per delivery, since the claim
 * counts it before the request leaves), and no 100-continue round trip.
 * NULL if out of memory; the caller frees it with curl_slist_free_all.
 */
struct curl_slist *delivery_headers(const char *secret, int64_t t,
		    const char *body, size_t len, const char *hook_id,
		    const char *event, const char *delivery_id, int attempt);

/*
 * The endpoint's allowed_ips as the claim reads them ("10.0.0.0/8
 * 192.168.1.5", already checked when saved) into at most max entries;
 * an entry that does not parse is skipped. Returns how many.
 */
size_t		 delivery_parse_allowed(const char *list, struct net_cidr *,
		    size_t max);

#endif
