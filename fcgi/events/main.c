/*
 * cc-events.fcgi: Server-Sent Events for the payment page,
 * GET /api/v1/public/invoice/{id}/events. One process, many threads (a
 * thread per open stream). One PostgreSQL connection LISTENs on cc_events
 * and reads each new event once; the hub hands it to the streams of its
 * invoice. Last-Event-ID replays what a client missed from the event
 * store; a comment line every heartbeat keeps proxies open and notices
 * clients that left; the stream ends after the invoice's final state.
 */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <sys/select.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "events.h"
#include "fcgi_main.h"
#include "hub.h"
#include "ids.h"
#include "invoice.h"
#include "jsonx.h"
#include "log.h"
#include "sse.h"
#include "util.h"

#define POOL_SIZE	4	/* connections shared by the streams */
#define POLL_MS		2000	/* the listener also polls: NOTIFY can be lost */
#define REPLAY_MAX	1000

static const struct cc_config	*cfg;
static struct hub		*hub;
static struct db		*pool[POOL_SIZE];
static pthread_mutex_t		 pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 pool_cond = PTHREAD_COND_INITIALIZER;
static bool			 pool_busy[POOL_SIZE];

static const char events_sql[] =
    "SELECT e.seq, e.invoice_id, e.type, e.data::text FROM events e "
    "WHERE e.seq > $1::bigint AND e.type IN ('payment.detected', "
    "'payment.confirming', 'payment.confirmed', 'payment.reverted', "
    "'invoice.paid', 'invoice.expired', 'invoice.cancelled', "
    "'invoice.refunded', 'invoice.overpaid') ORDER BY e.seq LIMIT 1000";

/* --- a small pool of connections for the streams' few queries ------- */

static struct db *
pool_get(int *slot)
{
	char err[256];
	int i;

	pthread_mutex_lock(&pool_mu);
	for (;;) {
		for (i = 0; i < POOL_SIZE; i++)
			if (!pool_busy[i])
				break;
		if (i < POOL_SIZE)
			break;
		pthread_cond_wait(&pool_cond, &pool_mu);
	}
	pool_busy[i] = true;
	pthread_mutex_unlock(&pool_mu);
	if (pool[i] == NULL) {
		pool[i] = db_connect(cfg->database_url, err, sizeof(err));
		if (pool[i] == NULL)
			log_error("%s", err);
	}
	*slot = i;
	return pool[i];
}

static void
pool_put(int slot)
{
	pthread_mutex_lock(&pool_mu);
	pool_busy[slot] = false;
	pthread_cond_signal(&pool_cond);
	pthread_mutex_unlock(&pool_mu);
}

/* --- the listener ------------------------------------------------------ */

/* Reads events after *last and publishes them. 0 or -1. */
static int
publish_new(struct db *db, int64_t *last)
{
	char seqtxt[24];
	const char *p[1] = { seqtxt };
	PGresult *res;
	int i, n;

	snprintf(seqtxt, sizeof(seqtxt), "%lld", (long long)*last);
	res = db_query(db, events_sql, 1, p);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *inv = PQgetvalue(res, i, 1);
		const char *type = PQgetvalue(res, i, 2);
		const char *dtxt = PQgetvalue(res, i, 3);
		int64_t seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		json_object *data, *view = NULL;
		char err[64], *msg;

		*last = seq;
		if (!hub_followed(hub, inv))
			continue;	/* nobody watches this invoice */
		data = jsonx_parse(dtxt, strlen(dtxt), err, sizeof(err));
		if (invoice_public(db, cfg, inv, &view) != INVOICE_OK)
			view = NULL;
		msg = sse_message(seq, type, data, view);
		hub_publish(hub, inv, seq, msg, (events_flags(type) & EVF_FINAL));
		free(msg);
		json_object_put(data);
		json_object_put(view);
	}
	PQclear(res);
	return 0;
}

static void *
listener(void *arg)
{
	static const char max_sql[] = "SELECT coalesce(max(seq), 0) FROM events";
	struct db *db = NULL;
	int64_t last = -1;
	char err[256];

	(void)arg;
	for (;;) {
		PGconn *conn;
		PGnotify *n;
		PGresult *res;
		struct timeval tv = { POLL_MS / 1000, (POLL_MS % 1000) * 1000 };
		fd_set fds;
		int sock;

		if (db == NULL) {
			db = db_connect(cfg->database_url, err, sizeof(err));
			if (db == NULL) {
				log_error("listener: %s", err);
				sleep(1);
				continue;
			}
			res = PQexec(db_conn(db), "LISTEN " EVENTS_CHANNEL);
			PQclear(res);
			if (last < 0) {
				/* Streams replay their own history: start at
				 * the end of the event store. */
				res = db_query(db, max_sql, 0, NULL);
				if (res != NULL)
					last = strtoll(PQgetvalue(res, 0, 0),
					    NULL, 10);
				PQclear(res);
			}
		}
		conn = db_conn(db);
		sock = PQsocket(conn);
		FD_ZERO(&fds);
		if (sock >= 0)
			FD_SET(sock, &fds);
		if (sock >= 0)
			select(sock + 1, &fds, NULL, NULL, &tv);
		if (!PQconsumeInput(conn)) {
			log_warn("listener: connection lost; reconnecting");
			db_free(db);
			db = NULL;
			continue;
		}
		/* The notifications only wake us: the table says what is new,
		 * so nothing is lost between them or across a reconnect. */
		while ((n = PQnotifies(conn)) != NULL)
			PQfreemem(n);
		if (last >= 0 && publish_new(db, &last) == -1) {
			db_free(db);
			db = NULL;
		}
	}
	return NULL;
}

static int
init(const struct cc_config *c)
{
	pthread_t t;

	cfg = c;
	hub = hub_new();
	if (pthread_create(&t, NULL, listener, NULL) != 0) {
		log_error("cannot start the listener");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

/* --- a stream ------------------------------------------------------------ */

static void
json_error(struct fcgi_ctx *c, int status, const char *type,
    const char *code, const char *msg, const char *field)
{
	http_error(&c->resp, status, type, code, msg, field);
}

/*
 * What the client missed (Last-Event-ID), or for an invoice already in a
 * final state its final event. Writes them; returns the last seq sent
 * (or `after`), with *final set when the final event went out.
 */
static int64_t
replay(struct fcgi_ctx *c, struct db *db, const char *id, int64_t after,
    bool only_final, bool *final)
{
	static const char sql[] =
	    "SELECT seq, type, data::text FROM events WHERE invoice_id = $1 "
	    "AND seq > $2::bigint AND type IN ('payment.detected', "
	    "'payment.confirming', 'payment.confirmed', 'payment.reverted', "
	    "'invoice.paid', 'invoice.expired', 'invoice.cancelled', "
	    "'invoice.refunded', 'invoice.overpaid') ORDER BY seq LIMIT 1000";
	char num[24];
	const char *p[2] = { id, num };
	json_object *view = NULL;
	PGresult *res;
	int i, n;

	*final = false;
	snprintf(num, sizeof(num), "%lld", (long long)after);
	res = db_query(db, sql, 2, p);
	if (res == NULL)
		return after;
	if (invoice_public(db, cfg, id, &view) != INVOICE_OK)
		view = NULL;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *type = PQgetvalue(res, i, 1);
		const char *dtxt = PQgetvalue(res, i, 2);
		json_object *data;
		char err[64], *msg;

		if (only_final && !(events_flags(type) & EVF_FINAL))
			continue;
		data = jsonx_parse(dtxt, strlen(dtxt), err, sizeof(err));
		after = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		msg = sse_message(after, type, data, view);
		fcgi_stream_write(c, msg, strlen(msg));
		free(msg);
		json_object_put(data);
		if ((events_flags(type) & EVF_FINAL))
			*final = true;
	}
	PQclear(res);
	json_object_put(view);
	return after;
}

static void
stream(struct fcgi_ctx *c, const char *id)
{
	static const char state_sql[] =
	    "SELECT status, (SELECT coalesce(max(seq), 0) FROM events) "
	    "FROM invoices WHERE id = $1";
	const char *p[1] = { id };
	const char *lei = fcgi_param(c, "HTTP_LAST_EVENT_ID");
	struct hub_sub *sub;
	struct db *db;
	PGresult *res;
	int64_t last = -1, now_seq;
	bool final_state, final = false, full;
	int slot;

	if (lei != NULL && *lei != '\0') {
		char *end;

		errno = 0;
		last = strtoll(lei, &end, 10);
		if (errno != 0 || *end != '\0' || last < 0) {
			json_error(c, 400, "invalid_request_error",
			    "INVALID_LAST_EVENT_ID", "Last-Event-ID must be "
			    "an event id from this stream", "Last-Event-ID");
			return;
		}
	}
	db = pool_get(&slot);
	if (db == NULL) {
		pool_put(slot);
		json_error(c, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return;
	}
	res = db_query(db, state_sql, 1, p);
	if (res == NULL || PQntuples(res) != 1) {
		pool_put(slot);
		if (res == NULL)
			json_error(c, 500, "api_error", "INTERNAL_ERROR",
			    "An internal error occurred", NULL);
		else
			json_error(c, 404, "not_found_error",
			    "INVOICE_NOT_FOUND", "no such invoice",
			    "invoice_id");
		PQclear(res);
		return;
	}
	final_state = strcmp(PQgetvalue(res, 0, 0), "paid") == 0 ||
	    strcmp(PQgetvalue(res, 0, 0), "expired") == 0 ||
	    strcmp(PQgetvalue(res, 0, 0), "cancelled") == 0;
	now_seq = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);

	/*
	 * Subscribe first, then replay: nothing falls between the two. A
	 * stream holds a thread: one thread always stays free to answer, so
	 * a full server says so instead of leaving clients hanging.
	 */
	sub = hub_subscribe(hub, id, cfg->events_per_invoice,
	    (size_t)(cfg->events_threads > 1 ? cfg->events_threads - 1 : 1),
	    &full);
	if (sub == NULL) {
		pool_put(slot);
		if (full) {
			http_header(&c->resp, "Retry-After", "10");
			json_error(c, 503, "api_error", "TOO_MANY_STREAMS",
			    "this server holds as many event streams as it "
			    "can; retry shortly", NULL);
		} else
			json_error(c, 429, "rate_limit_error",
			    "TOO_MANY_STREAMS", "too many open event streams "
			    "for this invoice", NULL);
		return;
	}
	fcgi_stream_begin(c, 200, "text/event-stream",
	    "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n"
	    "Access-Control-Allow-Origin: *\r\n");
	fcgi_stream_write(c, "retry: 3000\n\n", 13);
	if (last >= 0 || final_state)
		last = replay(c, db, id, last >= 0 ? last : 0,
		    last < 0, &final);
	else
		last = now_seq;
	pool_put(slot);
	hub_mark_sent(hub, sub, last);
	if (fcgi_stream_flush(c) == -1)
		final = true;
	while (!final) {
		char *msgs = hub_wait(hub, sub, cfg->events_heartbeat * 1000,
		    &final);

		if (msgs != NULL) {
			fcgi_stream_write(c, msgs, strlen(msgs));
			free(msgs);
		} else if (!final)
			fcgi_stream_write(c, ": heartbeat\n\n", 13);
		if (fcgi_stream_flush(c) == -1)
			break;		/* the client left */
	}
	hub_unsubscribe(hub, sub);
}

static void
handle(struct fcgi_ctx *c)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];

	if (fcgi_route(c, "/api/v1/public/invoice/{}/events", "GET",
	    params) == -1)
		return;
	if (!ids_valid("inv_", params[0])) {
		json_error(c, 400, "invalid_request_error",
		    "INVALID_INVOICE_ID", "invoice ids look like inv_ "
		    "followed by 26 characters", "invoice_id");
		return;
	}
	stream(c, params[0]);
}

int
main(int argc, char **argv)
{
	struct fcgi_opts o = { 0, true, init };
	struct cc_config peek;
	char err[512];

	/* The thread count comes from [events] threads. */
	if (config_load(config_path(argc, argv), &peek, err,
	    sizeof(err)) == 0)
		o.threads = peek.events_threads;
	return fcgi_main_ex(argc, argv, "cc-events", handle, &o);
}
