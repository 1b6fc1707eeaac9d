/* Failpoints: a process kills itself at a named place (see failpoint.h). */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "failpoint.h"
#include "log.h"

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static bool		 armed;
static char		 armed_name[FAILPOINT_NAME_MAX];
static long		 armed_count;
static long		 reached;	/* times the armed point was reached */

int
failpoint_parse(const char *spec, char name[FAILPOINT_NAME_MAX],
    long *count)
{
	const char *colon, *p;
	char *end;
	size_t n;
	long c = 1;

	if (spec == NULL)
		return -1;
	colon = strchr(spec, ':');
	n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	if (n == 0 || n >= FAILPOINT_NAME_MAX)
		return -1;
	for (p = spec; p < spec + n; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-'))
			return -1;
	if (colon != NULL) {
		/* Digits only: strtol would take a sign or spaces. */
		if (colon[1] < '0' || colon[1] > '9')
			return -1;
		errno = 0;
		c = strtol(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || c < 1 ||
		    c > FAILPOINT_COUNT_MAX)
			return -1;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	*count = c;
	return 0;
}

static void
arm(void)
{
	const char *spec = getenv("CC_FAILPOINT");

	if (spec == NULL || *spec == '\0')
		return;
	if (failpoint_parse(spec, armed_name, &armed_count) == -1) {
		/* A typo must not look like a run that survived. */
		log_error("CC_FAILPOINT=%s is malformed (name or name:N)",
		    spec);
		abort();
	}
	armed = true;
}

void
failpoint(const char *name)
{
	pthread_once(&once, arm);
	if (!armed || strcmp(name, armed_name) != 0)
		return;
	if (__atomic_add_fetch(&reached, 1, __ATOMIC_SEQ_CST) != armed_count)
		return;
	log_warn("failpoint %s reached (time %ld): killing this process",
	    name, armed_count);
	raise(SIGKILL);
}
