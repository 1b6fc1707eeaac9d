/* libpq wrapper with a per-connection prepared statement cache. */
#include "cc.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "util.h"

#define DB_MAX_PREPARED 128
#define DB_MAX_CHANNELS	4

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
	/* LISTENed on every (re)connection; see db_listen. */
	char		*channels[DB_MAX_CHANNELS];
	size_t		 nchannels;
	bool		 missed;	/* reconnected since db_notified */
	bool		 down;		/* lost, not yet back */
	int		 backoff_ms;
	int64_t		 retry_at;	/* monotonic ms of the next try */
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
	size_t i;

	if (db == NULL)
		return;
	PQfinish(db->conn);
	for (i = 0; i < db->nchannels; i++)
		free(db->channels[i]);
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
	/* A unique violation's DETAIL repeats the key: an xpub, a hash. */
	db_mask_secrets(db->error);
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

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * LISTENs on n channels in one round trip. A channel name cannot be a
 * statement parameter: it is quoted as an identifier.
 */
static int
listen_channels(struct db *db, char *const *channels, size_t n)
{
	struct buf sql;
	PGresult *res;
	size_t i;
	char *q;
	int rc = 0;

	if (n == 0)
		return 0;
	buf_init(&sql, 0);
	for (i = 0; i < n; i++) {
		q = PQescapeIdentifier(db->conn, channels[i],
		    strlen(channels[i]));
		if (q == NULL) {
			buf_release(&sql);
			return -1;
		}
		buf_printf(&sql, "LISTEN %s;", q);
		PQfreemem(q);
	}
	res = PQexec(db->conn, sql.data);
	if (!result_ok(res)) {
		record_error(db, res);
		log_error("LISTEN failed: %s", db->error);
		rc = -1;
	}
	PQclear(res);
	buf_release(&sql);
	return rc;
}

/*
 * PQreset, and on success what a new server session needs: statements
 * prepared again, and LISTEN again, with notifications sent meanwhile
 * lost (db->missed tells the listener to catch up from its tables). On
 * failure the listener's next try waits a doubling backoff. 0 or -1.
 */
static int
reset(struct db *db)
{
	if (!db->down)
		log_warn("database connection lost, reconnecting");
	db->down = true;
	db->nstmts = 0;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->backoff_ms = db->backoff_ms == 0 ? DB_RETRY_MIN_MS :
		    db->backoff_ms * 2;
		if (db->backoff_ms > DB_RETRY_MAX_MS)
			db->backoff_ms = DB_RETRY_MAX_MS;
		db->retry_at = mono_ms() + db->backoff_ms;
		return -1;
	}
	if (db->nchannels > 0) {
		log_info("database connection re-established; listening "
		    "again");
		db->missed = true;
		(void)listen_channels(db, db->channels, db->nchannels);
	}
	db->down = false;
	db->backoff_ms = 0;
	return 0;
}

/* Re-establishes a broken connection unless a transaction was open. */
static bool
reconnect(struct db *db)
{
	if (PQstatus(db->conn) == CONNECTION_OK || db->in_tx)
		return false;
	return reset(db) == 0;
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

int
db_listen(struct db *db, const char *channel)
{
	size_t i;

	for (i = 0; i < db->nchannels; i++)
		if (strcmp(db->channels[i], channel) == 0)
			return 0;
	if (db->nchannels == DB_MAX_CHANNELS) {
		log_error("db_listen: more than %d channels", DB_MAX_CHANNELS);
		return -1;
	}
	db->channels[db->nchannels++] = xstrdup(channel);
	if (PQstatus(db->conn) != CONNECTION_OK)
		return -1;	/* LISTENed when it is back */
	return listen_channels(db, &db->channels[db->nchannels - 1], 1);
}

bool
db_connected(struct db *db)
{
	return db != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

int
db_socket(struct db *db)
{
	if (PQstatus(db->conn) != CONNECTION_OK)
		return -1;
	return PQsocket(db->conn);
}

enum db_wake
db_notified(struct db *db)
{
	PGnotify *n;
	bool any;

	if (PQstatus(db->conn) != CONNECTION_OK ||
	    PQconsumeInput(db->conn) == 0) {
		if (db->in_tx || (db->down && mono_ms() < db->retry_at))
			return DB_WAKE_DOWN;
		if (reset(db) == -1)
			return DB_WAKE_DOWN;
	}
	any = db->missed;
	db->missed = false;
	while ((n = PQnotifies(db->conn)) != NULL) {
		PQfreemem(n);
		any = true;
	}
	return any ? DB_WAKE_READ : DB_WAKE_NONE;
}

enum db_wake
db_wait_notify(struct db *db, int timeout_ms)
{
	struct pollfd pfd;
	enum db_wake r;
	int64_t wait;

	r = db_notified(db);
	if (r == DB_WAKE_READ)
		return r;
	memset(&pfd, 0, sizeof(pfd));
	pfd.fd = db_socket(db);
	pfd.events = POLLIN;
	wait = timeout_ms;
	if (pfd.fd < 0 && !db->in_tx && db->retry_at - mono_ms() < wait)
		wait = db->retry_at - mono_ms();	/* the next try */
	if (wait < 0)
		wait = 0;
	(void)poll(&pfd, pfd.fd < 0 ? 0 : 1, (int)wait);
	return db_notified(db);
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

/* Value of row r, column c, or NULL if SQL NULL. */
static const char *
db_get(const PGresult *res, int r, int c)
{
	if (PQgetisnull(res, r, c))
		return NULL;
	return PQgetvalue(res, r, c);
}

const char *
db_val(const PGresult *res, int r, const char *col)
{
	int c;

	c = PQfnumber(res, col);
	if (c < 0) {
		log_error("db_val: the statement returns no column %s", col);
		return NULL;
	}
	return db_get(res, r, c);
}

int
db_val_int64(const PGresult *res, int r, const char *col, int64_t *out)
{
	const char *v;
	char *end;
	long long x;

	v = db_val(res, r, col);
	if (v == NULL)
		return -1;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -1;
	*out = x;
	return 0;
}

void
db_params_init(struct db_params *p)
{
	memset(p, 0, sizeof(*p));
}

void
db_params_release(struct db_params *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		free(p->owned[i]);
	db_params_init(p);
}

/* Adds v; owned says whether the builder frees it. */
static void
add(struct db_params *p, const char *v, char *owned)
{
	if (p->n == DB_PARAMS_MAX) {
		p->overflow = true;
		free(owned);
		return;
	}
	p->owned[p->n] = owned;
	p->v[p->n++] = v;
}

void
db_param(struct db_params *p, const char *v)
{
	add(p, v, NULL);
}

void
db_param_int(struct db_params *p, long long v)
{
	char *s = xasprintf("%lld", v);

	add(p, s, s);
}

void
db_param_bool(struct db_params *p, bool v)
{
	add(p, v ? "t" : "f", NULL);
}

void
db_param_bytea(struct db_params *p, const uint8_t *b, size_t n)
{
	char *s;

	s = xmalloc(2 + 2 * n + 1);
	s[0] = '\\';
	s[1] = 'x';
	hex_encode(b, n, s + 2);
	s[2 + 2 * n] = '\0';
	add(p, s, s);
}

void
db_array_init(struct db_array *a)
{
	buf_init(&a->text, 0);
	a->n = 0;
}

void
db_array_release(struct db_array *a)
{
	buf_release(&a->text);
	a->n = 0;
}

void
db_array_add(struct db_array *a, const char *v)
{
	buf_puts(&a->text, a->n++ == 0 ? "{" : ",");
	if (v == NULL) {
		buf_puts(&a->text, "NULL");
		return;
	}
	buf_puts(&a->text, "\"");
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			buf_puts(&a->text, "\\");
		buf_append(&a->text, v, 1);
	}
	buf_puts(&a->text, "\"");
}

void
db_array_add_int(struct db_array *a, long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", v);
	db_array_add(a, num);
}

void
db_param_array_take(struct db_params *p, struct db_array *a)
{
	char *s;

	if (a->n == 0)
		buf_puts(&a->text, "{");
	buf_puts(&a->text, "}");
	s = buf_take(&a->text);
	db_array_release(a);
	add(p, s, s);
}

void
db_param_array(struct db_params *p, const char *const *v, size_t n)
{
	struct db_array a;
	size_t i;

	db_array_init(&a);
	for (i = 0; i < n; i++)
		db_array_add(&a, v[i]);
	db_param_array_take(p, &a);
}

PGresult *
db_run(struct db *db, const char *sql, const struct db_params *p)
{
	if (p->overflow) {
		log_error("db_run: more than %d parameters", DB_PARAMS_MAX);
		return NULL;
	}
	return db_query(db, sql, p->n, p->v);
}

PGresult *
db_run1(struct db *db, const char *sql, const char *param)
{
	return db_query(db, sql, 1, &param);
}

int
db_run_command(struct db *db, const char *sql, const struct db_params *p)
{
	PGresult *res;

	res = db_run(db, sql, p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

void
db_mask_secrets(char *s)
{
	char *run, *w = s;
	size_t len;

	while (*s != '\0') {
		if (!isalnum((unsigned char)*s)) {
			*w++ = *s++;
			continue;
		}
		run = s;
		while (isalnum((unsigned char)*s))
			s++;
		len = (size_t)(s - run);
		if (len >= 16) {
			memmove(w, run, 4);
			memcpy(w + 4, "***", 3);
			w += 7;
		} else {
			memmove(w, run, len);
			w += len;
		}
	}
	*w = '\0';
}
