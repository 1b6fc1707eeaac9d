/*
 * Host literal parsing and address classification for webhook targets
 * (server-side request forgery defence). Every spelling of an address that
 * some resolver or URL parser would accept must classify the same way, so
 * the IPv4 parser follows inet_aton(3) and the WHATWG URL standard rather
 * than the strict inet_pton(3).
 */
#include "cc.h"

#include <arpa/inet.h>
#include <strings.h>
#include <netinet/in.h>

#include "netcheck.h"
#include "util.h"

/* How a row of the IPv6 table classifies the addresses it matches. */
enum v6_how {
	V6_CLASS,	/* as the row's class */
	V6_EMBED_TAIL,	/* as the IPv4 address in the last 4 bytes */
	V6_EMBED_6TO4	/* as the IPv4 address in bytes 2..5 */
};

struct v4_range {
	uint32_t	 net;
	int		 prefix;
	enum net_class	 cls;
};

struct v6_range {
	uint8_t		 net[16];
	int		 prefix;
	enum v6_how	 how;
	enum net_class	 cls;
};

#define V4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

/* First match wins: exact metadata hosts come before their networks. */
static const struct v4_range v4_ranges[] = {
	{ V4(169, 254, 169, 254), 32, NET_METADATA },
	{ V4(100, 100, 100, 200), 32, NET_METADATA },
	{ V4(168, 63, 129, 16), 32, NET_METADATA },
	{ V4(0, 0, 0, 0), 8, NET_UNSPECIFIED },
	{ V4(127, 0, 0, 0), 8, NET_LOOPBACK },
	{ V4(10, 0, 0, 0), 8, NET_PRIVATE },
	{ V4(172, 16, 0, 0), 12, NET_PRIVATE },
	{ V4(192, 168, 0, 0), 16, NET_PRIVATE },
	{ V4(169, 254, 0, 0), 16, NET_LINK_LOCAL },
	{ V4(100, 64, 0, 0), 10, NET_CGNAT },
	{ V4(224, 0, 0, 0), 4, NET_MULTICAST },
	{ V4(240, 0, 0, 0), 4, NET_RESERVED },
	{ V4(192, 0, 0, 0), 24, NET_RESERVED },
	{ V4(192, 0, 2, 0), 24, NET_RESERVED },
	{ V4(192, 88, 99, 0), 24, NET_RESERVED },
	{ V4(198, 18, 0, 0), 15, NET_RESERVED },
	{ V4(198, 51, 100, 0), 24, NET_RESERVED },
	{ V4(203, 0, 113, 0), 24, NET_RESERVED },
};

/* First match wins; an address matching no row is reserved. */
static const struct v6_range v6_ranges[] = {
	{ { 0 }, 128, V6_CLASS, NET_UNSPECIFIED },
	{ { [15] = 1 }, 128, V6_CLASS, NET_LOOPBACK },
	{ { [10] = 0xff, [11] = 0xff }, 96, V6_EMBED_TAIL, NET_PUBLIC },
	{ { 0 }, 96, V6_EMBED_TAIL, NET_PUBLIC },
	{ { 0x00, 0x64, 0xff, 0x9b }, 96, V6_EMBED_TAIL, NET_PUBLIC },
	{ { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48, V6_CLASS,
	    NET_RESERVED },
	{ { 0x01, 0x00 }, 64, V6_CLASS, NET_RESERVED },
	{ { 0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54 }, 128,
	    V6_CLASS, NET_METADATA },
	{ { 0xfc }, 7, V6_CLASS, NET_PRIVATE },
	{ { 0xfe, 0x80 }, 10, V6_CLASS, NET_LINK_LOCAL },
	{ { 0xfe, 0xc0 }, 10, V6_CLASS, NET_PRIVATE },
	{ { 0xff }, 8, V6_CLASS, NET_MULTICAST },
	{ { 0x20, 0x01 }, 23, V6_CLASS, NET_RESERVED },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, V6_CLASS, NET_RESERVED },
	{ { 0x20, 0x02 }, 16, V6_EMBED_6TO4, NET_PUBLIC },
	{ { 0x3f, 0xff }, 20, V6_CLASS, NET_RESERVED },
	{ { 0x20 }, 3, V6_CLASS, NET_PUBLIC },
};

static const char *const class_names[NET_CLASS__MAX] = {
	[NET_PUBLIC] = "public",
	[NET_LOOPBACK] = "loopback",
	[NET_PRIVATE] = "private",
	[NET_LINK_LOCAL] = "link-local",
	[NET_CGNAT] = "cgnat",
	[NET_MULTICAST] = "multicast",
	[NET_METADATA] = "metadata",
	[NET_UNSPECIFIED] = "unspecified",
	[NET_RESERVED] = "reserved",
};

static const uint8_t v4_mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* True if the first prefix bits of a and b agree. */
static bool
prefix_match(const uint8_t *a, const uint8_t *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[full] ^ b[full]) & mask) == 0;
}

/* True if every bit of the nbytes-byte address past prefix is zero. */
static bool
host_bits_zero(const uint8_t *a, int nbytes, int prefix)
{
	int i;

	for (i = prefix / 8; i < nbytes; i++) {
		uint8_t keep = 0;

		if (i == prefix / 8 && prefix % 8 != 0)
			keep = (uint8_t)(0xff << (8 - prefix % 8));
		if ((a[i] & (uint8_t)~keep) != 0)
			return false;
	}
	return true;
}

static bool
is_v4_mapped(const struct net_addr *a)
{
	return a->family == AF_INET6 &&
	    memcmp(a->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

/* IPv4-mapped IPv6 becomes the IPv4 address; anything else is copied. */
static void
unmap(const struct net_addr *in, struct net_addr *out)
{
	*out = *in;
	if (is_v4_mapped(in)) {
		memset(out, 0, sizeof(*out));
		out->family = AF_INET;
		memcpy(out->bytes, in->bytes + 12, 4);
	}
}

/*
 * One part of an inet_aton address, from *p up to a '.' or end: "0x"
 * hex (no digits means 0, as inet_aton and WHATWG have it), a leading 0
 * octal, else decimal. Leaves *p at the delimiter.
 */
static int
parse_v4_part(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int base = 10, d;

	if (s == end || *s == '.')
		return -1;
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (end - s >= 2 && s[0] == '0' && s[1] != '.') {
		base = 8;
		s++;
	}
	for (; s < end && *s != '.'; s++) {
		d = hex_value((unsigned char)*s);
		if (d < 0 || d >= base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > UINT32_MAX)
			return -1;
	}
	*p = s;
	*out = v;
	return 0;
}

/* The n bytes at s as an inet_aton address: one to four parts. */
static int
parse_v4(const char *s, size_t n, struct net_addr *out)
{
	static const uint64_t last_max[] = {
		0, UINT32_MAX, 0xffffff, 0xffff, 0xff
	};
	const char *p = s, *end = s + n;
	uint64_t parts[4];
	uint32_t v = 0;
	int np = 0, i;

	for (;;) {
		if (np == 4)
			return -1;
		if (parse_v4_part(&p, end, &parts[np]) == -1)
			return -1;
		np++;
		if (p == end)
			break;
		p++;	/* the '.' */
	}
	for (i = 0; i < np - 1; i++) {
		if (parts[i] > 0xff)
			return -1;
		v |= (uint32_t)parts[i] << (24 - 8 * i);
	}
	if (parts[np - 1] > last_max[np])
		return -1;
	v |= (uint32_t)parts[np - 1];
	memset(out, 0, sizeof(*out));
	out->family = AF_INET;
	out->bytes[0] = (uint8_t)(v >> 24);
	out->bytes[1] = (uint8_t)(v >> 16);
	out->bytes[2] = (uint8_t)(v >> 8);
	out->bytes[3] = (uint8_t)v;
	return 0;
}

static int
parse_v6(const char *s, struct net_addr *out)
{
	struct net_addr a;

	/* inet_pton refuses these too; say so rather than rely on it. */
	if (strpbrk(s, "%[]") != NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET6, s, a.bytes) != 1)
		return -1;
	a.family = AF_INET6;
	*out = a;
	return 0;
}

static bool
is_name_byte(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int
net_parse_host(const char *host, struct net_addr *out)
{
	char inner[NET_MAX_HOST + 1];
	const char *last;
	size_t len, n, i, label;

	if (host == NULL || out == NULL)
		return -1;
	len = strnlen(host, NET_MAX_HOST + 1);
	if (len == 0 || len > NET_MAX_HOST)
		return -1;
	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return -1;
		memcpy(inner, host + 1, len - 2);
		inner[len - 2] = '\0';
		return parse_v6(inner, out);
	}
	if (strchr(host, ':') != NULL)
		return parse_v6(host, out);

	for (i = 0; i < len; i++)
		if (!is_name_byte((unsigned char)host[i]))
			return -1;
	/* One trailing dot names the same host ("127.0.0.1." too). */
	n = len;
	if (host[n - 1] == '.')
		n--;
	if (n == 0)
		return -1;
	last = host + n;
	while (last > host && last[-1] != '.')
		last--;
	if (*last >= '0' && *last <= '9')
		return parse_v4(host, n, out);

	/* A name: no empty label, none over 63 bytes, 253 in all. */
	if (n > 253)
		return -1;
	label = 0;
	for (i = 0; i < n; i++) {
		if (host[i] != '.') {
			if (++label > 63)
				return -1;
			continue;
		}
		if (label == 0)
			return -1;
		label = 0;
	}
	return label == 0 ? -1 : 1;
}

const char *
net_class_name(enum net_class c)
{
	if ((unsigned int)c >= NET_CLASS__MAX)
		return "unknown";
	return class_names[c];
}

static enum net_class
classify_v4(const uint8_t *b)
{
	uint32_t a = V4(b[0], b[1], b[2], b[3]);
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(v4_ranges); i++) {
		const struct v4_range *r = &v4_ranges[i];
		uint32_t mask;

		mask = r->prefix == 0 ? 0 : UINT32_MAX << (32 - r->prefix);
		if ((a & mask) == r->net)
			return r->cls;
	}
	return NET_PUBLIC;
}

static enum net_class
classify_v6(const uint8_t *b)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(v6_ranges); i++) {
		const struct v6_range *r = &v6_ranges[i];

		if (!prefix_match(b, r->net, r->prefix))
			continue;
		switch (r->how) {
		case V6_EMBED_TAIL:
			return classify_v4(b + 12);
		case V6_EMBED_6TO4:
			return classify_v4(b + 2);
		case V6_CLASS:
			break;
		}
		return r->cls;
	}
	return NET_RESERVED;
}

enum net_class
net_classify(const struct net_addr *a)
{
	if (a == NULL)
		return NET_RESERVED;
	if (a->family == AF_INET)
		return classify_v4(a->bytes);
	if (a->family == AF_INET6)
		return classify_v6(a->bytes);
	return NET_RESERVED;
}

bool
net_is_public(const struct net_addr *a)
{
	return net_classify(a) == NET_PUBLIC;
}

/* Digits only, no leading zero, at most max. */
static int
parse_prefix(const char *s, int max, int *out)
{
	int v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* A mapped IPv6 CIDR of /96 or longer becomes the IPv4 CIDR. */
static void
unmap_cidr(const struct net_cidr *in, struct net_cidr *out)
{
	*out = *in;
	if (in->prefix >= 96 && is_v4_mapped(&in->addr)) {
		unmap(&in->addr, &out->addr);
		out->prefix = in->prefix - 96;
	}
}

int
net_parse_cidr(const char *text, struct net_cidr *out)
{
	char addr[NET_ADDR_STRLEN];
	struct net_cidr c;
	const char *slash;
	size_t alen;
	int max, nbytes;

	if (text == NULL || out == NULL)
		return -1;
	slash = strchr(text, '/');
	alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, text, alen);
	addr[alen] = '\0';

	memset(&c, 0, sizeof(c));
	if (strchr(addr, ':') != NULL) {
		c.addr.family = AF_INET6;
		max = 128;
	} else {
		c.addr.family = AF_INET;
		max = 32;
	}
	/* glibc's inet_pton takes neither leading zeros nor short forms. */
	if (inet_pton(c.addr.family, addr, c.addr.bytes) != 1)
		return -1;
	c.prefix = max;
	if (slash != NULL && parse_prefix(slash + 1, max, &c.prefix) == -1)
		return -1;
	nbytes = max / 8;
	if (!host_bits_zero(c.addr.bytes, nbytes, c.prefix))
		return -1;
	unmap_cidr(&c, out);
	return 0;
}

bool
net_cidr_contains(const struct net_cidr *cidr, const struct net_addr *a)
{
	struct net_cidr c;
	struct net_addr x;
	int max;

	if (cidr == NULL || a == NULL)
		return false;
	unmap_cidr(cidr, &c);
	unmap(a, &x);
	if (c.addr.family != x.family)
		return false;
	max = x.family == AF_INET ? 32 : x.family == AF_INET6 ? 128 : -1;
	if (c.prefix < 0 || c.prefix > max)
		return false;
	return prefix_match(c.addr.bytes, x.bytes, c.prefix);
}

bool
net_cidr_within(const struct net_cidr *inner, const struct net_cidr *outer)
{
	struct net_cidr i, o;

	if (inner == NULL || outer == NULL)
		return false;
	unmap_cidr(inner, &i);
	unmap_cidr(outer, &o);
	if (i.addr.family != o.addr.family || o.prefix > i.prefix)
		return false;
	return prefix_match(o.addr.bytes, i.addr.bytes, o.prefix);
}

/* The mask of an IPv4 prefix, 0..32. */
static uint32_t
v4_mask(int prefix)
{
	return prefix <= 0 ? 0 : UINT32_MAX << (32 - prefix);
}

/*
 * IPv4: a range overlaps a table row when they agree on the shorter of
 * the two prefixes. Addresses in no row are public, so a range may hold
 * one unless some single row holds all of it.
 */
static bool
v4_may_be(const uint8_t *b, int prefix, unsigned classes)
{
	uint32_t a = V4(b[0], b[1], b[2], b[3]), m;
	bool inside = false;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(v4_ranges); i++) {
		const struct v4_range *r = &v4_ranges[i];

		m = v4_mask(prefix < r->prefix ? prefix : r->prefix);
		if ((a & m) != (r->net & m))
			continue;
		if (classes & NET_CLASS_BIT(r->cls))
			return true;
		if (prefix >= r->prefix)
			inside = true;
	}
	return !inside && (classes & NET_CLASS_BIT(NET_PUBLIC)) != 0;
}

/*
 * IPv6: rows in table order, as net_classify reads them. A row that
 * holds the whole range decides what is left of it; a row inside the
 * range counts and the walk goes on; an embedding row looks at the IPv4
 * part (all of IPv4 when the range is wider than the row).
 */
static bool
v6_may_be(const uint8_t *b, int prefix, unsigned classes)
{
	static const uint8_t any_v4[4];
	size_t i;
	int v4p;

	for (i = 0; i < CC_ARRAY_SIZE(v6_ranges); i++) {
		const struct v6_range *r = &v6_ranges[i];
		bool inside = prefix >= r->prefix;

		if (!prefix_match(b, r->net, inside ? r->prefix : prefix))
			continue;
		switch (r->how) {
		case V6_CLASS:
			if (classes & NET_CLASS_BIT(r->cls))
				return true;
			if (inside)
				return false;
			break;
		case V6_EMBED_TAIL:
			if (inside)
				return v4_may_be(b + 12, prefix - 96, classes);
			if (v4_may_be(any_v4, 0, classes))
				return true;
			break;
		case V6_EMBED_6TO4:
			v4p = prefix - 16 > 32 ? 32 : prefix - 16;
			if (inside)
				return v4_may_be(b + 2, v4p, classes);
			if (v4_may_be(any_v4, 0, classes))
				return true;
			break;
		}
	}
	/* Some of the range may match no row: reserved. */
	return (classes & NET_CLASS_BIT(NET_RESERVED)) != 0;
}

bool
net_cidr_may_be(const struct net_cidr *cidr, unsigned classes)
{
	struct net_cidr c;

	if (cidr == NULL)
		return true;
	unmap_cidr(cidr, &c);
	if (c.addr.family == AF_INET && c.prefix >= 0 && c.prefix <= 32)
		return v4_may_be(c.addr.bytes, c.prefix, classes);
	if (c.addr.family == AF_INET6 && c.prefix >= 0 && c.prefix <= 128)
		return v6_may_be(c.addr.bytes, c.prefix, classes);
	return true;
}

static bool
covered(const struct net_addr *a, const struct net_cidr *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (net_cidr_contains(&list[i], a))
			return true;
	return false;
}

enum net_verdict
net_dest_check(const struct net_addr *a, const struct net_cidr *op,
    size_t nop, const struct net_cidr *ep, size_t nep)
{
	enum net_class c;

	if (a == NULL)
		return NET_FORBIDDEN;
	c = net_classify(a);
	if (NET_CLASS_BIT(c) & NET_NEVER)
		return NET_FORBIDDEN;
	if (nep > 0 && !covered(a, ep, nep))
		return NET_UNLISTED;
	if (c == NET_PUBLIC)
		return NET_OK;
	if (nep == 0)
		return NET_UNNAMED;
	/* An entry stored before this rule cannot open what op did not. */
	if (!covered(a, op, nop))
		return NET_UNPERMITTED;
	return NET_OK;
}

enum net_verdict
net_entry_check(const struct net_cidr *cidr, const struct net_cidr *op,
    size_t nop)
{
	size_t i;

	if (cidr == NULL || net_cidr_may_be(cidr, NET_NEVER))
		return NET_FORBIDDEN;
	if (!net_cidr_may_be(cidr, NET_NOT_PUBLIC))
		return NET_OK;
	for (i = 0; i < nop; i++)
		if (net_cidr_within(cidr, &op[i]))
			return NET_OK;
	return NET_UNPERMITTED;
}

int
net_parse_ports(const char *text, struct net_ports *out)
{
	const char *s = text;
	long v[2];
	int i, k;

	if (text == NULL || out == NULL)
		return -1;
	for (i = 0; i < 2; i++) {
		/* 1..65535: one to five digits, the first not 0. */
		if (*s < '1' || *s > '9')
			return -1;
		v[i] = 0;
		for (k = 0; k < 5 && *s >= '0' && *s <= '9'; k++, s++)
			v[i] = v[i] * 10 + (*s - '0');
		if (v[i] > 65535)
			return -1;
		if (*s == '\0') {
			if (i == 0)
				v[1] = v[0];
			break;
		}
		if (i == 1 || *s != '-')
			return -1;
		s++;
	}
	if (*s != '\0' || v[0] > v[1])
		return -1;
	out->lo = (uint16_t)v[0];
	out->hi = (uint16_t)v[1];
	return 0;
}

bool
net_port_ok(long port, const struct net_ports *list, size_t n)
{
	size_t i;

	if (port == 80 || port == 443)
		return true;
	for (i = 0; i < n; i++)
		if (port >= list[i].lo && port <= list[i].hi)
			return true;
	return false;
}

bool
net_is_localhost_name(const char *host)
{
	static const char name[] = "localhost";
	size_t len, n = sizeof(name) - 1;

	if (host == NULL)
		return false;
	len = strnlen(host, NET_MAX_HOST + 1);
	if (len > NET_MAX_HOST)
		return false;
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len < n || strncasecmp(host + len - n, name, n) != 0)
		return false;
	/* "localhost" itself, or a label of its own before it. */
	return len == n || (len > n + 1 && host[len - n - 1] == '.' &&
	    host[len - n - 2] != '.');
}

long
net_port_from_sockaddr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->
		    sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_port);
	return -1;
}

int
net_addr_from_sockaddr(const struct sockaddr *sa, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->bytes, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->bytes, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

void
net_addr_str(const struct net_addr *a, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	out[0] = '\0';
	if (a == NULL || (a->family != AF_INET && a->family != AF_INET6))
		return;
	if (outlen > (size_t)INT32_MAX)
		outlen = INT32_MAX;
	if (inet_ntop(a->family, a->bytes, out, (socklen_t)outlen) == NULL)
		out[0] = '\0';
}
