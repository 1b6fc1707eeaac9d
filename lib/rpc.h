/*
 * A JSON-RPC 2.0 client over HTTP(S) for chain nodes (libcurl, one easy
 * handle kept alive across calls). One client per thread: a client is not
 * safe to share, but clients in different threads are independent.
 *
 * Node URLs often carry an API key in their path, so neither the URL nor
 * request params ever reach a log line or an error message.
 */
#ifndef CC_RPC_H
#define CC_RPC_H

#include "cc.h"
#include <json-c/json.h>

/* Largest response body accepted (after any decompression), bytes. */
#define RPC_MAX_RESPONSE	(64 * 1024 * 1024)
/* Longest method name: ASCII letters, digits and '_' only. */
#define RPC_MAX_METHOD		64
/* rpc_call_retry's backoff: first delay, cap, and default budget, ms. */
#define RPC_RETRY_FIRST_MS	100
#define RPC_RETRY_MAX_MS	5000
#define RPC_RETRY_DEFAULT_MS	60000

enum rpc_err {
	RPC_OK = 0,
	/* Connect failure, timeout, reset, HTTP 5xx, or a node's own
	 * rate-limit answer: worth retrying. */
	RPC_ETRANSPORT,
	RPC_EHTTP,	/* another non-2xx status with no JSON-RPC error
			 * body, and 429 always */
	RPC_EPROTO,	/* unparsable, not JSON-RPC 2.0, too large, or a bad
			 * method name or params text from the caller */
	RPC_ERESULT,	/* the node answered with a JSON-RPC error object
			 * (with a 2xx or 4xx status) */
	/*
	 * The node refuses a log query as too large ("query returned more
	 * than 10000 results", "exceed maximum block range", "Log response
	 * size exceeded", error code -32005, ...), whatever the HTTP
	 * status: split the range.
	 */
	RPC_ETOOMANY,
	RPC_ERR__MAX
};

struct rpc;

/*
 * A client for url (http:// or https:// only) whose calls each time out
 * after timeout_ms (> 0). NULL if the URL is not acceptable or libcurl
 * cannot be set up. The caller frees it with rpc_free.
 */
struct rpc	*rpc_new(const char *url, long timeout_ms);
void		 rpc_free(struct rpc *);

/* Static text for an error code; "unknown error" out of range. */
const char	*rpc_strerror(enum rpc_err);

/*
 * Calls method with params, the text of a JSON array ("[\"0x10\", true]";
 * NULL means "[]"). On RPC_OK *result is the response's "result" member,
 * which the caller json_object_put()s; it may be NULL for a JSON null
 * result ("no such block"). On any error *result is NULL and
 * rpc_last_error() says why, with the node's own message if it sent one.
 */
enum rpc_err	 rpc_call(struct rpc *, const char *method,
		    const char *params, json_object **result);
/*
 * rpc_call, retrying RPC_ETRANSPORT and HTTP 429 answers with exponential
 * backoff (RPC_RETRY_FIRST_MS doubling up to RPC_RETRY_MAX_MS, plus up to
 * a quarter of random jitter) until deadline_ms, a rpc_now_ms() value; 0
 * means RPC_RETRY_DEFAULT_MS from now. The first attempt always runs; each
 * attempt's timeout is cut to the time left, and no retry starts whose
 * backoff would end past the deadline. Each failure is logged once with
 * log_warn (attempt and rpc_last_error(), which names the method; never
 * the params). Other errors return at once.
 */
enum rpc_err	 rpc_call_retry(struct rpc *, const char *method,
		    const char *params, json_object **result,
		    int64_t deadline_ms);
/*
 * Human text of the last failure, e.g. "eth_getLogs: node error -32005:
 * query returned more than 10000 results"; "" after a success. Valid until
 * the next call on the client.
 */
const char	*rpc_last_error(struct rpc *);
/* The HTTP status of the last response, or 0 if none was received. */
long		 rpc_last_http_status(struct rpc *);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t		 rpc_now_ms(void);

#endif
