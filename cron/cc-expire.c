/*
 * cc-expire: expires invoices past expires_at without full payment
 * (partial payments stay recorded), run from cron with --for. Workers
 * claim invoices with FOR UPDATE SKIP LOCKED, so any number may run.
 */
#include "cc.h"

#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "payment.h"
#include "util.h"

#define EXPIRE_BATCH 500

static void
usage(FILE *f)
{
	fprintf(f, "usage: cc-expire [--config FILE] [--for SECONDS] "
	    "[--quiet]\n\n"
	    "Moves invoices past their expiry without full payment to "
	    "expired (an\ninvoice whose full payment is still confirming "
	    "waits for it). --for keeps\nchecking every second for that "
	    "many seconds (cron: * * * * * cc-expire --for 55).\n"
	    "--quiet logs only warnings and errors.\n");
}

int
main(int argc, char **argv)
{
	struct cc_config cfg;
	struct db *db;
	char err[512];
	long long run_for = 0;
	time_t end;
	enum payment_result rc;
	int n, passes = 0;

	log_set_program("cc-expire");
	switch (cron_args(argc, argv, "cc-expire", usage, &run_for)) {
	case 1:
		return 0;
	case 2:
		return 2;
	}
	if (config_load(config_path(argc, argv), &cfg, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cc-expire: %s\n", err);
		return 1;
	}
	db = db_connect(cfg.database_url, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "cc-expire: %s\n", err);
		return 1;
	}
	end = time(NULL) + run_for;
	for (;;) {
		rc = payment_expire_due(db, EXPIRE_BATCH, &n);
		/*
		 * A failed sweep (the database restarting, say) is tried
		 * again while the run lasts: the next statement reconnects.
		 */
		if (rc != PAYMENT_OK)
			log_error("expiry sweep: %s", payment_strerror(rc));
		/* A full batch may hide more due invoices behind it. */
		else if (n == EXPIRE_BATCH && ++passes < 1000)
			continue;
		passes = 0;
		if (time(NULL) >= end)
			break;
		sleep(1);
	}
	db_free(db);
	/* Cron mails a run that ended on a failure. */
	return rc == PAYMENT_OK ? 0 : 1;
}
