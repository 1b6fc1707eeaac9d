/*
 * Unit tests of lib/backlog.c: the accept-queue depth of real listening
 * sockets (unix and TCP, on this machine's kernel), as connections arrive
 * and are accepted, and the high-water mark.
 */
#include "cc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cu_run.h"

#include "backlog.h"

#define CLIENTS	5

/* The queue is longer than CLIENTS: connect() returns at once. */
static int
connect_to(int family, const struct sockaddr *sa, socklen_t len)
{
	int s = socket(family, SOCK_STREAM, 0);

	CU_ASSERT_FATAL(s >= 0);
	CU_ASSERT(connect(s, sa, len) == 0);
	return s;
}

/* Connects CLIENTS, checks the depth, accepts two, checks again. */
static void
check_queue(int family, int lfd, const struct sockaddr *sa, socklen_t len,
    unsigned want_max)
{
	int c[CLIENTS], i, a;
	unsigned q = 99, max = 0;

	CU_ASSERT_EQUAL(backlog_depth(lfd, &q, &max), 0);
	CU_ASSERT_EQUAL(q, 0);
	CU_ASSERT_EQUAL(max, want_max);
	for (i = 0; i < CLIENTS; i++)
		c[i] = connect_to(family, sa, len);
	CU_ASSERT_EQUAL(backlog_depth(lfd, &q, &max), 0);
	check_int("queued", "after connects", q, CLIENTS);
	for (i = 0; i < 2; i++) {
		a = accept(lfd, NULL, NULL);
		CU_ASSERT(a >= 0);
		close(a);
	}
	CU_ASSERT_EQUAL(backlog_depth(lfd, &q, &max), 0);
	check_int("queued", "after two accepts", q, CLIENTS - 2);
	for (i = 0; i < CLIENTS; i++)
		close(c[i]);
}

static void
test_unix(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/cc-backlog.XXXXXX";
	int lfd;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s.sock", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CU_ASSERT_FATAL(listen(lfd, 16) == 0);
	check_queue(AF_UNIX, lfd, (struct sockaddr *)&sun, sizeof(sun), 16);
	close(lfd);
	unlink(sun.sun_path);
	rmdir(dir);
}

static void
test_tcp(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int lfd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CU_ASSERT_FATAL(listen(lfd, 32) == 0);
	CU_ASSERT_FATAL(getsockname(lfd, (struct sockaddr *)&sin, &len) == 0);
	check_queue(AF_INET, lfd, (struct sockaddr *)&sin, len, 32);
	close(lfd);
}

/* Not a listener: no answer, nothing written. */
static void
test_not_listening(void)
{
	int sv[2], fd;
	unsigned q = 7, max = 7;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_EQUAL(backlog_depth(sv[0], &q, &max), -1);
	close(sv[0]);
	close(sv[1]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(backlog_depth(fd, &q, &max), -1);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	CU_ASSERT_EQUAL(backlog_depth(fd, &q, &max), -1);
	close(fd);
	CU_ASSERT_EQUAL(backlog_depth(-1, &q, &max), -1);
	CU_ASSERT_EQUAL(q, 7);
	CU_ASSERT_EQUAL(max, 7);
}

static void
test_high_water(void)
{
	static const unsigned rows[][2] = {
		{ 4096, 1024 }, { 1024, 256 }, { 256, 64 }, { 255, 127 },
		{ 128, 64 }, { 1, 0 }, { 0, 0 },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
		check_int("high water", cu_row(i), backlog_high_water(rows[i][0]),
		    rows[i][1]);
}

static const struct cu_test tests[] = {
	{ "unix socket queue", test_unix },
	{ "TCP queue", test_tcp },
	{ "not a listener", test_not_listening },
	{ "high-water mark", test_high_water },
};

int
main(void)
{
	return cu_run("backlog", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
