/*
 * Server-Sent Events messages for the customer's stream: which events a
 * customer sees, and what each message says (never merchant-private data:
 * no metadata, no cancellation reason).
 */
#ifndef CC_SSE_H
#define CC_SSE_H

#include "cc.h"
#include <json-c/json.h>

/*
 * "id: evt_...\ndata: {...}\n\n" for an event (its own id, type, data)
 * and the invoice's current public view (may be NULL). The id is the
 * event's, never its place in the store's global sequence: a customer
 * learns nothing about other invoices from it. Caller frees.
 */
char	*sse_message(const char *id, const char *type, json_object *data,
	    json_object *view);

struct events_row;
/* sse_message for an event row as lib/events.h reads it. Caller frees. */
char	*sse_event_message(const struct events_row *, json_object *view);

#endif
