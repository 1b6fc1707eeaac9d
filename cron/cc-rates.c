/*
 * cc-rates: refreshes the exchange rates from public APIs, run from cron
 * once a minute. The work is lib/rateupdate.c's; this is its command
 * line. Exit status: 0 every pair stored (or another run holds the
 * lock), 1 some quote or pair refused (each logged), 2 a usage,
 * configuration or database error.
 */
#include "cc.h"

#include <curl/curl.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "rateupdate.h"
#include "util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: cc-rates [--config FILE] [--quiet] [--dry-run]\n\n"
	    "Fetches the fiat rate of every crypto of the configured networks "
	    "that is not\npegged, from each source of [rates] sources; "
	    "refuses nonsense (not a number,\nzero, negative, sources that "
	    "disagree by more than max_deviation percent,\na jump that far "
	    "from the last rate) and stores the agreed rate with its\n"
	    "source. Every quote goes to the rate history; each refusal is "
	    "logged on\none line. --dry-run fetches and judges, prints each "
	    "pair's verdict and\nwrites nothing. --quiet logs only warnings "
	    "and errors (cron: * * * * *\ncc-rates --quiet). Exit status: "
	    "0 all stored, 1 something refused,\n2 a usage, configuration or "
	    "database error.\n");
}

int
main(int argc, char **argv)
{
	struct cc_config cfg;
	struct rateupdate_stats st;
	enum rateupdate_result rc;
	struct db *db;
	char err[512];
	bool dry_run = false;
	int a;

	log_set_program("cc-rates");
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--help") == 0 ||
		    strcmp(argv[a], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[a], "--quiet") == 0)
			log_set_level(LOG_LVL_WARN);
		else if (strcmp(argv[a], "--dry-run") == 0)
			dry_run = true;
		else if (strcmp(argv[a], "--config") == 0 && a + 1 < argc)
			a++;
		else if (strncmp(argv[a], "--config=", 9) != 0) {
			usage(stderr);
			return 2;
		}
	}
	if (config_load(config_path(argc, argv), &cfg, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cc-rates: %s\n", err);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "cc-rates: curl_global_init failed\n");
		return 2;
	}
	db = db_connect(cfg.database_url, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "cc-rates: %s\n", err);
		curl_global_cleanup();
		return 2;
	}
	rc = rateupdate_run(db, &cfg, dry_run, &st);
	db_free(db);
	curl_global_cleanup();
	switch (rc) {
	case RATEUPDATE_OK:
	case RATEUPDATE_BUSY:
		log_info("%d pairs stored, %d kept their rate, %d manual",
		    st.stored, st.kept, st.manual);
		return 0;
	case RATEUPDATE_REFUSED:
		log_info("%d pairs stored, %d kept their rate, %d manual, "
		    "%d quotes refused", st.stored, st.kept, st.manual,
		    st.refused);
		return 1;
	default:
		log_error("database error: rates not updated");
		return 2;
	}
}
