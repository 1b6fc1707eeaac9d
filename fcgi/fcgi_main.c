/* Threaded FastCGI accept loop shared by every program. */
#include "cc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <fcgiapp.h>

#include "backlog.h"
#include "config.h"
#include "db.h"
#include "fcgi_main.h"
#include "ids.h"
#include "jsonx.h"
#include "log.h"
#include "util.h"

static struct cc_config	 config;
static int		 listen_fd;
static void		(*handler_fn)(struct fcgi_ctx *);
static bool		 no_db;
/*
 * Load shedding: config.threads workers and one spare thread. The spare
 * takes requests like the others while bursts come and go; once requests
 * have been waiting in the socket's backlog without a break for
 * CC_SHED_AFTER_MS (sustained overload: the queue would only grow), a
 * request that finds every worker busy gets a 503 with Retry-After at
 * once, without the database or Redis, while the workers go on serving.
 * And before the queue can overflow (the web server then answers errors
 * of its own: lighttpd 500s), every thread sheds while it holds more than
 * its high-water mark (lib/backlog.c: a quarter of its length), checked
 * at most every BACKLOG_CHECK_MS while connections wait. The 503 is the
 * program's (fcgi_opts.shed: the payment page's is HTML), else JSON.
 * Programs without a database connection per thread (cc-events) hold
 * streams, not requests, and refuse those their own way: they do not
 * shed.
 */
static bool		 shedding;
static int		 busy;		/* threads inside a request */
static int64_t		 last_idle;	/* ms: the backlog was last empty */
#define BACKLOG_CHECK_MS	10
static int64_t		 backlog_checked;	/* ms: last backlog_depth() */
static bool		 backlog_high;	/* above the high-water mark then */
static void		(*shed_fn)(struct fcgi_ctx *);

const char *
fcgi_param(struct fcgi_ctx *c, const char *name)
{
	FCGX_Request *r = c->fcgx;

	return FCGX_GetParam(name, r->envp);
}

static void
read_body(struct fcgi_ctx *c)
{
	FCGX_Request *r = c->fcgx;
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->envp);
	char chunk[8192];
	long long len = 0;
	char *end;

	buf_init(&c->body, CC_MAX_BODY);
	if (cl != NULL && *cl != '\0') {
		errno = 0;
		len = strtoll(cl, &end, 10);
		if (errno != 0 || *end != '\0' || len < 0) {
			c->body_bad_length = true;
			return;
		}
	}
	if (len > CC_MAX_BODY) {
		c->body_too_large = true;
		return;
	}
	for (;;) {
		int n = FCGX_GetStr(chunk, sizeof(chunk), r->in);

		if (n <= 0)
			break;
		if (buf_append(&c->body, chunk, (size_t)n) == -1) {
			c->body_too_large = true;
			return;
		}
	}
	if (c->body.data == NULL)
		buf_append(&c->body, "", 0);
}

static void
write_response(struct fcgi_ctx *c)
{
	FCGX_Request *r = c->fcgx;
	struct http_resp *resp = &c->resp;

	FCGX_FPrintF(r->out, "Status: %d %s\r\n", resp->status,
	    http_status_text(resp->status));
	FCGX_FPrintF(r->out, "Content-Type: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Request-Id: %s\r\n", resp->content_type ?
	    resp->content_type : "application/json", c->request_id);
	/* API answers are private unless a handler says otherwise. */
	if (resp->headers.data == NULL ||
	    strstr(resp->headers.data, "Cache-Control:") == NULL)
		FCGX_PutS("Cache-Control: no-store\r\n", r->out);
	/* Every 503 says when to come back, so that clients back off. */
	if (resp->status == 503 && (resp->headers.data == NULL ||
	    strstr(resp->headers.data, "Retry-After:") == NULL))
		FCGX_PutS("Retry-After: " CC_RETRY_AFTER_503 "\r\n", r->out);
	if (resp->headers.len > 0)
		FCGX_PutStr(resp->headers.data, (int)resp->headers.len, r->out);
	FCGX_PutS("\r\n", r->out);
	if (resp->body.len > 0 && strcmp(c->method, "HEAD") != 0 &&
	    resp->status != 304)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, r->out);
}

static void
fill_request(struct fcgi_ctx *c)
{
	FCGX_Request *r = c->fcgx;
	const char *uri, *q;
	size_t n;

	c->method = FCGX_GetParam("REQUEST_METHOD", r->envp);
	if (c->method == NULL)
		c->method = "GET";
	uri = FCGX_GetParam("REQUEST_URI", r->envp);
	if (uri == NULL)
		uri = "/";
	q = strchr(uri, '?');
	n = q ? (size_t)(q - uri) : strlen(uri);
	if (n >= sizeof(c->path))
		n = sizeof(c->path) - 1;
	memcpy(c->path, uri, n);
	c->path[n] = '\0';
	c->query = FCGX_GetParam("QUERY_STRING", r->envp);
	c->ip = FCGX_GetParam("REMOTE_ADDR", r->envp);
	c->user_agent = FCGX_GetParam("HTTP_USER_AGENT", r->envp);
	c->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", r->envp);
	c->idempotency_key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", r->envp);
	c->content_type = FCGX_GetParam("CONTENT_TYPE", r->envp);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * True if the backlog held more than its high-water mark when last
 * looked at, looking again if BACKLOG_CHECK_MS have passed (one thread
 * looks; the others take the answer). An unknown depth is never high.
 */
static bool
over_high_water(void)
{
	int64_t now = mono_ms(), then;
	unsigned queued, max;
	bool high;

	then = __atomic_load_n(&backlog_checked, __ATOMIC_SEQ_CST);
	if (now - then < BACKLOG_CHECK_MS || !__atomic_compare_exchange_n(
	    &backlog_checked, &then, now, false, __ATOMIC_SEQ_CST,
	    __ATOMIC_SEQ_CST))
		return __atomic_load_n(&backlog_high, __ATOMIC_SEQ_CST);
	high = backlog_depth(listen_fd, &queued, &max) == 0 &&
	    queued > backlog_high_water(max);
	__atomic_store_n(&backlog_high, high, __ATOMIC_SEQ_CST);
	return high;
}

/*
 * Counts this thread in; true if it should shed the request (see
 * shedding above). queued: connections were waiting behind this one.
 * Every call is paired with leave().
 */
static bool
enter(bool queued)
{
	int n;

	n = __atomic_add_fetch(&busy, 1, __ATOMIC_SEQ_CST);
	if (!shedding)
		return false;
	if (!queued)
		__atomic_store_n(&backlog_high, false, __ATOMIC_SEQ_CST);
	else if (over_high_water())
		return true;
	if (n <= config.threads)
		return false;
	return mono_ms() - __atomic_load_n(&last_idle, __ATOMIC_SEQ_CST) >=
	    CC_SHED_AFTER_MS;
}

/* The JSON 503 of the API programs. */
static void
shed_json(struct fcgi_ctx *c)
{
	http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
	    "the server is overloaded; retry shortly", NULL);
}

static void
leave(void)
{
	__atomic_sub_fetch(&busy, 1, __ATOMIC_SEQ_CST);
}

/*
 * A 500 that came from a lost database connection (a statement failed,
 * and so did reconnecting: the server is down or out of connections) is
 * the database's unavailability, not a fault of ours: a 503 the client
 * may retry.
 */
static void
db_lost_is_503(struct fcgi_ctx *c, struct db *db)
{
	if (c->resp.status != 500 || db == NULL || db_connected(db))
		return;
	http_resp_release(&c->resp);
	http_resp_init(&c->resp, c->request_id);
	http_error(&c->resp, 503, "api_error", "SERVICE_UNAVAILABLE",
	    "the database is unavailable; retry shortly", NULL);
}

static void *
worker(void *arg)
{
	FCGX_Request req;
	struct db *db = NULL;
	struct ratelimit *rl;

	(void)arg;
	rl = ratelimit_new(&config.ratelimit, config.redis_url);
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0) {
		log_error("FCGX_InitRequest failed");
		return NULL;
	}
	/* A queue counts from when a thread could first take from it (a
	 * program restarted under valgrind takes seconds to get here). */
	__atomic_store_n(&last_idle, mono_ms(), __ATOMIC_SEQ_CST);
	for (;;) {
		struct fcgi_ctx c;
		char err[256];
		struct pollfd pfd = { listen_fd, POLLIN, 0 };
		bool queued;

		/* Going to wait on an empty queue: no queue until now (a
		 * first request after an idle hour is no overload). */
		if (poll(&pfd, 1, 0) == 0)
			__atomic_store_n(&last_idle, mono_ms(),
			    __ATOMIC_SEQ_CST);
		if (FCGX_Accept_r(&req) < 0)
			break;
		/* Nothing else waiting to be accepted: no queue. */
		queued = poll(&pfd, 1, 0) != 0;
		if (!queued)
			__atomic_store_n(&last_idle, mono_ms(),
			    __ATOMIC_SEQ_CST);
		memset(&c, 0, sizeof(c));
		c.fcgx = &req;
		c.cfg = &config;
		ids_new("req_", c.request_id, sizeof(c.request_id));
		http_resp_init(&c.resp, c.request_id);
		fill_request(&c);
		if (enter(queued)) {
			shed_fn(&c);
			write_response(&c);
			http_resp_release(&c.resp);
			FCGX_Finish_r(&req);
			leave();
			continue;
		}
		if (db == NULL && !no_db) {
			db = db_connect(config.database_url, err, sizeof(err));
			if (db == NULL)
				log_error("%s", err);
		}
		c.db = db;
		c.rl = rl;
		read_body(&c);
		handler_fn(&c);
		if (!c.streamed) {
			if (c.resp.content_type == NULL)
				db_lost_is_503(&c, db);
			write_response(&c);
		}
		buf_release(&c.body);
		http_resp_release(&c.resp);
		FCGX_Finish_r(&req);
		leave();
	}
	db_free(db);
	ratelimit_free(rl);
	return NULL;
}

const char *
fcgi_client(struct fcgi_ctx *c)
{
	const struct ratelimit_settings *s = &c->cfg->ratelimit;
	struct net_addr a;

	if (c->client_done)
		return c->client;
	c->client_done = true;
	if (clientip_resolve(c->ip, fcgi_param(c, "HTTP_X_FORWARDED_FOR"),
	    s->trusted, s->ntrusted, &a) == -1)
		return c->client;
	net_addr_str(&a, c->client, sizeof(c->client));
	clientip_key(&a, c->client_key, sizeof(c->client_key));
	c->client_exempt = clientip_listed(&a, s->exempt, s->nexempt);
	return c->client;
}

enum ratelimit_status
fcgi_limit_ip(struct fcgi_ctx *c, enum ratelimit_class cls,
    struct ratelimit_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = RATELIMIT_SKIPPED;
	if (!c->cfg->ratelimit.enabled)
		return r->status;
	fcgi_client(c);
	if (c->client_exempt || c->client_key[0] == '\0')
		return r->status;
	ratelimit_hit(c->rl, cls, c->client_key, &c->cfg->ratelimit.rules[cls],
	    c->request_id, true, r);
	ratelimit_headers(r, &c->resp);
	return r->status;
}

void
fcgi_too_many(struct fcgi_ctx *c, const struct ratelimit_result *r,
    const char *code, const char *message)
{
	json_object *extra = json_object_new_object(), *k;

	k = json_object_new_object();
	jsonx_add(k, "limit", json_object_new_int64(r->limit));
	jsonx_add(k, "window", json_object_new_int64(r->window));
	jsonx_add(k, "retry_after", json_object_new_int64(r->retry_after));
	jsonx_add(extra, "constraints", k);
	http_error_ex(&c->resp, 429, "rate_limit_error", code, message, NULL,
	    extra);
}

int
fcgi_route(struct fcgi_ctx *c, const char *pattern, const char *allow,
    char params[][HTTP_MAX_PARAM_LEN])
{
	const char *m;
	size_t n = strlen(c->method);

	if (http_route_match(pattern, c->path, params, HTTP_MAX_PARAMS) < 0) {
		http_error(&c->resp, 404, "invalid_request_error",
		    "ROUTE_NOT_FOUND", "no such API route", NULL);
		return -1;
	}
	for (m = strstr(allow, c->method); m != NULL; m = strstr(m + 1,
	    c->method))
		if ((m == allow || m[-1] == ' ') &&
		    (m[n] == '\0' || m[n] == ','))
			return 0;
	http_header(&c->resp, "Allow", allow);
	http_error(&c->resp, 405, "invalid_request_error",
	    "METHOD_NOT_ALLOWED", "method not allowed on this resource", NULL);
	return -1;
}

int
fcgi_stream_begin(struct fcgi_ctx *c, int status, const char *content_type,
    const char *extra)
{
	FCGX_Request *r = c->fcgx;

	c->streamed = true;
	FCGX_FPrintF(r->out, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n%s\r\n",
	    status, http_status_text(status), content_type, c->request_id,
	    extra ? extra : "");
	return fcgi_stream_flush(c);
}

int
fcgi_stream_write(struct fcgi_ctx *c, const char *s, size_t len)
{
	FCGX_Request *r = c->fcgx;

	return FCGX_PutStr(s, (int)len, r->out) == (int)len ? 0 : -1;
}

int
fcgi_stream_flush(struct fcgi_ctx *c)
{
	FCGX_Request *r = c->fcgx;

	if (FCGX_FFlush(r->out) == -1 || FCGX_GetError(r->out) != 0)
		return -1;
	return 0;
}

int
fcgi_main(int argc, char **argv, const char *name,
    void (*handler)(struct fcgi_ctx *))
{
	struct fcgi_opts o = { .threads = 0 };

	return fcgi_main_ex(argc, argv, name, handler, &o);
}

int
fcgi_main_ex(int argc, char **argv, const char *name,
    void (*handler)(struct fcgi_ctx *), const struct fcgi_opts *opts)
{
	const char *socket_path = NULL;
	pthread_t *threads;
	int i, nthreads;

	log_set_program(name);
	if ((i = config_program_start(argc, argv, name, &config,
	    &socket_path)) != -1)
		return i;
	handler_fn = handler;
	no_db = opts->no_db;
	shedding = !no_db;
	shed_fn = opts->shed != NULL ? opts->shed : shed_json;
	last_idle = mono_ms();
	if (opts->threads > 0)
		config.threads = opts->threads;
	/* Where errors' documentation_url points ([http] docs_url). */
	http_set_docs_url(config.docs_url, config.public_url);
	if (opts->init != NULL && opts->init(&config) == -1)
		return 1;
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	/*
	 * FCGX_Init makes SIGTERM only set a flag, which a threaded server
	 * never reads: restore the default so that kill stops us.
	 */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	listen_fd = 0;
	if (socket_path != NULL) {
		listen_fd = FCGX_OpenSocket(socket_path, 4096);
		if (listen_fd < 0) {
			log_error("cannot listen on %s", socket_path);
			return 1;
		}
		if (socket_path[0] == '/')
			chmod(socket_path, 0660);
	}
	nthreads = config.threads + (shedding ? 1 : 0);	/* the spare */
	threads = xcalloc((size_t)nthreads, sizeof(*threads));
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, NULL) != 0) {
			log_error("cannot start thread %d", i);
			return 1;
		}
	log_info("serving with %d threads", config.threads);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return 0;
}
