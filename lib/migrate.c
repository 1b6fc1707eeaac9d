/* Migration runner. */
#include "cc.h"

#include <dirent.h>
#include <errno.h>

#include "db.h"
#include "log.h"
#include "migrate.h"
#include "util.h"

#define MIGRATE_LOCK	"7262001"	/* advisory lock key */
#define MIGRATE_MAX	1000

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_migration(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] >= '0' && name[0] <= '9' &&
	    name[1] >= '0' && name[1] <= '9' && name[2] >= '0' &&
	    name[2] <= '9' && name[3] == '_' &&
	    strcmp(name + n - 4, ".sql") == 0;
}

static char *
slurp(const char *path, char *err, size_t errlen)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 4 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) == -1) {
			snprintf(err, errlen, "%s: too large", path);
			fclose(f);
			buf_release(&b);
			return NULL;
		}
	fclose(f);
	return buf_take(&b);
}

/* Runs a multi-statement script with the simple query protocol. */
static int
exec_script(struct db *db, const char *sql, char *err, size_t errlen)
{
	PGresult *res;
	int ok;

	res = PQexec(db_conn(db), sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

int
migrate_run(struct db *db, const char *dir, bool verbose, char *err,
    size_t errlen)
{
	static const char lock_sql[] = "SELECT pg_advisory_lock("
	    MIGRATE_LOCK ")";
	static const char unlock_sql[] = "SELECT pg_advisory_unlock("
	    MIGRATE_LOCK ")";
	static const char create_sql[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations (version text "
	    "PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";
	static const char check_sql[] =
	    "SELECT 1 FROM schema_migrations WHERE version = $1";
	static const char record_sql[] =
	    "INSERT INTO schema_migrations (version) VALUES ($1)";
	char *names[MIGRATE_MAX];
	size_t n = 0, i;
	struct dirent *de;
	PGresult *res;
	DIR *d;
	int applied = 0, rc = -1;

	d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "cannot open migrations directory %s: "
		    "%s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < MIGRATE_MAX)
		if (is_migration(de->d_name))
			names[n++] = xstrdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);

	res = db_exec(db, lock_sql, 0, NULL);
	if (res == NULL) {
		snprintf(err, errlen, "cannot take the migration lock: %s",
		    db_last_error(db));
		goto out;
	}
	PQclear(res);
	if (db_command(db, create_sql, 0, NULL) == -1) {
		snprintf(err, errlen, "%s", db_last_error(db));
		goto unlock;
	}
	for (i = 0; i < n; i++) {
		char path[1024], version[64], *sql;
		struct db_params p;
		bool done;

		snprintf(version, sizeof(version), "%.*s",
		    (int)(strlen(names[i]) - 4), names[i]);
		db_params_init(&p);
		db_param(&p, version);
		res = db_run(db, check_sql, &p);
		if (res == NULL) {
			snprintf(err, errlen, "%s", db_last_error(db));
			goto unlock;
		}
		done = PQntuples(res) > 0;
		PQclear(res);
		if (done)
			continue;
		if (cc_snprintf(path, sizeof(path), "%s/%s", dir, names[i]) ==
		    -1) {
			snprintf(err, errlen, "path too long");
			goto unlock;
		}
		sql = slurp(path, err, errlen);
		if (sql == NULL)
			goto unlock;
		err[0] = '\0';
		if (db_begin(db) == -1 || exec_script(db, sql, err,
		    errlen) == -1 || db_run_command(db, record_sql, &p) == -1 ||
		    db_commit(db) == -1) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", err[0] ? err :
			    db_last_error(db));
			snprintf(err, errlen, "migration %s failed: %s",
			    names[i], msg);
			db_rollback(db);
			free(sql);
			goto unlock;
		}
		free(sql);
		if (verbose)
			fprintf(stderr, "applied %s\n", version);
		applied++;
	}
	rc = applied;
unlock:
	res = db_exec(db, unlock_sql, 0, NULL);
	PQclear(res);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
