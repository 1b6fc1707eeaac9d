/*
 * cc-events.fcgi: Server-Sent Events for the payment page,
 * GET /api/v1/public/invoice/{id}/events.
 *
 * One thread runs an epoll loop over every connection from the web
 * server: its own FastCGI responder (lib/fcgiproto.c; libfcgi blocks a
 * thread per request and uses select(), unusable past fd 1023), so that
 * a stream costs a connection and a few hundred bytes, not a thread.
 * Blocking PostgreSQL work stays off the loop: one listener thread reads
 * each new event once (LISTEN on EVENTS_CHANNEL) and, if a stream follows
 * its invoice, hands it to the worker of that invoice (so an invoice's
 * events stay in order while others' are built in parallel); a few
 * workers build each event's message once (with the invoice's public
 * view) and open streams (invoice state, Last-Event-ID replay). The loop
 * queues that one reference-counted message on every stream of the
 * invoice.
 *
 * Limits: [events] max_streams in all (503 TOO_MANY_STREAMS at once past
 * it), per_ip per client address and max_per_invoice per invoice (429);
 * each with Retry-After. A stream whose output the web server stops
 * reading is dropped when its queue passes OUT_MAX or has not moved for
 * STALL_MS; a connection the web server closes frees its slot at once.
 */
#include "cc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clientip.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "fcgiproto.h"
#include "http.h"
#include "hub.h"
#include "ids.h"
#include "invoice.h"
#include "log.h"
#include "sse.h"
#include "util.h"

#define WORKERS		4	/* database connections opening streams */
#define POLL_MS		2000	/* the listener also polls: notifications
				 * can be lost */
#define READ_MAX	1000	/* events one query reads */
#define PARAMS_MAX	(32 * 1024)	/* a request's FastCGI params */
#define PARAM_MAX	2048	/* one value we keep */
#define OUT_MAX		(256 * 1024)	/* queued for one stream */
#define STALL_MS	30000	/* queued output that does not move */
#define REQUEST_MS	10000	/* to send a whole request */
#define TICK_MS		250
#define RETRY_FULL	"10"	/* Retry-After when the process is full */
#define RETRY_LIMIT	"30"	/* ... when a client or invoice is */
#define LISTEN_BACKLOG	4096
#define IOV_MAX_LOOP	64

static const char heartbeat[] = ": heartbeat\n\n";

/* One message, shared by every stream that queues it. */
struct msg {
	int	 refs;		/* the loop's only, once handed to it */
	size_t	 len;
	char	 data[];
};

/* What one connection still has to write. */
struct out {
	struct out	*next;
	struct msg	*m;
	uint8_t		 hdr[FCGIPROTO_HEADER_LEN];
	size_t		 hlen;	/* 0: m is whole records already */
	size_t		 off;	/* written of hdr + m */
};

enum conn_state {
	C_READ,		/* reading the request */
	C_OPENING,	/* a worker looks the invoice up */
	C_STREAM,	/* streaming */
	C_DONE		/* the answer is queued; close once written */
};

/* An event that reached a stream still opening: sent after its replay. */
struct held {
	struct held	*next;
	struct msg	*m;
	int64_t		 seq;
	bool		 final;
};

struct conn {
	int		 fd;
	enum conn_state	 state;
	unsigned int	 req;		/* FastCGI request id */
	bool		 begun;
	bool		 keep;		/* FCGI_KEEP_CONN */
	bool		 in_job;	/* a worker holds it */
	bool		 dead;		/* closed while in_job */
	bool		 want_out;	/* EPOLLOUT is on */
	uint8_t		*in;		/* NULL once the request is read */
	size_t		 inlen;
	bool		 params_read;	/* PARAMS ended; STDIN's end awaited */
	bool		 requested;	/* the request is complete */
	bool		 head;		/* HEAD: GET's answer, no body */
	/* After the request: records are only looked at (ABORT_REQUEST),
	 * their contents skipped, in a few bytes instead of a buffer. */
	uint8_t		 tail[FCGIPROTO_HEADER_LEN];
	size_t		 tail_len, skip;
	struct buf	 params;
	char		 request_id[48];
	char		 invoice[48];
	struct hub_sub	*sub;
	int64_t		 last_seq;	/* newest event sent */
	struct held	*held, **held_tail;
	struct out	*out, **out_tail;
	size_t		 outbytes;
	uint64_t	 since;		/* opened, or last output moved */
	uint64_t	 quiet_since;	/* last write queued (heartbeats) */
	struct conn	*prev, *next;	/* every connection */
};

/* A stream to open (worker) and what came of it (loop). */
struct job {
	struct job	*next;
	struct conn	*c;
	char		 invoice[48];
	char		 last_id[PARAM_MAX];	/* Last-Event-ID, "" if none */
	/* The result: */
	int		 status;	/* 200, or the error's */
	const char	*type, *code, *message, *field;
	struct buf	 text;		/* replayed messages */
	int64_t		 last_seq;
	bool		 final;
};

/* A new event to build a message of (a worker, the invoice's). */
struct pub {
	struct pub	*next;
	struct events_row row;		/* its strings follow the struct */
};

/* A new event for the loop. */
struct newev {
	struct newev	*next;
	char		 invoice[48];
	int64_t		 seq;
	bool		 final;
	struct msg	*m;
};

static const struct cc_config	*cfg;
static struct cc_config		 config;
static const char		*config_file;	/* for SIGHUP */
static struct hub		*hub;
static struct hub_limits	 limits;
static int			 epfd, listen_fd, wake_fd, sig_fd;
static int			 spare_fd = -1;
static struct conn		*conns;
static struct conn		*graveyard;	/* closed, freed after the
						 * loop's round */
static size_t			 nconns;
static volatile bool		 stopping;

/* Jobs for the workers; results and new events for the loop. */
static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 job_cond = PTHREAD_COND_INITIALIZER;
static struct job	*jobs, **jobs_tail = &jobs;
static struct job	*done;
static struct newev	*news, **news_tail = &news;
/* Events to build, one queue per worker: an invoice's always go to the
 * same worker, so that they reach the loop in their order. */
static struct pub	*pubs[WORKERS], **pubs_tail[WORKERS];

/* --- time, messages --------------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct msg *
msg_new(const void *data, size_t len)
{
	struct msg *m = xmalloc(sizeof(*m) + len);

	m->refs = 1;
	m->len = len;
	memcpy(m->data, data, len);
	return m;
}

static void
msg_put(struct msg *m)
{
	if (--m->refs == 0)
		free(m);
}

static void
wake_loop(void)
{
	uint64_t one = 1;

	if (write(wake_fd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_error("eventfd: %s", strerror(errno));
}

/* --- output ------------------------------------------------------------- */

static void
watch(struct conn *c, bool out)
{
	struct epoll_event ev;

	if (c->want_out == out)
		return;
	c->want_out = out;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		log_error("epoll_ctl: %s", strerror(errno));
}

/* Queues m (a reference is taken) as one STDOUT record, or as is. */
static void
queue_msg(struct conn *c, struct msg *m, bool stdout_record)
{
	struct out *o = xcalloc(1, sizeof(*o));

	m->refs++;
	o->m = m;
	if (stdout_record) {
		fcgiproto_header(o->hdr, FCGI_STDOUT, c->req, m->len, 0);
		o->hlen = FCGIPROTO_HEADER_LEN;
	}
	if (c->out == NULL)
		c->since = now_ms();
	*c->out_tail = o;
	c->out_tail = &o->next;
	c->outbytes += o->hlen + m->len;
	c->quiet_since = now_ms();
}

/* Queues text as STDOUT records (at most 65535 bytes each). */
static void
queue_text(struct conn *c, const char *s, size_t len)
{
	while (len > 0) {
		size_t n = len > FCGIPROTO_MAX_CONTENT ?
		    FCGIPROTO_MAX_CONTENT : len;
		struct msg *m = msg_new(s, n);

		queue_msg(c, m, true);
		msg_put(m);
		s += n;
		len -= n;
	}
}

/* The end of the response: empty STDOUT, END_REQUEST. */
static void
queue_end(struct conn *c)
{
	uint8_t rec[FCGIPROTO_HEADER_LEN + 16];
	struct msg *m;

	fcgiproto_header(rec, FCGI_STDOUT, c->req, 0, 0);
	fcgiproto_end_request(rec + FCGIPROTO_HEADER_LEN, c->req, 0,
	    FCGI_REQUEST_COMPLETE);
	m = msg_new(rec, sizeof(rec));
	queue_msg(c, m, false);
	msg_put(m);
	c->state = C_DONE;
}

static void conn_close(struct conn *);

/*
 * Writes what is queued. Returns -1 if the connection was closed (the
 * web server left, or its answer is complete).
 */
static int
flush_out(struct conn *c)
{
	struct iovec iov[IOV_MAX_LOOP];
	struct out *o;
	ssize_t n;
	int k;

	while (c->out != NULL) {
		k = 0;
		for (o = c->out; o != NULL && k + 2 <= IOV_MAX_LOOP;
		    o = o->next) {
			size_t off = o->off;

			if (off < o->hlen) {
				iov[k].iov_base = o->hdr + off;
				iov[k++].iov_len = o->hlen - off;
				off = o->hlen;
			}
			iov[k].iov_base = o->m->data + (off - o->hlen);
			iov[k++].iov_len = o->m->len - (off - o->hlen);
		}
		n = writev(c->fd, iov, k);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch(c, true);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->since = now_ms();
		c->outbytes -= (size_t)n;
		while (n > 0) {
			size_t left;

			o = c->out;
			left = o->hlen + o->m->len - o->off;
			if ((size_t)n < left) {
				o->off += (size_t)n;
				break;
			}
			n -= (ssize_t)left;
			c->out = o->next;
			msg_put(o->m);
			free(o);
		}
		if (c->out == NULL)
			c->out_tail = &c->out;
	}
	watch(c, false);
	if (c->state == C_DONE) {
		conn_close(c);
		return -1;
	}
	return 0;
}

/* --- answers ------------------------------------------------------------ */

/* A whole JSON error in the spec's format (http_error), then the end. */
static void
answer_error(struct conn *c, int status, const char *type, const char *code,
    const char *message, const char *field, const char *retry_after,
    const char *allow)
{
	struct http_resp r;
	struct buf b;

	http_resp_init(&r, c->request_id);
	if (retry_after != NULL)
		http_header(&r, "Retry-After", retry_after);
	if (allow != NULL)
		http_header(&r, "Allow", allow);
	http_error(&r, status, type, code, message, field);
	buf_init(&b, 0);
	buf_printf(&b, "Status: %d %s\r\nContent-Type: application/json\r\n"
	    "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n"
	    "Cache-Control: no-store\r\n", r.status,
	    http_status_text(r.status), c->request_id);
	if (r.headers.len > 0)
		buf_append(&b, r.headers.data, r.headers.len);
	buf_puts(&b, "\r\n");
	if (r.body.len > 0 && !c->head)
		buf_append(&b, r.body.data, r.body.len);
	queue_text(c, b.data, b.len);
	queue_end(c);
	buf_release(&b);
	http_resp_release(&r);
}

/* --- connections -------------------------------------------------------- */

static void
held_free(struct conn *c)
{
	struct held *h;

	while (c->held != NULL) {
		h = c->held;
		c->held = h->next;
		msg_put(h->m);
		free(h);
	}
	c->held_tail = &c->held;
}

static void
conn_free(struct conn *c)
{
	struct out *o;

	while (c->out != NULL) {
		o = c->out;
		c->out = o->next;
		msg_put(o->m);
		free(o);
	}
	held_free(c);
	free(c->in);
	buf_release(&c->params);
	free(c);
}

/* Closes now: the slot is free at once; the memory once no worker
 * holds the connection. */
static void
conn_close(struct conn *c)
{
	if (c->fd == -1)
		return;
	if (c->sub != NULL) {
		hub_unsubscribe(hub, c->sub);
		c->sub = NULL;
	}
	(void)epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	nconns--;
	c->prev = NULL;
	c->next = NULL;
	if (c->in_job)
		c->dead = true;
	else {
		c->next = graveyard;
		graveyard = c;
	}
}

static void
bury(void)
{
	struct conn *c;

	while (graveyard != NULL) {
		c = graveyard;
		graveyard = c->next;
		conn_free(c);
	}
}

static void
conn_new(int fd)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	struct epoll_event ev;

	c->fd = fd;
	c->state = C_READ;
	c->in = xmalloc(FCGIPROTO_MAX_RECORD);
	buf_init(&c->params, PARAMS_MAX);
	c->out_tail = &c->out;
	c->held_tail = &c->held;
	c->since = c->quiet_since = now_ms();
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_error("epoll_ctl: %s", strerror(errno));
		close(fd);
		conn_free(c);
		return;
	}
	c->next = conns;
	if (conns != NULL)
		conns->prev = c;
	conns = c;
	nconns++;
}

static void
accept_all(void)
{
	int fd;

	for (;;) {
		fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_new(fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if ((errno == EMFILE || errno == ENFILE) && spare_fd != -1) {
			/* Out of descriptors: refuse this one rather than
			 * spin on it; the web server answers 503. */
			close(spare_fd);
			fd = accept(listen_fd, NULL, NULL);
			if (fd >= 0)
				close(fd);
			spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			log_warn("out of file descriptors at %zu "
			    "connections", nconns);
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			log_error("accept: %s", strerror(errno));
		return;
	}
}

/* --- requests ----------------------------------------------------------- */

/* The params one request needs, copied out of the FastCGI pairs. */
struct params {
	char	method[16];
	char	uri[1024];
	char	remote[NET_ADDR_STRLEN];
	char	xff[PARAM_MAX];
	char	last_id[PARAM_MAX];
	bool	too_long;
};

static int
take_param(void *arg, const uint8_t *n, size_t nlen, const uint8_t *v,
    size_t vlen)
{
	static const struct {
		const char	*name;
		size_t		 off, size;
	} want[] = {
	    { "REQUEST_METHOD", offsetof(struct params, method), 16 },
	    { "REQUEST_URI", offsetof(struct params, uri), 1024 },
	    { "REMOTE_ADDR", offsetof(struct params, remote),
		NET_ADDR_STRLEN },
	    { "HTTP_X_FORWARDED_FOR", offsetof(struct params, xff),
		PARAM_MAX },
	    { "HTTP_LAST_EVENT_ID", offsetof(struct params, last_id),
		PARAM_MAX },
	};
	struct params *p = arg;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(want); i++) {
		char *to = (char *)p + want[i].off;

		if (strlen(want[i].name) != nlen ||
		    memcmp(want[i].name, n, nlen) != 0)
			continue;
		if (vlen >= want[i].size || memchr(v, '\0', vlen) != NULL) {
			p->too_long = true;
			return 0;
		}
		memcpy(to, v, vlen);
		to[vlen] = '\0';
	}
	return 0;
}

/* The client's key for per_ip ("" when exempt or unknown). */
static void
client_key(const struct params *p, char *out, size_t outlen)
{
	const struct ratelimit_settings *s = &cfg->ratelimit;
	struct net_addr a;

	*out = '\0';
	if (clientip_resolve(p->remote, p->xff[0] != '\0' ? p->xff : NULL,
	    s->trusted, s->ntrusted, &a) == -1)
		return;
	if (clientip_listed(&a, s->exempt, s->nexempt))
		return;
	clientip_key(&a, out, outlen);
}

/* Is this a Last-Event-ID we can look up: an evt_ id, or a number (the
 * ids before evt_ ids, from a page open across the upgrade)? */
static bool
last_id_valid(const char *s)
{
	const char *q;

	if (strncmp(s, "evt_", 4) == 0)
		return ids_valid("evt_", s);
	if (*s == '\0' || strlen(s) > 18)
		return false;
	for (q = s; *q != '\0'; q++)
		if (*q < '0' || *q > '9')
			return false;
	return true;
}

static void
start_request(struct conn *c)
{
	char params[HTTP_MAX_PARAMS][HTTP_MAX_PARAM_LEN];
	char client[CLIENTIP_KEY_LEN];
	struct params p;
	enum hub_status st;
	struct job *j;
	char *q;

	memset(&p, 0, sizeof(p));
	if (fcgiproto_pairs((const uint8_t *)c->params.data, c->params.len,
	    PARAMS_MAX, take_param, &p) == -1) {
		log_warn("malformed FastCGI params; connection closed");
		conn_close(c);
		return;
	}
	buf_release(&c->params);
	c->requested = true;
	ids_new("req_", c->request_id, sizeof(c->request_id));
	q = strchr(p.uri, '?');
	if (q != NULL)
		*q = '\0';
	c->head = strcmp(p.method, "HEAD") == 0;
	if (p.too_long || http_route_match("/api/v1/public/invoice/{}/events",
	    p.uri, params, HTTP_MAX_PARAMS) < 0) {
		answer_error(c, 404, "invalid_request_error",
		    "ROUTE_NOT_FOUND", "no such API route", NULL, NULL, NULL);
		return;
	}
	if (strcmp(p.method, "GET") != 0 && !c->head) {
		answer_error(c, 405, "invalid_request_error",
		    "METHOD_NOT_ALLOWED", "method not allowed on this "
		    "resource", NULL, NULL, "GET, HEAD");
		return;
	}
	if (!ids_valid("inv_", params[0])) {
		/* Malformed is not found, on every route (as cc-merchant). */
		answer_error(c, 404, "not_found_error", "INVOICE_NOT_FOUND",
		    "no such invoice (invoice ids are inv_ followed by 26 "
		    "characters)", "invoice_id", NULL, NULL);
		return;
	}
	if (p.last_id[0] != '\0' && !last_id_valid(p.last_id)) {
		answer_error(c, 400, "invalid_request_error",
		    "INVALID_LAST_EVENT_ID", "Last-Event-ID must be an "
		    "event id from this stream", "Last-Event-ID", NULL, NULL);
		return;
	}
	/* The slot is taken now, before the database is asked: a full
	 * process says so at once. */
	client_key(&p, client, sizeof(client));
	c->sub = hub_subscribe(hub, &limits, params[0], client, c, &st);
	if (c->sub == NULL) {
		if (st == HUB_FULL)
			answer_error(c, 503, "api_error", "TOO_MANY_STREAMS",
			    "this server holds as many event streams as it "
			    "can; retry shortly", NULL, RETRY_FULL, NULL);
		else if (st == HUB_PER_IP)
			answer_error(c, 429, "rate_limit_error",
			    "TOO_MANY_STREAMS", "too many open event streams "
			    "from this address", NULL, RETRY_LIMIT, NULL);
		else
			answer_error(c, 429, "rate_limit_error",
			    "TOO_MANY_STREAMS", "too many open event streams "
			    "for this invoice", NULL, RETRY_LIMIT, NULL);
		return;
	}
	cc_strlcpy(c->invoice, params[0], sizeof(c->invoice));
	c->state = C_OPENING;
	c->in_job = true;
	j = xcalloc(1, sizeof(*j));
	j->c = c;
	cc_strlcpy(j->invoice, params[0], sizeof(j->invoice));
	cc_strlcpy(j->last_id, p.last_id, sizeof(j->last_id));
	buf_init(&j->text, 0);
	pthread_mutex_lock(&mu);
	*jobs_tail = j;
	jobs_tail = &j->next;
	pthread_cond_signal(&job_cond);
	pthread_mutex_unlock(&mu);
}

/* GET_VALUES: what this responder can do. */
static void
get_values(struct conn *c)
{
	uint8_t rec[128];
	struct msg *m;

	m = msg_new(rec, fcgiproto_values_result(rec,
	    cfg->events_max_streams));
	queue_msg(c, m, false);
	msg_put(m);
}

/* One record. Returns -1 if the connection was closed. */
static int
on_record(struct conn *c, const struct fcgiproto_record *r)
{
	unsigned int role, flags;

	switch (r->type) {
	case FCGI_GET_VALUES:
		if (r->request_id == 0)
			get_values(c);
		return 0;
	case FCGI_BEGIN_REQUEST:
		if (fcgiproto_begin(r, &role, &flags) == -1)
			goto bad;
		if (c->begun) {
			/* One request per connection at a time. */
			uint8_t rec[16];
			struct msg *m;

			fcgiproto_end_request(rec, r->request_id, 0,
			    FCGI_CANT_MPX_CONN);
			m = msg_new(rec, sizeof(rec));
			queue_msg(c, m, false);
			msg_put(m);
			return 0;
		}
		if (role != FCGI_RESPONDER)
			goto bad;
		c->begun = true;
		c->req = r->request_id;
		c->keep = (flags & FCGI_KEEP_CONN) != 0;
		return 0;
	case FCGI_PARAMS:
		if (!c->begun || r->request_id != c->req ||
		    c->state != C_READ || c->params_read)
			return 0;
		if (r->content_len == 0) {
			c->params_read = true;
			return 0;
		}
		if (buf_append(&c->params, r->content, r->content_len) == -1) {
			log_warn("FastCGI params over %d bytes; connection "
			    "closed", PARAMS_MAX);
			conn_close(c);
			return -1;
		}
		return 0;
	case FCGI_ABORT_REQUEST:
		if (c->begun && r->request_id == c->req) {
			conn_close(c);
			return -1;
		}
		return 0;
	case FCGI_STDIN:
		/*
		 * The request is whole at the end of STDIN (a GET's body is
		 * not worth reading). Answering before it arrives let a web
		 * server still writing it find the connection closed: Apache
		 * answered 503 (EPIPE "sending empty stdin") to one in seven
		 * quick refusals.
		 */
		if (c->begun && r->request_id == c->req && c->params_read &&
		    c->state == C_READ && r->content_len == 0) {
			start_request(c);
			return c->fd == -1 ? -1 : 0;
		}
		return 0;
	case FCGI_DATA:
		return 0;
	default:
		{
			uint8_t rec[16];
			struct msg *m;

			fcgiproto_header(rec, FCGI_UNKNOWN_TYPE, 0, 8, 0);
			memset(rec + 8, 0, 8);
			rec[8] = (uint8_t)r->type;
			m = msg_new(rec, sizeof(rec));
			queue_msg(c, m, false);
			msg_put(m);
			return 0;
		}
	}
bad:
	log_warn("malformed FastCGI record; connection closed");
	conn_close(c);
	return -1;
}

/*
 * The records after the request, fed n bytes at a time: an ABORT_REQUEST
 * of our request closes the stream; anything else is skipped. Returns -1
 * if the connection was closed.
 */
static int
feed_tail(struct conn *c, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k;

		if (c->skip > 0) {
			k = n < c->skip ? n : c->skip;
			c->skip -= k;
			p += k;
			n -= k;
			continue;
		}
		k = FCGIPROTO_HEADER_LEN - c->tail_len;
		if (k > n)
			k = n;
		memcpy(c->tail + c->tail_len, p, k);
		c->tail_len += k;
		p += k;
		n -= k;
		if (c->tail_len < FCGIPROTO_HEADER_LEN)
			break;
		c->tail_len = 0;
		if (c->tail[0] != 1) {
			log_warn("not FastCGI; connection closed");
			conn_close(c);
			return -1;
		}
		if (c->tail[1] == FCGI_ABORT_REQUEST &&
		    (((unsigned int)c->tail[2] << 8) | c->tail[3]) == c->req) {
			conn_close(c);
			return -1;
		}
		c->skip = (((size_t)c->tail[4] << 8) | c->tail[5]) + c->tail[6];
	}
	return 0;
}

static void
on_readable(struct conn *c)
{
	uint8_t sink[4096];
	ssize_t n;

	for (;;) {
		if (c->in == NULL) {
			n = read(c->fd, sink, sizeof(sink));
			if (n > 0) {
				if (feed_tail(c, sink, (size_t)n) == -1)
					return;
				continue;
			}
		} else
			n = read(c->fd, c->in + c->inlen,
			    FCGIPROTO_MAX_RECORD - c->inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);	/* the web server left */
			return;
		}
		c->inlen += (size_t)n;
		for (;;) {
			struct fcgiproto_record r;
			long used = fcgiproto_next(c->in, c->inlen, &r);

			if (used == -1) {
				log_warn("not FastCGI; connection closed");
				conn_close(c);
				return;
			}
			if (used == 0)
				break;
			if (on_record(c, &r) == -1)
				return;
			memmove(c->in, c->in + used, c->inlen - (size_t)used);
			c->inlen -= (size_t)used;
			if (c->requested) {
				/* What followed the request in this read. */
				uint8_t *rest = c->in;

				c->in = NULL;
				n = feed_tail(c, rest, c->inlen);
				free(rest);
				if (n == -1)
					return;
				break;
			}
		}
		if (c->out != NULL && flush_out(c) == -1)
			return;
	}
}

/* --- the workers -------------------------------------------------------- */

/* A replay in progress. */
struct replay {
	struct job	*j;
	struct db	*db;
	json_object	*view;		/* read with the first event */
	bool		 viewed;
};

static void
replay_one(void *arg, const struct events_row *e)
{
	struct replay *r = arg;
	char *msg;

	if (!r->viewed && invoice_public(r->db, cfg, r->j->invoice,
	    &r->view) != INVOICE_OK)
		r->view = NULL;
	r->viewed = true;
	msg = sse_event_message(e, r->view);
	buf_puts(&r->j->text, msg);
	free(msg);
	if ((events_flags(e->type) & EVF_FINAL))
		r->j->final = true;
}

static void
job_fail(struct job *j, int status, const char *type, const char *code,
    const char *message, const char *field)
{
	j->status = status;
	j->type = type;
	j->code = code;
	j->message = message;
	j->field = field;
}

/* What a stream opening needs: the invoice's state, and what it missed. */
static void
run_job(struct db *db, struct job *j)
{
	struct replay r = { j, db, NULL, false };
	int64_t after = 0, now_seq;
	bool final_state;
	int rc;

	if (db == NULL) {
		job_fail(j, 503, "api_error", "SERVICE_UNAVAILABLE",
		    "the database is unavailable; retry shortly", NULL);
		return;
	}
	rc = events_stream_state(db, j->invoice, &final_state, &now_seq);
	if (rc == 1) {
		job_fail(j, 404, "not_found_error", "INVOICE_NOT_FOUND",
		    "no such invoice", "invoice_id");
		return;
	}
	if (rc == -1)
		goto internal;
	if (strncmp(j->last_id, "evt_", 4) == 0) {
		rc = events_seq_of(db, j->invoice, j->last_id, &after);
		if (rc == 1) {
			job_fail(j, 400, "invalid_request_error",
			    "INVALID_LAST_EVENT_ID", "Last-Event-ID must be "
			    "an event id from this stream", "Last-Event-ID");
			return;
		}
		if (rc == -1)
			goto internal;
	} else if (j->last_id[0] != '\0') {
		char *end;

		errno = 0;
		after = strtoll(j->last_id, &end, 10);
		if (errno != 0 || *end != '\0' || after < 0)
			after = 0;
	}
	j->status = 200;
	j->last_seq = now_seq;
	if (j->last_id[0] != '\0' || final_state) {
		j->last_seq = after;
		if (events_replay(db, j->invoice, &j->last_seq,
		    EVF_PUBLIC | (j->last_id[0] == '\0' ? EVF_FINAL : 0),
		    READ_MAX, replay_one, &r) == -1) {
			json_object_put(r.view);
			buf_reset(&j->text);
			goto internal;
		}
		json_object_put(r.view);
	}
	return;
internal:
	job_fail(j, 500, "api_error", "INTERNAL_ERROR",
	    "An internal error occurred", NULL);
}

/* Builds one new event's message once and hands it to the loop. */
static void
build(struct db *db, const struct events_row *e)
{
	json_object *view = NULL;
	struct newev *n;
	char *text;

	if (db == NULL || invoice_public(db, cfg, e->invoice_id, &view) !=
	    INVOICE_OK)
		view = NULL;
	text = sse_event_message(e, view);
	json_object_put(view);
	n = xcalloc(1, sizeof(*n));
	cc_strlcpy(n->invoice, e->invoice_id, sizeof(n->invoice));
	n->seq = e->seq;
	n->final = (events_flags(e->type) & EVF_FINAL) != 0;
	n->m = msg_new(text, strlen(text));
	free(text);
	pthread_mutex_lock(&mu);
	*news_tail = n;
	news_tail = &n->next;
	pthread_mutex_unlock(&mu);
}

static void *
worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	struct db *db = NULL;
	struct job *j;
	struct pub *p, *next;
	char err[256];

	for (;;) {
		pthread_mutex_lock(&mu);
		while (jobs == NULL && pubs[me] == NULL && !stopping)
			pthread_cond_wait(&job_cond, &mu);
		if (jobs == NULL && pubs[me] == NULL) {
			pthread_mutex_unlock(&mu);
			break;
		}
		/* This worker's events first, all of them; then one job. */
		p = pubs[me];
		pubs[me] = NULL;
		pubs_tail[me] = &pubs[me];
		j = jobs;
		if (j != NULL) {
			jobs = j->next;
			if (jobs == NULL)
				jobs_tail = &jobs;
		}
		pthread_mutex_unlock(&mu);
		if (db == NULL) {
			db = db_connect(cfg->database_url, err, sizeof(err));
			if (db == NULL)
				log_error("%s", err);
		}
		for (; p != NULL; p = next) {
			next = p->next;
			build(db, &p->row);
			free(p);
		}
		if (j != NULL) {
			run_job(db, j);
			pthread_mutex_lock(&mu);
			j->next = done;
			done = j;
			pthread_mutex_unlock(&mu);
		}
		wake_loop();
	}
	db_free(db);
	return NULL;
}

/* --- the listener ------------------------------------------------------- */

/* Hands a new event of a followed invoice to the worker of its invoice
 * (the listener's own connection only reads the event store). */
static void
publish(void *arg, const struct events_row *e)
{
	size_t li = strlen(e->id) + 1, lv = strlen(e->invoice_id) + 1,
	    lt = strlen(e->type) + 1, ld = strlen(e->data) + 1;
	uint64_t h = 1469598103934665603ULL;
	const char *q;
	struct pub *p;
	char *at;
	int w;

	(void)arg;
	if (!hub_followed(hub, e->invoice_id))
		return;		/* nobody watches this invoice */
	p = xmalloc(sizeof(*p) + li + lv + lt + ld);
	at = (char *)(p + 1);
	p->next = NULL;
	p->row.seq = e->seq;
	p->row.id = memcpy(at, e->id, li);
	p->row.invoice_id = memcpy(at += li, e->invoice_id, lv);
	p->row.type = memcpy(at += lv, e->type, lt);
	p->row.data = memcpy(at += lt, e->data, ld);
	for (q = e->invoice_id; *q != '\0'; q++)
		h = (h ^ (unsigned char)*q) * 1099511628211ULL;
	w = (int)(h % WORKERS);
	pthread_mutex_lock(&mu);
	*pubs_tail[w] = p;
	pubs_tail[w] = &p->next;
	pthread_cond_broadcast(&job_cond);
	pthread_mutex_unlock(&mu);
}

static void *
listener(void *arg)
{
	struct db *db;
	int64_t last;
	char err[256];

	(void)arg;
	/* The first connection; the handle itself makes the later ones. */
	while ((db = db_connect(cfg->database_url, err, sizeof(err))) ==
	    NULL) {
		log_error("listener: %s", err);
		sleep(1);
	}
	(void)db_listen(db, EVENTS_CHANNEL);
	/* Streams replay their own history: start at the end of the event
	 * store. */
	while (events_last_seq(db, &last) == -1)
		(void)db_wait_notify(db, POLL_MS);
	for (;;) {
		/* A notification, a reconnection or the poll alike: the table
		 * says what is new, so nothing is lost between them or across
		 * a reconnection. */
		if (db_wait_notify(db, POLL_MS) == DB_WAKE_DOWN)
			continue;
		/* A burst larger than one read: read on at once. */
		while (events_since(db, &last, EVF_PUBLIC, READ_MAX, publish,
		    NULL) == READ_MAX)
			;
	}
	return NULL;
}

/* --- the loop's side of results and events ---------------------------- */

/* Queues an event on a stream (or holds it while the stream opens). */
static void
deliver(struct conn *c, struct msg *m, int64_t seq, bool final)
{
	if (c->fd == -1 || c->state == C_DONE)
		return;
	if (c->state == C_OPENING) {
		struct held *h = xcalloc(1, sizeof(*h));

		m->refs++;
		h->m = m;
		h->seq = seq;
		h->final = final;
		*c->held_tail = h;
		c->held_tail = &h->next;
		return;
	}
	if (c->state != C_STREAM || seq <= c->last_seq)
		return;
	c->last_seq = seq;
	queue_msg(c, m, true);
	if (final)
		queue_end(c);
}

/* The streams one event reached, to write to after the fan-out
 * (writing may close one, which changes the hub's list). */
struct fan {
	struct newev	*n;
	struct conn	**c;
	size_t		 len, cap;
};

static void
fan_one(void *arg, void *owner)
{
	struct fan *f = arg;
	struct conn *c = owner;

	deliver(c, f->n->m, f->n->seq, f->n->final);
	if (c->out == NULL)
		return;
	if (f->len == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->c = xrealloc(f->c, f->cap * sizeof(*f->c));
	}
	f->c[f->len++] = c;
}

static void
on_news(void)
{
	struct newev *n, *list;
	struct fan f = { NULL, NULL, 0, 0 };
	size_t i;

	pthread_mutex_lock(&mu);
	list = news;
	news = NULL;
	news_tail = &news;
	pthread_mutex_unlock(&mu);
	while (list != NULL) {
		n = list;
		list = n->next;
		f.n = n;
		f.len = 0;
		hub_each(hub, n->invoice, fan_one, &f);
		for (i = 0; i < f.len; i++) {
			if (f.c[i]->outbytes > OUT_MAX) {
				log_info("dropped a stream of %s whose "
				    "reader fell behind", n->invoice);
				conn_close(f.c[i]);
			} else
				(void)flush_out(f.c[i]);
		}
		msg_put(n->m);
		free(n);
	}
	free(f.c);
}

static void
stream_open(struct conn *c, struct job *j)
{
	struct held *h;

	c->state = C_STREAM;
	{
		struct buf b;

		buf_init(&b, 0);
		buf_printf(&b, "Status: 200 OK\r\nContent-Type: "
		    "text/event-stream\r\nX-Content-Type-Options: nosniff\r\n"
		    "X-Request-Id: %s\r\nCache-Control: no-cache\r\n"
		    "X-Accel-Buffering: no\r\nAccess-Control-Allow-Origin: *"
		    "\r\n\r\n%s", c->request_id, c->head ? "" :
		    "retry: 3000\n\n");
		queue_text(c, b.data, b.len);
		buf_release(&b);
	}
	/* HEAD: what GET would open, and nothing of the stream. */
	if (c->head) {
		queue_end(c);
		held_free(c);
		return;
	}
	if (j->text.len > 0)
		queue_text(c, j->text.data, j->text.len);
	c->last_seq = j->last_seq;
	if (j->final) {
		queue_end(c);
		held_free(c);
		return;
	}
	for (h = c->held; h != NULL && c->state == C_STREAM; h = h->next)
		deliver(c, h->m, h->seq, h->final);
	held_free(c);
}

static void
on_done(void)
{
	struct job *j, *list;
	struct conn *c;

	pthread_mutex_lock(&mu);
	list = done;
	done = NULL;
	pthread_mutex_unlock(&mu);
	while (list != NULL) {
		j = list;
		list = j->next;
		c = j->c;
		c->in_job = false;
		if (c->dead) {
			c->next = graveyard;
			graveyard = c;
		} else if (j->status == 200)
			stream_open(c, j);
		else {
			held_free(c);
			hub_unsubscribe(hub, c->sub);
			c->sub = NULL;
			answer_error(c, j->status, j->type, j->code,
			    j->message, j->field, NULL, NULL);
		}
		if (!c->dead && c->fd != -1)
			(void)flush_out(c);
		buf_release(&j->text);
		free(j);
	}
}

/* Heartbeats, stalled writers, slow requests. */
static void
tick(void)
{
	uint64_t now = now_ms(), hb = (uint64_t)cfg->events_heartbeat * 1000;
	struct conn *c, *next;

	for (c = conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == C_READ && now - c->since > REQUEST_MS) {
			conn_close(c);
			continue;
		}
		if (c->out != NULL && (c->outbytes > OUT_MAX ||
		    now - c->since > STALL_MS)) {
			log_info("dropped a stream of %s whose reader "
			    "stalled (%zu bytes queued)", c->invoice,
			    c->outbytes);
			conn_close(c);
			continue;
		}
		if (c->state == C_STREAM && c->out == NULL &&
		    now - c->quiet_since >= hb) {
			queue_text(c, heartbeat, sizeof(heartbeat) - 1);
			(void)flush_out(c);
		}
	}
}

/* --- start and stop ----------------------------------------------------- */

static int
open_socket(const char *path)
{
	int fd;

	if (path[0] == ':') {
		struct sockaddr_in sin;
		long port;
		char *end;
		int one = 1;

		errno = 0;
		port = strtol(path + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port < 1 || port > 65535)
			return -1;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			goto fail;
	} else {
		struct sockaddr_un sun;

		if (strlen(path) >= sizeof(sun.sun_path))
			return -1;
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return -1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		cc_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
		(void)unlink(path);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			goto fail;
		chmod(path, 0660);
	}
	if (listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* As many descriptors as the hard limit allows: a stream is one. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)cfg->events_max_streams + 64)
		log_warn("the descriptor limit (%llu) is below [events] "
		    "max_streams (%d): raise ulimit -n",
		    (unsigned long long)rl.rlim_cur, cfg->events_max_streams);
}

/*
 * SIGHUP: the [events] limits and heartbeat read again from the
 * configuration file (the rest needs a restart). Streams already open
 * stay open, also above a lowered max_streams; new ones meet the new
 * limits. A file that does not load changes nothing.
 */
static void
reload(void)
{
	static struct cc_config fresh;
	char err[512];

	if (config_load(config_file, &fresh, err, sizeof(err)) == -1) {
		log_error("SIGHUP: %s; the limits stay as they were", err);
		return;
	}
	/* The loop thread alone reads these (the workers read others). */
	config.events_max_streams = fresh.events_max_streams;
	config.events_per_ip = fresh.events_per_ip;
	config.events_per_invoice = fresh.events_per_invoice;
	config.events_heartbeat = fresh.events_heartbeat;
	limits.max_total = (size_t)cfg->events_max_streams;
	limits.per_ip = cfg->events_per_ip;
	limits.per_invoice = cfg->events_per_invoice;
	raise_nofile();
	log_info("SIGHUP: serving up to %d streams (%d per address, %d per "
	    "invoice), heartbeat %d s; %zu open", cfg->events_max_streams,
	    cfg->events_per_ip, cfg->events_per_invoice,
	    cfg->events_heartbeat, nconns);
}

/* SIGTERM and SIGINT stop the loop; SIGHUP reloads. */
static void
on_signal(void)
{
	struct signalfd_siginfo si;

	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload();
		else
			stopping = true;
	}
}

static void
run_loop(void)
{
	struct epoll_event evs[256];
	uint64_t last_tick = now_ms();
	int n, i;

	while (!stopping) {
		n = epoll_wait(epfd, evs, (int)CC_ARRAY_SIZE(evs), TICK_MS);
		if (n == -1 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			uint32_t e = evs[i].events;

			if (p == &listen_fd)
				accept_all();
			else if (p == &wake_fd) {
				uint64_t v;

				if (read(wake_fd, &v, sizeof(v)) == -1 &&
				    errno != EAGAIN)
					log_error("eventfd: %s",
					    strerror(errno));
				on_done();
				on_news();
			} else if (p == &sig_fd)
				on_signal();
			else {
				struct conn *c = p;

				/* An earlier event of this round may have
				 * closed it: closed connections are freed
				 * after the round (bury). */
				if (c->fd == -1)
					continue;
				if ((e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
				    EPOLLERR)) != 0)
					on_readable(c);
				if (c->fd != -1 && (e & EPOLLOUT) != 0)
					(void)flush_out(c);
			}
		}
		if (now_ms() - last_tick >= TICK_MS) {
			last_tick = now_ms();
			tick();
		}
		bury();
	}
}

static int
add_watch(int fd, void *tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = tag;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
main(int argc, char **argv)
{
	const char *socket_path = NULL;
	pthread_t workers[WORKERS], lt;
	sigset_t set;
	int i;

	log_set_program("cc-events");
	if ((i = config_program_start(argc, argv, "cc-events.fcgi", &config,
	    &socket_path)) != -1)
		return i;
	cfg = &config;
	config_file = config_path(argc, argv);
	http_set_docs_url(cfg->docs_url, cfg->public_url);
	limits.max_total = (size_t)cfg->events_max_streams;
	limits.per_ip = cfg->events_per_ip;
	limits.per_invoice = cfg->events_per_invoice;
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	/* SIGTERM, SIGINT and SIGHUP reach the loop through a signalfd, in
	 * every thread blocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	listen_fd = 0;
	if (socket_path != NULL) {
		listen_fd = open_socket(socket_path);
		if (listen_fd < 0) {
			log_error("cannot listen on %s", socket_path);
			return 1;
		}
	}
	if (fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) |
	    O_NONBLOCK) == -1) {
		log_error("the listening socket: %s", strerror(errno));
		return 1;
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (epfd == -1 || wake_fd == -1 || sig_fd == -1 ||
	    add_watch(listen_fd, &listen_fd) == -1 ||
	    add_watch(wake_fd, &wake_fd) == -1 ||
	    add_watch(sig_fd, &sig_fd) == -1) {
		log_error("epoll: %s", strerror(errno));
		return 1;
	}
	hub = hub_new();
	for (i = 0; i < WORKERS; i++)
		pubs_tail[i] = &pubs[i];
	for (i = 0; i < WORKERS; i++)
		if (pthread_create(&workers[i], NULL, worker,
		    (void *)(intptr_t)i) != 0) {
			log_error("cannot start worker %d", i);
			return 1;
		}
	if (pthread_create(&lt, NULL, listener, NULL) != 0) {
		log_error("cannot start the listener");
		return 1;
	}
	pthread_detach(lt);
	log_info("serving up to %d streams (%d per address, %d per "
	    "invoice)", cfg->events_max_streams, cfg->events_per_ip,
	    cfg->events_per_invoice);
	run_loop();
	log_info("stopping with %zu connections", nconns);
	/* Workers finish their job; their results are then freed. */
	pthread_mutex_lock(&mu);
	pthread_cond_broadcast(&job_cond);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);
	on_done();
	while (conns != NULL)
		conn_close(conns);
	bury();
	pthread_mutex_lock(&mu);
	while (news != NULL) {
		struct newev *n = news;

		news = n->next;
		msg_put(n->m);
		free(n);
	}
	news_tail = &news;
	pthread_mutex_unlock(&mu);
	hub_free(hub);
	/* The listener thread ends with the process. */
	return 0;
}
