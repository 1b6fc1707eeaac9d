/*
 * Table-driven unit tests of lib/netcheck.c: host literals in every
 * spelling, address classes, CIDRs, and the two-party rule of where a
 * webhook may go. Expected addresses are worked out by hand from
 * inet_aton(3) rules.
 */
#include "cc.h"

#include <arpa/inet.h>
#include <limits.h>
#include <sys/un.h>

#include "cu_run.h"
#include "cu_net.h"

#include "netcheck.h"
#include "util.h"

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

	v6.sin6_port = htons(8443);
	EXPECT(net_port_from_sockaddr((struct sockaddr *)&v4) == 443,
	    "v4 port");
	EXPECT(net_port_from_sockaddr((struct sockaddr *)&v6) == 8443,
	    "v6 port");
	EXPECT(net_port_from_sockaddr((struct sockaddr *)&un) == -1,
	    "a unix socket's port");
}

/* Port lists as the configuration spells them. */
static const struct {
	const char	*text;
	int		 rc;
	long		 lo, hi;
} ports_rows[] = {
	{ "8443", 0, 8443, 8443 },
	{ "1", 0, 1, 1 },
	{ "65535", 0, 65535, 65535 },
	{ "9000-9010", 0, 9000, 9010 },
	{ "32768-60999", 0, 32768, 60999 },
	{ "9000-9000", 0, 9000, 9000 },
	{ "0", -1, 0, 0 },
	{ "65536", -1, 0, 0 },
	{ "123456", -1, 0, 0 },
	{ "08443", -1, 0, 0 },
	{ "+80", -1, 0, 0 },
	{ "-80", -1, 0, 0 },
	{ "80-", -1, 0, 0 },
	{ "9010-9000", -1, 0, 0 },
	{ "1-2-3", -1, 0, 0 },
	{ "80 ", -1, 0, 0 },
	{ " 80", -1, 0, 0 },
	{ "0x50", -1, 0, 0 },
	{ "http", -1, 0, 0 },
	{ "", -1, 0, 0 },
	{ "1-65536", -1, 0, 0 },
};

static void
test_parse_ports(void)
{
	struct net_ports p;
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(ports_rows); i++) {
		memset(&p, 0, sizeof(p));
		rc = net_parse_ports(ports_rows[i].text, &p);
		EXPECT(rc == ports_rows[i].rc && (rc != 0 ||
		    (p.lo == ports_rows[i].lo && p.hi == ports_rows[i].hi)),
		    "ports row %zu (\"%s\"): rc %d, %u-%u", i,
		    ports_rows[i].text, rc, p.lo, p.hi);
	}
}

/* The port rule: 80 and 443 always, then the operator's ranges. */
static void
test_port_ok(void)
{
	static const struct {
		long	 port;
		bool	 bare;		/* with no ranges */
		bool	 listed;	/* with 8443 and 9000-9010 */
	} rows[] = {
		{ 80, true, true }, { 443, true, true },
		{ 8443, false, true }, { 9000, false, true },
		{ 9005, false, true }, { 9010, false, true },
		{ 8999, false, false }, { 9011, false, false },
		{ 8080, false, false }, { 22, false, false },
		{ 25, false, false }, { 6379, false, false },
		{ 0, false, false }, { -1, false, false },
		{ 65535, false, false }, { 65536, false, false },
		{ 81, false, false }, { 442, false, false },
	};
	struct net_ports list[2];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(net_parse_ports("8443", &list[0]), 0);
	CU_ASSERT_EQUAL_FATAL(net_parse_ports("9000-9010", &list[1]), 0);
	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		EXPECT(net_port_ok(rows[i].port, NULL, 0) == rows[i].bare,
		    "port %ld without ranges", rows[i].port);
		EXPECT(net_port_ok(rows[i].port, list, 2) == rows[i].listed,
		    "port %ld with ranges", rows[i].port);
	}
}

static void
test_localhost_name(void)
{
	static const struct {
		const char	*host;
		bool		 yes;
	} rows[] = {
		{ "localhost", true }, { "LOCALHOST", true },
		{ "localhost.", true }, { "a.localhost", true },
		{ "a.b.LocalHost.", true }, { "x-y.localhost", true },
		{ "localhost.example", false }, { "notlocalhost", false },
		{ "a.notlocalhost", false }, { "localhos", false },
		{ ".localhost", false }, { "a..localhost", false },
		{ "", false }, { "127.0.0.1", false }, { "vm", false },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		EXPECT(net_is_localhost_name(rows[i].host) == rows[i].yes,
		    "%s", rows[i].host);
	EXPECT(!net_is_localhost_name(NULL), "NULL");
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
	{ "net_addr_from_sockaddr and net_port_from_sockaddr",
	    test_from_sockaddr },
	{ "net_parse_ports", test_parse_ports },
	{ "net_port_ok", test_port_ok },
	{ "net_is_localhost_name", test_localhost_name },
};

int
main(void)
{
	return cu_run("netcheck", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
