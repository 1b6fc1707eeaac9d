/*
 * cc-webhooks: delivers due webhooks, run from cron with --for. The
 * engine (claim, send, judge, record, and the rules that keep a delivery
 * from going inside our network) is lib/delivery.c; this is its loop.
 *
 * It listens on DELIVERIES_CHANNEL (the delivery trigger notifies at
 * commit; the handle listens again after any reconnection, and the
 * reconnection wakes the loop like a notification, so that it claims
 * what came due meanwhile), wakes when a retry it scheduled comes due,
 * and polls every second for other workers' retries. A claim fills the
 * free slots of [webhooks] concurrency.
 */
#include "cc.h"

#include <curl/curl.h>

#include "config.h"
#include "db.h"
#include "delivery.h"
#include "events.h"
#include "failpoint.h"
#include "log.h"
#include "util.h"

#define POLL_MS		1000	/* retries come due without a notification */

static void
usage(FILE *f)
{
	fprintf(f, "usage: cc-webhooks [--config FILE] [--for SECONDS] "
	    "[--quiet]\n\n"
	    "Sends due webhook deliveries, signed, with retries and backoff "
	    "per endpoint.\n--for keeps listening for new events for that "
	    "many seconds, then finishes\nthe requests in flight (cron: "
	    "* * * * * cc-webhooks --for 55). Any number\nmay run at once. "
	    "--quiet logs only warnings and errors (an attempt\nthat will "
	    "be retried is not one; a delivery that failed for good is).\n");
}

/*
 * Claims and sends until `end` (monotonic microseconds), then finishes
 * the requests in flight. Returns how many claims failed.
 */
static int
deliver(struct db *db, struct delivery *d, const struct cc_config *cfg,
    int64_t end)
{
	int64_t next_poll = 0, next_retry = INT64_MAX;
	bool want = true, claimed = false;
	int failures = 0;

	for (;;) {
		int64_t now = delivery_clock_us();
		/* Every run claims once, even with --for 0. */
		bool stopping = now >= end && claimed;
		int free_slots = cfg->webhook_concurrency -
		    delivery_inflight(d);
		int wait_ms, got, fd;

		/*
		 * A notification, or a reconnection that may have lost some:
		 * the table says what is due. A lost connection is retried
		 * there and by the next claim.
		 */
		if (db_notified(db) == DB_WAKE_READ) {
			/* Woken, nothing claimed yet. */
			failpoint("webhooks.after_notify");
			want = true;
		}
		if (!stopping && free_slots > 0 &&
		    (want || now >= next_poll || now >= next_retry)) {
			got = delivery_claim(d, free_slots);
			claimed = true;
			if (got == -1)
				failures++;
			/* A full claim may leave more due behind it. */
			want = got == free_slots;
			next_poll = now + POLL_MS * 1000;
			if (now >= next_retry)
				next_retry = INT64_MAX;
		}
		if (stopping && delivery_inflight(d) == 0)
			break;
		/*
		 * A freed slot may let through a delivery the per-endpoint
		 * cap held back: claim again.
		 */
		if (delivery_run(d, &next_retry) > 0)
			want = true;
		if (stopping && delivery_inflight(d) == 0)
			break;
		now = delivery_clock_us();
		if (stopping)		/* only the requests in flight */
			wait_ms = POLL_MS;
		else if (want &&
		    delivery_inflight(d) < cfg->webhook_concurrency)
			wait_ms = 0;
		else if (next_poll <= now || next_retry <= now)
			wait_ms = 0;
		else
			wait_ms = (int)(((next_retry < next_poll ? next_retry :
			    next_poll) - now + 999) / 1000);
		if (!stopping && (end - now) / 1000 < wait_ms)
			wait_ms = (int)((end - now) / 1000) + 1;
		fd = db_socket(db);
		if (fd < 0 && wait_ms > DB_RETRY_MIN_MS)
			wait_ms = DB_RETRY_MIN_MS;	/* to reconnect */
		delivery_wait(d, fd, wait_ms);
	}
	return failures;
}

int
main(int argc, char **argv)
{
	struct cc_config cfg;
	struct delivery *d;
	struct db *db;
	char err[512];
	long long run_for = 0;
	int failures;

	log_set_program("cc-webhooks");
	switch (cron_args(argc, argv, "cc-webhooks", usage, &run_for)) {
	case 1:
		return 0;
	case 2:
		return 2;
	}
	if (config_load(config_path(argc, argv), &cfg, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cc-webhooks: %s\n", err);
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "cc-webhooks: curl_global_init failed\n");
		return 1;
	}
	db = db_connect(cfg.database_url, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "cc-webhooks: %s\n", err);
		return 1;
	}
	/* Failing now, it listens once reconnected. */
	(void)db_listen(db, DELIVERIES_CHANNEL);
	d = delivery_new(db, &cfg);
	if (d == NULL)
		abort();
	failures = deliver(db, d, &cfg,
	    delivery_clock_us() + run_for * 1000000);
	delivery_free(d);
	db_free(db);
	curl_global_cleanup();
	/* Cron mails a failing run's output: say that claims failed. */
	return failures > 0 ? 1 : 0;
}
