/*
 * cc-events.fcgi: Server-Sent Events for the payment page,
 * GET /api/v1/public/invoice/{id}/events. One process, many threads (a
 * thread per open stream). One PostgreSQL connection listens on
 * EVENTS_CHANNEL and reads each new event once; the hub hands it to the
 * streams of its invoice. Last-Event-ID replays what a client missed from
 * the event store; a comment line every heartbeat keeps proxies open and
 * notices clients that left; the stream ends after the invoice's final
 * state.
 */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "events.h"
#include "fcgi_main.h"
#include "hub.h"
#include "ids.h"
#include "invoice.h"
#include "log.h"
#include "sse.h"
#include "util.h"

#define POOL_SIZE	4	/* connections shared by the streams */
#define POLL_MS		2000	/* the listener also polls: notifications
				 * can be lost */
#define READ_MAX	1000	/* events one query reads */

static const struct cc_config	*cfg;
static struct hub		*hub;
static struct db		*pool[POOL_SIZE];
static pthread_mutex_t		 pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 pool_cond = PTHREAD_COND_INITIALIZER;
static bool			 pool_busy[POOL_SIZE];

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

/* Hands one new event to the streams that follow its invoice. */
static void
publish(void *arg, const struct events_row *e)
{
	struct db *db = arg;
	json_object *view = NULL;
	char *msg;

	if (!hub_followed(hub, e->invoice_id))
		return;		/* nobody watches this invoice */
	if (invoice_public(db, cfg, e->invoice_id, &view) != INVOICE_OK)
		view = NULL;
	msg = sse_event_message(e, view);
	hub_publish(hub, e->invoice_id, e->seq, msg,
	    (events_flags(e->type) & EVF_FINAL));
	free(msg);
	json_object_put(view);
}

static void *
listener(void *arg)
{
	struct db *db;
	int64_t last;
	char err[256];

	(void)arg;
	/* The first connection; the handle itself makes the later ones. */
	while ((db = db_connect(cfg->database_url, err, sizeof(err))) ==
	    NULL) {
		log_error("listener: %s", err);
		sleep(1);
	}
	(void)db_listen(db, EVENTS_CHANNEL);
	/* Streams replay their own history: start at the end of the event
	 * store. */
	while (events_last_seq(db, &last) == -1)
		(void)db_wait_notify(db, POLL_MS);
	for (;;) {
		/* A notification, a reconnection or the poll alike: the table
		 * says what is new, so nothing is lost between them or across
		 * a reconnection. */
		if (db_wait_notify(db, POLL_MS) != DB_WAKE_DOWN)
			(void)events_since(db, &last, EVF_PUBLIC, READ_MAX,
			    publish, db);
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

/* A replay in progress: where it writes, and what it has written. */
struct replay {
	struct fcgi_ctx	*c;
	struct db	*db;
	const char	*id;
	json_object	*view;		/* read with the first event */
	bool		 viewed;
	bool		 final;		/* the final event went out */
};

static void
replay_one(void *arg, const struct events_row *e)
{
	struct replay *r = arg;
	char *msg;

	if (!r->viewed && invoice_public(r->db, cfg, r->id, &r->view) !=
	    INVOICE_OK)
		r->view = NULL;
	r->viewed = true;
	msg = sse_event_message(e, r->view);
	fcgi_stream_write(r->c, msg, strlen(msg));
	free(msg);
	if ((events_flags(e->type) & EVF_FINAL))
		r->final = true;
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
	struct replay r = { c, db, id, NULL, false, false };

	(void)events_replay(db, id, &after,
	    EVF_PUBLIC | (only_final ? EVF_FINAL : 0), READ_MAX,
	    replay_one, &r);
	json_object_put(r.view);
	*final = r.final;
	return after;
}

static void
stream(struct fcgi_ctx *c, const char *id)
{
	const char *lei = fcgi_param(c, "HTTP_LAST_EVENT_ID");
	struct hub_sub *sub;
	struct db *db;
	int64_t last = -1, now_seq;
	bool final_state, final = false, full;
	int slot, rc;

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
	rc = events_stream_state(db, id, &final_state, &now_seq);
	if (rc != 0) {
		pool_put(slot);
		if (rc == -1)
			json_error(c, 500, "api_error", "INTERNAL_ERROR",
			    "An internal error occurred", NULL);
		else
			json_error(c, 404, "not_found_error",
			    "INVOICE_NOT_FOUND", "no such invoice",
			    "invoice_id");
		return;
	}

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
