/*
 * Who the client is, for per-address rate limits: the web server's
 * REMOTE_ADDR, unless that is a proxy the operator trusts
 * ([ratelimit] trusted_proxies): then the X-Forwarded-For header names
 * the client, read from the right, where the trusted proxies appended
 * what they saw. Pure: no I/O.
 */
#ifndef CC_CLIENTIP_H
#define CC_CLIENTIP_H

#include "cc.h"

#include "netcheck.h"

/* Entries of X-Forwarded-For looked at, from the right, at most. */
#define CLIENTIP_MAX_HOPS	32
/* "2001:db8:1:2::/64" and its NUL fit. */
#define CLIENTIP_KEY_LEN	NET_ADDR_STRLEN + 4

/*
 * One address as inet_pton(3) reads it (dotted quad, or IPv6 without
 * brackets, zone or port), len bytes of text. An IPv4-mapped IPv6
 * address (::ffff:192.0.2.1) is stored as the IPv4 one. 0 or -1.
 */
int	 clientip_parse(const char *text, size_t len, struct net_addr *out);

/* True if one of the n CIDRs covers addr. */
bool	 clientip_listed(const struct net_addr *, const struct net_cidr *,
	    size_t n);

/*
 * The client's address. REMOTE_ADDR when it is not in trusted (any
 * X-Forwarded-For is then the client's own word, and ignored). From a
 * trusted proxy: the rightmost X-Forwarded-For entry that is not a
 * trusted proxy, or the leftmost entry when all are. A missing header
 * gives REMOTE_ADDR; so does a malformed one (an entry that is not a
 * bare address, an empty entry, more than CLIENTIP_MAX_HOPS looked at):
 * a proxy we trust writes well-formed headers, so anything else was
 * forged before it. Returns 0, or -1 when REMOTE_ADDR itself is not an
 * address.
 */
int	 clientip_resolve(const char *remote_addr, const char *xff,
	    const struct net_cidr *trusted, size_t ntrusted,
	    struct net_addr *out);

/*
 * The text a limit counts by: an IPv4 address as such; an IPv6 address
 * by its /64 ("2001:db8:1:2::/64"), since one subscriber holds a whole
 * /64 and could otherwise take a fresh address per request.
 */
void	 clientip_key(const struct net_addr *, char *out, size_t outlen);

#endif
