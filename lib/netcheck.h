/*
 * Where a webhook may go. Parses host literals in every spelling a URL
 * library or inet_aton(3) would accept, classifies addresses (loopback,
 * private, link-local, CGNAT, multicast, cloud metadata, reserved) and
 * decides, from the operator's and the endpoint's allowed_ips, where a
 * webhook may go. Pure: no DNS here; the
 * caller resolves hostnames and checks every address it would connect to.
 */
#ifndef CC_NETCHECK_H
#define CC_NETCHECK_H

#include "cc.h"

#include <sys/socket.h>

/* Longest text net_addr_str writes, with its NUL (INET6_ADDRSTRLEN). */
#define NET_ADDR_STRLEN		46
/* Longest host net_parse_host looks at (a DNS name is at most 253). */
#define NET_MAX_HOST		255

struct net_addr {
	int	 family;	/* AF_INET or AF_INET6 */
	uint8_t	 bytes[16];	/* v4 in the first 4, network order */
};

/*
 * Parses a literal host as browsers/curl/inet_aton would accept it, so that
 * no spelling slips through: dotted quad, one 32-bit number ("2130706433"),
 * hex ("0x7f000001", "0x7f.0.0.1"), octal ("0177.0.0.1", "017700000001"),
 * short forms ("127.1", "127.0.1"), one trailing dot, IPv6 with or without
 * brackets, IPv4-mapped/compatible IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1).
 * Returns 0 (a literal address, stored in out), 1 (not an IP literal: a
 * host name to resolve; letters, digits, '-', '_' and '.' only) or -1
 * (malformed: "256.1.1.1", "1.2.3.4.5", "0x1g", zone ids such as
 * "fe80::1%eth0", empty labels, spaces, '%' or any other byte). A name
 * whose last label starts with a digit is taken for an IPv4 literal (no
 * top-level domain is numeric), so "foo.0x7f" must parse or is refused.
 */
int	 net_parse_host(const char *host, struct net_addr *out);

/* Indexes net_class_name's table. */
enum net_class {
	NET_PUBLIC,
	NET_LOOPBACK,
	NET_PRIVATE,
	NET_LINK_LOCAL,
	NET_CGNAT,
	NET_MULTICAST,
	NET_METADATA,
	NET_UNSPECIFIED,
	NET_RESERVED,
	NET_CLASS__MAX
};

/* "public", "loopback", ..., "reserved"; "unknown" out of range. */
const char	*net_class_name(enum net_class);

/*
 * IPv4: 127/8 loopback; 10/8, 172.16/12, 192.168/16 private; 169.254/16
 * link-local; 100.64/10 CGNAT; 224/4 multicast; 169.254.169.254 (AWS, GCP,
 * Azure, ...), 100.100.100.200 (Alibaba), 168.63.129.16 (Azure WireServer)
 * metadata; 0/8 unspecified; 240/4 (with 255.255.255.255), 192.0.0/24,
 * 192.0.2/24, 192.88.99/24, 198.18/15, 198.51.100/24, 203.0.113/24
 * reserved.
 * IPv6: ::1 loopback; :: unspecified; fd00:ec2::254 (AWS) metadata;
 * fc00::/7 and the old site-local fec0::/10 private; fe80::/10 link-local;
 * ff00::/8 multicast; IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96,
 * NAT64 64:ff9b::/96 and 6to4 2002::/16 as their embedded IPv4;
 * 2001:db8::/32, 3fff::/20, 2001::/23 (Teredo, ORCHID, benchmarking),
 * 64:ff9b:1::/48, 100::/64 and everything outside 2000::/3 reserved.
 */
enum net_class	 net_classify(const struct net_addr *);
/* True only for NET_PUBLIC. */
bool		 net_is_public(const struct net_addr *);

struct net_cidr {
	struct net_addr	 addr;		/* host bits zero */
	int		 prefix;	/* 0..32 or 0..128 */
};

/*
 * Parses "10.0.0.0/8", "192.168.1.100" (= /32), "fd00::/8" (no brackets).
 * Strict: dotted decimal only, no leading zeros in the prefix, no spaces.
 * A CIDR with host bits set ("10.0.0.1/8") is ambiguous and refused. An
 * IPv4-mapped IPv6 CIDR of /96 or longer is stored as the IPv4 CIDR.
 * Returns 0 or -1.
 */
int	 net_parse_cidr(const char *text, struct net_cidr *out);
/*
 * True if the CIDR covers addr. IPv4-mapped IPv6 addresses match IPv4
 * CIDRs; otherwise an IPv6 CIDR (even ::/0) covers no IPv4 address, and
 * NAT64, 6to4 and IPv4-compatible addresses need an IPv6 CIDR.
 */
bool	 net_cidr_contains(const struct net_cidr *, const struct net_addr *);
/* True if every address of inner is in outer (same rules as above). */
bool	 net_cidr_within(const struct net_cidr *inner,
	    const struct net_cidr *outer);

/* A set of classes, for net_cidr_may_be. */
#define NET_CLASS_BIT(c)	(1u << (c))
/* Where no webhook ever goes, whoever allows it. */
#define NET_NEVER	(NET_CLASS_BIT(NET_METADATA) | \
			    NET_CLASS_BIT(NET_UNSPECIFIED) | \
			    NET_CLASS_BIT(NET_MULTICAST))
/* Every class but public. */
#define NET_NOT_PUBLIC	(((1u << NET_CLASS__MAX) - 1) & \
			    ~NET_CLASS_BIT(NET_PUBLIC))

/*
 * May some address of the CIDR be of a class in classes (NET_CLASS_BIT
 * ORed)? Decided from the classification tables, not address by address.
 * Where a range is shadowed by a more specific one (169.254.169.254 in
 * 169.254/16) it may say yes for a class no address has, never the
 * reverse: a rule built on it errs toward refusing.
 */
bool	 net_cidr_may_be(const struct net_cidr *, unsigned classes);

/*
 * Where a webhook may go, decided by two parties: the operator (op, the
 * configuration's [webhooks] allowed_ips, addresses named on purpose) and
 * the merchant (ep, an endpoint's allowed_ips). The merchant's list only
 * narrows; it never opens an address the operator did not.
 */
enum net_verdict {
	NET_OK,
	NET_FORBIDDEN,		/* metadata, unspecified, multicast: never */
	NET_UNLISTED,		/* ep is not empty and does not cover it */
	NET_UNNAMED,		/* not public, and ep is empty */
	NET_UNPERMITTED,	/* not public, and op does not cover it */
	NET_VERDICT__MAX
};

/*
 * May a delivery connect to addr? Never to NET_NEVER classes; with a
 * non-empty ep, only to addresses ep covers, public ones included; then
 * public addresses yes; any other only when ep and op both cover it.
 */
enum net_verdict net_dest_check(const struct net_addr *,
		    const struct net_cidr *op, size_t nop,
		    const struct net_cidr *ep, size_t nep);
/*
 * May a merchant put cidr in allowed_ips? NET_FORBIDDEN if it may hold a
 * NET_NEVER address; NET_OK if every address in it is public, or if it
 * lies inside one of op's ranges; else NET_UNPERMITTED (a range with any
 * non-public part must lie wholly inside one operator range).
 */
enum net_verdict net_entry_check(const struct net_cidr *,
		    const struct net_cidr *op, size_t nop);

/*
 * Ports a webhook may use: 80 and 443 always (the schemes' defaults),
 * and the ranges the operator lists ([webhooks] allowed_ports). A port
 * is where a request lands as surely as an address: without this rule
 * a public host's SSH, SMTP, database or cache port would be a target.
 */
struct net_ports {
	uint16_t	 lo, hi;	/* inclusive; lo == hi for one port */
};

/*
 * Parses "8443" or "9000-9010": decimal, 1..65535, lo <= hi, no sign,
 * spaces or leading zeros. 0, or -1.
 */
int	 net_parse_ports(const char *text, struct net_ports *out);
/* True for 80, 443 and any port in one of the n ranges. */
bool	 net_port_ok(long port, const struct net_ports *, size_t n);

/*
 * True for "localhost" and every name under it ("a.localhost", with one
 * trailing dot or not, any case): RFC 6761 names that always mean
 * loopback, which curl resolves so without asking DNS.
 */
bool	 net_is_localhost_name(const char *host);

/*
 * The port of a struct sockaddr_in or sockaddr_in6, or -1 for any other
 * family.
 */
long	 net_port_from_sockaddr(const struct sockaddr *);

/*
 * The address of a struct sockaddr_in or sockaddr_in6 (what getaddrinfo
 * and connect see) into out. 0, or -1 for any other family.
 */
int	 net_addr_from_sockaddr(const struct sockaddr *, struct net_addr *out);
/*
 * inet_ntop(3) text of addr into out (>= NET_ADDR_STRLEN bytes is always
 * enough); "" if addr's family is unknown or out is too small.
 */
void	 net_addr_str(const struct net_addr *, char *out, size_t outlen);

#endif
