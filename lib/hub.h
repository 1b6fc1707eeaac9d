/*
 * The fan-out of the event stream process: which streams follow which
 * invoice, and the limits on how many there may be (in all, per client
 * address, per invoice). The event loop owns it and is the only one to
 * change it; hub_followed may be called from any thread (the listener
 * asks it before it reads an event's public view).
 */
#ifndef CC_HUB_H
#define CC_HUB_H

#include "cc.h"

struct hub;
struct hub_sub;

struct hub_limits {
	size_t	 max_total;	/* [events] max_streams */
	int	 per_ip;	/* [events] per_ip */
	int	 per_invoice;	/* [events] max_per_invoice */
};

enum hub_status {
	HUB_OK,
	HUB_FULL,		/* max_total streams are open */
	HUB_PER_IP,		/* this client holds per_ip */
	HUB_PER_INVOICE,	/* the invoice has per_invoice */
	HUB__MAX
};

struct hub	*hub_new(void);
void		 hub_free(struct hub *);

/*
 * Subscribes owner to an invoice's events for a client (client: a key
 * of the address, or "" for an exempt client, which the per_ip limit does
 * not count). NULL when a limit says no, with *st saying which; the
 * checks run in the order of enum hub_status. Unsubscribe (which frees
 * it) when the stream ends.
 */
struct hub_sub	*hub_subscribe(struct hub *, const struct hub_limits *,
		    const char *invoice, const char *client, void *owner,
		    enum hub_status *st);
void		 hub_unsubscribe(struct hub *, struct hub_sub *);

/* Calls fn(arg, owner) for each subscriber of the invoice. fn must not
 * subscribe or unsubscribe. */
void		 hub_each(struct hub *, const char *invoice,
		    void (*fn)(void *, void *), void *arg);

/* True if some stream follows the invoice (any thread). */
bool		 hub_followed(struct hub *, const char *invoice);

/* Streams open, and those of one client key. */
size_t		 hub_streams(struct hub *);
int		 hub_client_streams(struct hub *, const char *client);

#endif
