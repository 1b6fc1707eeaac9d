/* The client's address from REMOTE_ADDR and X-Forwarded-For. */
#include "cc.h"

#include <arpa/inet.h>

#include "clientip.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff };

int
clientip_parse(const char *text, size_t len, struct net_addr *out)
{
	char buf[NET_ADDR_STRLEN];
	struct net_addr a;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, buf, a.bytes) == 1)
		a.family = AF_INET;
	else if (strchr(buf, '%') == NULL &&
	    inet_pton(AF_INET6, buf, a.bytes) == 1) {
		a.family = AF_INET6;
		if (memcmp(a.bytes, v4mapped, sizeof(v4mapped)) == 0) {
			memmove(a.bytes, a.bytes + 12, 4);
			memset(a.bytes + 4, 0, 12);
			a.family = AF_INET;
		}
	} else
		return -1;
	*out = a;
	return 0;
}

bool
clientip_listed(const struct net_addr *a, const struct net_cidr *list,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (net_cidr_contains(&list[i], a))
			return true;
	return false;
}

static bool
space(char c)
{
	return c == ' ' || c == '\t';
}

int
clientip_resolve(const char *remote, const char *xff,
    const struct net_cidr *trusted, size_t ntrusted, struct net_addr *out)
{
	struct net_addr remote_a, hop;
	const char *end, *start, *s, *e;
	size_t hops = 0;

	if (remote == NULL ||
	    clientip_parse(remote, strlen(remote), &remote_a) == -1)
		return -1;
	*out = remote_a;
	if (xff == NULL || !clientip_listed(&remote_a, trusted, ntrusted))
		return 0;
	end = xff + strlen(xff);
	for (;;) {
		if (++hops > CLIENTIP_MAX_HOPS)
			goto forged;
		start = end;
		while (start > xff && start[-1] != ',')
			start--;
		s = start;
		e = end;
		while (s < e && space(*s))
			s++;
		while (e > s && space(e[-1]))
			e--;
		if (clientip_parse(s, (size_t)(e - s), &hop) == -1)
			goto forged;
		if (!clientip_listed(&hop, trusted, ntrusted) || start == xff) {
			*out = hop;
			return 0;
		}
		end = start - 1;
	}
forged:
	*out = remote_a;
	return 0;
}

void
clientip_key(const struct net_addr *a, char *out, size_t outlen)
{
	struct net_addr net = *a;
	char text[NET_ADDR_STRLEN];

	if (a->family != AF_INET6) {
		net_addr_str(a, out, outlen);
		return;
	}
	memset(net.bytes + 8, 0, 8);
	net_addr_str(&net, text, sizeof(text));
	snprintf(out, outlen, "%s/64", text);
}
