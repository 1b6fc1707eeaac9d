/* Webhook event names, retry schedule and destination checks. */
#include "cc.h"

#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "util.h"
#include "webhook.h"

int64_t
webhook_backoff_ms(bool linear, int attempt, int unit, uint32_t rnd)
{
	int64_t d;

	if (attempt < 1)
		attempt = 1;
	if (unit < 1)
		unit = 1;
	if (linear)
		d = (int64_t)unit * attempt;
	else if (attempt > 30)
		d = WEBHOOK_MAX_DELAY;
	else
		d = (int64_t)unit << (attempt - 1);
	if (d > WEBHOOK_MAX_DELAY)
		d = WEBHOOK_MAX_DELAY;
	/* [80%, 120%) in steps of 0.1%, in milliseconds. */
	d = d * (800 + (int64_t)(rnd % 400));
	return d < 1000 ? 1000 : d;
}

bool
webhook_addr_ok(const struct net_addr *a, const struct net_cidr *ep,
    size_t nep, const struct cc_config *cfg)
{
	return net_allowed(a, ep, nep) || net_allowed(a,
	    cfg->webhook_allowed, cfg->nwebhook_allowed);
}

static int
refuse(char *why, size_t whylen, const char *msg, const char *arg)
{
	snprintf(why, whylen, "%s%s", msg, arg);
	return 1;
}

/* host is NULL for a literal address, else the name that led to a. */
static int
check_addr(const struct net_addr *a, const char *host,
    const struct net_cidr *ep, size_t nep, const struct cc_config *cfg,
    char *why, size_t whylen)
{
	char txt[NET_ADDR_STRLEN], msg[160];

	if (webhook_addr_ok(a, ep, nep, cfg))
		return 0;
	net_addr_str(a, txt, sizeof(txt));
	snprintf(msg, sizeof(msg), "%s, a %s address; webhooks go only to "
	    "public addresses unless allowed_ips covers them", txt,
	    net_class_name(net_classify(a)));
	if (host == NULL)
		return refuse(why, whylen, "the host is ", msg);
	snprintf(why, whylen, "%s resolves to %s", host, msg);
	return 1;
}

/*
 * One lookup and everything glibc reads while it runs. The caller may stop
 * waiting (WEBHOOK_RESOLVE_MS) while glibc still owns the request, so two
 * references are held, the caller's and the completion notification's,
 * and whichever lets go last frees it: a slow resolver costs no memory.
 */
struct lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	struct sigevent	 sev;
	atomic_int	 refs;
	char		 host[];
};

static void
lookup_unref(struct lookup *l)
{
	if (atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}

/* glibc runs this in a thread of its own once the lookup has ended. */
static void
lookup_done(union sigval sv)
{
	lookup_unref(sv.sival_ptr);
}

/* Every address of host, waiting at most WEBHOOK_RESOLVE_MS. */
static int
resolve(const char *host, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, char *why, size_t whylen)
{
	struct addrinfo *ai;
	struct gaicb *req;
	struct lookup *l;
	struct timespec ts;
	int rc;

	l = xcalloc(1, sizeof(*l) + strlen(host) + 1);
	memcpy(l->host, host, strlen(host) + 1);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->cb.ar_name = l->host;
	l->cb.ar_request = &l->hints;
	l->sev.sigev_notify = SIGEV_THREAD;
	l->sev.sigev_notify_function = lookup_done;
	l->sev.sigev_value.sival_ptr = l;
	atomic_init(&l->refs, 2);
	req = &l->cb;
	if (getaddrinfo_a(GAI_NOWAIT, &req, 1, &l->sev) != 0) {
		free(l);	/* queued nothing: no notification */
		return 0;
	}
	ts.tv_sec = WEBHOOK_RESOLVE_MS / 1000;
	ts.tv_nsec = (WEBHOOK_RESOLVE_MS % 1000) * 1000000L;
	(void)gai_suspend((const struct gaicb *const *)&req, 1, &ts);
	rc = gai_error(req);
	if (rc == EAI_INPROGRESS) {
		/* A request taken off the queue is never notified. */
		if (gai_cancel(req) == EAI_CANCELED)
			lookup_unref(l);
		lookup_unref(l);
		return 0;	/* checked again when sending */
	}
	if (rc != 0) {
		lookup_unref(l);
		return 0;	/* checked again when sending */
	}
	rc = 0;
	for (ai = req->ar_result; ai != NULL && rc == 0; ai = ai->ai_next) {
		struct net_addr a;

		if (net_addr_from_sockaddr(ai->ai_addr, &a) == 0)
			rc = check_addr(&a, host, ep, nep, cfg, why, whylen);
	}
	lookup_unref(l);
	return rc;
}

int
webhook_check_url(const char *url, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, bool resolve_names, char *why,
    size_t whylen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL;
	struct net_addr a;
	int rc = 1;

	if (strlen(url) > CC_MAX_URL)
		return refuse(why, whylen, "must be at most 2048 bytes", "");
	u = curl_url();
	if (u == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		refuse(why, whylen, "must be an absolute http or https "
		    "URL", "");
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		refuse(why, whylen, "must use http or https, not ",
		    scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		refuse(why, whylen, "must not contain credentials", "");
		goto out;
	}
	switch (net_parse_host(host, &a)) {
	case 0:
		rc = check_addr(&a, NULL, ep, nep, cfg, why, whylen);
		break;
	case 1:
		rc = resolve_names ? resolve(host, ep, nep, cfg, why,
		    whylen) : 0;
		break;
	default:
		refuse(why, whylen, "has a malformed host: ", host);
		break;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}
