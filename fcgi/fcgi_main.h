/*
 * The shared skeleton of the FastCGI programs: configuration, a pool of
 * threads each with its own database connection, request reading with the
 * body cap, X-Request-Id, and writing the response. A program supplies one
 * handler; it never exits on a request's error.
 */
#ifndef CC_FCGI_MAIN_H
#define CC_FCGI_MAIN_H

#include "cc.h"
#include "http.h"
#include "clientip.h"
#include "ratelimit.h"

struct db;
struct cc_config;

struct fcgi_ctx {
	const struct cc_config	*cfg;
	struct db		*db;		/* NULL if unavailable */
	struct ratelimit	*rl;		/* this thread's limiter */
	const char		*method;
	char			 path[1024];	/* raw path, no query */
	const char		*query;
	const char		*ip;
	const char		*user_agent;
	const char		*authorization;
	const char		*idempotency_key;
	const char		*content_type;
	char			 request_id[48];
	struct buf		 body;
	bool			 body_too_large;
	bool			 body_bad_length;
	struct http_resp	 resp;
	bool			 streamed;	/* the handler wrote itself */
	/* fcgi_client: resolved once, "" when REMOTE_ADDR is unusable */
	bool			 client_done;
	bool			 client_exempt;
	char			 client[NET_ADDR_STRLEN];
	char			 client_key[CLIENTIP_KEY_LEN];
	void			*fcgx;		/* FCGX_Request * */
};

/* What a program may change in the skeleton. */
struct fcgi_opts {
	int	 threads;		/* 0: [http] threads of the config */
	bool	 no_db;			/* no database connection per thread */
	/* Called once after the configuration is loaded, before serving. */
	int	(*init)(const struct cc_config *);
	/*
	 * The answer to a request shed under overload (a 503; write_response
	 * adds Retry-After), without the database. NULL: the API's JSON.
	 */
	void	(*shed)(struct fcgi_ctx *);
};

/* Returns a request header value (CGI name, e.g. "HTTP_ACCEPT") or NULL. */
const char	*fcgi_param(struct fcgi_ctx *, const char *name);

/*
 * Runs the accept loop. Usage of the program: NAME [--config FILE]
 * [--socket PATH|:PORT]. Without --socket it serves on file descriptor 0,
 * as when spawned by the web server.
 */
int		 fcgi_main(int argc, char **argv, const char *name,
		    void (*handler)(struct fcgi_ctx *));
int		 fcgi_main_ex(int argc, char **argv, const char *name,
		    void (*handler)(struct fcgi_ctx *),
		    const struct fcgi_opts *);

/*
 * For programs that serve one route: matches the path against pattern
 * (see http_route_match) and the method against allow ("GET, HEAD").
 * Returns 0 with the captures in params, or -1 after answering the JSON
 * 404 or 405 itself.
 */
int		 fcgi_route(struct fcgi_ctx *, const char *pattern,
		    const char *allow, char params[][HTTP_MAX_PARAM_LEN]);

/*
 * The client's address (see clientip_resolve: REMOTE_ADDR, or
 * X-Forwarded-For from a [ratelimit] trusted_proxies address), "" if
 * the web server gave none usable.
 */
const char	*fcgi_client(struct fcgi_ctx *);

/*
 * Counts the request against a per-client-address class and puts the
 * X-RateLimit-* headers on the response. A client in [ratelimit] exempt
 * is not counted (SKIPPED). On RATELIMIT_LIMITED the caller answers 429
 * in its own format (fcgi_too_many for JSON); Retry-After is set.
 */
enum ratelimit_status fcgi_limit_ip(struct fcgi_ctx *,
		    enum ratelimit_class, struct ratelimit_result *);

/*
 * The JSON 429 in the spec's error format: type rate_limit_error, the
 * code and message given, constraints {limit, window, retry_after}.
 */
void		 fcgi_too_many(struct fcgi_ctx *,
		    const struct ratelimit_result *, const char *code,
		    const char *message);

/*
 * Streaming answers (Server-Sent Events): writes the status line and
 * headers (extra: "Name: value\r\n" lines or NULL) and flushes; later
 * writes go straight to the client. fcgi_stream_flush returns -1 once the
 * client has gone.
 */
int		 fcgi_stream_begin(struct fcgi_ctx *, int status,
		    const char *content_type, const char *extra);
int		 fcgi_stream_write(struct fcgi_ctx *, const char *, size_t);
int		 fcgi_stream_flush(struct fcgi_ctx *);

#endif
