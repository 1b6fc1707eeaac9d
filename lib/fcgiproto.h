/*
 * The FastCGI record format (FastCGI 1.0 specification), as a pure codec:
 * no sockets, no allocation. The event stream program reads its web
 * server's records with it and writes its answers through it.
 *
 * Every length read from the wire is checked against the bytes that are
 * really there before it is used (CVE-2025-23016 was an unchecked
 * name-value length in libfcgi).
 */
#ifndef CC_FCGIPROTO_H
#define CC_FCGIPROTO_H

#include "cc.h"

#define FCGIPROTO_HEADER_LEN	8
#define FCGIPROTO_MAX_CONTENT	65535
/* A whole record: header, content and padding. */
#define FCGIPROTO_MAX_RECORD	(FCGIPROTO_HEADER_LEN + 65535 + 255)

enum fcgiproto_type {
	FCGI_BEGIN_REQUEST = 1,
	FCGI_ABORT_REQUEST = 2,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	FCGI_DATA = 8,
	FCGI_GET_VALUES = 9,
	FCGI_GET_VALUES_RESULT = 10,
	FCGI_UNKNOWN_TYPE = 11
};

#define FCGI_RESPONDER		1
#define FCGI_KEEP_CONN		1	/* flags of BEGIN_REQUEST */

/* protocolStatus of END_REQUEST */
#define FCGI_REQUEST_COMPLETE	0
#define FCGI_CANT_MPX_CONN	1
#define FCGI_OVERLOADED		2
#define FCGI_UNKNOWN_ROLE	3

/* One record as read: content points into the caller's bytes. */
struct fcgiproto_record {
	int		 type;
	unsigned int	 request_id;
	const uint8_t	*content;
	size_t		 content_len;
};

/*
 * Reads one record from the len bytes at p. Returns the bytes it takes
 * (header, content, padding) with *out filled; 0 when the bytes hold no
 * whole record yet (read more and call again with them all); -1 for a
 * record that is not FastCGI 1 (the connection is unusable).
 */
long	fcgiproto_next(const uint8_t *p, size_t len,
	    struct fcgiproto_record *out);

/* The body of BEGIN_REQUEST: 0, or -1 if it is not 8 bytes. */
int	fcgiproto_begin(const struct fcgiproto_record *, unsigned int *role,
	    unsigned int *flags);

/*
 * Walks the name-value pairs of a PARAMS stream (or a GET_VALUES body),
 * calling fn for each (name and value are NOT NUL-terminated). Returns 0,
 * -1 for a pair whose lengths run past the end or over max_len (nothing
 * after it is read), or what fn returned if not 0 (it stops the walk).
 */
int	fcgiproto_pairs(const uint8_t *p, size_t len, size_t max_len,
	    int (*fn)(void *, const uint8_t *, size_t, const uint8_t *, size_t),
	    void *arg);

/* Writes a record header for content_len (<= 65535) bytes: 8 bytes. */
void	fcgiproto_header(uint8_t out[FCGIPROTO_HEADER_LEN], int type,
	    unsigned int request_id, size_t content_len, size_t padding_len);

/* A whole END_REQUEST record: 16 bytes. */
void	fcgiproto_end_request(uint8_t out[16], unsigned int request_id,
	    uint32_t app_status, int protocol_status);

/*
 * Appends one name-value pair in the wire format to out (cap bytes,
 * *used so far). 0, or -1 if it does not fit or a length exceeds 2^31-1.
 */
int	fcgiproto_put_pair(uint8_t *out, size_t cap, size_t *used,
	    const char *name, const char *value);

/*
 * A whole GET_VALUES_RESULT record for a responder that takes max
 * connections, one request each, never multiplexed (FCGI_MAX_CONNS,
 * FCGI_MAX_REQS, FCGI_MPXS_CONNS). Returns its length (at most 128).
 */
size_t	fcgiproto_values_result(uint8_t out[128], int max);

#endif
