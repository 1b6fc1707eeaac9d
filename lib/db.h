/*
 * PostgreSQL access: one connection per handle (a handle is used by one
 * thread at a time). Queries are always parameterized; statements given as
 * string literals are prepared once per connection and reused.
 */
#ifndef CC_DB_H
#define CC_DB_H

#include "cc.h"
#include <libpq-fe.h>

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

/* SQLSTATE of the last failed statement ("" if none), e.g. "23505". */
const char	*db_last_sqlstate(struct db *);
const char	*db_last_error(struct db *);

/* Convenience: value of row r, column c, or NULL if SQL NULL. */
const char	*db_get(const PGresult *, int r, int c);

#endif
