/*
 * The event store: every state change writes one row in the same
 * transaction as the change. Events someone waits for (payment progress,
 * final states) also NOTIFY "cc_events" with the event's sequence number
 * only; listeners read the row.
 */
#ifndef CC_EVENTS_H
#define CC_EVENTS_H

#include "cc.h"
#include <json-c/json.h>

struct db;

#define EVENTS_CHANNEL "cc_events"

/*
 * Adds an event of type for the invoice (data may be NULL for {}; it is
 * not put). notify sends pg_notify at commit. 0 or -1.
 */
int	events_add(struct db *, const char *invoice_id, const char *type,
	    json_object *data, bool notify);

#endif
