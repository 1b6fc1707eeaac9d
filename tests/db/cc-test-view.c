/*
 * Test harness for payment_mark_viewed(), the call the public API makes on
 * a customer's first view: cc-test-view --config FILE INVOICE_ID. Prints
 * 0 (done), 1 (no such invoice) or -1 (a failure, named on stderr).
 */
#include "cc.h"

#include "config.h"
#include "db.h"
#include "payment.h"

int
main(int argc, char **argv)
{
	struct cc_config cfg;
	struct db *db;
	char err[512];
	enum payment_result rc;

	if (argc != 4 || strcmp(argv[1], "--config") != 0) {
		fprintf(stderr, "usage: cc-test-view --config FILE "
		    "INVOICE_ID\n");
		return 2;
	}
	if (config_load(argv[2], &cfg, err, sizeof(err)) == -1 ||
	    (db = db_connect(cfg.database_url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rc = payment_mark_viewed(db, argv[3]);
	switch (rc) {
	case PAYMENT_OK:
		printf("0\n");
		break;
	case PAYMENT_NOT_FOUND:
		printf("1\n");
		break;
	default:
		printf("-1\n");
		fprintf(stderr, "cc-test-view: %s\n", payment_strerror(rc));
		break;
	}
	db_free(db);
	return rc == PAYMENT_OK || rc == PAYMENT_NOT_FOUND ? 0 : 1;
}
