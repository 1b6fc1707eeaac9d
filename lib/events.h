/*
 * The event store: every state change writes one row in the same
 * transaction as the change. Events someone waits for (payment progress,
 * final states) also NOTIFY EVENTS_CHANNEL with the event's sequence
 * number only; listeners read the row.
 *
 * The event types live here, once: their names, and what each means to
 * the customer's stream (public, final) and to merchants (subscribable).
 */
#ifndef CC_EVENTS_H
#define CC_EVENTS_H

#include "cc.h"
#include <json-c/json.h>

struct db;
struct db_params;

/* The NOTIFY channels, the one place their names are spelled in C. */
#define EVENTS_CHANNEL		"cc_events"	/* payload: events.seq */
#define DELIVERIES_CHANNEL	"cc_webhooks"	/* new webhook deliveries */

enum event_type {
	EV_INVOICE_CREATED,
	EV_INVOICE_EXPIRED,
	EV_INVOICE_CANCELLED,
	EV_PAYMENT_DETECTED,
	EV_PAYMENT_CONFIRMING,
	EV_PAYMENT_CONFIRMED,
	EV_PAYMENT_REVERTED,
	EV_INVOICE_PAID,
	EV_INVOICE_REFUNDED,
	EV_INVOICE_OVERPAID,
	EV_REFUND_REVERTED,
	EV__MAX
};

#define EVF_PUBLIC	0x01	/* the customer's stream shows it */
#define EVF_FINAL	0x02	/* the customer's stream ends after it */
#define EVF_WEBHOOK	0x04	/* a webhook endpoint may subscribe to it */

/* "invoice.paid" for EV_INVOICE_PAID; NULL out of range. */
const char	*events_name(enum event_type);
/* The type named name: 0, or -1 for a name that is not an event. */
int		 events_lookup(const char *name, enum event_type *out);
/* EVF_* flags of the type named name; 0 for an unknown name. */
unsigned int	 events_flags(const char *name);

/*
 * A payment as every payment event shows it (detected, confirming,
 * confirmed, reverted): one shape, so that a stream or webhook consumer
 * reads the same fields whichever event it got.
 */
struct event_payment {
	const char		*id;
	unsigned __int128	 units;		/* base units */
	int			 decimals;	/* of the asset */
	const char		*asset;
	const char		*status;
	const char		*tx_hash;
	int64_t			 block_number;	/* -1: pending, not mined */
	int			 confirmations;
	int			 required_confirmations;
	bool			 late;
	const char		*previous_status;	/* reverted only */
	/* written by the simulate route: "simulated": true (else absent) */
	bool			 simulated;
};

/* The "payment" object of an event's data; caller puts it. */
json_object	*events_payment_json(const struct event_payment *);

/*
 * The names of the types that have every flag in flags, as one text[]
 * parameter (for "type = ANY ($n::text[])"): the SQL never spells them.
 */
void	events_param_types(struct db_params *, unsigned int flags);

/* An event row as the readers below hand it to their callback; the
 * strings live until the callback returns. */
struct events_row {
	int64_t		 seq;
	const char	*id;		/* evt_... */
	const char	*invoice_id;
	const char	*type;
	const char	*data;		/* JSON text */
};

/*
 * Reads, in seq order, at most max events after *after whose types have
 * every flag in flags, calls fn for each and advances *after to the last
 * one read. Returns how many were read, or -1.
 */
int	events_since(struct db *, int64_t *after, unsigned int flags,
	    int max, void (*fn)(void *, const struct events_row *), void *arg);
/* As events_since, for one invoice's events. */
int	events_replay(struct db *, const char *invoice_id, int64_t *after,
	    unsigned int flags, int max,
	    void (*fn)(void *, const struct events_row *), void *arg);
/*
 * The seq of the invoice's event whose id is event_id: 0, 1 when the
 * invoice has no such event, or -1.
 */
int	events_seq_of(struct db *, const char *invoice_id,
	    const char *event_id, int64_t *seq);
/* The seq of the newest event (0 for none): 0, or -1. */
int	events_last_seq(struct db *, int64_t *out);
/*
 * What a stream opening on an invoice needs: whether the invoice is in a
 * final state (paid, expired, cancelled) and the newest event's seq, read
 * together. 0, 1 for no such invoice, or -1.
 */
int	events_stream_state(struct db *, const char *invoice_id,
	    bool *final, int64_t *last_seq);

/*
 * Adds an event of type for the invoice (data may be NULL for {}; it is
 * not put). notify sends pg_notify at commit. 0 or -1.
 */
int	events_add(struct db *, const char *invoice_id, enum event_type,
	    json_object *data, bool notify);

#endif
