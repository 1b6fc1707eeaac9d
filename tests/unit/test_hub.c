/*
 * Unit tests of lib/hub.c: who follows which invoice, and the limits in
 * all, per client and per invoice, with the slots given back.
 */
#include "cc.h"

#include "cu_run.h"

#include "hub.h"

static void
count(void *arg, void *owner)
{
	(void)owner;
	(*(int *)arg)++;
}

/* A script of subscribe / unsubscribe steps against small limits. */
static void
test_limits_table(void)
{
	static const struct hub_limits lim = { 5, 2, 3 };
	static const struct {
		char		 op;		/* s: subscribe, u: unsubscribe */
		const char	*invoice;
		const char	*client;
		int		 slot;		/* which handle */
		enum hub_status	 want;
	} steps[] = {
		{ 's', "inv_a", "ip1", 0, HUB_OK },
		{ 's', "inv_a", "ip1", 1, HUB_OK },
		{ 's', "inv_a", "ip1", 2, HUB_PER_IP },
		{ 's', "inv_a", "ip2", 2, HUB_OK },
		{ 's', "inv_a", "ip3", 3, HUB_PER_INVOICE },
		{ 's', "inv_a", "", 3, HUB_PER_INVOICE },
		{ 's', "inv_b", "", 3, HUB_OK },	/* exempt */
		{ 's', "inv_b", "", 4, HUB_OK },
		{ 's', "inv_c", "ip9", 5, HUB_FULL },
		{ 'u', NULL, NULL, 0, HUB_OK },
		{ 's', "inv_c", "ip1", 5, HUB_OK },	/* ip1 had 1 */
		{ 's', "inv_c", "ip1", 6, HUB_FULL },
		{ 'u', NULL, NULL, 1, HUB_OK },
		{ 's', "inv_c", "ip1", 6, HUB_OK },	/* ip1 had 1 */
		{ 's', "inv_a", "ip4", 7, HUB_FULL },
		{ 'u', NULL, NULL, 4, HUB_OK },
		{ 's', "inv_c", "ip1", 7, HUB_PER_IP },
		{ 's', "inv_a", "ip4", 7, HUB_OK },	/* inv_a had 1 */
	};
	struct hub_sub *subs[8] = { 0 };
	struct hub *h = hub_new();
	enum hub_status st;
	size_t i;
	int n;

	for (i = 0; i < CC_ARRAY_SIZE(steps); i++) {
		if (steps[i].op == 'u') {
			hub_unsubscribe(h, subs[steps[i].slot]);
			subs[steps[i].slot] = NULL;
			continue;
		}
		st = HUB__MAX;
		subs[steps[i].slot] = hub_subscribe(h, &lim,
		    steps[i].invoice, steps[i].client, NULL, &st);
		check_int("status", cu_row(i), st, steps[i].want);
		EXPECT((subs[steps[i].slot] != NULL) ==
		    (steps[i].want == HUB_OK), "row %zu handle", i);
	}
	CU_ASSERT_EQUAL(hub_streams(h), 5);
	CU_ASSERT_EQUAL(hub_client_streams(h, "ip1"), 2);
	CU_ASSERT_EQUAL(hub_client_streams(h, "ip2"), 1);
	CU_ASSERT_EQUAL(hub_client_streams(h, ""), 0);
	n = 0;
	hub_each(h, "inv_a", count, &n);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT(hub_followed(h, "inv_b") && !hub_followed(h, "inv_x"));
	hub_unsubscribe(h, subs[3]);
	CU_ASSERT(!hub_followed(h, "inv_b"));
	/* hub_free gives back what is left. */
	hub_free(h);
}

struct owners {
	void	*seen[4];
	int	 n;
};

static void
remember(void *arg, void *owner)
{
	struct owners *o = arg;

	if (o->n < 4)
		o->seen[o->n++] = owner;
}

/* Each subscriber's owner comes back from hub_each, once. */
static void
test_each_owner(void)
{
	static const struct hub_limits lim = { 100, 100, 100 };
	struct hub *h = hub_new();
	struct hub_sub *a, *b, *c;
	struct owners o = { { 0 }, 0 };
	enum hub_status st;
	int x, y, z;

	a = hub_subscribe(h, &lim, "inv_1", "k", &x, &st);
	b = hub_subscribe(h, &lim, "inv_1", "k", &y, &st);
	c = hub_subscribe(h, &lim, "inv_2", "k", &z, &st);
	hub_unsubscribe(h, a);
	hub_each(h, "inv_1", remember, &o);
	CU_ASSERT(o.n == 1 && o.seen[0] == &y);
	hub_unsubscribe(h, b);
	hub_unsubscribe(h, c);
	CU_ASSERT_EQUAL(hub_streams(h), 0);
	CU_ASSERT_EQUAL(hub_client_streams(h, "k"), 0);
	hub_free(h);
}

static const struct cu_test tests[] = {
	{ "limits: total, per client, per invoice", test_limits_table },
	{ "owners of an invoice's streams", test_each_owner },
};

int
main(void)
{
	return cu_run("hub", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
