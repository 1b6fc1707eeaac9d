/*
 * Numbered SQL migrations (sql/NNN_name.sql), each applied in its own
 * transaction and recorded in schema_migrations; applied ones are skipped,
 * so running it again is a no-op. An advisory lock serializes concurrent
 * runs.
 */
#ifndef CC_MIGRATE_H
#define CC_MIGRATE_H

#include "cc.h"

struct db;

/* Default directory of the installed migrations. */
#define MIGRATE_DEFAULT_DIR CC_DATADIR "/sql"

/* Applies pending migrations from dir; returns how many, or -1 (err). */
int	migrate_run(struct db *, const char *dir, bool verbose,
	    char *err, size_t errlen);

#endif
