/*
 * Unit tests of lib/clientip.c: which address a per-client limit counts
 * by, from REMOTE_ADDR, X-Forwarded-For and the trusted proxies.
 */
#include "cc.h"

#include "cu_run.h"

#include "clientip.h"

static void
cidrs(const char *const *text, struct net_cidr *out, size_t *n)
{
	*n = 0;
	for (; *text != NULL; text++)
		if (net_parse_cidr(*text, &out[(*n)++]) == -1)
			CU_FAIL("bad CIDR in the table");
}

static void
test_resolve(void)
{
	static const char *const trusted_text[] = { "127.0.0.1",
	    "10.0.0.0/8", "fd00::/8", NULL };
	static const struct {
		const char	*name;
		const char	*remote, *xff, *want;
	} t[] = {
		{ "no proxy, no header", "198.51.100.7", NULL,
		    "198.51.100.7" },
		/* The client's own header is its word: ignored. */
		{ "untrusted peer's header ignored", "198.51.100.7",
		    "203.0.113.9", "198.51.100.7" },
		{ "untrusted peer, loopback spoof", "203.0.113.5",
		    "127.0.0.1", "203.0.113.5" },
		{ "trusted proxy, one hop", "127.0.0.1", "203.0.113.9",
		    "203.0.113.9" },
		{ "spoof then real", "127.0.0.1", "192.0.2.66, 203.0.113.9",
		    "203.0.113.9" },
		{ "two trusted proxies", "127.0.0.1",
		    "192.0.2.66, 203.0.113.9, 10.1.2.3", "203.0.113.9" },
		{ "no spaces", "10.9.9.9", "192.0.2.66,203.0.113.9",
		    "203.0.113.9" },
		{ "all trusted: the leftmost", "127.0.0.1",
		    "10.0.0.1, 10.0.0.2", "10.0.0.1" },
		{ "trusted proxy, no header", "127.0.0.1", NULL,
		    "127.0.0.1" },
		{ "empty header", "127.0.0.1", "", "127.0.0.1" },
		{ "malformed entry", "127.0.0.1", "203.0.113.9, bogus",
		    "127.0.0.1" },
		{ "malformed left of the client is never read", "127.0.0.1",
		    "bogus, 203.0.113.9", "203.0.113.9" },
		{ "empty entry", "127.0.0.1", "203.0.113.9,, 10.0.0.1",
		    "127.0.0.1" },
		{ "trailing comma", "127.0.0.1", "203.0.113.9,",
		    "127.0.0.1" },
		{ "port", "127.0.0.1", "203.0.113.9:5555", "127.0.0.1" },
		{ "brackets", "127.0.0.1", "[2001:db8::1]", "127.0.0.1" },
		{ "IPv6 client", "127.0.0.1", "2001:db8:1:2::77",
		    "2001:db8:1:2::77" },
		{ "zone id", "127.0.0.1", "fe80::1%eth0", "127.0.0.1" },
		{ "short IPv4 form", "127.0.0.1", "127.1", "127.0.0.1" },
		{ "IPv4-mapped", "127.0.0.1", "::ffff:203.0.113.9",
		    "203.0.113.9" },
		{ "IPv4-mapped REMOTE_ADDR is trusted", "::ffff:127.0.0.1",
		    "203.0.113.9", "203.0.113.9" },
		{ "IPv6 proxy", "fd00::5", "203.0.113.9", "203.0.113.9" },
		{ "tabs", "127.0.0.1", "\t203.0.113.9\t", "203.0.113.9" },
	};
	struct net_cidr trusted[8];
	struct net_addr a;
	char got[NET_ADDR_STRLEN];
	size_t n, i;

	cidrs(trusted_text, trusted, &n);
	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		EXPECT(clientip_resolve(t[i].remote, t[i].xff, trusted, n,
		    &a) == 0, "%s: rc", t[i].name);
		net_addr_str(&a, got, sizeof(got));
		check_str("resolve", t[i].name, got, t[i].want);
	}
	/* No trusted proxies: the header never counts. */
	EXPECT(clientip_resolve("127.0.0.1", "203.0.113.9", trusted, 0,
	    &a) == 0, "none trusted");
	net_addr_str(&a, got, sizeof(got));
	check_str("resolve", "none trusted", got, "127.0.0.1");
	EXPECT(clientip_resolve(NULL, "203.0.113.9", trusted, n, &a) == -1,
	    "no REMOTE_ADDR");
	EXPECT(clientip_resolve("unix:", NULL, trusted, n, &a) == -1,
	    "bad REMOTE_ADDR");
}

static void
test_many_hops(void)
{
	struct net_cidr trusted[1];
	struct net_addr a;
	char xff[1024] = "203.0.113.9", got[NET_ADDR_STRLEN];
	int i;

	EXPECT(net_parse_cidr("10.0.0.0/8", &trusted[0]) == 0, "cidr");
	/* The client, then 31 trusted hops: 32 entries are read. */
	for (i = 0; i < CLIENTIP_MAX_HOPS - 1; i++)
		snprintf(xff + strlen(xff), sizeof(xff) - strlen(xff),
		    ", 10.0.0.%d", i + 1);
	clientip_resolve("10.0.0.1", xff, trusted, 1, &a);
	net_addr_str(&a, got, sizeof(got));
	check_str("hops", "32", got, "203.0.113.9");
	/* One more is too many: the peer's own address. */
	snprintf(xff + strlen(xff), sizeof(xff) - strlen(xff), ", 10.0.0.99");
	clientip_resolve("10.0.0.1", xff, trusted, 1, &a);
	net_addr_str(&a, got, sizeof(got));
	check_str("hops", "33", got, "10.0.0.1");
}

static void
test_key(void)
{
	static const struct {
		const char	*addr, *key;
	} t[] = {
		{ "203.0.113.9", "203.0.113.9" },
		{ "2001:db8:1:2::77", "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64" },
		{ "::ffff:192.0.2.1", "192.0.2.1" },
		{ "::1", "::/64" },
	};
	struct net_addr a;
	char key[CLIENTIP_KEY_LEN];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		EXPECT(clientip_parse(t[i].addr, strlen(t[i].addr), &a) == 0,
		    "%s parses", t[i].addr);
		clientip_key(&a, key, sizeof(key));
		check_str("key", t[i].addr, key, t[i].key);
	}
}

static void
test_listed(void)
{
	static const char *const exempt_text[] = { "192.0.2.7",
	    "2001:db8:5::/48", NULL };
	static const struct {
		const char	*addr;
		bool		 listed;
	} t[] = {
		{ "192.0.2.7", true },
		{ "192.0.2.8", false },
		{ "::ffff:192.0.2.7", true },
		{ "2001:db8:5:1::1", true },
		{ "2001:db8:6::1", false },
	};
	struct net_cidr list[4];
	struct net_addr a;
	size_t n, i;

	cidrs(exempt_text, list, &n);
	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		EXPECT(clientip_parse(t[i].addr, strlen(t[i].addr), &a) == 0,
		    "%s parses", t[i].addr);
		EXPECT(clientip_listed(&a, list, n) == t[i].listed,
		    "%s listed", t[i].addr);
	}
}

static const struct cu_test tests[] = {
	{ "REMOTE_ADDR and X-Forwarded-For", test_resolve },
	{ "at most 32 hops", test_many_hops },
	{ "the key of an address", test_key },
	{ "exempt lists", test_listed },
};

int
main(void)
{
	return cu_run("clientip", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
