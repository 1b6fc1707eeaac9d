/* Webhook event names, retry schedule and destination checks. */
#include "cc.h"

#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "input.h"
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
	return net_dest_check(a, cfg->webhook_allowed, cfg->nwebhook_allowed,
	    ep, nep) == NET_OK;
}

bool
webhook_addr_explain(const struct net_addr *a, const struct net_cidr *ep,
    size_t nep, const struct cc_config *cfg, char *why, size_t whylen)
{
	enum net_verdict v;
	const char *cls, *tail;
	char txt[NET_ADDR_STRLEN];

	v = net_dest_check(a, cfg->webhook_allowed, cfg->nwebhook_allowed,
	    ep, nep);
	if (v == NET_OK)
		return true;
	switch (v) {
	case NET_UNLISTED:
		tail = " that allowed_ips does not list";
		break;
	case NET_UNNAMED:
		tail = "; webhooks go only to public addresses unless "
		    "allowed_ips lists the address and the server's "
		    "configuration permits it";
		break;
	case NET_UNPERMITTED:
		tail = " that the server's configuration does not permit";
		break;
	default:
		tail = ", where webhooks never go";
		break;
	}
	net_addr_str(a, txt, sizeof(txt));
	cls = net_class_name(net_classify(a));
	snprintf(why, whylen, "%s, %s %s address%s", txt,
	    strchr("aeiou", cls[0]) != NULL ? "an" : "a", cls, tail);
	return false;
}

int
webhook_check_allowed_ip(const struct net_cidr *cidr,
    const struct cc_config *cfg, char *why, size_t whylen)
{
	enum net_verdict v;
	const char *cls;
	char txt[NET_ADDR_STRLEN];
	bool one;

	v = net_entry_check(cidr, cfg->webhook_allowed, cfg->nwebhook_allowed);
	if (v == NET_OK)
		return 0;
	net_addr_str(&cidr->addr, txt, sizeof(txt));
	one = cidr->prefix == (cidr->addr.family == AF_INET ? 32 : 128);
	if (one) {
		cls = net_class_name(net_classify(&cidr->addr));
		snprintf(why, whylen, "is %s, %s %s address%s", txt,
		    strchr("aeiou", cls[0]) != NULL ? "an" : "a", cls,
		    v == NET_FORBIDDEN ? ", where webhooks never go" :
		    " that the server's configuration does not permit");
	} else if (v == NET_FORBIDDEN)
		snprintf(why, whylen, "(%s/%d) holds metadata, unspecified or "
		    "multicast addresses, where webhooks never go", txt,
		    cidr->prefix);
	else
		snprintf(why, whylen, "(%s/%d) holds non-public addresses "
		    "outside what the server's configuration permits", txt,
		    cidr->prefix);
	return 1;
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
	char msg[200];

	if (webhook_addr_explain(a, ep, nep, cfg, msg, sizeof(msg)))
		return 0;
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

/* Every address of host, waiting at most ms. */
static int
resolve(const char *host, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, int ms, char *why, size_t whylen)
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
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
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

/*
 * Verdicts on invoice webhook_url names (see webhook.h): a small table
 * by hash of the name, an entry overwritten by the next name that lands
 * on it. A changed configuration (SIGHUP restarts the program) starts
 * empty.
 */
#define NAME_CACHE_SLOTS	64
static struct name_verdict {
	char	 host[256];
	time_t	 until;
	int	 rc;
	char	 why[256];
} name_cache[NAME_CACHE_SLOTS];
static pthread_mutex_t name_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct name_verdict *
name_slot(const char *host)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	const char *p;

	for (p = host; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return &name_cache[h % NAME_CACHE_SLOTS];
}

static int
resolve_cached(const char *host, const struct cc_config *cfg, char *why,
    size_t whylen)
{
	struct name_verdict *v;
	time_t now = time(NULL);
	int rc;

	if (strlen(host) >= sizeof(v->host))
		return resolve(host, NULL, 0, cfg, WEBHOOK_INVOICE_RESOLVE_MS,
		    why, whylen);
	v = name_slot(host);
	pthread_mutex_lock(&name_cache_lock);
	if (strcmp(v->host, host) == 0 && now < v->until) {
		rc = v->rc;
		if (rc != 0)
			snprintf(why, whylen, "%s", v->why);
		pthread_mutex_unlock(&name_cache_lock);
		return rc;
	}
	pthread_mutex_unlock(&name_cache_lock);
	rc = resolve(host, NULL, 0, cfg, WEBHOOK_INVOICE_RESOLVE_MS, why,
	    whylen);
	pthread_mutex_lock(&name_cache_lock);
	snprintf(v->host, sizeof(v->host), "%s", host);
	v->until = now + WEBHOOK_NAME_CACHE_S;
	v->rc = rc;
	snprintf(v->why, sizeof(v->why), "%s", rc != 0 ? why : "");
	pthread_mutex_unlock(&name_cache_lock);
	return rc;
}

bool
webhook_port_ok(long port, const struct cc_config *cfg)
{
	return net_port_ok(port, cfg->webhook_ports, cfg->nwebhook_ports);
}

void
webhook_port_explain(long port, char *why, size_t whylen)
{
	snprintf(why, whylen, "port %ld is not one webhooks may use: 80, 443 "
	    "and the ports the server's configuration lists "
	    "([webhooks] allowed_ports)", port);
}

/*
 * The URL's scheme, host and port (the scheme's default when it names
 * none) into *scheme, *host (curl_free them) and *port: 0, or 1 with why
 * filled.
 */
static int
url_host(CURLU *u, const char *url, char **scheme, char **host, long *port,
    char *why, size_t whylen)
{
	char *user = NULL, *ptext = NULL, *end;
	int rc = 1;

	if (strlen(url) > CC_MAX_URL)
		return refuse(why, whylen, "must be at most 2048 bytes", "");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK) {
		refuse(why, whylen, "must be an absolute http or https "
		    "URL", "");
		goto out;
	}
	if (strcmp(*scheme, "http") != 0 && strcmp(*scheme, "https") != 0) {
		refuse(why, whylen, "must use http or https, not ", *scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		refuse(why, whylen, "must not contain credentials", "");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &ptext, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK) {
		refuse(why, whylen, "must name a port from 1 to 65535", "");
		goto out;
	}
	*port = strtol(ptext, &end, 10);
	if (*end != '\0' || *port < 1 || *port > 65535) {
		refuse(why, whylen, "must name a port from 1 to 65535", "");
		goto out;
	}
	rc = 0;
out:
	curl_free(ptext);
	curl_free(user);
	return rc;
}

/* The loopback addresses that a localhost name always means. */
static int
check_localhost(const char *host, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, char *why, size_t whylen)
{
	struct net_addr a;

	if (net_parse_host("127.0.0.1", &a) != 0)
		abort();
	if (check_addr(&a, host, ep, nep, cfg, why, whylen) != 0)
		return 1;
	if (net_parse_host("::1", &a) != 0)
		abort();
	return check_addr(&a, host, ep, nep, cfg, why, whylen);
}

/*
 * Both URL checks. own_host: the URL's literal host is its allow list
 * (an invoice's webhook_url), and ep, nep are ignored. Literal addresses
 * and localhost names are checked before the port, names that need DNS
 * after it (no lookup for a URL refused anyway).
 */
static int
check_url(const char *url, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, bool resolve_names, bool own_host,
    char *why, size_t whylen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	struct net_cidr lit;
	struct net_addr a;
	long port = 0;
	int rc = 1, kind;

	u = curl_url();
	if (u == NULL)
		abort();
	if (url_host(u, url, &scheme, &host, &port, why, whylen) != 0)
		goto out;
	kind = net_parse_host(host, &a);
	if (kind == -1) {
		refuse(why, whylen, "has a malformed host: ", host);
		goto out;
	}
	if (kind == 0) {
		if (own_host) {
			memset(&lit, 0, sizeof(lit));
			lit.addr = a;
			lit.prefix = a.family == AF_INET ? 32 : 128;
			ep = &lit;
			nep = 1;
		}
		if (check_addr(&a, NULL, ep, nep, cfg, why, whylen) != 0)
			goto out;
	} else if (net_is_localhost_name(host)) {
		if (check_localhost(host, own_host ? NULL : ep, own_host ? 0 :
		    nep, cfg, why, whylen) != 0)
			goto out;
	}
	if (!webhook_port_ok(port, cfg)) {
		webhook_port_explain(port, why, whylen);
		goto out;
	}
	rc = 0;
	if (kind == 1 && resolve_names && !net_is_localhost_name(host))
		rc = own_host ? resolve_cached(host, cfg, why, whylen) :
		    resolve(host, ep, nep, cfg, WEBHOOK_RESOLVE_MS, why,
		    whylen);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int
webhook_check_url_form(const char *url, const struct cc_config *cfg,
    char *why, size_t whylen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	struct net_addr a;
	long port = 0;
	int rc = 1;

	u = curl_url();
	if (u == NULL)
		abort();
	if (url_host(u, url, &scheme, &host, &port, why, whylen) != 0)
		goto out;
	if (net_parse_host(host, &a) == -1) {
		refuse(why, whylen, "has a malformed host: ", host);
		goto out;
	}
	if (!input_url_ok(url)) {
		refuse(why, whylen, "must be an absolute http or https URL of "
		    "printable characters with a host", "");
		goto out;
	}
	if (!webhook_port_ok(port, cfg)) {
		webhook_port_explain(port, why, whylen);
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int
webhook_check_url(const char *url, const struct net_cidr *ep, size_t nep,
    const struct cc_config *cfg, bool resolve_names, char *why,
    size_t whylen)
{
	return check_url(url, ep, nep, cfg, resolve_names, false, why,
	    whylen);
}

int
webhook_check_invoice_url(const char *url, const struct cc_config *cfg,
    char *why, size_t whylen)
{
	return check_url(url, NULL, 0, cfg, true, true, why, whylen);
}

size_t
webhook_url_addresses(const char *url, struct net_addr out[2])
{
	CURLU *u;
	char *host = NULL;
	size_t n = 0;

	u = curl_url();
	if (u == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	switch (net_parse_host(host, &out[0])) {
	case 0:
		n = 1;
		break;
	case 1:
		if (net_is_localhost_name(host) &&
		    net_parse_host("127.0.0.1", &out[0]) == 0 &&
		    net_parse_host("::1", &out[1]) == 0)
			n = 2;
		break;
	default:
		break;
	}
out:
	curl_free(host);
	curl_url_cleanup(u);
	return n;
}

size_t
webhook_url_allowlist(const char *url, struct net_cidr *out)
{
	CURLU *u;
	char *host = NULL;
	struct net_addr a;
	size_t n = 0;

	u = curl_url();
	if (u == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    net_parse_host(host, &a) == 0) {
		memset(out, 0, sizeof(*out));
		out->addr = a;
		out->prefix = a.family == AF_INET ? 32 : 128;
		n = 1;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return n;
}
