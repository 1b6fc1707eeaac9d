/*
 * Unit tests of lib/webhook.c's parts without DNS: retry delays, where a
 * delivery may connect, allowed_ips entries and URLs when they are saved.
 */
#include "cc.h"

#include <limits.h>

#include "cu_run.h"
#include "cu_net.h"

#include "config.h"
#include "netcheck.h"
#include "util.h"
#include "webhook.h"

/*
 * Retry delays in milliseconds: the base in seconds (exponential unit *
 * 2^(attempt-1), linear unit * attempt, capped at WEBHOOK_MAX_DELAY) times
 * (800 + rnd % 400), never under 1000. rnd 200 is the unjittered base.
 */
struct backoff_row {
	bool		 linear;
	int		 attempt;
	int		 unit;
	uint32_t	 rnd;
	int64_t		 want;
};

static const struct backoff_row backoff_rows[] = {
	{ false, 1, 60, 200, 60000 },
	{ false, 2, 60, 200, 120000 },
	{ false, 3, 60, 200, 240000 },
	{ false, 5, 60, 200, 960000 },
	{ false, 10, 60, 200, 30720000 },
	/* 60 * 2^11 = 122880 is past a day: capped. */
	{ false, 12, 60, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ false, 30, 1, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ false, 31, 60, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ false, 1000, 60, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ false, INT_MAX, INT_MAX, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ false, 30, INT_MAX, 200, WEBHOOK_MAX_DELAY * 1000LL },
	/* Jitter: 80% at rnd % 400 == 0, just under 120% at 399. */
	{ false, 1, 60, 0, 48000 },
	{ false, 1, 60, 400, 48000 },
	{ false, 1, 60, 399, 71940 },		/* 60 s * 1199 / 1000 */
	{ false, 1, 60, 799, 71940 },
	{ false, 1, 60, UINT32_MAX, 53700 },	/* % 400 = 95: 60 * 895 */
	{ false, 12, 60, 0, 69120000 },	/* 86400 s * 0.8 */
	{ false, 12, 60, 399, 103593600 },	/* 86400 s * 1.199 */
	/* Out of range inputs count as attempt 1, unit 1. */
	{ false, 0, 60, 200, 60000 },
	{ false, -5, 60, 200, 60000 },
	{ false, INT_MIN, 60, 200, 60000 },
	{ false, 3, 0, 200, 4000 },
	{ false, 3, -60, 200, 4000 },
	/* Never under a second, even at 80% of one. */
	{ false, 1, 1, 0, 1000 },
	{ true, 1, 1, 0, 1000 },
	{ true, 1, 60, 200, 60000 },
	{ true, 2, 60, 200, 120000 },
	{ true, 3, 60, 200, 180000 },
	{ true, 10, 60, 200, 600000 },
	{ true, 1440, 60, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ true, 1441, 60, 200, WEBHOOK_MAX_DELAY * 1000LL },
	{ true, 1439, 60, 200, 86340000 },
	{ true, INT_MAX, INT_MAX, 399, 103593600 },
	{ true, 3, 60, 0, 144000 },
	{ true, 0, 60, 200, 60000 },
	{ true, 2, 0, 200, 2000 },
};

static void
test_backoff(void)
{
	size_t i;
	int64_t got;

	for (i = 0; i < CC_ARRAY_SIZE(backoff_rows); i++) {
		const struct backoff_row *r = &backoff_rows[i];

		got = webhook_backoff_ms(r->linear, r->attempt, r->unit,
		    r->rnd);
		EXPECT(got == r->want, "backoff row %zu (%s, attempt %d, unit "
		    "%d, rnd %u): %lld, want %lld", i, r->linear ? "linear" :
		    "exponential", r->attempt, r->unit, (unsigned)r->rnd,
		    (long long)got, (long long)r->want);
	}
}

/*
 * Where a delivery may connect (webhook_addr_ok, called on every socket
 * cc-webhooks opens): the merchant's list narrows, even for public
 * addresses; a non-public address needs the operator's and the
 * merchant's list both; never metadata, unspecified or multicast.
 */
struct addr_ok_row {
	const char		*host;
	const char		*ep[MAX_ALLOWED];	/* NULL-terminated */
	const char		*cfg[MAX_ALLOWED];	/* NULL-terminated */
	enum net_verdict	 want;
};

#define LO	{ "127.0.0.1", NULL }

static const struct addr_ok_row addr_ok_rows[] = {
	/* Public, without a list. */
	{ "8.8.8.8", { NULL }, { NULL }, NET_OK },
	{ "2606:4700::1111", { NULL }, { NULL }, NET_OK },
	{ "::ffff:8.8.8.8", { NULL }, { NULL }, NET_OK },
	{ "8.8.8.8", { NULL }, { "10.0.0.0/8", NULL }, NET_OK },
	/* A list narrows: public addresses it leaves out are refused. */
	{ "8.8.8.8", { "8.8.8.0/24", NULL }, { NULL }, NET_OK },
	{ "8.8.4.4", { "8.8.8.0/24", NULL }, { NULL }, NET_UNLISTED },
	{ "8.8.8.8", { "10.0.0.0/8", NULL }, { "10.0.0.0/8", NULL },
	    NET_UNLISTED },
	/* Each non-public class: never by one side alone. */
	{ "127.0.0.1", { NULL }, { NULL }, NET_UNNAMED },
	{ "127.0.0.1", { NULL }, LO, NET_UNNAMED },
	{ "127.0.0.1", LO, { NULL }, NET_UNPERMITTED },
	{ "127.0.0.1", LO, LO, NET_OK },
	{ "0x7f.1", LO, LO, NET_OK },
	{ "::ffff:127.0.0.1", LO, LO, NET_OK },
	{ "127.0.0.3", { "127.0.0.3", NULL }, LO, NET_UNPERMITTED },
	{ "127.0.0.3", { "127.0.0.0/8", NULL }, LO, NET_UNPERMITTED },
	{ "127.0.0.2", LO, LO, NET_UNLISTED },
	{ "::1", LO, LO, NET_UNLISTED },
	{ "::1", { "::1", NULL }, LO, NET_UNPERMITTED },
	{ "64:ff9b::7f00:1", LO, LO, NET_UNLISTED },
	{ "2002:7f00:1::", { "2002::/16", NULL }, LO, NET_UNPERMITTED },
	{ "10.1.2.3", { NULL }, { "10.0.0.0/8", NULL }, NET_UNNAMED },
	{ "10.1.2.3", { "10.0.0.0/8", NULL }, { NULL }, NET_UNPERMITTED },
	{ "10.1.2.3", { "10.1.2.3", NULL }, { "10.0.0.0/8", NULL }, NET_OK },
	{ "::ffff:10.1.2.3", { "10.1.2.3", NULL }, { "10.0.0.0/8", NULL },
	    NET_OK },
	{ "10.1.2.4", { "10.1.2.3", NULL }, { "10.0.0.0/8", NULL },
	    NET_UNLISTED },
	{ "172.16.0.1", { "172.16.0.0/12", NULL }, { "192.168.0.0/16", NULL },
	    NET_UNPERMITTED },
	{ "192.168.1.1", { "192.168.1.0/24", NULL },
	    { "10.0.0.0/8", "192.168.0.0/16", NULL }, NET_OK },
	{ "169.254.1.1", { NULL }, { "169.254.1.0/24", NULL }, NET_UNNAMED },
	{ "169.254.1.1", { "169.254.1.1", NULL }, { "169.254.1.0/24", NULL },
	    NET_OK },
	{ "100.64.0.1", { "100.64.0.1", NULL }, { NULL }, NET_UNPERMITTED },
	{ "100.64.0.1", { "100.64.0.1", NULL }, { "100.64.0.0/16", NULL },
	    NET_OK },
	{ "192.0.2.1", { "192.0.2.1", NULL }, { NULL }, NET_UNPERMITTED },
	{ "fd12::1", { "fd12::/16", NULL }, { "fd12::/16", NULL }, NET_OK },
	{ "fd12::1", { NULL }, { "fd12::/16", NULL }, NET_UNNAMED },
	{ "fe80::1", { "fe80::/10", NULL }, { NULL }, NET_UNPERMITTED },
	/* Lists stored before this rule open nothing by themselves. */
	{ "127.0.0.1", { "0.0.0.0/0", NULL }, { NULL }, NET_UNPERMITTED },
	{ "10.1.2.3", { "0.0.0.0/0", NULL }, { NULL }, NET_UNPERMITTED },
	{ "::1", { "::/0", NULL }, { NULL }, NET_UNPERMITTED },
	/* Never, whatever either side says. */
	{ "169.254.169.254", { NULL }, { NULL }, NET_FORBIDDEN },
	{ "169.254.169.254", { "169.254.169.254", NULL },
	    { "169.254.169.254", NULL }, NET_FORBIDDEN },
	{ "100.100.100.200", { "0.0.0.0/0", NULL }, { "0.0.0.0/0", NULL },
	    NET_FORBIDDEN },
	{ "[fd00:ec2::254]", { "fd00::/8", NULL }, { "fd00::/8", NULL },
	    NET_FORBIDDEN },
	{ "0.0.0.0", { "0.0.0.0/0", NULL }, { "0.0.0.0/0", NULL },
	    NET_FORBIDDEN },
	{ "0", { NULL }, { NULL }, NET_FORBIDDEN },
	{ "::", { "::/0", NULL }, { "::/0", NULL }, NET_FORBIDDEN },
	{ "224.0.0.1", { "224.0.0.0/4", NULL }, { "224.0.0.0/4", NULL },
	    NET_FORBIDDEN },
	{ "ff02::1", { "ff00::/8", NULL }, { "ff00::/8", NULL },
	    NET_FORBIDDEN },
	{ "::ffff:169.254.169.254", { NULL }, { NULL }, NET_FORBIDDEN },
};

static void
test_addr_ok(void)
{
	struct cc_config cfg;
	struct net_cidr ep[MAX_ALLOWED];
	struct net_addr a;
	enum net_verdict v;
	char why[200];
	size_t i, n;
	bool got, told;

	for (i = 0; i < CC_ARRAY_SIZE(addr_ok_rows); i++) {
		const struct addr_ok_row *r = &addr_ok_rows[i];

		memset(&cfg, 0, sizeof(cfg));
		cfg.nwebhook_allowed = cidrs(r->cfg, cfg.webhook_allowed);
		n = cidrs(r->ep, ep);
		CU_ASSERT_EQUAL_FATAL(net_parse_host(r->host, &a), 0);
		v = net_dest_check(&a, cfg.webhook_allowed,
		    cfg.nwebhook_allowed, n > 0 ? ep : NULL, n);
		got = webhook_addr_ok(&a, n > 0 ? ep : NULL, n, &cfg);
		why[0] = '\0';
		told = webhook_addr_explain(&a, n > 0 ? ep : NULL, n, &cfg,
		    why, sizeof(why));
		EXPECT(v == r->want && got == (r->want == NET_OK) &&
		    told == got && (got || why[0] != '\0'), "addr_ok row "
		    "%zu (%s, %zu endpoint CIDRs, %zu operator CIDRs): "
		    "verdict %d, ok %d; want %d", i, r->host, n,
		    cfg.nwebhook_allowed, (int)v, got, (int)r->want);
	}
	EXPECT(net_dest_check(NULL, NULL, 0, NULL, 0) == NET_FORBIDDEN,
	    "NULL addr");
}

/* What webhook_addr_explain and webhook_check_allowed_ip say. */
struct explain_row {
	const char	*host;		/* or a CIDR, for allowed_ip rows */
	const char	*ep;		/* one endpoint CIDR or NULL */
	bool		 entry;		/* webhook_check_allowed_ip */
	const char	*want;
};

static const struct explain_row explain_rows[] = {
	{ "127.0.0.1", NULL, false, "127.0.0.1, a loopback address; "
	    "webhooks go only to public addresses unless allowed_ips lists "
	    "the address and the server's configuration permits it" },
	{ "8.8.4.4", "8.8.8.8", false,
	    "8.8.4.4, a public address that allowed_ips does not list" },
	{ "127.0.0.3", "127.0.0.3", false, "127.0.0.3, a loopback address "
	    "that the server's configuration does not permit" },
	{ "169.254.169.254", "169.254.169.254", false,
	    "169.254.169.254, a metadata address, where webhooks never go" },
	{ "0.0.0.0", NULL, false,
	    "0.0.0.0, an unspecified address, where webhooks never go" },
	{ "127.0.0.3", NULL, true, "is 127.0.0.3, a loopback address that "
	    "the server's configuration does not permit" },
	{ "169.254.169.254", NULL, true,
	    "is 169.254.169.254, a metadata address, where webhooks never "
	    "go" },
	{ "127.0.0.0/8", NULL, true, "(127.0.0.0/8) holds non-public "
	    "addresses outside what the server's configuration permits" },
	{ "::/0", NULL, true, "(::/0) holds metadata, unspecified or "
	    "multicast addresses, where webhooks never go" },
};

static void
test_explain(void)
{
	struct cc_config cfg;
	struct net_cidr ep, c;
	struct net_addr a;
	char why[300];
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("127.0.0.1",
	    &cfg.webhook_allowed[0]), 0);
	cfg.nwebhook_allowed = 1;
	for (i = 0; i < CC_ARRAY_SIZE(explain_rows); i++) {
		const struct explain_row *r = &explain_rows[i];

		why[0] = '\0';
		if (r->entry) {
			CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->host, &c), 0);
			EXPECT(webhook_check_allowed_ip(&c, &cfg, why,
			    sizeof(why)) == 1, "explain row %zu accepted", i);
		} else {
			if (r->ep != NULL)
				CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->ep,
				    &ep), 0);
			CU_ASSERT_EQUAL_FATAL(net_parse_host(r->host, &a), 0);
			EXPECT(!webhook_addr_explain(&a, &ep, r->ep != NULL,
			    &cfg, why, sizeof(why)), "explain row %zu "
			    "accepted", i);
		}
		EXPECT(strcmp(why, r->want) == 0, "explain row %zu: \"%s\", "
		    "want \"%s\"", i, why, r->want);
	}
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("127.0.0.1", &c), 0);
	EXPECT(webhook_check_allowed_ip(&c, &cfg, why, sizeof(why)) == 0,
	    "the operator's own address refused");
}

/*
 * URLs at save: an endpoint's (webhook_check_url with its
 * allowed_ips) and an invoice's (webhook_check_invoice_url, whose literal
 * host is its list), and webhook_url_allowlist, which cc-webhooks uses
 * for invoices at send time.
 */
struct url_row {
	const char	*url;
	const char	*ep[MAX_ALLOWED];	/* NULL-terminated */
	int		 endpoint;	/* webhook_check_url's answer */
	int		 invoice;	/* webhook_check_invoice_url's */
	size_t		 nlist;		/* webhook_url_allowlist's */
};

static const struct url_row url_rows[] = {
	{ "https://93.184.215.14/h", { NULL }, 0, 0, 1 },
	{ "https://93.184.215.14/h", { "93.184.215.0/24", NULL }, 0, 0, 1 },
	{ "https://93.184.215.14/h", { "8.8.8.8", NULL }, 1, 0, 1 },
	{ "http://127.0.0.1:9/", { NULL }, 1, 0, 1 },
	{ "http://127.0.0.1:9/", LO, 0, 0, 1 },
	{ "http://0x7f000001/", LO, 0, 0, 1 },
	{ "http://[::ffff:127.0.0.1]/", LO, 0, 0, 1 },
	{ "http://127.0.0.3/", { "127.0.0.3", NULL }, 1, 1, 1 },
	{ "http://[::1]/", { "::1", NULL }, 1, 1, 1 },
	{ "http://10.1.2.3/", { "10.1.2.3", NULL }, 1, 1, 1 },
	{ "http://169.254.169.254/", { "169.254.169.254", NULL }, 1, 1, 1 },
	{ "http://0.0.0.0/", { NULL }, 1, 1, 1 },
	/*
	 * Names: the endpoint's not resolved here (resolve_names false);
	 * the invoice's are, and .invalid never resolves (RFC 6761): it
	 * passes, for the send to check. No list. (test_ssrf refuses names
	 * that resolve to private addresses, on a real resolver.)
	 */
	{ "https://merchant.invalid/webhook", { NULL }, 0, 0, 0 },
	{ "http://vm.invalid:9/", { NULL }, 0, 0, 0 },
	/* localhost names are loopback (127.0.0.1 and ::1) without DNS. */
	{ "http://localhost:9/", { NULL }, 1, 1, 0 },
	{ "http://localhost:9/", LO, 1, 1, 0 },
	{ "http://a.localhost/", { NULL }, 1, 1, 0 },
	{ "http://A.LocalHost./", { NULL }, 1, 1, 0 },
	/* Ports: 80, 443 and the configuration's (9 here). */
	{ "https://93.184.215.14:443/h", { NULL }, 0, 0, 1 },
	{ "http://93.184.215.14:80/h", { NULL }, 0, 0, 1 },
	{ "https://93.184.215.14:80/h", { NULL }, 0, 0, 1 },
	{ "http://93.184.215.14:9/h", { NULL }, 0, 0, 1 },
	{ "https://93.184.215.14:8443/h", { NULL }, 1, 1, 1 },
	{ "http://93.184.215.14:22/h", { NULL }, 1, 1, 1 },
	{ "http://93.184.215.14:6379/h", { NULL }, 1, 1, 1 },
	{ "https://merchant.invalid:8080/webhook", { NULL }, 1, 1, 0 },
	{ "http://127.0.0.1:8080/", LO, 1, 1, 1 },
	{ "http://93.184.215.14:99999/h", { NULL }, 1, 1, 0 },
	/* Form. */
	{ "ftp://127.0.0.1/", LO, 1, 1, 1 },
	{ "http://user:pw@127.0.0.1/", LO, 1, 1, 1 },
	{ "not a url", { NULL }, 1, 1, 0 },
};

static void
test_check_url(void)
{
	struct cc_config cfg;
	struct net_cidr ep[MAX_ALLOWED], list[1];
	char why[256];
	size_t i, n, got;
	int e, v;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("127.0.0.1",
	    &cfg.webhook_allowed[0]), 0);
	cfg.nwebhook_allowed = 1;
	CU_ASSERT_EQUAL_FATAL(net_parse_ports("9", &cfg.webhook_ports[0]), 0);
	cfg.nwebhook_ports = 1;
	for (i = 0; i < CC_ARRAY_SIZE(url_rows); i++) {
		const struct url_row *r = &url_rows[i];

		n = cidrs(r->ep, ep);
		e = webhook_check_url(r->url, n > 0 ? ep : NULL, n, &cfg,
		    false, why, sizeof(why));
		v = webhook_check_invoice_url(r->url, &cfg, why, sizeof(why));
		got = webhook_url_allowlist(r->url, list);
		EXPECT(e == r->endpoint && v == r->invoice && got == r->nlist,
		    "url row %zu (%s): endpoint %d, invoice %d, list %zu; "
		    "want %d %d %zu", i, r->url, e, v, got, r->endpoint,
		    r->invoice, r->nlist);
	}
	EXPECT(webhook_url_allowlist("http://0x7f.1:8/x", list) == 1 &&
	    list[0].prefix == 32 && list[0].addr.bytes[0] == 127 &&
	    list[0].addr.bytes[3] == 1, "the literal's address, /32");
}

/*
 * What a send checks before connecting, whatever was stored: the form and
 * the port; addresses are the socket's business (open_socket).
 */
static void
test_check_url_form(void)
{
	static const struct {
		const char	*url;
		int		 rc;
		const char	*why;		/* part of the reason */
	} rows[] = {
		{ "https://merchant.com/webhook", 0, NULL },
		{ "http://127.0.0.1:9/x", 0, NULL },
		{ "http://169.254.169.254/", 0, NULL },
		{ "https://merchant.com:443/", 0, NULL },
		{ "https://merchant.com:8443/", 1, "port 8443 is not one" },
		{ "http://127.0.0.1:22/", 1, "port 22 is not one" },
		{ "file:///etc/passwd", 1, "http or https" },
		{ "dict://127.0.0.1:2628/", 1, "not dict" },
		{ "gopher://127.0.0.1:70/", 1, "not gopher" },
		{ "ftp://merchant.com/", 1, "not ftp" },
		{ "http://u:p@merchant.com/", 1, "credentials" },
		{ "http://256.1.1.1/", 1, "malformed host" },
		{ "not a url", 1, "absolute http or https" },
		{ "http:///hook", 1, "with a host" },
		{ "http://127.0.0.1./", 0, NULL },
	};
	struct cc_config cfg;
	char why[256];
	size_t i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(net_parse_ports("9", &cfg.webhook_ports[0]), 0);
	cfg.nwebhook_ports = 1;
	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		why[0] = '\0';
		rc = webhook_check_url_form(rows[i].url, &cfg, why,
		    sizeof(why));
		EXPECT(rc == rows[i].rc && (rc == 0 || strstr(why,
		    rows[i].why) != NULL), "form row %zu (%s): %d \"%s\"", i,
		    rows[i].url, rc, why);
	}
	EXPECT(webhook_port_ok(443, &cfg) && webhook_port_ok(9, &cfg) &&
	    !webhook_port_ok(10, &cfg), "webhook_port_ok");
}

/* The addresses a URL names without DNS, which a send checks first. */
static void
test_url_addresses(void)
{
	static const struct {
		const char	*url;
		size_t		 n;
		const char	*first, *second;
	} rows[] = {
		{ "http://127.0.0.1./x", 1, "127.0.0.1", NULL },
		{ "http://0x7f.1:9/", 1, "127.0.0.1", NULL },
		{ "http://[::ffff:a9fe:a9fe]/", 1, "::ffff:169.254.169.254",
		    NULL },
		{ "http://LOCALHOST./", 2, "127.0.0.1", "::1" },
		{ "http://shop.localhost:9/", 2, "127.0.0.1", "::1" },
		{ "https://merchant.com/", 0, NULL, NULL },
		{ "not a url", 0, NULL, NULL },
	};
	struct net_addr a[2];
	char t0[NET_ADDR_STRLEN], t1[NET_ADDR_STRLEN];
	size_t i, n;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		n = webhook_url_addresses(rows[i].url, a);
		t0[0] = t1[0] = '\0';
		if (n > 0)
			net_addr_str(&a[0], t0, sizeof(t0));
		if (n > 1)
			net_addr_str(&a[1], t1, sizeof(t1));
		EXPECT(n == rows[i].n && (n < 1 || strcmp(t0,
		    rows[i].first) == 0) && (n < 2 || strcmp(t1,
		    rows[i].second) == 0), "%s: %zu %s %s", rows[i].url, n,
		    t0, t1);
	}
}

static const struct cu_test tests[] = {
	{ "webhook_backoff_ms", test_backoff },
	{ "webhook_addr_ok and net_dest_check", test_addr_ok },
	{ "webhook_addr_explain and webhook_check_allowed_ip",
	    test_explain },
	{ "webhook_check_url, _invoice_url, webhook_url_allowlist",
	    test_check_url },
	{ "webhook_check_url_form and webhook_port_ok",
	    test_check_url_form },
	{ "webhook_url_addresses", test_url_addresses },
};

int
main(void)
{
	return cu_run("webhook", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
