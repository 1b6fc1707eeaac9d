/*
 * Failpoints for the kill matrix (tests/integration/test_kill_matrix.py):
 * named places in the cron tools where a crash would hurt most (between
 * a write and its commit, after a commit before the next step, after a
 * webhook's answer before it is recorded). When the environment variable
 * CC_FAILPOINT names a point, the process SIGKILLs itself there: nothing
 * is flushed, nothing rolled back by us, exactly like a power cut or the
 * OOM killer. "name:N" kills at the Nth time the point is reached (the
 * first by default). Without CC_FAILPOINT a point costs one load and a
 * compare; the variable is read once. The README's Tests section lists
 * the points.
 */
#ifndef CC_FAILPOINT_H
#define CC_FAILPOINT_H

#include <stddef.h>

#define FAILPOINT_NAME_MAX	64
#define FAILPOINT_COUNT_MAX	1000000L

/* SIGKILLs the process if CC_FAILPOINT names this point and count. */
void	failpoint(const char *name);

/*
 * Parses a CC_FAILPOINT value: a name of 1 to FAILPOINT_NAME_MAX - 1
 * characters [a-z0-9._-], optionally ":N" with N in 1..FAILPOINT_COUNT_MAX.
 * Fills name and *count (1 without ":N"). 0, or -1 if malformed.
 */
int	failpoint_parse(const char *spec, char name[FAILPOINT_NAME_MAX],
	    long *count);

#endif
