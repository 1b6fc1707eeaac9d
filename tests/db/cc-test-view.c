/*
 * Test harness for payment_mark_viewed(), the call the public API makes on
 * a customer's first view: cc-test-view --config FILE INVOICE_ID. Prints
 * 0 (done), 1 (no such invoice) or -1.
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
	int rc;

	if (argc != 4 || strcmp(argv[1], "--config") != 0) {
		fprintf(stderr, "usage: cc-test-view --config FILE INVOICE_ID\n");
		return 2;
	}
	if (config_load(argv[2], &cfg, err, sizeof(err)) == -1 ||
	    (db = db_connect(cfg.database_url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rc = payment_mark_viewed(db, argv[3]);
	printf("%d\n", rc);
	db_free(db);
	return rc == -1 ? 1 : 0;
}
