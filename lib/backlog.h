/*
 * How many connections wait in a listening socket's accept queue, and how
 * many it holds: what a FastCGI program needs to shed load before the
 * queue overflows (fcgi/fcgi_main.c). A full queue is the web server's
 * problem, not ours, and it answers it badly: lighttpd takes a unix
 * socket's EAGAIN for a connection in progress, then answers 500; Apache
 * waits. Linux only: sock_diag (NETLINK_SOCK_DIAG, UNIX_DIAG_RQLEN) for
 * unix sockets, TCP_INFO for TCP; both need no privilege.
 */
#ifndef CC_BACKLOG_H
#define CC_BACKLOG_H

/*
 * Fills *queued (connections not yet accepted) and *max (the queue's
 * length, as listen() and net.core.somaxconn made it) for the listening
 * socket fd. 0, or -1 if the socket is not a listening unix or TCP socket
 * or the kernel would not say.
 */
int		backlog_depth(int fd, unsigned *queued, unsigned *max);

/*
 * The high-water mark for a queue of max connections: a quarter of it,
 * but half of a small one (below 256), so that a burst of a few dozen
 * parallel requests is queued, not refused.
 */
unsigned	backlog_high_water(unsigned max);

#endif
