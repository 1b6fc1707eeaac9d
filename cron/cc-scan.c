/*
 * cc-scan: the chain scanner, run from cron once a minute with --for so
 * that one run keeps polling for most of that minute. One thread per
 * network; an advisory lock per network keeps overlapping runs apart.
 */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "scan.h"
#include "util.h"

static struct cc_config	 cfg;
static struct scan_opts	 opts;

struct job {
	const struct cc_network	*net;
	pthread_t		 thread;
	int			 rc;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cc-scan [--config FILE] [--network NAME]... "
	    "[--for SECONDS]\n"
	    "               [--from-block N] [--batch N] [--poll-ms N] "
	    "[--quiet]\n\n"
	    "Reads each configured network (or only those named) from "
	    "the last\nscanned block to the head, records payments to "
	    "invoice addresses, counts\nconfirmations and handles "
	    "reorganisations. "
	    "--for keeps polling that many seconds\n(cron: * * * * * "
	    "cc-scan --for 55). --from-block backfills NAME from\nblock N "
	    "with a progress line. --batch is the most blocks per request\n"
	    "(default %d). --quiet logs only warnings and errors (not each "
	    "payment).\n", SCAN_DEFAULT_BATCH);
}

static long long
num(const char *opt, const char *v, long long lo, long long hi)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < lo || n > hi) {
		fprintf(stderr, "cc-scan: %s must be an integer in "
		    "%lld..%lld\n", opt, lo, hi);
		exit(2);
	}
	return n;
}

static void *
run(void *arg)
{
	struct job *j = arg;
	struct db *db;
	char err[512];

	db = db_connect(cfg.database_url, err, sizeof(err));
	if (db == NULL) {
		log_error("%s", err);
		j->rc = -1;
		return NULL;
	}
	j->rc = scan_run(db, j->net, &opts);
	db_free(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *only[CONFIG_MAX_NETWORKS];
	size_t nonly = 0, k;
	struct job jobs[CONFIG_MAX_NETWORKS];
	char err[512];
	size_t i, n = 0;
	int a, rc = 0;

	log_set_program("cc-scan");
	opts.from_block = -1;
	opts.batch = SCAN_DEFAULT_BATCH;
	opts.poll_ms = 1000;
	for (a = 1; a < argc; a++) {
		const char *o = argv[a], *v = a + 1 < argc ? argv[a + 1] :
		    NULL;

		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(o, "--quiet") == 0) {
			log_set_level(LOG_LVL_WARN);
			continue;
		}
		if (v == NULL) {
			usage(stderr);
			return 2;
		}
		if (strcmp(o, "--config") == 0)
			;
		else if (strcmp(o, "--network") == 0) {
			if (nonly == CONFIG_MAX_NETWORKS) {
				usage(stderr);
				return 2;
			}
			only[nonly++] = v;
		}
		else if (strcmp(o, "--for") == 0)
			opts.run_for = num(o, v, 0, 86400);
		else if (strcmp(o, "--from-block") == 0)
			opts.from_block = num(o, v, 0, INT64_MAX);
		else if (strcmp(o, "--batch") == 0)
			opts.batch = (uint64_t)num(o, v, 1, 100000);
		else if (strcmp(o, "--poll-ms") == 0)
			opts.poll_ms = (int)num(o, v, 10, 60000);
		else {
			usage(stderr);
			return 2;
		}
		a++;
	}
	if (opts.from_block >= 0 && nonly != 1) {
		fprintf(stderr, "cc-scan: --from-block needs one --network\n");
		return 2;
	}
	opts.progress = opts.from_block >= 0;
	if (config_load(config_path(argc, argv), &cfg, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cc-scan: %s\n", err);
		return 1;
	}
	/* Payments after an invoice's rate lock take a rate this fresh. */
	opts.rates_max_age = cfg.rates_max_age;
	signal(SIGPIPE, SIG_IGN);
	for (k = 0; k < nonly; k++)
		if (config_network(&cfg, only[k]) == NULL) {
			fprintf(stderr, "cc-scan: no such network: %s\n",
			    only[k]);
			return 1;
		}
	for (i = 0; i < cfg.nnetworks; i++) {
		bool want = nonly == 0;

		for (k = 0; k < nonly; k++)
			if (strcmp(cfg.networks[i].name, only[k]) == 0)
				want = true;
		if (!want)
			continue;
		jobs[n].net = &cfg.networks[i];
		jobs[n].rc = 0;
		if (pthread_create(&jobs[n].thread, NULL, run, &jobs[n]) != 0) {
			log_error("cannot start a thread");
			return 1;
		}
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "cc-scan: no network configured\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		pthread_join(jobs[i].thread, NULL);
		if (jobs[i].rc == -1)
			rc = 1;
	}
	return rc;
}
