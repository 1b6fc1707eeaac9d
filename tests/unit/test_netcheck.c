/*
 * Table-driven unit tests of lib/netcheck.c (host literals, address
 * classes, CIDRs, the two-party rule of where a webhook may go),
 * lib/webhook.c's parts without DNS (retry delays, where a delivery may
 * connect, allowed_ips entries and URLs at save), [webhooks] allowed_ips
 * in lib/config.c, lib/webhook_endpoint.c's body parser, and lib/whsig.c
 * (webhook signatures). Expected addresses are worked out by hand from
 * inet_aton(3) rules; HMAC values come from openssl dgst, with the
 * command beside each.
 */
#include "cc.h"

#include <arpa/inet.h>
#include <limits.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "config.h"
#include "invoice_input.h"
#include "jsonx.h"
#include "netcheck.h"
#include "util.h"
#include "webhook.h"
#include "webhook_endpoint.h"
#include "whsig.h"

#define MAX_ALLOWED	4

/*
 * Host literals: every spelling of the dangerous addresses, with the
 * canonical text inet_ntop gives and the class.
 */
struct host_row {
	const char	*host;
	int		 rc;
	const char	*addr;	/* when rc == 0 */
	enum net_class	 cls;	/* when rc == 0 */
};

static const struct host_row host_rows[] = {
	/* Loopback, spelled every way inet_aton and browsers take. */
	{ "127.0.0.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0177.0.0.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "2130706433", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0x7f000001", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0X7F000001", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0x7f.0.0.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0x7f.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "017700000001", 0, "127.0.0.1", NET_LOOPBACK },
	{ "127.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "127.0.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "127.0.0.1.", 0, "127.0.0.1", NET_LOOPBACK },
	{ "0x7F.0x00.0x00.0x01", 0, "127.0.0.1", NET_LOOPBACK },
	{ "00000000177.0.0.1", 0, "127.0.0.1", NET_LOOPBACK },
	{ "127.255.255.254", 0, "127.255.255.254", NET_LOOPBACK },
	{ "[::1]", 0, "::1", NET_LOOPBACK },
	{ "::1", 0, "::1", NET_LOOPBACK },
	{ "0:0:0:0:0:0:0:1", 0, "::1", NET_LOOPBACK },
	{ "::ffff:127.0.0.1", 0, "::ffff:127.0.0.1", NET_LOOPBACK },
	{ "::ffff:7f00:1", 0, "::ffff:127.0.0.1", NET_LOOPBACK },
	{ "[::FFFF:7F00:1]", 0, "::ffff:127.0.0.1", NET_LOOPBACK },
	{ "::127.0.0.1", 0, "::127.0.0.1", NET_LOOPBACK },
	{ "64:ff9b::7f00:1", 0, "64:ff9b::7f00:1", NET_LOOPBACK },
	{ "2002:7f00:1::", 0, "2002:7f00:1::", NET_LOOPBACK },
	/* Unspecified. */
	{ "0", 0, "0.0.0.0", NET_UNSPECIFIED },
	{ "0.0.0.0", 0, "0.0.0.0", NET_UNSPECIFIED },
	{ "0x0", 0, "0.0.0.0", NET_UNSPECIFIED },
	{ "0.1.2.3", 0, "0.1.2.3", NET_UNSPECIFIED },
	{ "[::]", 0, "::", NET_UNSPECIFIED },
	{ "::", 0, "::", NET_UNSPECIFIED },
	{ "::ffff:0.0.0.0", 0, "::ffff:0.0.0.0", NET_UNSPECIFIED },
	/* Cloud metadata. */
	{ "169.254.169.254", 0, "169.254.169.254", NET_METADATA },
	{ "0xa9fea9fe", 0, "169.254.169.254", NET_METADATA },
	{ "2852039166", 0, "169.254.169.254", NET_METADATA },
	{ "0251.0376.0251.0376", 0, "169.254.169.254", NET_METADATA },
	{ "169.254.43518", 0, "169.254.169.254", NET_METADATA },
	{ "[::ffff:169.254.169.254]", 0, "::ffff:169.254.169.254",
	    NET_METADATA },
	{ "::ffff:a9fe:a9fe", 0, "::ffff:169.254.169.254", NET_METADATA },
	{ "2002:a9fe:a9fe::1", 0, "2002:a9fe:a9fe::1", NET_METADATA },
	{ "100.100.100.200", 0, "100.100.100.200", NET_METADATA },
	{ "168.63.129.16", 0, "168.63.129.16", NET_METADATA },
	{ "[fd00:ec2::254]", 0, "fd00:ec2::254", NET_METADATA },
	{ "fd00:0ec2:0:0:0:0:0:0254", 0, "fd00:ec2::254", NET_METADATA },
	/* Private. */
	{ "10.0.0.1", 0, "10.0.0.1", NET_PRIVATE },
	{ "10.255.255.255", 0, "10.255.255.255", NET_PRIVATE },
	{ "012.1", 0, "10.0.0.1", NET_PRIVATE },
	{ "172.16.0.1", 0, "172.16.0.1", NET_PRIVATE },
	{ "172.31.255.255", 0, "172.31.255.255", NET_PRIVATE },
	{ "192.168.1.1", 0, "192.168.1.1", NET_PRIVATE },
	{ "3232235777", 0, "192.168.1.1", NET_PRIVATE },
	{ "::ffff:192.168.0.1", 0, "::ffff:192.168.0.1", NET_PRIVATE },
	{ "fc00::1", 0, "fc00::1", NET_PRIVATE },
	{ "fd12:3456::1", 0, "fd12:3456::1", NET_PRIVATE },
	{ "fec0::1", 0, "fec0::1", NET_PRIVATE },
	/* Link-local. */
	{ "169.254.0.1", 0, "169.254.0.1", NET_LINK_LOCAL },
	{ "169.254.169.253", 0, "169.254.169.253", NET_LINK_LOCAL },
	{ "fe80::1", 0, "fe80::1", NET_LINK_LOCAL },
	{ "febf:ffff::1", 0, "febf:ffff::1", NET_LINK_LOCAL },
	/* CGNAT. */
	{ "100.64.0.1", 0, "100.64.0.1", NET_CGNAT },
	{ "100.127.255.255", 0, "100.127.255.255", NET_CGNAT },
	/* Multicast. */
	{ "224.0.0.1", 0, "224.0.0.1", NET_MULTICAST },
	{ "239.255.255.250", 0, "239.255.255.250", NET_MULTICAST },
	{ "ff02::1", 0, "ff02::1", NET_MULTICAST },
	{ "::ffff:224.0.0.251", 0, "::ffff:224.0.0.251", NET_MULTICAST },
	/* Reserved and documentation. */
	{ "240.0.0.1", 0, "240.0.0.1", NET_RESERVED },
	{ "255.255.255.255", 0, "255.255.255.255", NET_RESERVED },
	{ "4294967295", 0, "255.255.255.255", NET_RESERVED },
	{ "192.0.0.8", 0, "192.0.0.8", NET_RESERVED },
	{ "192.0.2.1", 0, "192.0.2.1", NET_RESERVED },
	{ "192.88.99.1", 0, "192.88.99.1", NET_RESERVED },
	{ "198.18.0.1", 0, "198.18.0.1", NET_RESERVED },
	{ "198.19.255.255", 0, "198.19.255.255", NET_RESERVED },
	{ "198.51.100.7", 0, "198.51.100.7", NET_RESERVED },
	{ "203.0.113.9", 0, "203.0.113.9", NET_RESERVED },
	{ "2001:db8::1", 0, "2001:db8::1", NET_RESERVED },
	{ "2001::1", 0, "2001::1", NET_RESERVED },
	{ "3fff::1", 0, "3fff::1", NET_RESERVED },
	{ "100::1", 0, "100::1", NET_RESERVED },
	{ "64:ff9b:1::1", 0, "64:ff9b:1::1", NET_RESERVED },
	{ "4000::1", 0, "4000::1", NET_RESERVED },
	{ "::ffff:0:a00:1", 0, "::ffff:0:a00:1", NET_RESERVED },
	/* Public, including their neighbours' edges. */
	{ "1.2.3.4", 0, "1.2.3.4", NET_PUBLIC },
	{ "8.8.8.8", 0, "8.8.8.8", NET_PUBLIC },
	{ "134744072", 0, "8.8.8.8", NET_PUBLIC },
	{ "9.255.255.255", 0, "9.255.255.255", NET_PUBLIC },
	{ "11.0.0.0", 0, "11.0.0.0", NET_PUBLIC },
	{ "100.63.255.255", 0, "100.63.255.255", NET_PUBLIC },
	{ "100.128.0.0", 0, "100.128.0.0", NET_PUBLIC },
	{ "172.15.255.255", 0, "172.15.255.255", NET_PUBLIC },
	{ "172.32.0.0", 0, "172.32.0.0", NET_PUBLIC },
	{ "192.169.0.0", 0, "192.169.0.0", NET_PUBLIC },
	{ "198.20.0.0", 0, "198.20.0.0", NET_PUBLIC },
	{ "223.255.255.255", 0, "223.255.255.255", NET_PUBLIC },
	{ "::ffff:8.8.8.8", 0, "::ffff:8.8.8.8", NET_PUBLIC },
	{ "2606:4700::1111", 0, "2606:4700::1111", NET_PUBLIC },
	{ "[2a00:1450:4001:81b::200e]", 0, "2a00:1450:4001:81b::200e",
	    NET_PUBLIC },
	{ "64:ff9b::808:808", 0, "64:ff9b::808:808", NET_PUBLIC },
	{ "2002:808:808::1", 0, "2002:808:808::1", NET_PUBLIC },
	/* Names to resolve. */
	{ "example.com", 1, NULL, 0 },
	{ "EXAMPLE.COM.", 1, NULL, 0 },
	{ "localhost", 1, NULL, 0 },
	{ "1password.com", 1, NULL, 0 },
	{ "127.0.0.1.nip.io", 1, NULL, 0 },
	{ "0x7f000001.example", 1, NULL, 0 },
	{ "a-b_c.example.org", 1, NULL, 0 },
	{ "xn--bcher-kva.example", 1, NULL, 0 },
	/* Malformed. */
	{ "", -1, NULL, 0 },
	{ "256.1.1.1", -1, NULL, 0 },
	{ "1.2.3.256", -1, NULL, 0 },
	{ "1.2.3.4.5", -1, NULL, 0 },
	{ "0x1g", -1, NULL, 0 },
	{ "08.0.0.1", -1, NULL, 0 },
	{ "0199.0.0.1", -1, NULL, 0 },
	{ "4294967296", -1, NULL, 0 },
	{ "0x100000000", -1, NULL, 0 },
	{ "99999999999999999999999", -1, NULL, 0 },
	{ "1.16777216", -1, NULL, 0 },
	{ "1.2.65536", -1, NULL, 0 },
	{ "1..1", -1, NULL, 0 },
	{ ".1.2.3", -1, NULL, 0 },
	{ "127.0.0.1..", -1, NULL, 0 },
	{ ".", -1, NULL, 0 },
	{ "1.2.3.4 ", -1, NULL, 0 },
	{ " 1.2.3.4", -1, NULL, 0 },
	{ "127.0.0.1\n", -1, NULL, 0 },
	{ "127.0.0.1\tx", -1, NULL, 0 },
	{ "%31%32%37.0.0.1", -1, NULL, 0 },
	{ "foo.0x7f", -1, NULL, 0 },
	{ "example.123", -1, NULL, 0 },
	{ "exa mple.com", -1, NULL, 0 },
	{ "example..com", -1, NULL, 0 },
	{ ".example.com", -1, NULL, 0 },
	{ "user@example.com", -1, NULL, 0 },
	{ "example.com/x", -1, NULL, 0 },
	{ "b\xc3\xbc" "cher.example", -1, NULL, 0 },
	{ "[::1", -1, NULL, 0 },
	{ "::1]", -1, NULL, 0 },
	{ "[]", -1, NULL, 0 },
	{ "[127.0.0.1]", -1, NULL, 0 },
	{ "[[::1]]", -1, NULL, 0 },
	{ "fe80::1%eth0", -1, NULL, 0 },
	{ "[fe80::1%25eth0]", -1, NULL, 0 },
	{ "[fe80::1%eth0]", -1, NULL, 0 },
	{ ":::1", -1, NULL, 0 },
	{ "1:2:3:4:5:6:7:8:9", -1, NULL, 0 },
	{ "::ffff:0x7f.1", -1, NULL, 0 },
	{ "::ffff:127.1", -1, NULL, 0 },
	{ "::ffff:0177.0.0.1", -1, NULL, 0 },
	{ "127.0.0.1:80", -1, NULL, 0 },
	{ "gggg::1", -1, NULL, 0 },
};

static void
test_parse_host(void)
{
	char text[NET_ADDR_STRLEN];
	struct net_addr a;
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(host_rows); i++) {
		const struct host_row *r = &host_rows[i];

		rc = net_parse_host(r->host, &a);
		EXPECT(rc == r->rc, "host row %zu \"%s\": rc %d, want %d", i,
		    r->host, rc, r->rc);
		if (rc != 0 || r->rc != 0)
			continue;
		net_addr_str(&a, text, sizeof(text));
		EXPECT(strcmp(text, r->addr) == 0,
		    "host row %zu \"%s\": address %s, want %s", i, r->host,
		    text, r->addr);
		EXPECT(net_classify(&a) == r->cls,
		    "host row %zu \"%s\": class %s, want %s", i, r->host,
		    net_class_name(net_classify(&a)), net_class_name(r->cls));
		EXPECT(net_is_public(&a) == (r->cls == NET_PUBLIC),
		    "host row %zu \"%s\": net_is_public", i, r->host);
	}
}

/* Lengths at the edges: labels of 63/64 bytes, names of 253/254. */
static void
test_parse_host_lengths(void)
{
	static const struct {
		size_t	 label;		/* bytes per label */
		size_t	 labels;
		int	 rc;
	} rows[] = {
		{ 63, 1, 1 },
		{ 64, 1, -1 },
		{ 63, 4, -1 },		/* 255 bytes */
		{ 62, 4, 1 },		/* 251 bytes */
		{ 200, 2, -1 },		/* over NET_MAX_HOST */
	};
	char host[512];
	struct net_addr a;
	size_t i, j, n;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		n = 0;
		for (j = 0; j < rows[i].labels; j++) {
			if (j > 0)
				host[n++] = '.';
			memset(host + n, 'a', rows[i].label);
			n += rows[i].label;
		}
		host[n] = '\0';
		rc = net_parse_host(host, &a);
		EXPECT(rc == rows[i].rc, "length row %zu (%zu bytes): rc %d, "
		    "want %d", i, n, rc, rows[i].rc);
	}
	EXPECT(net_parse_host(NULL, &a) == -1, "NULL host");
	EXPECT(net_parse_host("1.2.3.4", NULL) == -1, "NULL out");
}

static void
test_class_names(void)
{
	static const struct {
		enum net_class	 cls;
		const char	*name;
	} rows[] = {
		{ NET_PUBLIC, "public" },
		{ NET_LOOPBACK, "loopback" },
		{ NET_PRIVATE, "private" },
		{ NET_LINK_LOCAL, "link-local" },
		{ NET_CGNAT, "cgnat" },
		{ NET_MULTICAST, "multicast" },
		{ NET_METADATA, "metadata" },
		{ NET_UNSPECIFIED, "unspecified" },
		{ NET_RESERVED, "reserved" },
		{ NET_CLASS__MAX, "unknown" },
		{ (enum net_class)-1, "unknown" },
	};
	struct net_addr a;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(strcmp(net_class_name(rows[i].cls), rows[i].name) == 0,
		    "class name row %zu: %s, want %s", i,
		    net_class_name(rows[i].cls), rows[i].name);

	/* No family, no address: never public. */
	memset(&a, 0, sizeof(a));
	EXPECT(net_classify(&a) == NET_RESERVED, "family 0 classifies");
	EXPECT(!net_is_public(&a), "family 0 is not public");
	EXPECT(!net_is_public(NULL), "NULL is not public");
}

static void
test_addr_str(void)
{
	char out[NET_ADDR_STRLEN];
	struct net_addr a;

	CU_ASSERT_EQUAL_FATAL(net_parse_host("ffff:ffff:ffff:ffff:ffff:"
	    "ffff:255.255.255.255", &a), 0);
	net_addr_str(&a, out, sizeof(out));
	EXPECT(strcmp(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == 0,
	    "longest text: %s", out);
	net_addr_str(&a, out, 10);
	EXPECT(out[0] == '\0', "short buffer: \"%s\"", out);
	memset(&a, 0, sizeof(a));
	net_addr_str(&a, out, sizeof(out));
	EXPECT(out[0] == '\0', "family 0: \"%s\"", out);
}

/*
 * CIDRs: strict dotted decimal, exact prefixes, host bits zero.
 */
struct cidr_row {
	const char	*text;
	int		 rc;
	const char	*addr;	/* when rc == 0 */
	int		 prefix;
};

static const struct cidr_row cidr_rows[] = {
	{ "10.0.0.0/8", 0, "10.0.0.0", 8 },
	{ "192.168.1.100", 0, "192.168.1.100", 32 },
	{ "192.168.1.100/32", 0, "192.168.1.100", 32 },
	{ "172.16.0.0/12", 0, "172.16.0.0", 12 },
	{ "192.168.0.0/23", 0, "192.168.0.0", 23 },
	{ "0.0.0.0/0", 0, "0.0.0.0", 0 },
	{ "fd00::/8", 0, "fd00::", 8 },
	{ "fe80::/10", 0, "fe80::", 10 },
	{ "::1", 0, "::1", 128 },
	{ "::/0", 0, "::", 0 },
	{ "2001:db8::/32", 0, "2001:db8::", 32 },
	{ "::ffff:10.0.0.0/104", 0, "10.0.0.0", 8 },
	{ "::ffff:127.0.0.1", 0, "127.0.0.1", 32 },
	{ "::ffff:0:0/96", 0, "0.0.0.0", 0 },
	{ "::ffff:0:0/95", -1, NULL, 0 },	/* host bits set */
	{ "10.0.0.1/8", -1, NULL, 0 },
	{ "172.17.0.0/12", -1, NULL, 0 },
	{ "192.168.1.0/23", -1, NULL, 0 },
	{ "fd00::1/8", -1, NULL, 0 },
	{ "10.0.0.0/33", -1, NULL, 0 },
	{ "::/129", -1, NULL, 0 },
	{ "10.0.0.0/", -1, NULL, 0 },
	{ "10.0.0.0/08", -1, NULL, 0 },
	{ "10.0.0.0/-1", -1, NULL, 0 },
	{ "10.0.0.0/+8", -1, NULL, 0 },
	{ "10.0.0.0/ 8", -1, NULL, 0 },
	{ "10.0.0.0/8 ", -1, NULL, 0 },
	{ " 10.0.0.0/8", -1, NULL, 0 },
	{ "10.0.0.0/8/8", -1, NULL, 0 },
	{ "10.0.0.0/0008", -1, NULL, 0 },
	{ "/8", -1, NULL, 0 },
	{ "", -1, NULL, 0 },
	{ "010.0.0.0/8", -1, NULL, 0 },
	{ "10.1/16", -1, NULL, 0 },
	{ "167772160/8", -1, NULL, 0 },
	{ "0x0a.0.0.0/8", -1, NULL, 0 },
	{ "256.0.0.0/8", -1, NULL, 0 },
	{ "[::1]", -1, NULL, 0 },
	{ "[fd00::]/8", -1, NULL, 0 },
	{ "fe80::%eth0/10", -1, NULL, 0 },
	{ "example.com", -1, NULL, 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1/128", -1, NULL,
	    0 },
};

static void
test_parse_cidr(void)
{
	char text[NET_ADDR_STRLEN];
	struct net_cidr c;
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(cidr_rows); i++) {
		const struct cidr_row *r = &cidr_rows[i];

		rc = net_parse_cidr(r->text, &c);
		EXPECT(rc == r->rc, "cidr row %zu \"%s\": rc %d, want %d", i,
		    r->text, rc, r->rc);
		if (rc != 0 || r->rc != 0)
			continue;
		net_addr_str(&c.addr, text, sizeof(text));
		EXPECT(strcmp(text, r->addr) == 0 && c.prefix == r->prefix,
		    "cidr row %zu \"%s\": %s/%d, want %s/%d", i, r->text,
		    text, c.prefix, r->addr, r->prefix);
	}
	EXPECT(net_parse_cidr(NULL, &c) == -1, "NULL cidr");
}

struct contains_row {
	const char	*cidr;
	const char	*host;	/* any net_parse_host literal */
	bool		 want;
};

static const struct contains_row contains_rows[] = {
	{ "10.0.0.0/8", "10.255.1.2", true },
	{ "10.0.0.0/8", "10.0.0.0", true },
	{ "10.0.0.0/8", "11.0.0.1", false },
	{ "10.0.0.0/8", "9.255.255.255", false },
	{ "172.16.0.0/12", "172.31.0.1", true },
	{ "172.16.0.0/12", "172.32.0.1", false },
	{ "192.168.0.0/23", "192.168.1.255", true },
	{ "192.168.0.0/23", "192.168.2.0", false },
	{ "192.168.1.100", "192.168.1.100", true },
	{ "192.168.1.100", "192.168.1.101", false },
	{ "0.0.0.0/0", "8.8.8.8", true },
	{ "0.0.0.0/0", "::1", false },
	{ "127.0.0.0/8", "0x7f.1", true },
	{ "127.0.0.1", "2130706433", true },
	/* IPv4-mapped IPv6 against IPv4 CIDRs, both ways round. */
	{ "10.0.0.0/8", "::ffff:10.1.2.3", true },
	{ "10.0.0.0/8", "::ffff:11.1.2.3", false },
	{ "127.0.0.1", "[::ffff:7f00:1]", true },
	{ "::ffff:127.0.0.0/104", "127.0.0.1", true },
	{ "::ffff:127.0.0.0/104", "::ffff:127.0.0.1", true },
	{ "::ffff:127.0.0.0/104", "128.0.0.1", false },
	/* IPv6. */
	{ "fd00::/8", "fd12::1", true },
	{ "fd00::/8", "fe80::1", false },
	{ "fe80::/10", "febf::1", true },
	{ "fe80::/10", "fec0::1", false },
	{ "::1", "::1", true },
	{ "::1", "127.0.0.1", false },
	{ "::/0", "2606:4700::1111", true },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::1", false },
	/* IPv6 CIDRs cover no IPv4, embedded or not. */
	{ "::/0", "::ffff:127.0.0.1", false },
	{ "::/0", "127.0.0.1", false },
	{ "127.0.0.0/8", "::127.0.0.1", false },
	{ "127.0.0.0/8", "64:ff9b::7f00:1", false },
	{ "127.0.0.0/8", "2002:7f00:1::", false },
	{ "2002::/16", "2002:7f00:1::", true },
};

static void
test_cidr_contains(void)
{
	struct net_cidr c;
	struct net_addr a;
	size_t i;
	bool got;

	for (i = 0; i < CC_ARRAY_SIZE(contains_rows); i++) {
		const struct contains_row *r = &contains_rows[i];

		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->cidr, &c), 0);
		CU_ASSERT_EQUAL_FATAL(net_parse_host(r->host, &a), 0);
		got = net_cidr_contains(&c, &a);
		EXPECT(got == r->want, "contains row %zu: %s in %s: %d, "
		    "want %d", i, r->host, r->cidr, got, r->want);
	}

	/* A hand-built CIDR with a bad prefix covers nothing. */
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("10.0.0.0/8", &c), 0);
	CU_ASSERT_EQUAL_FATAL(net_parse_host("10.0.0.1", &a), 0);
	c.prefix = 33;
	EXPECT(!net_cidr_contains(&c, &a), "prefix 33");
	c.prefix = -1;
	EXPECT(!net_cidr_contains(&c, &a), "prefix -1");
	EXPECT(!net_cidr_contains(NULL, &a), "NULL cidr");
	EXPECT(!net_cidr_contains(&c, NULL), "NULL addr");
}

/* Up to MAX_ALLOWED CIDR texts, NULL-terminated, into out: the count. */
static size_t
cidrs(const char *const *text, struct net_cidr *out)
{
	size_t n;

	for (n = 0; n < MAX_ALLOWED && text[n] != NULL; n++)
		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(text[n], &out[n]), 0);
	return n;
}

/* net_cidr_within: is every address of inner in outer? */
struct within_row {
	const char	*inner;
	const char	*outer;
	bool		 want;
};

static const struct within_row within_rows[] = {
	{ "10.1.2.3", "10.0.0.0/8", true },
	{ "10.1.2.0/24", "10.0.0.0/8", true },
	{ "10.0.0.0/8", "10.0.0.0/8", true },
	{ "10.0.0.0/7", "10.0.0.0/8", false },
	{ "10.0.0.0/8", "10.1.2.3", false },
	{ "11.0.0.0/8", "10.0.0.0/8", false },
	{ "127.0.0.1", "127.0.0.1", true },
	{ "127.0.0.0/8", "127.0.0.1", false },
	{ "::ffff:127.0.0.1", "127.0.0.1", true },
	{ "127.0.0.1", "::ffff:127.0.0.0/104", true },
	{ "fd00:1::/32", "fd00::/8", true },
	{ "fd00::/8", "fd00:1::/32", false },
	{ "::/0", "0.0.0.0/0", false },
	{ "0.0.0.0/0", "::/0", false },
	{ "2002:7f00:1::", "127.0.0.0/8", false },
};

static void
test_cidr_within(void)
{
	struct net_cidr in, out;
	size_t i;
	bool got;

	for (i = 0; i < CC_ARRAY_SIZE(within_rows); i++) {
		const struct within_row *r = &within_rows[i];

		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->inner, &in), 0);
		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->outer, &out), 0);
		got = net_cidr_within(&in, &out);
		EXPECT(got == r->want, "within row %zu: %s in %s: %d, want %d",
		    i, r->inner, r->outer, got, r->want);
	}
	EXPECT(!net_cidr_within(NULL, &out), "NULL inner");
	EXPECT(!net_cidr_within(&in, NULL), "NULL outer");
}

/*
 * net_cidr_may_be over every range class: may a CIDR hold a never
 * address (metadata, unspecified, multicast), a non-public one, a
 * public one?
 */
struct may_row {
	const char	*cidr;
	bool		 never;
	bool		 not_public;
	bool		 public;
};

static const struct may_row may_rows[] = {
	/* Public. */
	{ "8.8.8.8", false, false, true },
	{ "8.8.8.0/24", false, false, true },
	{ "8.0.0.0/7", false, false, true },
	{ "2606:4700::/32", false, false, true },
	{ "::ffff:8.8.8.0/120", false, false, true },
	{ "64:ff9b::808:800/120", false, false, true },
	{ "2002:808:808::/48", false, false, true },
	/* Public around a private hole. */
	{ "8.0.0.0/6", false, true, true },
	{ "2000::/3", true, true, true },	/* 6to4 of 169.254.169.254 */
	/* Every class wholly. */
	{ "127.0.0.0/8", false, true, false },
	{ "127.0.0.1", false, true, false },
	{ "10.0.0.0/8", false, true, false },
	{ "172.16.0.0/12", false, true, false },
	{ "192.168.1.0/24", false, true, false },
	{ "169.254.1.0/24", false, true, false },
	{ "100.64.0.0/16", false, true, false },
	{ "192.0.2.0/24", false, true, false },
	{ "240.0.0.0/4", false, true, false },
	{ "::1", false, true, false },
	{ "fd12::/16", false, true, false },
	{ "fe80::/10", false, true, false },
	{ "2001:db8::/32", false, true, false },
	{ "4000::/3", false, true, false },
	{ "64:ff9b::7f00:1", false, true, false },
	{ "2002:7f00::/24", false, true, false },
	{ "::ffff:10.0.0.0/104", false, true, false },
	/* Never: metadata, unspecified, multicast, and what holds them. */
	{ "169.254.169.254", true, true, false },
	{ "100.100.100.200", true, true, false },
	{ "168.63.129.16", true, true, false },
	{ "fd00:ec2::254", true, true, false },
	{ "0.0.0.0", true, true, false },
	{ "0.0.0.0/8", true, true, false },
	{ "::", true, true, false },
	{ "224.0.0.1", true, true, false },
	{ "239.0.0.0/8", true, true, false },
	{ "ff02::1", true, true, false },
	{ "169.254.0.0/16", true, true, false },
	{ "100.64.0.0/10", true, true, false },
	{ "168.63.0.0/16", true, true, true },
	{ "fd00::/8", true, true, false },	/* fd00:ec2::254 */
	{ "fc00::/7", true, true, false },
	{ "0.0.0.0/0", true, true, true },
	{ "128.0.0.0/1", true, true, true },
	{ "::/0", true, true, true },
	{ "::ffff:0.0.0.0/96", true, true, true },
	{ "64:ff9b::/96", true, true, true },
	{ "2002::/16", true, true, true },
	{ "2002:a9fe:a9fe::/48", true, true, false },
	{ "::a9fe:a9fe", true, true, false },
};

static void
test_cidr_may_be(void)
{
	struct net_cidr c;
	size_t i;
	bool n, np, p;

	for (i = 0; i < CC_ARRAY_SIZE(may_rows); i++) {
		const struct may_row *r = &may_rows[i];

		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->cidr, &c), 0);
		n = net_cidr_may_be(&c, NET_NEVER);
		np = net_cidr_may_be(&c, NET_NOT_PUBLIC);
		p = net_cidr_may_be(&c, NET_CLASS_BIT(NET_PUBLIC));
		EXPECT(n == r->never && np == r->not_public &&
		    p == r->public, "may_be row %zu (%s): never %d, "
		    "not public %d, public %d; want %d %d %d", i, r->cidr, n,
		    np, p, r->never, r->not_public, r->public);
	}
	EXPECT(net_cidr_may_be(NULL, NET_NEVER), "NULL");
}

/*
 * The CIDR acceptance rule, for an endpoint's allowed_ips at save: a
 * range that is all public, or wholly inside one operator range; never
 * one that may hold a never address, whatever the operator says.
 */
struct entry_row {
	const char		*cidr;
	const char		*op[MAX_ALLOWED];	/* NULL-terminated */
	enum net_verdict	 want;
};

static const struct entry_row entry_rows[] = {
	/* Public: no operator needed. */
	{ "8.8.8.8", { NULL }, NET_OK },
	{ "93.184.215.0/24", { NULL }, NET_OK },
	{ "2606:4700::1111", { NULL }, NET_OK },
	{ "::ffff:8.8.8.8", { NULL }, NET_OK },
	/* Each non-public class, without and with the operator. */
	{ "127.0.0.1", { NULL }, NET_UNPERMITTED },
	{ "127.0.0.1", { "127.0.0.1", NULL }, NET_OK },
	{ "::ffff:127.0.0.1", { "127.0.0.1", NULL }, NET_OK },
	{ "127.0.0.3", { "127.0.0.1", NULL }, NET_UNPERMITTED },
	{ "127.0.0.0/8", { "127.0.0.1", NULL }, NET_UNPERMITTED },
	{ "127.0.0.0/8", { "127.0.0.0/8", NULL }, NET_OK },
	{ "::1", { "127.0.0.1", NULL }, NET_UNPERMITTED },
	{ "::1", { "::1", NULL }, NET_OK },
	{ "10.1.2.3", { NULL }, NET_UNPERMITTED },
	{ "10.1.2.3", { "10.0.0.0/8", NULL }, NET_OK },
	{ "10.1.2.0/24", { "10.1.0.0/16", NULL }, NET_OK },
	{ "10.0.0.0/8", { "10.1.0.0/16", NULL }, NET_UNPERMITTED },
	{ "10.0.0.0/8", { "10.0.0.0/9", "10.128.0.0/9", NULL },
	    NET_UNPERMITTED },
	{ "192.168.1.100", { "10.0.0.0/8", NULL }, NET_UNPERMITTED },
	{ "172.16.5.0/24", { "172.16.0.0/12", NULL }, NET_OK },
	{ "169.254.1.1", { NULL }, NET_UNPERMITTED },
	{ "169.254.1.0/24", { "169.254.1.0/24", NULL }, NET_OK },
	{ "100.64.0.1", { "100.64.0.0/16", NULL }, NET_OK },
	{ "192.0.2.1", { NULL }, NET_UNPERMITTED },
	{ "fd12::1", { "fd12::/16", NULL }, NET_OK },
	{ "fe80::1", { NULL }, NET_UNPERMITTED },
	{ "2001:db8::/32", { NULL }, NET_UNPERMITTED },
	{ "64:ff9b::a01:203", { "10.0.0.0/8", NULL }, NET_UNPERMITTED },
	{ "2002:7f00:1::", { "127.0.0.0/8", NULL }, NET_UNPERMITTED },
	/* Public and non-public mixed: inside one operator range or not. */
	{ "8.0.0.0/6", { NULL }, NET_UNPERMITTED },
	{ "8.0.0.0/6", { "10.0.0.0/8", NULL }, NET_UNPERMITTED },
	{ "8.0.0.0/6", { "8.0.0.0/6", NULL }, NET_OK },
	/* Never, whatever the operator says. */
	{ "169.254.169.254", { NULL }, NET_FORBIDDEN },
	{ "169.254.169.254", { "169.254.169.254", NULL }, NET_FORBIDDEN },
	{ "169.254.0.0/16", { NULL }, NET_FORBIDDEN },
	{ "fd00:ec2::254", { "fd00::/8", NULL }, NET_FORBIDDEN },
	{ "100.100.100.200", { NULL }, NET_FORBIDDEN },
	{ "0.0.0.0", { NULL }, NET_FORBIDDEN },
	{ "0.0.0.0/0", { NULL }, NET_FORBIDDEN },
	{ "0.0.0.0/0", { "0.0.0.0/0", NULL }, NET_FORBIDDEN },
	{ "::/0", { NULL }, NET_FORBIDDEN },
	{ "::", { NULL }, NET_FORBIDDEN },
	{ "224.0.0.1", { NULL }, NET_FORBIDDEN },
	{ "ff02::1", { NULL }, NET_FORBIDDEN },
	{ "64:ff9b::/96", { NULL }, NET_FORBIDDEN },
	{ "2002::/16", { NULL }, NET_FORBIDDEN },
	{ "::ffff:0.0.0.0/96", { NULL }, NET_FORBIDDEN },
};

static void
test_entry_check(void)
{
	struct net_cidr c, op[MAX_ALLOWED];
	enum net_verdict got;
	size_t i, n;

	for (i = 0; i < CC_ARRAY_SIZE(entry_rows); i++) {
		const struct entry_row *r = &entry_rows[i];

		n = cidrs(r->op, op);
		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(r->cidr, &c), 0);
		got = net_entry_check(&c, n > 0 ? op : NULL, n);
		EXPECT(got == r->want, "entry row %zu (%s, %zu operator "
		    "CIDRs): %d, want %d", i, r->cidr, n, (int)got,
		    (int)r->want);
	}
	EXPECT(net_entry_check(NULL, NULL, 0) == NET_FORBIDDEN, "NULL");
}

/*
 * Webhook signatures. Each want is the output of
 *   printf '%s' '<timestamp>.<body>' | openssl dgst -sha256 -hmac '<secret>'
 * (the NUL row: printf '1700000000.a\000b' | openssl dgst ...).
 */
#define SECRET		"whsec_test"
#define TS		INT64_C(1700000000)
#define BODY		"{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}"
#define BODY2		"{\"event\":\"invoice.confirmed\"," \
			"\"invoice\":\"inv_3k4\"}"
#define BODY_SIG	"sha256=4aa90aa69730f112c87accbf54203d1076675eae" \
			"3b18a5cb82b5ab9e7f5cd5bc"
#define BODY_SIG_UC	"sha256=4AA90AA69730F112C87ACCBF54203D1076675EAE" \
			"3B18A5CB82B5AB9E7F5CD5BC"

struct sign_row {
	const char	*secret;
	int64_t		 ts;
	const char	*body;
	size_t		 len;
	const char	*want;
};

static const struct sign_row sign_rows[] = {
	/* printf '%s' '1700000000.{"id":"evt_1","type":"invoice.paid"}' |
	 *     openssl dgst -sha256 -hmac 'whsec_test' */
	{ SECRET, TS, BODY, sizeof(BODY) - 1, BODY_SIG },
	/* printf '%s' '0.' | openssl dgst -sha256 -hmac 'whsec_test' */
	{ SECRET, 0, "", 0, "sha256=a2fa7a43c6a1cf2e784eaf3327d65c65"
	    "b3d2b790320ebed9aa5661bc42a8cccd" },
	{ SECRET, 0, NULL, 0, "sha256=a2fa7a43c6a1cf2e784eaf3327d65c65"
	    "b3d2b790320ebed9aa5661bc42a8cccd" },
	/* printf '%s' '-1.x' | openssl dgst -sha256 -hmac 'k' */
	{ "k", -1, "x", 1, "sha256=e8bfd4dd04623449cc342ec6c10f97ae"
	    "aff4d0ef2c807ceb423187608cd5256b" },
	/* printf '%s' '1736935200.{"event":"invoice.confirmed",
	 *     "invoice":"inv_3k4"}' (one line) | openssl dgst -sha256 -hmac
	 *     'whsec_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst' */
	{ "whsec_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst",
	    INT64_C(1736935200),
	    BODY2, sizeof(BODY2) - 1,
	    "sha256=10d694fe9188fd20169db19bfdd825a09ca3c54db3b81a448c733e91"
	    "1a1bd90f" },
	/* printf '%s' '1700000000.hello' | openssl dgst -sha256 -hmac '' */
	{ "", TS, "hello", 5, "sha256=57867bfbda13e7e14983798749a2a98c"
	    "6326e56b558fd46ffb36f0a854bbc1d7" },
	/* printf '1700000000.a\000b' | openssl dgst -sha256 -hmac
	 *     'whsec_test': the length, not a NUL, ends the body. */
	{ SECRET, TS, "a\0b", 3, "sha256=473ed9fa197a1ed3d5a0ed5c700ee596"
	    "ef1ec944994ae1cb6e8c59bd4990dba3" },
};

static void
test_sign(void)
{
	char out[WHSIG_SIG_SIZE];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(sign_rows); i++) {
		const struct sign_row *r = &sign_rows[i];

		memset(out, 'X', sizeof(out));
		whsig_sign(r->secret, r->ts, r->body, r->len, out,
		    sizeof(out));
		EXPECT(strcmp(out, r->want) == 0, "sign row %zu:\n    got  %s"
		    "\n    want %s", i, out, r->want);
		EXPECT(strlen(out) == WHSIG_SIG_SIZE - 1, "sign row %zu: "
		    "length %zu", i, strlen(out));
	}
}

struct verify_row {
	const char	*what;
	const char	*secret;
	const char	*header;
	int64_t		 ts;
	int64_t		 now;
	int64_t		 tolerance;
	const char	*body;
	int		 want;
};

static const struct verify_row verify_rows[] = {
	{ "ok", SECRET, BODY_SIG, TS, TS, 300, BODY, 0 },
	{ "ok, upper-case hex", SECRET, BODY_SIG_UC, TS, TS, 300, BODY, 0 },
	{ "ok, 300 s old", SECRET, BODY_SIG, TS, TS + 300, 300, BODY, 0 },
	{ "ok, 300 s ahead", SECRET, BODY_SIG, TS, TS - 300, 300, BODY, 0 },
	{ "too old", SECRET, BODY_SIG, TS, TS + 301, 300, BODY, -2 },
	{ "much too old", SECRET, BODY_SIG, TS, TS + 86400, 300, BODY, -2 },
	{ "too new", SECRET, BODY_SIG, TS, TS - 301, 300, BODY, -2 },
	{ "negative tolerance", SECRET, BODY_SIG, TS, TS + 1, -5, BODY, -2 },
	{ "tampered body", SECRET, BODY_SIG, TS, TS, 300,
	    "{\"id\":\"evt_1\",\"type\":\"invoice.paiD\"}", -1 },
	{ "body with a byte more", SECRET, BODY_SIG, TS, TS, 300,
	    BODY " ", -1 },
	{ "wrong secret", "whsec_tesT", BODY_SIG, TS, TS, 300, BODY, -1 },
	{ "other timestamp", SECRET, BODY_SIG, TS + 1, TS + 1, 300, BODY,
	    -1 },
	{ "tampered and too old", SECRET, BODY_SIG, TS, TS + 301, 300,
	    "{}", -1 },
	{ "no sha256= prefix", SECRET, BODY_SIG + 7, TS, TS, 300, BODY, -1 },
	{ "upper-case prefix", SECRET, "SHA256=4aa90aa69730f112c87accbf54203"
	    "d1076675eae3b18a5cb82b5ab9e7f5cd5bc", TS, TS, 300, BODY, -1 },
	{ "sha1 prefix", SECRET, "sha1=4aa90aa69730f112c87accbf54203d1076675"
	    "eae3b18a5cb82b5ab9e7f5cd5bc", TS, TS, 300, BODY, -1 },
	{ "one digit short", SECRET, "sha256=4aa90aa69730f112c87accbf54203d1"
	    "076675eae3b18a5cb82b5ab9e7f5cd5b", TS, TS, 300, BODY, -1 },
	{ "one digit more", SECRET, BODY_SIG "0", TS, TS, 300, BODY, -1 },
	{ "trailing newline", SECRET, BODY_SIG "\n", TS, TS, 300, BODY, -1 },
	{ "leading space", SECRET, " " BODY_SIG, TS, TS, 300, BODY, -1 },
	{ "not hex", SECRET, "sha256=4aa90aa69730f112c87accbf54203d107667"
	    "5eae3b18a5cb82b5ab9e7f5cd5bg", TS, TS, 300, BODY, -1 },
	{ "last digit changed", SECRET, "sha256=4aa90aa69730f112c87accbf5420"
	    "3d1076675eae3b18a5cb82b5ab9e7f5cd5bd", TS, TS, 300, BODY, -1 },
	{ "prefix only", SECRET, "sha256=", TS, TS, 300, BODY, -1 },
	{ "empty", SECRET, "", TS, TS, 300, BODY, -1 },
	{ "NULL header", SECRET, NULL, TS, TS, 300, BODY, -1 },
};

static void
test_verify(void)
{
	char sig[WHSIG_SIG_SIZE];
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(verify_rows); i++) {
		const struct verify_row *r = &verify_rows[i];

		rc = whsig_verify(r->secret, r->header, r->ts, r->now,
		    r->tolerance, r->body, strlen(r->body));
		EXPECT(rc == r->want, "verify row %zu (%s): %d, want %d", i,
		    r->what, rc, r->want);
	}

	/* Timestamps at the ends of int64_t: no overflow in the age. */
	whsig_sign(SECRET, INT64_MIN, BODY, strlen(BODY), sig, sizeof(sig));
	EXPECT(whsig_verify(SECRET, sig, INT64_MIN, INT64_MAX, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MIN against INT64_MAX");
	EXPECT(whsig_verify(SECRET, sig, INT64_MIN, INT64_MIN, 0,
	    BODY, strlen(BODY)) == 0, "INT64_MIN now");
	whsig_sign(SECRET, INT64_MAX, BODY, strlen(BODY), sig, sizeof(sig));
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, INT64_MIN, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MAX against INT64_MIN");
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, 0, INT64_MAX,
	    BODY, strlen(BODY)) == 0, "INT64_MAX against 0");
	EXPECT(whsig_verify(SECRET, sig, INT64_MAX, -1, INT64_MAX,
	    BODY, strlen(BODY)) == -2, "INT64_MAX against -1");
	EXPECT(whsig_verify(NULL, BODY_SIG, TS, TS, 300, BODY,
	    strlen(BODY)) == -1, "NULL secret");
}

static void
test_new_secret(void)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char a[WHSIG_SECRET_SIZE], b[WHSIG_SECRET_SIZE];
	size_t i;

	whsig_new_secret(a, sizeof(a));
	whsig_new_secret(b, sizeof(b));
	EXPECT(strlen(a) == WHSIG_SECRET_SIZE - 1, "length %zu", strlen(a));
	EXPECT(strncmp(a, "whsec_", 6) == 0, "prefix: %s", a);
	for (i = 6; a[i] != '\0'; i++)
		EXPECT(strchr(b32, a[i]) != NULL, "byte %zu: %c", i, a[i]);
	EXPECT(strcmp(a, b) != 0, "two secrets alike");
}

/* Socket addresses as getaddrinfo and curl hand them over. */
static void
test_from_sockaddr(void)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_un un;
	struct net_addr a;
	char txt[NET_ADDR_STRLEN];

	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	v4.sin_port = htons(443);
	inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
	EXPECT(net_addr_from_sockaddr((struct sockaddr *)&v4, &a) == 0,
	    "v4 refused");
	net_addr_str(&a, txt, sizeof(txt));
	EXPECT(strcmp(txt, "169.254.169.254") == 0, "v4 read as %s", txt);
	EXPECT(net_classify(&a) == NET_METADATA, "v4 class %d",
	    (int)net_classify(&a));

	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
	EXPECT(net_addr_from_sockaddr((struct sockaddr *)&v6, &a) == 0,
	    "v6 refused");
	net_addr_str(&a, txt, sizeof(txt));
	EXPECT(strcmp(txt, "::ffff:127.0.0.1") == 0, "v6 read as %s", txt);
	EXPECT(net_classify(&a) == NET_LOOPBACK, "v6 class %d",
	    (int)net_classify(&a));

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	EXPECT(net_addr_from_sockaddr((struct sockaddr *)&un, &a) == -1,
	    "a unix socket address read as IP");
}

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
 * URLs at save, without DNS: an endpoint's (webhook_check_url with its
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
	/* Names: not resolved here (resolve_names false); no list. */
	{ "http://localhost:9/", { NULL }, 0, 0, 0 },
	{ "https://merchant.com/webhook", { NULL }, 0, 0, 0 },
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

/* [webhooks] allowed_ips in the configuration: never-classes refused. */
struct conf_row {
	const char	*value;
	bool		 ok;
	const char	*msg;		/* part of the error when refused */
};

static const struct conf_row conf_rows[] = {
	{ "127.0.0.1", true, NULL },
	{ "127.0.0.1 10.1.2.0/24, fd00:1::/32", true, NULL },
	{ "10.0.0.0/8", true, NULL },
	{ "169.254.169.254", false, "169.254.169.254 holds metadata" },
	{ "10.0.0.0/8 169.254.0.0/16", false, "169.254.0.0/16 holds" },
	{ "0.0.0.0/0", false, "where webhooks never go" },
	{ "::/0", false, "where webhooks never go" },
	{ "224.0.0.0/4", false, "multicast" },
	{ "fd00::/8", false, "fd00::/8 holds" },
	{ "10.0.0.1/8", false, "is not an IP address or CIDR" },
};

static void
test_config_allowed_ips(void)
{
	struct cc_config cfg;
	char path[] = "/tmp/cc_test_netcheck_XXXXXX", err[512];
	size_t i;
	FILE *f;
	int fd, rc;

	for (i = 0; i < CC_ARRAY_SIZE(conf_rows); i++) {
		const struct conf_row *r = &conf_rows[i];

		cc_strlcpy(path, "/tmp/cc_test_netcheck_XXXXXX",
		    sizeof(path));
		fd = mkstemp(path);
		CU_ASSERT_FATAL(fd != -1);
		f = fdopen(fd, "w");
		CU_ASSERT_FATAL(f != NULL);
		fprintf(f, "[database]\nurl = postgresql:///x\n[webhooks]\n"
		    "allowed_ips = %s\n", r->value);
		CU_ASSERT_FATAL(fclose(f) == 0);
		err[0] = '\0';
		rc = config_load(path, &cfg, err, sizeof(err));
		unlink(path);
		EXPECT((rc == 0) == r->ok && (r->ok || strstr(err, r->msg) !=
		    NULL), "config row %zu (%s): %d \"%s\"", i, r->value, rc,
		    err);
	}
}

/*
 * webhook_endpoint_parse: the body of a create or update, field by field,
 * with the test stack's operator (127.0.0.1) for allowed_ips entries.
 */
struct parse_row {
	const char	*body;
	bool		 create;
	const char	*code;		/* NULL: accepted */
	const char	*field;
};

#define EV	"\"events\": [\"invoice.paid\"]"

static const struct parse_row parse_rows[] = {
	{ "{\"url\": \"https://x.test/\", " EV "}", true, NULL, NULL },
	{ "{" EV "}", true, "MISSING_FIELD", "url" },
	{ "{\"url\": \"https://x.test/\"}", true, "MISSING_FIELD", "events" },
	{ "{\"url\": 5, " EV "}", true, "INVALID_TYPE", "url" },
	{ "{\"url\": null, " EV "}", true, "MISSING_FIELD", "url" },
	{ "{\"nope\": 1}", false, "UNKNOWN_FIELD", "nope" },
	{ "{\"secret\": \"whsec_abcdefghij\"}", false,
	    "SECRET_NOT_UPDATABLE", "secret" },
	{ "{\"events\": [\"invoice.paid\", \"invoice.paid\"]}", false,
	    "INVALID_VALUE", "events" },
	{ "{\"max_retries\": 1.0}", false, "INVALID_TYPE", "max_retries" },
	{ "{\"timeout\": 61}", false, "INVALID_VALUE", "timeout" },
	{ "{\"retry_backoff\": \"linear\", \"enabled\": false}", false, NULL,
	    NULL },
	{ "{\"allowed_ips\": [\"127.0.0.1\", \"93.184.215.0/24\"]}", false,
	    NULL, NULL },
	{ "{\"allowed_ips\": [\"10.0.0.1/8\"]}", false, "INVALID_VALUE",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"127.0.0.0/8\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"0.0.0.0/0\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
	{ "{\"allowed_ips\": [\"169.254.169.254\"]}", false, "IP_NOT_ALLOWED",
	    "allowed_ips" },
};

static void
test_endpoint_parse(void)
{
	static const char full[] = "{\"url\": \"https://x.test/\", "
	    "\"events\": [\"invoice.paid\", \"invoice.created\"], "
	    "\"allowed_ips\": [\"8.8.8.8\", \"127.0.0.1\"]}";
	static const char rotate[] = "{\"secret\": 1}";
	struct webhook_endpoint_input in;
	struct input_error e;
	struct cc_config cfg;
	json_object *body;
	char err[200];
	size_t i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(net_parse_cidr("127.0.0.1",
	    &cfg.webhook_allowed[0]), 0);
	cfg.nwebhook_allowed = 1;
	for (i = 0; i < CC_ARRAY_SIZE(parse_rows); i++) {
		const struct parse_row *r = &parse_rows[i];

		memset(&e, 0, sizeof(e));
		body = jsonx_parse(r->body, strlen(r->body), err, sizeof(err));
		CU_ASSERT_FATAL(body != NULL);
		rc = webhook_endpoint_parse(body, r->create, &cfg, &in, &e);
		EXPECT(r->code == NULL ? rc == 0 : rc == -1 &&
		    e.status == 422 && strcmp(e.code, r->code) == 0 &&
		    strcmp(e.field, r->field) == 0, "parse row %zu (%s): %d "
		    "%s %s \"%s\"", i, r->body, rc, e.code, e.field,
		    e.message);
		input_error_release(&e);
		json_object_put(body);
	}

	/* Defaults of a create, and the lists kept in their order. */
	body = jsonx_parse(full, strlen(full), err, sizeof(err));
	CU_ASSERT_FATAL(body != NULL);
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(webhook_endpoint_parse(body, true, &cfg, &in,
	    &e), 0);
	EXPECT(in.max_retries == WEBHOOK_DEFAULT_RETRIES &&
	    in.timeout == WEBHOOK_DEFAULT_TIMEOUT && in.enabled &&
	    strcmp(in.retry_backoff, "exponential") == 0 &&
	    in.secret == NULL, "create defaults");
	EXPECT(in.nevents == 2 && strcmp(in.events[1], "invoice.created") ==
	    0 && in.nallowed == 2 && strcmp(in.allowed_ips[1],
	    "127.0.0.1") == 0 && in.has[WEPF_ALLOWED_IPS] &&
	    !in.has[WEPF_TIMEOUT], "lists in order");
	json_object_put(body);

	/* rotate-secret takes nothing. */
	body = jsonx_parse(rotate, strlen(rotate), err, sizeof(err));
	CU_ASSERT_FATAL(body != NULL);
	EXPECT(webhook_endpoint_parse_empty(body, &e) == -1 &&
	    strcmp(e.code, "UNKNOWN_FIELD") == 0 &&
	    strcmp(e.field, "secret") == 0, "rotate body");
	EXPECT(webhook_endpoint_parse_empty(NULL, &e) == 0, "empty body");
	json_object_put(body);
	for (i = 0; i < WEP__MAX; i++)
		EXPECT(strcmp(webhook_endpoint_strerror(i),
		    "unknown result") != 0, "strerror %zu", i);
	EXPECT(strcmp(webhook_endpoint_strerror(WEP_LIMIT), "at most 16 "
	    "webhook endpoints may exist per mode; delete one first") == 0,
	    "limit text");
}

static const struct cu_test tests[] = {
	{ "net_parse_host and net_classify", test_parse_host },
	{ "net_parse_host lengths", test_parse_host_lengths },
	{ "net_class_name", test_class_names },
	{ "net_addr_str", test_addr_str },
	{ "net_parse_cidr", test_parse_cidr },
	{ "net_cidr_contains", test_cidr_contains },
	{ "net_cidr_within", test_cidr_within },
	{ "net_cidr_may_be", test_cidr_may_be },
	{ "net_entry_check", test_entry_check },
	{ "net_addr_from_sockaddr", test_from_sockaddr },
	{ "webhook_backoff_ms", test_backoff },
	{ "webhook_addr_ok and net_dest_check", test_addr_ok },
	{ "webhook_addr_explain and webhook_check_allowed_ip",
	    test_explain },
	{ "webhook_check_url, _invoice_url, webhook_url_allowlist",
	    test_check_url },
	{ "config [webhooks] allowed_ips", test_config_allowed_ips },
	{ "webhook_endpoint_parse", test_endpoint_parse },
	{ "whsig_sign", test_sign },
	{ "whsig_verify", test_verify },
	{ "whsig_new_secret", test_new_secret },
};

int
main(void)
{
	return cu_run("netcheck", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
