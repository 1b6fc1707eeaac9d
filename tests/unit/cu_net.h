/*
 * What the tests of lib/netcheck.c and lib/webhook.c share: CIDR lists of
 * a table row turned into net_cidr arrays. Include after cu_run.h.
 */
#ifndef CC_CU_NET_H
#define CC_CU_NET_H

#include "netcheck.h"

#define MAX_ALLOWED	4	/* CIDRs in one row's list */

/* Up to MAX_ALLOWED CIDR texts, NULL-terminated, into out: the count. */
static inline size_t
cidrs(const char *const *text, struct net_cidr *out)
{
	size_t n;

	for (n = 0; n < MAX_ALLOWED && text[n] != NULL; n++)
		CU_ASSERT_EQUAL_FATAL(net_parse_cidr(text[n], &out[n]), 0);
	return n;
}

#endif
