/*
 * PostgreSQL access: one connection per handle (a handle is used by one
 * thread at a time). Queries are always parameterized; statements given as
 * string literals are prepared once per connection and reused.
 */
#ifndef CC_DB_H
#define CC_DB_H

#include "cc.h"
#include <libpq-fe.h>

#include "util.h"

struct db;

/* Connects; on failure returns NULL with a message in err. */
struct db	*db_connect(const char *url, char *err, size_t errlen);
void		 db_free(struct db *);
PGconn		*db_conn(struct db *);

/*
 * Runs `sql` (a string literal: its address keys the prepared-statement
 * cache) with n text parameters (NULL for SQL NULL). Returns the result,
 * which the caller PQclear()s, or NULL after logging the error. A lost
 * connection is re-established once, outside a transaction.
 */
PGresult	*db_query(struct db *, const char *sql, int n,
		    const char *const *params);
/* As db_query, for statements run once (DDL, migrations): not prepared. */
PGresult	*db_exec(struct db *, const char *sql, int n,
		    const char *const *params);
/* Runs a statement that returns no rows; 0 or -1. */
int		 db_command(struct db *, const char *sql, int n,
		    const char *const *params);

int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);

/*
 * Listening. A handle LISTENs on its channels on every connection it
 * makes: db_query's reconnect (PQreset keeps the PGconn pointer, so a
 * caller cannot tell) and a listener's own alike. A notification only
 * wakes a listener: it reads its table after the last row it saw, so
 * that notifications lost while the connection was down cost nothing.
 *
 * The channel names are those of lib/events.h (EVENTS_CHANNEL,
 * DELIVERIES_CHANNEL).
 */
enum db_wake {
	DB_WAKE_NONE,		/* nothing new */
	DB_WAKE_READ,		/* a notification, or a reconnection that
				 * may have lost some: read the table */
	DB_WAKE_DOWN		/* the connection is lost and not yet back */
};

/* A listener's reconnection backoff: doubles from MIN to MAX ms. */
#define DB_RETRY_MIN_MS	100
#define DB_RETRY_MAX_MS	2000

/*
 * LISTENs on channel now and after every reconnection (at most 4
 * channels). 0, or -1 if the LISTEN failed now; the channel is kept
 * either way and LISTENed with the next reconnection.
 */
int		 db_listen(struct db *, const char *channel);
/*
 * Without blocking: reads what the server sent and says whether a
 * notification arrived. A lost connection is re-established here (not
 * inside a transaction), at once, then after the backoff between failed
 * tries; each try blocks for as long as connecting takes.
 */
enum db_wake	 db_notified(struct db *);
/*
 * The socket to wait on for input before calling db_notified (with
 * select, poll, curl_multi_poll), or -1 while the connection is down:
 * then wait no longer than DB_RETRY_MIN_MS, or use db_wait_notify.
 */
int		 db_socket(struct db *);
/*
 * False once the connection is known lost (a statement failed on it and
 * reconnecting failed too): what failed was the database, not the request.
 */
bool		 db_connected(struct db *);
/*
 * db_notified after waiting up to timeout_ms for input; while the
 * connection is down, waits until the next reconnection try instead.
 */
enum db_wake	 db_wait_notify(struct db *, int timeout_ms);

/* SQLSTATE of the last failed statement ("" if none), e.g. "23505". */
const char	*db_last_sqlstate(struct db *);
const char	*db_last_error(struct db *);

/*
 * Value of row r in the column named col, or NULL if SQL NULL. Naming the
 * column keeps a reader from counting positions in the SELECT list; a
 * column the statement does not return is a programming error, logged,
 * and NULL.
 */
const char	*db_val(const PGresult *, int r, const char *col);
/* As db_val for a bigint/int column: 0, or -1 (NULL, absent or not a
 * whole number in range). */
int		 db_val_int64(const PGresult *, int r, const char *col,
		    int64_t *out);

/*
 * A statement's parameters: $1, $2, ... in the order they are added, so
 * that no caller keeps `params[N] =` ladders in step with the SQL by hand.
 * Numbers, booleans, bytea and arrays are encoded into storage the builder
 * owns; text is passed by pointer and must outlive the query. A builder
 * that ran out of room (more than DB_PARAMS_MAX parameters) is refused by
 * db_run, so a mistake cannot send a statement with parameters missing.
 */
#define DB_PARAMS_MAX	64

struct db_params {
	const char	*v[DB_PARAMS_MAX];
	char		*owned[DB_PARAMS_MAX];
	int		 n;
	bool		 overflow;
};

/*
 * A PostgreSQL array literal ('{"a","b",NULL}') built element by element;
 * passed as one text parameter and cast in the SQL ($1::text[],
 * $2::bigint[]).
 */
struct db_array {
	struct buf	 text;
	size_t		 n;
};

void		 db_params_init(struct db_params *);
/* Frees what the builder encoded; the pointers it was given stay. */
void		 db_params_release(struct db_params *);
/* Text (NULL for SQL NULL); the pointer must outlive the query. */
void		 db_param(struct db_params *, const char *);
void		 db_param_int(struct db_params *, long long);
void		 db_param_bool(struct db_params *, bool);
/* Bytes as bytea's hex input form; cast with $n::bytea. */
void		 db_param_bytea(struct db_params *, const uint8_t *, size_t);
/* n strings (NULL elements are SQL NULL) as one array literal. */
void		 db_param_array(struct db_params *, const char *const *,
		    size_t n);
/* Adds a built array and releases it. */
void		 db_param_array_take(struct db_params *, struct db_array *);

void		 db_array_init(struct db_array *);
void		 db_array_release(struct db_array *);
void		 db_array_add(struct db_array *, const char *);	/* NULL ok */
void		 db_array_add_int(struct db_array *, long long);

/* db_run with one text parameter, the commonest case: a lookup by id. */
PGresult	*db_run1(struct db *, const char *sql, const char *param);

/* db_query / db_command with the builder's parameters. */
PGresult	*db_run(struct db *, const char *sql, const struct db_params *);
int		 db_run_command(struct db *, const char *sql,
		    const struct db_params *);

/*
 * Replaces, in place, every run of 16 or more letters and digits (keys,
 * xpubs, secrets, hashes in a database error's DETAIL line) by its first
 * four characters and "***", so that error text can be logged.
 */
void		 db_mask_secrets(char *);

#endif
