/* libpq wrapper with a per-connection prepared statement cache. */
#include "cc.h"

#include "db.h"
#include "log.h"
#include "util.h"

#define DB_MAX_PREPARED 128

struct prepared {
	const char	*sql;
	char		 name[16];
};

struct db {
	PGconn		*conn;
	char		*url;
	struct prepared	 stmts[DB_MAX_PREPARED];
	size_t		 nstmts;
	bool		 in_tx;
	char		 sqlstate[6];
	char		 error[256];
};

/* Server notices (e.g. "already exists, skipping") are not errors. */
static void
notice(void *arg, const char *msg)
{
	(void)arg;
	log_debug("postgres: %s", msg);
}

struct db *
db_connect(const char *url, char *err, size_t errlen)
{
	struct db *db;

	db = xcalloc(1, sizeof(*db));
	db->url = xstrdup(url);
	db->conn = PQconnectdb(url);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "database connection failed: %s",
		    PQerrorMessage(db->conn));
		db_free(db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, notice, NULL);
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db->url);
	free(db);
}

PGconn *
db_conn(struct db *db)
{
	return db->conn;
}

static void
record_error(struct db *db, PGresult *res)
{
	const char *state = NULL, *msg;

	if (res != NULL)
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	cc_strlcpy(db->sqlstate, state ? state : "", sizeof(db->sqlstate));
	msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	cc_strlcpy(db->error, msg, sizeof(db->error));
}

/* Re-establishes a broken connection unless a transaction was open. */
static bool
reconnect(struct db *db)
{
	if (PQstatus(db->conn) == CONNECTION_OK || db->in_tx)
		return false;
	log_warn("database connection lost, reconnecting");
	PQreset(db->conn);
	db->nstmts = 0;
	return PQstatus(db->conn) == CONNECTION_OK;
}

static bool
result_ok(PGresult *res)
{
	ExecStatusType st;

	if (res == NULL)
		return false;
	st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static const char *
prepare(struct db *db, const char *sql, int n)
{
	struct prepared *p;
	PGresult *res;
	size_t i;

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql)
			return db->stmts[i].name;
	if (db->nstmts == DB_MAX_PREPARED)
		return NULL;
	p = &db->stmts[db->nstmts];
	snprintf(p->name, sizeof(p->name), "s%zu", db->nstmts);
	res = PQprepare(db->conn, p->name, sql, n, NULL);
	if (!result_ok(res)) {
		record_error(db, res);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	p->sql = sql;
	db->nstmts++;
	return p->name;
}

static PGresult *
run(struct db *db, const char *sql, int n, const char *const *params,
    bool use_prepared)
{
	PGresult *res = NULL;
	int attempt;

	db->sqlstate[0] = '\0';
	for (attempt = 0; attempt < 2; attempt++) {
		const char *name = NULL;

		if (use_prepared)
			name = prepare(db, sql, n);
		if (name != NULL)
			res = PQexecPrepared(db->conn, name, n, params, NULL,
			    NULL, 0);
		else if (use_prepared && db->sqlstate[0] != '\0' &&
		    PQstatus(db->conn) == CONNECTION_OK)
			break;	/* the statement itself is wrong */
		else
			res = PQexecParams(db->conn, sql, n, NULL, params,
			    NULL, NULL, 0);
		if (result_ok(res))
			return res;
		record_error(db, res);
		PQclear(res);
		res = NULL;
		if (!reconnect(db))
			break;
	}
	log_error("query failed (%s): %s", db->sqlstate, db->error);
	return NULL;
}

PGresult *
db_query(struct db *db, const char *sql, int n, const char *const *params)
{
	return run(db, sql, n, params, true);
}

PGresult *
db_exec(struct db *db, const char *sql, int n, const char *const *params)
{
	return run(db, sql, n, params, false);
}

int
db_command(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res;

	res = db_query(db, sql, n, params);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_begin(struct db *db)
{
	PGresult *res;

	res = db_exec(db, "BEGIN", 0, NULL);
	if (res == NULL)
		return -1;
	PQclear(res);
	db->in_tx = true;
	return 0;
}

int
db_commit(struct db *db)
{
	PGresult *res;

	res = PQexec(db->conn, "COMMIT");
	db->in_tx = false;
	if (!result_ok(res)) {
		record_error(db, res);
		PQclear(res);
		log_error("commit failed: %s", db->error);
		return -1;
	}
	PQclear(res);
	return 0;
}

void
db_rollback(struct db *db)
{
	PGresult *res;

	res = PQexec(db->conn, "ROLLBACK");
	PQclear(res);
	db->in_tx = false;
}

const char *
db_last_sqlstate(struct db *db)
{
	return db->sqlstate;
}

const char *
db_last_error(struct db *db)
{
	return db->error;
}

const char *
db_get(const PGresult *res, int r, int c)
{
	if (PQgetisnull(res, r, c))
		return NULL;
	return PQgetvalue(res, r, c);
}
