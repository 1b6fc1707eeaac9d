/* One sanitized line per message on stderr, with time and program name. */
#include "cc.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static const char *program = "cc";
static enum log_level level = LOG_LVL_INFO;
static const char *names[LOG_LVL__MAX] = { "error", "warn", "info", "debug" };

void
log_set_program(const char *p)
{
	program = p;
}

void
log_set_level(enum log_level l)
{
	level = l;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	char msg[1024], line[1200], ts[32];
	va_list ap;
	size_t i;

	if (l > level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i] != '\0'; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c == 0x7f)
			msg[i] = '?';
	}
	time_format_utc(time(NULL), ts, sizeof(ts));
	snprintf(line, sizeof(line), "%s %s[%d] %s: %s\n", ts, program,
	    (int)getpid(), names[l], msg);
	/* One write per line keeps lines whole across threads. */
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		return;
}
