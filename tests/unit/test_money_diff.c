/*
 * Differential test of the amount formatters: money_format_units_text
 * and money_format_units against Python's decimal module over a million
 * random (units, decimals) pairs. tests/unit/money_diff.py draws the
 * pairs and writes the reference text; this program runs it (python3,
 * no shell), formats each pair itself and counts disagreements.
 *
 * MONEY_DIFF_SEED repeats a run (the seed is printed, and named in any
 * failure); MONEY_DIFF_COUNT changes its size.
 */
#include "cc.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "money.h"

#ifndef MONEY_DIFF_SCRIPT
#define MONEY_DIFF_SCRIPT	"tests/unit/money_diff.py"
#endif

#define DIFF_COUNT		1000000
#define DIFF_SHOWN		5	/* disagreements shown in full */
#define U128_MAX_STR		"340282366920938463463374607431768211455"

/* An environment number, or def when unset. */
static unsigned long long
env_number(const char *name, unsigned long long def)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return v;
}

/* True if the digits fit an unsigned __int128. */
static bool
fits_u128(const char *units)
{
	size_t n = strlen(units), m = strlen(U128_MAX_STR);

	return n < m || (n == m && strcmp(units, U128_MAX_STR) <= 0);
}

/*
 * Starts python3 on the reference script; its output is *fp. Returns its
 * pid, or -1.
 */
static pid_t
start_reference(unsigned long long count, unsigned long long seed, FILE **fp)
{
	char cnt[24], sd[24];
	int fd[2];
	pid_t pid;

	snprintf(cnt, sizeof(cnt), "%llu", count);
	snprintf(sd, sizeof(sd), "%llu", seed);
	if (pipe(fd) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("python3", "python3", MONEY_DIFF_SCRIPT, cnt, sd,
		    (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	*fp = fdopen(fd[0], "r");
	if (*fp == NULL) {
		close(fd[0]);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* One line: "UNITS DECIMALS EXPECTED"; 0 or -1 if malformed. */
static int
split(char *line, char **units, int *decimals, char **want)
{
	char *sp1, *sp2, *end;
	long d;

	line[strcspn(line, "\n")] = '\0';
	sp1 = strchr(line, ' ');
	if (sp1 == NULL)
		return -1;
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL)
		return -1;
	*sp1 = '\0';
	*sp2 = '\0';
	errno = 0;
	d = strtol(sp1 + 1, &end, 10);
	if (errno != 0 || *end != '\0' || d < 0 || d > MONEY_MAX_SCALE)
		return -1;
	*units = line;
	*decimals = (int)d;
	*want = sp2 + 1;
	return 0;
}

static void
test_against_python(void)
{
	unsigned long long count, seed, lines = 0, as_u128 = 0, bad = 0;
	char line[256], got[MONEY_TEXT_MAX], got128[MONEY_TEXT_MAX];
	char *units, *want;
	FILE *fp = NULL;
	int decimals, status, r, r128;
	pid_t pid;
	time_t t0 = time(NULL);

	count = env_number("MONEY_DIFF_COUNT", DIFF_COUNT);
	seed = env_number("MONEY_DIFF_SEED", ((unsigned long long)t0 << 20) ^
	    (unsigned long long)getpid());
	printf("\n  money_diff: %llu pairs, seed %llu (MONEY_DIFF_SEED)\n",
	    count, seed);
	pid = start_reference(count, seed, &fp);
	EXPECT(pid != -1, "cannot run python3 %s", MONEY_DIFF_SCRIPT);
	if (pid == -1)
		return;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lines++;
		if (split(line, &units, &decimals, &want) == -1) {
			EXPECT(0, "seed %llu line %llu: malformed reference "
			    "line", seed, lines);
			bad++;
			break;
		}
		r = money_format_units_text(units, decimals, got,
		    sizeof(got));
		r128 = 0;
		got128[0] = '\0';
		if (fits_u128(units)) {
			as_u128++;
			r128 = money_format_units(u128(units), decimals,
			    got128, sizeof(got128));
		}
		if (r == 0 && strcmp(got, want) == 0 && r128 == 0 &&
		    (!fits_u128(units) || strcmp(got128, want) == 0))
			continue;
		if (++bad <= DIFF_SHOWN)
			EXPECT(0, "seed %llu: %s e-%d: python \"%s\", "
			    "money_format_units_text %d \"%s\", "
			    "money_format_units %d \"%s\"", seed, units,
			    decimals, want, r, got, r128, got128);
	}
	fclose(fp);
	waitpid(pid, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "python3 %s failed (status %d)", MONEY_DIFF_SCRIPT, status);
	EXPECT(lines == count, "seed %llu: %llu reference lines, want %llu",
	    seed, lines, count);
	EXPECT(bad == 0, "seed %llu: %llu of %llu pairs disagree", seed, bad,
	    lines);
	printf("  money_diff: %llu pairs compared (%llu also as u128), "
	    "%llu disagree, %lld s\n", lines, as_u128, bad,
	    (long long)(time(NULL) - t0));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "against_python_decimal", test_against_python },
	};

	return cu_run("money_diff", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
