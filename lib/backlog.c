/* Accept-queue depth of a listening socket (see backlog.h). */
#include "backlog.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

/* TCP_LISTEN of the kernel's socket states (include/net/tcp_states.h). */
#define STATE_LISTEN	10

static int
unix_depth(int fd, unsigned *queued, unsigned *max)
{
	struct {
		struct nlmsghdr		nlh;
		struct unix_diag_req	req;
	} msg;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	union {
		char		buf[4096];
		struct nlmsghdr	align;
	} ans;
	struct stat st;
	struct nlmsghdr *h;
	ssize_t n;
	int s, rc = -1;

	if (fstat(fd, &st) == -1)
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = 1U << STATE_LISTEN;
	msg.req.udiag_ino = (unsigned)st.st_ino;
	msg.req.udiag_show = UDIAG_SHOW_RQLEN;
	msg.req.udiag_cookie[0] = (unsigned)-1;	/* no cookie to check */
	msg.req.udiag_cookie[1] = (unsigned)-1;
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s == -1)
		return -1;
	if (sendto(s, &msg, sizeof(msg), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) != (ssize_t)sizeof(msg))
		goto out;
	do
		n = recv(s, ans.buf, sizeof(ans.buf), 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		goto out;
	for (h = &ans.align; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m;
		struct rtattr *a;
		int len;

		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			break;		/* NLMSG_ERROR: not ours, or no answer */
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
			break;
		m = NLMSG_DATA(h);
		if (m->udiag_ino != (unsigned)st.st_ino ||
		    m->udiag_state != STATE_LISTEN)
			break;
		len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
		for (a = (struct rtattr *)(m + 1); RTA_OK(a, len);
		    a = RTA_NEXT(a, len)) {
			struct unix_diag_rqlen q;

			if (a->rta_type != UNIX_DIAG_RQLEN ||
			    RTA_PAYLOAD(a) < sizeof(q))
				continue;
			memcpy(&q, RTA_DATA(a), sizeof(q));
			*queued = q.udiag_rqueue;
			*max = q.udiag_wqueue;
			rc = 0;
		}
		break;
	}
out:
	close(s);
	return rc;
}

static int
tcp_depth(int fd, unsigned *queued, unsigned *max)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
	    ti.tcpi_state != STATE_LISTEN)
		return -1;
	/* For a listener the kernel reports the accept queue here. */
	*queued = ti.tcpi_unacked;
	*max = ti.tcpi_sacked;
	return 0;
}

int
backlog_depth(int fd, unsigned *queued, unsigned *max)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	switch (ss.ss_family) {
	case AF_UNIX:
		return unix_depth(fd, queued, max);
	case AF_INET:
	case AF_INET6:
		return tcp_depth(fd, queued, max);
	default:
		return -1;
	}
}

unsigned
backlog_high_water(unsigned max)
{
	return max >= 256 ? max / 4 : max / 2;
}
