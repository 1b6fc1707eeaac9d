/*
 * Small helpers every module uses: checked allocation, a growable byte
 * buffer with a hard cap, bounded string copies, hex, and time formatting.
 */
#ifndef CC_UTIL_H
#define CC_UTIL_H

#include "cc.h"
#include <time.h>

/*
 * -1 (after logging why) when the process runs as root, user or group:
 * a FastCGI program reads client input and must not hold root's rights
 * (libfcgi's CVE-2025-23016 is only partly fixed in Debian 12).
 */
int	 cc_refuse_root(void);

/* Allocation that aborts on failure (out of memory is not recoverable). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Formats into a new string; caller owns it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t	 cc_strlcpy(char *, const char *, size_t);
/* snprintf that returns -1 on truncation or error. */
int	 cc_snprintf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * A growable byte buffer, always NUL-terminated. `max` (0 = unlimited)
 * caps its length: an append past it fails with -1 and sets `overflow`.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 overflow;
};
void	 buf_init(struct buf *, size_t max);
void	 buf_release(struct buf *);
int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char	*buf_take(struct buf *);

/*
 * The command line of a cron tool that takes only --config FILE and --for
 * SECONDS (0..86400, default 0), --quiet and --help. --quiet sets the log
 * level to warnings (a run that went well prints nothing, so cron mails
 * only problems). Returns 0 to run, 1 after printing the help to stdout
 * (exit 0), 2 after a usage error on stderr (exit 2).
 */
int	 cron_args(int argc, char **argv, const char *prog,
	    void (*usage)(FILE *), long long *run_for);

/* The value of one hex digit (either case), or -1. */
int	 hex_value(int);
/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void	 hex_encode(const uint8_t *, size_t, char *out);
/* Decodes exactly outlen bytes from 2*outlen hex digits; -1 if invalid. */
int	 hex_decode(const char *, uint8_t *out, size_t outlen);

/* RFC 3339 UTC with seconds: 2025-01-15T10:00:00Z (out >= 21 bytes). */
void	 time_format_utc(time_t, char *out, size_t outlen);
/*
 * Parses ISO 8601 / RFC 3339 date-times: YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)
 * or a plain date YYYY-MM-DD (midnight UTC). Returns 0 and the time in
 * microseconds since the epoch, or -1.
 */
int	 time_parse_iso8601(const char *, int64_t *out_us);

/* Base64url without padding; out must hold 4*ceil(len/3)+1 bytes. */
void	 b64url_encode(const uint8_t *, size_t, char *out);
/* Returns decoded length or -1. */
int	 b64url_decode(const char *, uint8_t *out, size_t outmax);

/* Constant-time comparison of two equal-length byte strings. */
int	 ct_equal(const void *, const void *, size_t);

#endif
