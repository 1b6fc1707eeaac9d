/*
 * Subscribers by invoice and counts by client, in two chained hash
 * tables. One mutex, held only for the lookups hub_followed shares with
 * the listener thread.
 */
#include "cc.h"

#include <pthread.h>

#include "hub.h"
#include "util.h"

#define HUB_BUCKETS	16384

struct hub_sub {
	struct hub_inv	*inv;
	struct hub_ip	*ip;		/* NULL for an exempt client */
	void		*owner;
	struct hub_sub	*prev, *next;	/* the invoice's subscribers */
};

struct hub_inv {
	char		 id[48];
	int		 n;
	struct hub_sub	*subs;
	struct hub_inv	*next;
};

struct hub_ip {
	char		 key[64];
	int		 n;
	struct hub_ip	*next;
};

struct hub {
	pthread_mutex_t	 mu;
	struct hub_inv	*invs[HUB_BUCKETS];
	struct hub_ip	*ips[HUB_BUCKETS];
	size_t		 streams;
};

static size_t
bucket(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h % HUB_BUCKETS);
}

struct hub *
hub_new(void)
{
	struct hub *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->mu, NULL);
	return h;
}

void
hub_free(struct hub *h)
{
	size_t b;

	if (h == NULL)
		return;
	for (b = 0; b < HUB_BUCKETS; b++) {
		while (h->invs[b] != NULL)
			hub_unsubscribe(h, h->invs[b]->subs);
	}
	pthread_mutex_destroy(&h->mu);
	free(h);
}

static struct hub_inv *
find_inv(struct hub *h, const char *invoice)
{
	struct hub_inv *i;

	for (i = h->invs[bucket(invoice)]; i != NULL; i = i->next)
		if (strcmp(i->id, invoice) == 0)
			return i;
	return NULL;
}

static struct hub_ip *
find_ip(struct hub *h, const char *client)
{
	struct hub_ip *p;

	for (p = h->ips[bucket(client)]; p != NULL; p = p->next)
		if (strcmp(p->key, client) == 0)
			return p;
	return NULL;
}

struct hub_sub *
hub_subscribe(struct hub *h, const struct hub_limits *lim,
    const char *invoice, const char *client, void *owner,
    enum hub_status *st)
{
	struct hub_inv *inv;
	struct hub_ip *ip = NULL;
	struct hub_sub *s;
	size_t b;

	if (strlen(invoice) >= sizeof(inv->id) ||
	    strlen(client) >= sizeof(ip->key)) {
		*st = HUB_PER_INVOICE;
		return NULL;
	}
	if (h->streams >= lim->max_total) {
		*st = HUB_FULL;
		return NULL;
	}
	if (*client != '\0') {
		ip = find_ip(h, client);
		if (ip != NULL && ip->n >= lim->per_ip) {
			*st = HUB_PER_IP;
			return NULL;
		}
	}
	inv = find_inv(h, invoice);
	if (inv != NULL && inv->n >= lim->per_invoice) {
		*st = HUB_PER_INVOICE;
		return NULL;
	}
	pthread_mutex_lock(&h->mu);
	if (inv == NULL) {
		inv = xcalloc(1, sizeof(*inv));
		cc_strlcpy(inv->id, invoice, sizeof(inv->id));
		b = bucket(invoice);
		inv->next = h->invs[b];
		h->invs[b] = inv;
	}
	pthread_mutex_unlock(&h->mu);
	if (*client != '\0' && ip == NULL) {
		ip = xcalloc(1, sizeof(*ip));
		cc_strlcpy(ip->key, client, sizeof(ip->key));
		b = bucket(client);
		ip->next = h->ips[b];
		h->ips[b] = ip;
	}
	s = xcalloc(1, sizeof(*s));
	s->inv = inv;
	s->ip = ip;
	s->owner = owner;
	s->next = inv->subs;
	if (inv->subs != NULL)
		inv->subs->prev = s;
	inv->subs = s;
	inv->n++;
	if (ip != NULL)
		ip->n++;
	h->streams++;
	*st = HUB_OK;
	return s;
}

void
hub_unsubscribe(struct hub *h, struct hub_sub *s)
{
	struct hub_inv *inv = s->inv, **ip;
	struct hub_ip **pp;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		inv->subs = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	h->streams--;
	if (--inv->n == 0) {
		pthread_mutex_lock(&h->mu);
		for (ip = &h->invs[bucket(inv->id)]; *ip != inv;
		    ip = &(*ip)->next)
			;
		*ip = inv->next;
		pthread_mutex_unlock(&h->mu);
		free(inv);
	}
	if (s->ip != NULL && --s->ip->n == 0) {
		for (pp = &h->ips[bucket(s->ip->key)]; *pp != s->ip;
		    pp = &(*pp)->next)
			;
		*pp = s->ip->next;
		free(s->ip);
	}
	free(s);
}

void
hub_each(struct hub *h, const char *invoice, void (*fn)(void *, void *),
    void *arg)
{
	struct hub_inv *inv = find_inv(h, invoice);
	struct hub_sub *s;

	if (inv == NULL)
		return;
	for (s = inv->subs; s != NULL; s = s->next)
		fn(arg, s->owner);
}

bool
hub_followed(struct hub *h, const char *invoice)
{
	bool found;

	pthread_mutex_lock(&h->mu);
	found = find_inv(h, invoice) != NULL;
	pthread_mutex_unlock(&h->mu);
	return found;
}

size_t
hub_streams(struct hub *h)
{
	return h->streams;
}

int
hub_client_streams(struct hub *h, const char *client)
{
	struct hub_ip *p = find_ip(h, client);

	return p != NULL ? p->n : 0;
}
