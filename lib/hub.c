/* Subscribers by invoice, a queue each, one mutex for all. */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "hub.h"
#include "util.h"

#define HUB_BUCKETS	4096
#define HUB_MAX_QUEUE	(1024 * 1024)	/* a stream that far behind is cut */

struct hub_sub {
	char		 invoice[48];
	pthread_cond_t	 cond;
	struct buf	 queue;
	int64_t		 last_seq;
	bool		 final;
	struct hub_sub	*next;
};

struct hub {
	pthread_mutex_t	 mu;
	struct hub_sub	*buckets[HUB_BUCKETS];
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
	if (h == NULL)
		return;
	pthread_mutex_destroy(&h->mu);
	free(h);
}

struct hub_sub *
hub_subscribe(struct hub *h, const char *invoice, int max, size_t max_total,
    bool *full)
{
	struct hub_sub *s, *it;
	size_t b = bucket(invoice);
	int n = 0;

	pthread_mutex_lock(&h->mu);
	*full = h->streams >= max_total;
	if (*full) {
		pthread_mutex_unlock(&h->mu);
		return NULL;
	}
	for (it = h->buckets[b]; it != NULL; it = it->next)
		if (strcmp(it->invoice, invoice) == 0)
			n++;
	if (n >= max) {
		pthread_mutex_unlock(&h->mu);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	cc_strlcpy(s->invoice, invoice, sizeof(s->invoice));
	pthread_cond_init(&s->cond, NULL);
	buf_init(&s->queue, HUB_MAX_QUEUE);
	s->next = h->buckets[b];
	h->buckets[b] = s;
	h->streams++;
	pthread_mutex_unlock(&h->mu);
	return s;
}

void
hub_unsubscribe(struct hub *h, struct hub_sub *s)
{
	struct hub_sub **pp;

	pthread_mutex_lock(&h->mu);
	for (pp = &h->buckets[bucket(s->invoice)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			h->streams--;
			break;
		}
	pthread_mutex_unlock(&h->mu);
	pthread_cond_destroy(&s->cond);
	buf_release(&s->queue);
	free(s);
}

void
hub_mark_sent(struct hub *h, struct hub_sub *s, int64_t seq)
{
	pthread_mutex_lock(&h->mu);
	if (seq > s->last_seq)
		s->last_seq = seq;
	pthread_mutex_unlock(&h->mu);
}

void
hub_publish(struct hub *h, const char *invoice, int64_t seq,
    const char *message, bool final)
{
	struct hub_sub *s;

	pthread_mutex_lock(&h->mu);
	for (s = h->buckets[bucket(invoice)]; s != NULL; s = s->next) {
		if (strcmp(s->invoice, invoice) != 0 || seq <= s->last_seq)
			continue;
		s->last_seq = seq;
		if (buf_puts(&s->queue, message) == -1)
			s->final = true;	/* too far behind: end it */
		if (final)
			s->final = true;
		pthread_cond_signal(&s->cond);
	}
	pthread_mutex_unlock(&h->mu);
}

char *
hub_wait(struct hub *h, struct hub_sub *s, int timeout_ms, bool *final)
{
	struct timespec until;
	char *out = NULL;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&h->mu);
	while (s->queue.len == 0 && !s->final)
		if (pthread_cond_timedwait(&s->cond, &h->mu, &until) ==
		    ETIMEDOUT)
			break;
	if (s->queue.len > 0)
		out = buf_take(&s->queue);
	*final = s->final;
	pthread_mutex_unlock(&h->mu);
	return out;
}

void
hub_counts(struct hub *h, size_t *invoices, size_t *streams)
{
	size_t b, n = 0;

	pthread_mutex_lock(&h->mu);
	for (b = 0; b < HUB_BUCKETS; b++)
		if (h->buckets[b] != NULL)
			n++;
	*streams = h->streams;
	pthread_mutex_unlock(&h->mu);
	*invoices = n;
}

bool
hub_followed(struct hub *h, const char *invoice)
{
	struct hub_sub *s;
	bool found = false;

	pthread_mutex_lock(&h->mu);
	for (s = h->buckets[bucket(invoice)]; s != NULL && !found; s = s->next)
		found = strcmp(s->invoice, invoice) == 0;
	pthread_mutex_unlock(&h->mu);
	return found;
}
