/*
 * Unit tests of lib/events.c's type table: names, lookups, the flags the
 * customer's stream and the webhook endpoints rely on, and the type lists
 * the event readers pass to SQL; and of an SSE message built from a row.
 */
#include "cc.h"

#include "cu_run.h"
#include "db.h"
#include "events.h"
#include "sse.h"

struct event_row {
	const char	*name;
	bool		 want;
};

static const struct event_row event_rows[] = {
	{ "invoice.created", true },
	{ "invoice.expired", true },
	{ "invoice.cancelled", true },
	{ "payment.detected", true },
	{ "payment.confirming", true },
	{ "payment.confirmed", true },
	{ "payment.reverted", true },
	{ "invoice.paid", true },
	{ "invoice.refunded", true },
	{ "invoice.overpaid", true },
	{ "refund.reverted", true },
	{ "", false },
	{ "invoice", false },
	{ "invoice.", false },
	{ "invoice.PAID", false },
	{ "Invoice.paid", false },
	{ "invoice.paid ", false },
	{ " invoice.paid", false },
	{ "invoice.paidx", false },
	{ "invoice.pai", false },
	{ "invoice_paid", false },
	{ "invoice.*", false },
	{ "*", false },
	{ "payment.created", false },
};

static void
test_event_known(void)
{
	enum event_type t;
	size_t i;
	int n;

	for (i = 0; i < CC_ARRAY_SIZE(event_rows); i++)
		EXPECT((events_lookup(event_rows[i].name, &t) == 0) ==
		    event_rows[i].want, "event row %zu (\"%s\"): want %d", i,
		    event_rows[i].name, event_rows[i].want);
	/* Every type has a name that leads back to it, and a merchant may
	 * subscribe to each of the eleven. */
	for (n = 0; n < EV__MAX; n++) {
		EXPECT(events_lookup(events_name(n), &t) == 0 && (int)t == n,
		    "type %d", n);
		EXPECT(events_flags(events_name(n)) & EVF_WEBHOOK,
		    "%s subscribable", events_name(n));
	}
	EXPECT(EV__MAX == 11, "%d types, want 11", EV__MAX);
	EXPECT(events_name(EV__MAX) == NULL, "out of range");
	EXPECT(events_flags("invoice.nope") == 0, "unknown has no flags");
}

/* What the customer's stream shows, and after which it ends. */
static void
test_event_flags(void)
{
	static const struct {
		const char	*name;
		unsigned int	 want;
	} rows[] = {
		{ "invoice.created", 0 },
		{ "invoice.expired", EVF_PUBLIC | EVF_FINAL },
		{ "invoice.cancelled", EVF_PUBLIC | EVF_FINAL },
		{ "invoice.paid", EVF_PUBLIC | EVF_FINAL },
		{ "payment.detected", EVF_PUBLIC },
		{ "payment.confirming", EVF_PUBLIC },
		{ "payment.confirmed", EVF_PUBLIC },
		{ "payment.reverted", EVF_PUBLIC },
		{ "invoice.refunded", EVF_PUBLIC },
		{ "invoice.overpaid", EVF_PUBLIC },
		{ "refund.reverted", EVF_PUBLIC },
	};
	size_t i;
	unsigned int f;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		f = events_flags(rows[i].name) & (EVF_PUBLIC | EVF_FINAL);
		EXPECT(f == rows[i].want, "%s: flags %u, want %u",
		    rows[i].name, f, rows[i].want);
	}
}

/* The readers' type filter: every type having all the flags asked. */
static void
test_event_param_types(void)
{
	static const struct {
		unsigned int	 flags;
		const char	*want;
	} rows[] = {
		{ EVF_PUBLIC, "{\"invoice.expired\",\"invoice.cancelled\","
		    "\"payment.detected\",\"payment.confirming\","
		    "\"payment.confirmed\",\"payment.reverted\","
		    "\"invoice.paid\",\"invoice.refunded\","
		    "\"invoice.overpaid\",\"refund.reverted\"}" },
		{ EVF_PUBLIC | EVF_FINAL, "{\"invoice.expired\","
		    "\"invoice.cancelled\",\"invoice.paid\"}" },
		{ EVF_FINAL | EVF_WEBHOOK, "{\"invoice.expired\","
		    "\"invoice.cancelled\",\"invoice.paid\"}" },
		{ 0x80, "{}" },
	};
	struct db_params p;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		db_params_init(&p);
		events_param_types(&p, rows[i].flags);
		EXPECT(p.n == 1 && strcmp(p.v[0], rows[i].want) == 0,
		    "flags %#x: %s", rows[i].flags, p.n == 1 ? p.v[0] : "-");
		db_params_release(&p);
	}
}

/* A row as the readers hand it becomes the customer's message. */
static void
test_sse_event_message(void)
{
	struct events_row e = { 42, "evt_01HZX", "inv_x",
	    "payment.detected",
	    "{\"payment\": {\"amount\": \"5\", \"status\": "
	    "\"detected\", \"address\": \"0xsecret\"}, "
	    "\"status\": \"pending\"}" };
	char *msg;

	msg = sse_event_message(&e, NULL);
	EXPECT(strcmp(msg, "id: evt_01HZX\ndata: {\"event\":\"payment.detected\","
	    "\"payment\":{\"amount\":\"5\",\"status\":\"detected\"},"
	    "\"status\":\"pending\"}\n\n") == 0, "message %s", msg);
	free(msg);
	/* Data that is not JSON still makes a message. */
	e.data = "{";
	msg = sse_event_message(&e, NULL);
	EXPECT(strcmp(msg, "id: evt_01HZX\ndata: {\"event\":"
	    "\"payment.detected\"}\n\n") == 0, "message %s", msg);
	free(msg);
}

static const struct cu_test tests[] = {
	{ "event names and lookups", test_event_known },
	{ "event flags", test_event_flags },
	{ "type lists for the readers", test_event_param_types },
	{ "SSE message from a row", test_sse_event_message },
};

int
main(void)
{
	return cu_run("events", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
