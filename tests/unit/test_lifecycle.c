/*
 * Table-driven unit tests of lib/lifecycle.c, the invoice state machine.
 * Boundary amounts were computed with python3 integers; the expression is
 * in the comment beside them (c(a,b) is ceiling division, // is floor).
 */
#include "cc.h"

#include <inttypes.h>

#include <CUnit/Basic.h>

#include "cu_run.h"

#include "lifecycle.h"
#include "money.h"

#define T0		INT64_C(1736935200)	/* 2025-01-15T10:00:00Z */
#define EXP		(T0 + 1800)		/* expires_in 1800 */
#define U128_MAX	(~(unsigned __int128)0)
#define GARBAGE		0x5a

static const char *
sname(enum inv_status s)
{
	const char *n;

	n = inv_status_name(s);
	return n != NULL ? n : "(invalid)";
}

/*
 * Runs the function on an output full of garbage, so that a field it
 * forgets to set shows up.
 */
static void
run(const struct lifecycle_in *in, struct lifecycle_out *out)
{
	memset(out, GARBAGE, sizeof(*out));
	lifecycle_next(in, out);
}

/* The emitted flags as a bit set, to compare with a table in one go. */
#define F_PAID		0x1
#define F_EXPIRED	0x2
#define F_REOPENED	0x4
#define F_OVERPAID	0x8

static unsigned int
flags_of(const struct lifecycle_out *o)
{
	return (o->paid ? F_PAID : 0) | (o->expired ? F_EXPIRED : 0) |
	    (o->reopened ? F_REOPENED : 0) | (o->overpaid ? F_OVERPAID : 0);
}

static void
test_status_names(void)
{
	static const struct {
		enum inv_status	 s;
		const char	*name;
	} t[] = {
		{ INV_CREATED, "created" },
		{ INV_PENDING, "pending" },
		{ INV_PAID, "paid" },
		{ INV_EXPIRED, "expired" },
		{ INV_CANCELLED, "cancelled" },
	};
	static const char *const bad[] = {
		"", "Paid", "PAID", "paid ", " paid", "canceled", "new",
		"unknown", "createdx",
	};
	enum inv_status s;
	const char *n;
	size_t i;

	EXPECT(CC_ARRAY_SIZE(t) == INV__MAX, "table misses a state");
	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		n = inv_status_name(t[i].s);
		EXPECT(n != NULL && strcmp(n, t[i].name) == 0,
		    "row %zu: name \"%s\", want \"%s\"", i,
		    n != NULL ? n : "(null)", t[i].name);
		s = INV__MAX;
		EXPECT(inv_status_from_name(t[i].name, &s) == 0 &&
		    s == t[i].s, "row %zu: from_name(\"%s\") gave %d", i,
		    t[i].name, (int)s);
	}
	EXPECT(inv_status_name(INV__MAX) == NULL, "INV__MAX has a name");
	EXPECT(inv_status_name((enum inv_status)-1) == NULL, "-1 has a name");
	EXPECT(inv_status_name((enum inv_status)1000) == NULL,
	    "1000 has a name");
	for (i = 0; i < CC_ARRAY_SIZE(bad); i++) {
		s = INV_PAID;
		EXPECT(inv_status_from_name(bad[i], &s) == -1 && s == INV_PAID,
		    "bad %zu: \"%s\" accepted or *out touched", i, bad[i]);
	}
	s = INV_PAID;
	EXPECT(inv_status_from_name(NULL, &s) == -1 && s == INV_PAID,
	    "NULL accepted");
}

/*
 * The main table: every starting state x amount x time x viewed, for the
 * API's example invoice: 16.49 USD in USDT (6 decimals) at a rate of 1,
 * underpayment threshold 0.01, overpayment threshold 1.00. So required is
 * 16.48 USD and overpaid starts above 17.49 USD; the price of the total is
 * c(1649 * 10^6, 100) = 16490000 units.
 */
enum amount_kind {
	A_NONE,		/* nothing */
	A_PARTIAL,	/* 10.00 confirmed */
	A_EXACT,	/* 16.49 confirmed */
	A_WITHIN,	/* 16.48: exactly at the underpayment tolerance */
	A_OUTSIDE,	/* 16.479999: one unit short, floor gives 16.47 */
	A_OVER_IN,	/* 17.499999: floor 17.49, at the threshold */
	A_OVER_OUT,	/* 17.50: beyond the overpayment threshold */
	A_SEEN,		/* 10.00 confirmed, 16.49 seen: still confirming */
	A_SEEN_UNCONF,	/* nothing confirmed, 16.48 seen */
	A_SEEN_SHORT,	/* 10.00 confirmed, 16.479999 seen: not enough */
	A_EXACT_MORE,	/* 16.49 confirmed, 18.00 seen: extra unconfirmed */
	A__MAX,
	A_ANY = A__MAX
};

static const struct amount {
	const char		*name;
	uint64_t		 confirmed;
	uint64_t		 seen;
	int64_t			 received_minor;
	int64_t			 seen_minor;
	uint64_t		 overpaid_units;	/* if overpaid */
} amounts[A__MAX] = {
	[A_NONE] = { "none", 0, 0, 0, 0, 0 },
	[A_PARTIAL] = { "partial", 10000000, 10000000, 1000, 1000, 0 },
	[A_EXACT] = { "exact", 16490000, 16490000, 1649, 1649, 0 },
	[A_WITHIN] = { "within", 16480000, 16480000, 1648, 1648, 0 },
	[A_OUTSIDE] = { "outside", 16479999, 16479999, 1647, 1647, 0 },
	[A_OVER_IN] = { "over_in", 17499999, 17499999, 1749, 1749, 0 },
	/* 17500000 - 16490000 */
	[A_OVER_OUT] = { "over_out", 17500000, 17500000, 1750, 1750,
	    1010000 },
	[A_SEEN] = { "seen", 10000000, 16490000, 1000, 1649, 0 },
	[A_SEEN_UNCONF] = { "seen_unconf", 0, 16480000, 0, 1648, 0 },
	[A_SEEN_SHORT] = { "seen_short", 10000000, 16479999, 1000, 1647,
	    0 },
	[A_EXACT_MORE] = { "exact_more", 16490000, 18000000, 1649, 1800,
	    0 },
};

enum when {
	T_BEFORE,	/* one second before expires_at */
	T_AT,		/* at expires_at: expired */
	T_AFTER,	/* a day later */
	T__MAX,
	T_PAST = T__MAX, /* at or after */
	T_ANY
};

static const int64_t when_now[T__MAX] = {
	[T_BEFORE] = EXP - 1,
	[T_AT] = EXP,
	[T_AFTER] = EXP + 86400,
};
static const char *const when_names[T__MAX] = { "before", "at", "after" };

#define V_ANY	2

static const struct row {
	enum inv_status		 from;
	enum amount_kind	 amount;
	enum when		 when;
	int			 viewed;
	enum inv_status		 want;
	unsigned int		 flags;
} rows[] = {
	/*
	 * created, not paid: the view moves it to pending, expiry ends it.
	 */
	{ INV_CREATED, A_NONE, T_BEFORE, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_NONE, T_BEFORE, 1, INV_PENDING, 0 },
	{ INV_CREATED, A_NONE, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_CREATED, A_PARTIAL, T_BEFORE, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_PARTIAL, T_BEFORE, 1, INV_PENDING, 0 },
	{ INV_CREATED, A_PARTIAL, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_CREATED, A_OUTSIDE, T_BEFORE, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_OUTSIDE, T_BEFORE, 1, INV_PENDING, 0 },
	{ INV_CREATED, A_OUTSIDE, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_CREATED, A_SEEN_SHORT, T_BEFORE, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_SEEN_SHORT, T_BEFORE, 1, INV_PENDING, 0 },
	{ INV_CREATED, A_SEEN_SHORT, T_PAST, V_ANY, INV_EXPIRED,
	    F_EXPIRED },
	/* created, paid: at any time, viewed or not. */
	{ INV_CREATED, A_EXACT, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_CREATED, A_WITHIN, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_CREATED, A_OVER_IN, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_CREATED, A_OVER_OUT, T_ANY, V_ANY, INV_PAID,
	    F_PAID | F_OVERPAID },
	{ INV_CREATED, A_EXACT_MORE, T_ANY, V_ANY, INV_PAID, F_PAID },
	/* created, a full payment confirming: waits even past expiry. */
	{ INV_CREATED, A_SEEN, T_ANY, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_SEEN, T_ANY, 1, INV_PENDING, 0 },
	{ INV_CREATED, A_SEEN_UNCONF, T_ANY, 0, INV_CREATED, 0 },
	{ INV_CREATED, A_SEEN_UNCONF, T_ANY, 1, INV_PENDING, 0 },

	/* pending: viewed changes nothing. */
	{ INV_PENDING, A_NONE, T_BEFORE, V_ANY, INV_PENDING, 0 },
	{ INV_PENDING, A_NONE, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_PENDING, A_PARTIAL, T_BEFORE, V_ANY, INV_PENDING, 0 },
	{ INV_PENDING, A_PARTIAL, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_PENDING, A_OUTSIDE, T_BEFORE, V_ANY, INV_PENDING, 0 },
	{ INV_PENDING, A_OUTSIDE, T_PAST, V_ANY, INV_EXPIRED, F_EXPIRED },
	{ INV_PENDING, A_SEEN_SHORT, T_BEFORE, V_ANY, INV_PENDING, 0 },
	{ INV_PENDING, A_SEEN_SHORT, T_PAST, V_ANY, INV_EXPIRED,
	    F_EXPIRED },
	{ INV_PENDING, A_EXACT, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_PENDING, A_WITHIN, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_PENDING, A_OVER_IN, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_PENDING, A_OVER_OUT, T_ANY, V_ANY, INV_PAID,
	    F_PAID | F_OVERPAID },
	{ INV_PENDING, A_EXACT_MORE, T_ANY, V_ANY, INV_PAID, F_PAID },
	{ INV_PENDING, A_SEEN, T_ANY, V_ANY, INV_PENDING, 0 },
	{ INV_PENDING, A_SEEN_UNCONF, T_ANY, V_ANY, INV_PENDING, 0 },

	/*
	 * paid: stays while the confirmed sum holds; otherwise a reorg took
	 * payments back and it reopens.
	 */
	{ INV_PAID, A_NONE, T_BEFORE, V_ANY, INV_PENDING, F_REOPENED },
	{ INV_PAID, A_NONE, T_PAST, V_ANY, INV_EXPIRED,
	    F_REOPENED | F_EXPIRED },
	{ INV_PAID, A_PARTIAL, T_BEFORE, V_ANY, INV_PENDING, F_REOPENED },
	{ INV_PAID, A_PARTIAL, T_PAST, V_ANY, INV_EXPIRED,
	    F_REOPENED | F_EXPIRED },
	{ INV_PAID, A_OUTSIDE, T_BEFORE, V_ANY, INV_PENDING, F_REOPENED },
	{ INV_PAID, A_OUTSIDE, T_PAST, V_ANY, INV_EXPIRED,
	    F_REOPENED | F_EXPIRED },
	{ INV_PAID, A_SEEN_SHORT, T_BEFORE, V_ANY, INV_PENDING, F_REOPENED },
	{ INV_PAID, A_SEEN_SHORT, T_PAST, V_ANY, INV_EXPIRED,
	    F_REOPENED | F_EXPIRED },
	{ INV_PAID, A_EXACT, T_ANY, V_ANY, INV_PAID, 0 },
	{ INV_PAID, A_WITHIN, T_ANY, V_ANY, INV_PAID, 0 },
	{ INV_PAID, A_OVER_IN, T_ANY, V_ANY, INV_PAID, 0 },
	/* more money confirmed after paid: overpaid comes later. */
	{ INV_PAID, A_OVER_OUT, T_ANY, V_ANY, INV_PAID, F_OVERPAID },
	{ INV_PAID, A_EXACT_MORE, T_ANY, V_ANY, INV_PAID, 0 },
	/* reorg, but unconfirmed payments cover it: wait for them. */
	{ INV_PAID, A_SEEN, T_ANY, V_ANY, INV_PENDING, F_REOPENED },
	{ INV_PAID, A_SEEN_UNCONF, T_ANY, V_ANY, INV_PENDING, F_REOPENED },

	/* final states. */
	{ INV_EXPIRED, A_ANY, T_ANY, V_ANY, INV_EXPIRED, 0 },
	{ INV_CANCELLED, A_ANY, T_ANY, V_ANY, INV_CANCELLED, 0 },
};

static bool
row_matches(const struct row *r, enum inv_status s, int a, int w, int v)
{
	if (r->from != s)
		return false;
	if (r->amount != A_ANY && (int)r->amount != a)
		return false;
	if (r->when == T_PAST ? w == T_BEFORE :
	    r->when != T_ANY && (int)r->when != w)
		return false;
	return r->viewed == V_ANY || r->viewed == v;
}

static void
usdt_in(struct lifecycle_in *in)
{
	memset(in, 0, sizeof(*in));
	in->total_minor = 1649;
	in->underpay_minor = 1;
	in->overpay_minor = 100;
	in->exponent = 2;
	in->rate.mant = 1;
	in->rate.scale = 0;
	in->decimals = 6;
	in->expires_at = EXP;
}

static void
test_table(void)
{
	struct lifecycle_in in;
	struct lifecycle_out out;
	const struct amount *am;
	const struct row *r;
	unsigned int want_flags;
	size_t i, n;
	char b1[48], b2[48];
	int s, a, w, v;

	for (s = 0; s < INV__MAX; s++)
	for (a = 0; a < A__MAX; a++)
	for (w = 0; w < T__MAX; w++)
	for (v = 0; v < 2; v++) {
		/* Every combination is covered by exactly one row. */
		r = NULL;
		n = 0;
		for (i = 0; i < CC_ARRAY_SIZE(rows); i++)
			if (row_matches(&rows[i], (enum inv_status)s, a, w,
			    v)) {
				r = &rows[i];
				n++;
			}
		EXPECT(n == 1, "%s/%s/%s/viewed=%d: %zu rows match",
		    sname((enum inv_status)s), amounts[a].name,
		    when_names[w], v, n);
		if (n != 1)
			continue;

		am = &amounts[a];
		usdt_in(&in);
		in.status = (enum inv_status)s;
		in.confirmed_units = am->confirmed;
		in.seen_units = am->seen;
		in.now = when_now[w];
		in.viewed = v != 0;
		run(&in, &out);

		want_flags = r->flags;
		EXPECT(out.error == 0 && out.status == r->want &&
		    flags_of(&out) == want_flags,
		    "row %zu %s/%s/%s/viewed=%d: got %s flags %#x error %d, "
		    "want %s flags %#x", (size_t)(r - rows),
		    sname((enum inv_status)s), am->name, when_names[w], v,
		    sname(out.status), flags_of(&out), out.error,
		    sname(r->want), want_flags);
		EXPECT(out.received_minor == am->received_minor &&
		    out.seen_minor == am->seen_minor &&
		    out.required_minor == 1648,
		    "%s/%s/%s: received %" PRId64 " seen %" PRId64
		    " required %" PRId64, sname((enum inv_status)s),
		    am->name, when_names[w], out.received_minor,
		    out.seen_minor, out.required_minor);
		EXPECT(out.overpaid_units == ((want_flags & F_OVERPAID) ?
		    am->overpaid_units : 0), "%s/%s/%s: overpaid_units %s, "
		    "want %s", sname((enum inv_status)s), am->name,
		    when_names[w], u128s(out.overpaid_units, b1, sizeof(b1)),
		    u128s((want_flags & F_OVERPAID) ? am->overpaid_units : 0,
		    b2, sizeof(b2)));

		/* The same with an overpaid already recorded. */
		in.overpaid_before = true;
		run(&in, &out);
		want_flags &= ~(unsigned int)F_OVERPAID;
		EXPECT(out.error == 0 && out.status == r->want &&
		    flags_of(&out) == want_flags && out.overpaid_units == 0,
		    "row %zu %s/%s/%s/viewed=%d overpaid_before: got %s "
		    "flags %#x, want %s flags %#x", (size_t)(r - rows),
		    sname((enum inv_status)s), am->name, when_names[w], v,
		    sname(out.status), flags_of(&out), sname(r->want),
		    want_flags);
	}
}

/*
 * Hand-written cases: every field of the input and of the output. The
 * output's received/seen/required are given, flags as F_*.
 */
struct hcase {
	const char		*name;
	struct lifecycle_in	 in;
	enum inv_status		 want;
	unsigned int		 flags;
	int64_t			 received_minor;
	int64_t			 seen_minor;
	int64_t			 required_minor;
	unsigned __int128	 overpaid_units;
};

/* The API's example invoice, as in the main table. */
#define USDT_USD							\
	.total_minor = 1649, .underpay_minor = 1, .overpay_minor = 100,	\
	.exponent = 2, .rate = { 1, 0 }, .decimals = 6, .expires_at = EXP

/* 100.00 USD in ETH at 3000.50 USD, no underpayment, 1.00 overpayment. */
#define ETH_USD								\
	.total_minor = 10000, .underpay_minor = 0,			\
	.overpay_minor = 100, .exponent = 2, .rate = { 300050, 2 },	\
	.decimals = 18, .expires_at = EXP
/* c(10000 * 10^20, 300050 * 100): the wei price of 100.00 USD */
#define ETH_DUE		((unsigned __int128)33327778703549409ULL)
/* c(10101 * 10^20, 300050 * 100): the least wei worth 101.01 USD */
#define ETH_OVER	((unsigned __int128)33664389268455258ULL)

/*
 * 2500 JPY in USDT at 155.37 JPY (exponent 0), tolerances of 50 JPY:
 * required 2450, overpaid from 2551.
 */
#define USDT_JPY							\
	.total_minor = 2500, .underpay_minor = 50, .overpay_minor = 50,	\
	.exponent = 0, .rate = { 15537, 2 }, .decimals = 6,		\
	.expires_at = EXP
#define JPY_DUE		16090623	/* c(2500 * 10^8, 15537) */
#define JPY_REQ		15768810	/* c(2450 * 10^8, 15537) */
#define JPY_OVER	16418872	/* c(2551 * 10^8, 15537) */

/*
 * The rows start from a fixture macro and override some of its fields:
 * that is the point, not a slip.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"

static const struct hcase hcases[] = {
	/* Cancel during confirmation: cancelled whatever the payments. */
	{ "cancelled, full payment confirming",
	    { .status = INV_CANCELLED, USDT_USD, .confirmed_units = 0,
	    .seen_units = 16490000, .now = EXP - 600, .viewed = true },
	    INV_CANCELLED, 0, 0, 1649, 1648, 0 },
	{ "cancelled, payment confirmed since",
	    { .status = INV_CANCELLED, USDT_USD,
	    .confirmed_units = 16490000, .seen_units = 16490000,
	    .now = EXP - 600, .viewed = true },
	    INV_CANCELLED, 0, 1649, 1649, 1648, 0 },
	{ "cancelled, overpaid: no overpaid event",
	    { .status = INV_CANCELLED, USDT_USD,
	    .confirmed_units = 50000000, .seen_units = 50000000,
	    .now = EXP + 1 },
	    INV_CANCELLED, 0, 5000, 5000, 1648, 0 },
	{ "expired, full payment after expiry (caller counted it)",
	    { .status = INV_EXPIRED, USDT_USD,
	    .confirmed_units = 16490000, .seen_units = 16490000,
	    .now = EXP + 60 },
	    INV_EXPIRED, 0, 1649, 1649, 1648, 0 },

	/* Reorg after paid. */
	{ "reorg before expiry, nothing left",
	    { .status = INV_PAID, USDT_USD, .now = EXP - 1 },
	    INV_PENDING, F_REOPENED, 0, 0, 1648, 0 },
	{ "reorg after expiry, nothing left",
	    { .status = INV_PAID, USDT_USD, .now = EXP + 1 },
	    INV_EXPIRED, F_REOPENED | F_EXPIRED, 0, 0, 1648, 0 },
	{ "reorg after expiry, the payment back in the mempool",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 0,
	    .seen_units = 16490000, .now = EXP + 1 },
	    INV_PENDING, F_REOPENED, 0, 1649, 1648, 0 },
	{ "reorg after expiry, another unconfirmed payment covers it",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 6490000,
	    .seen_units = 16490000, .now = EXP + 3600 },
	    INV_PENDING, F_REOPENED, 649, 1649, 1648, 0 },
	{ "reorg after expiry, unconfirmed rest one unit short",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 6490000,
	    .seen_units = 16479999, .now = EXP + 3600 },
	    INV_EXPIRED, F_REOPENED | F_EXPIRED, 649, 1647, 1648, 0 },
	{ "reorg before expiry, another unconfirmed payment covers it",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 6490000,
	    .seen_units = 16490000, .now = EXP - 1 },
	    INV_PENDING, F_REOPENED, 649, 1649, 1648, 0 },
	{ "reorg of an overpayment, still paid",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 16490000,
	    .seen_units = 16490000, .now = EXP + 1,
	    .overpaid_before = true },
	    INV_PAID, 0, 1649, 1649, 1648, 0 },
	{ "paid, confirmed again after a reorg, past expiry",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = 16490000,
	    .seen_units = 16490000, .now = EXP + 3600 },
	    INV_PAID, F_PAID, 1649, 1649, 1648, 0 },

	/* overpaid is emitted once. */
	{ "overpaid on payment",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = 20000000,
	    .seen_units = 20000000, .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 2000, 2000, 1648, 3510000 },
	{ "overpaid_before suppresses the second",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 20000000,
	    .seen_units = 20000000, .now = EXP - 1,
	    .overpaid_before = true },
	    INV_PAID, 0, 2000, 2000, 1648, 0 },
	{ "overpaid_before on the paying transition",
	    { .status = INV_CREATED, USDT_USD, .confirmed_units = 20000000,
	    .seen_units = 20000000, .now = EXP - 1,
	    .overpaid_before = true },
	    INV_PAID, F_PAID, 2000, 2000, 1648, 0 },
	{ "unconfirmed overpayment does not count",
	    { .status = INV_PAID, USDT_USD, .confirmed_units = 16490000,
	    .seen_units = 90000000, .now = EXP - 1 },
	    INV_PAID, 0, 1649, 9000, 1648, 0 },
	{ "overpaid, underpaid tolerance used: units from the total",
	    { .status = INV_PENDING, USDT_USD, .underpay_minor = 500,
	    .confirmed_units = 17500000, .seen_units = 17500000,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 1750, 1750, 1149, 1010000 },
	{ "no overpayment threshold: one cent over",
	    { .status = INV_PENDING, USDT_USD, .overpay_minor = 0,
	    .confirmed_units = 16500000, .seen_units = 16500000,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 1650, 1650, 1648, 10000 },
	{ "no overpayment threshold: 0.009999 over is not a cent",
	    { .status = INV_PENDING, USDT_USD, .overpay_minor = 0,
	    .confirmed_units = 16499999, .seen_units = 16499999,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID, 1649, 1649, 1648, 0 },

	/* USDT at the API example's rate of 1.0001 USD. */
	{ "rate 1.0001: c(1648 * 10^10, 10001 * 100) units pay",
	    { .status = INV_PENDING, USDT_USD, .rate = { 10001, 4 },
	    .confirmed_units = 16478353, .seen_units = 16478353,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID, 1648, 1648, 1648, 0 },
	{ "rate 1.0001: one unit less does not",
	    { .status = INV_PENDING, USDT_USD, .rate = { 10001, 4 },
	    .confirmed_units = 16478352, .seen_units = 16478352,
	    .now = EXP - 1 },
	    INV_PENDING, 0, 1647, 1647, 1648, 0 },

	/* ETH at 3000.50 USD: floor rounding decides by one wei. */
	{ "eth: the exact wei price pays",
	    { .status = INV_PENDING, ETH_USD, .confirmed_units = ETH_DUE,
	    .seen_units = ETH_DUE, .now = EXP - 1 },
	    INV_PAID, F_PAID, 10000, 10000, 10000, 0 },
	{ "eth: one wei less is 99.99 USD, not paid",
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = ETH_DUE - 1, .seen_units = ETH_DUE - 1,
	    .now = EXP - 1 },
	    INV_PENDING, 0, 9999, 9999, 10000, 0 },
	{ "eth: one wei less, at expiry: expired",
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = ETH_DUE - 1, .seen_units = ETH_DUE - 1,
	    .now = EXP },
	    INV_EXPIRED, F_EXPIRED, 9999, 9999, 10000, 0 },
	{ "eth: one wei less confirmed, one wei more seen: waits",
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = ETH_DUE - 1, .seen_units = ETH_DUE,
	    .now = EXP },
	    INV_PENDING, 0, 9999, 10000, 10000, 0 },
	{ "eth: paid, a reorg takes one wei: reopened",
	    { .status = INV_PAID, ETH_USD,
	    .confirmed_units = ETH_DUE - 1, .seen_units = ETH_DUE - 1,
	    .now = EXP - 1 },
	    INV_PENDING, F_REOPENED, 9999, 9999, 10000, 0 },
	{ "eth: the least wei worth 101.01 USD is overpaid",
	    { .status = INV_PENDING, ETH_USD, .confirmed_units = ETH_OVER,
	    .seen_units = ETH_OVER, .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 10101, 10101, 10000,
	    ETH_OVER - ETH_DUE },
	{ "eth: one wei less is 101.00 USD, within the threshold",
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = ETH_OVER - 1, .seen_units = ETH_OVER - 1,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID, 10100, 10100, 10000, 0 },
	{ "eth: 1 ETH is worth 3000.50 USD",
	    { .status = INV_PAID, ETH_USD,
	    .confirmed_units = 1000000000000000000ULL,
	    .seen_units = 1000000000000000000ULL, .now = EXP - 1 },
	    INV_PAID, F_OVERPAID, 300050, 300050, 10000,
	    1000000000000000000ULL - ETH_DUE },

	/* JPY, exponent 0. */
	{ "jpy: the price of 2450 JPY pays (tolerance 50)",
	    { .status = INV_CREATED, USDT_JPY, .confirmed_units = JPY_REQ,
	    .seen_units = JPY_REQ, .now = EXP + 1 },
	    INV_PAID, F_PAID, 2450, 2450, 2450, 0 },
	{ "jpy: one unit less is 2449 JPY",
	    { .status = INV_CREATED, USDT_JPY,
	    .confirmed_units = JPY_REQ - 1, .seen_units = JPY_REQ - 1,
	    .now = EXP + 1 },
	    INV_EXPIRED, F_EXPIRED, 2449, 2449, 2450, 0 },
	{ "jpy: the least worth 2551 JPY is overpaid",
	    { .status = INV_PENDING, USDT_JPY, .confirmed_units = JPY_OVER,
	    .seen_units = JPY_OVER, .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 2551, 2551, 2450,
	    JPY_OVER - JPY_DUE },
	{ "jpy: one unit less is 2550 JPY, within the threshold",
	    { .status = INV_PENDING, USDT_JPY,
	    .confirmed_units = JPY_OVER - 1, .seen_units = JPY_OVER - 1,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID, 2550, 2550, 2450, 0 },

	/*
	 * A token of 0 decimals worth 7.00 USD for a 1.00 USD invoice: one
	 * unit is overpaid in fiat, yet none of it can be returned.
	 */
	{ "indivisible unit: overpaid with 0 units over",
	    { .status = INV_PENDING, USDT_USD, .total_minor = 100,
	    .underpay_minor = 0, .overpay_minor = 0, .rate = { 7, 0 },
	    .decimals = 0, .confirmed_units = 1, .seen_units = 1,
	    .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 700, 700, 100, 0 },

	/* Degenerate tolerances: required clamps at 0, yet money is due. */
	{ "underpay above total: required 0, nothing paid yet",
	    { .status = INV_PENDING, USDT_USD, .underpay_minor = 5000,
	    .now = EXP - 1 },
	    INV_PENDING, 0, 0, 0, 0, 0 },
	{ "underpay above total: any money pays",
	    { .status = INV_PENDING, USDT_USD, .underpay_minor = 5000,
	    .confirmed_units = 1, .seen_units = 1, .now = EXP - 1 },
	    INV_PAID, F_PAID, 0, 0, 0, 0 },
	{ "zero total, nothing received: expires",
	    { .status = INV_PENDING, USDT_USD, .total_minor = 0,
	    .underpay_minor = 0, .now = EXP },
	    INV_EXPIRED, F_EXPIRED, 0, 0, 0, 0 },
	{ "zero total, one unit seen: waits",
	    { .status = INV_PENDING, USDT_USD, .total_minor = 0,
	    .underpay_minor = 0, .seen_units = 1, .now = EXP },
	    INV_PENDING, 0, 0, 0, 0, 0 },

	/* Clock edge cases. */
	{ "expires_at in the far past",
	    { .status = INV_CREATED, USDT_USD, .now = T0,
	    .expires_at = INT64_MIN },
	    INV_EXPIRED, F_EXPIRED, 0, 0, 1648, 0 },
	{ "expires_at in the far future",
	    { .status = INV_CREATED, USDT_USD, .now = T0,
	    .expires_at = INT64_MAX, .viewed = true },
	    INV_PENDING, 0, 0, 0, 1648, 0 },
	{ "huge but valid amounts",
	    { .status = INV_PENDING, USDT_USD,
	    .confirmed_units = (unsigned __int128)INT64_MAX * 10000,
	    .seen_units = (unsigned __int128)INT64_MAX * 10000,
	    .now = EXP - 1, .overpaid_before = true },
	    INV_PAID, F_PAID, INT64_MAX, INT64_MAX, 1648, 0 },

	/*
	 * Payments after the rate lock, valued at ETH 3100.00 (the caller
	 * rounds each down): units from c(minor * 10^20, 310000 * 100).
	 */
	{ "after the lock: 100.00 at the new rate pays",
	    { .status = INV_PENDING, ETH_USD,
	    .repriced_confirmed_minor = 10000, .repriced_seen_minor = 10000,
	    .repriced_confirmed_units = 32258064516129033ULL,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 },
	    INV_PAID, F_PAID, 10000, 10000, 10000, 0 },
	{ "after the lock: 99.99 does not",
	    { .status = INV_PENDING, ETH_USD,
	    .repriced_confirmed_minor = 9999, .repriced_seen_minor = 9999,
	    .repriced_confirmed_units = 32254838709677420ULL,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 },
	    INV_PENDING, 0, 9999, 9999, 10000, 0 },
	{ "half within the lock, half after: paid",
	    /* c(5000 * 10^20, 30005000) wei are 50.00 at 3000.50 */
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = 16663889351774705ULL,
	    .seen_units = 16663889351774705ULL,
	    .repriced_confirmed_minor = 5000, .repriced_seen_minor = 5000,
	    .repriced_confirmed_units = 16129032258064517ULL,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 },
	    INV_PAID, F_PAID, 10000, 10000, 10000, 0 },
	{ "half within, 60.00 after: the rest priced at the new rate",
	    /* 19354838709677420 - c(5000 * 10^20, 31000000) */
	    { .status = INV_PENDING, ETH_USD,
	    .confirmed_units = 16663889351774705ULL,
	    .seen_units = 16663889351774705ULL,
	    .repriced_confirmed_minor = 6000, .repriced_seen_minor = 6000,
	    .repriced_confirmed_units = 19354838709677420ULL,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 11000, 11000, 10000,
	    3225806451612903ULL },
	{ "locked payments pay it all: every repriced unit is over",
	    { .status = INV_PENDING, ETH_USD, .confirmed_units = ETH_DUE,
	    .seen_units = ETH_DUE, .repriced_confirmed_minor = 2000,
	    .repriced_seen_minor = 2000,
	    .repriced_confirmed_units = 6451612903225807ULL,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 },
	    INV_PAID, F_PAID | F_OVERPAID, 12000, 12000, 10000,
	    6451612903225807ULL },
	{ "repriced payment still confirming, past expiry: waits",
	    { .status = INV_PENDING, ETH_USD, .repriced_seen_minor = 10000,
	    .now = EXP + 60 },
	    INV_PENDING, 0, 0, 10000, 10000, 0 },
	{ "a payment awaits a rate, past expiry: no expiry",
	    { .status = INV_PENDING, ETH_USD, .awaiting_rate = true,
	    .now = EXP + 60 },
	    INV_PENDING, 0, 0, 0, 10000, 0 },
	{ "awaiting a rate, created, not viewed: unchanged",
	    { .status = INV_CREATED, ETH_USD, .awaiting_rate = true,
	    .now = EXP + 60 },
	    INV_CREATED, 0, 0, 0, 10000, 0 },
	{ "paid, reorg, a payment awaits a rate past expiry: pending",
	    { .status = INV_PAID, ETH_USD, .awaiting_rate = true,
	    .now = EXP + 60 },
	    INV_PENDING, F_REOPENED, 0, 0, 10000, 0 },
};

static void
test_cases(void)
{
	const struct hcase *c;
	struct lifecycle_out out;
	struct lifecycle_in in;
	char b1[48], b2[48];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(hcases); i++) {
		c = &hcases[i];
		run(&c->in, &out);
		EXPECT(out.error == 0 && out.status == c->want &&
		    flags_of(&out) == c->flags,
		    "%s: got %s flags %#x error %d, want %s flags %#x",
		    c->name, sname(out.status), flags_of(&out), out.error,
		    sname(c->want), c->flags);
		EXPECT(out.received_minor == c->received_minor &&
		    out.seen_minor == c->seen_minor &&
		    out.required_minor == c->required_minor,
		    "%s: received %" PRId64 " seen %" PRId64 " required %"
		    PRId64 ", want %" PRId64 " %" PRId64 " %" PRId64,
		    c->name, out.received_minor, out.seen_minor,
		    out.required_minor, c->received_minor, c->seen_minor,
		    c->required_minor);
		EXPECT(out.overpaid_units == c->overpaid_units,
		    "%s: overpaid_units %s, want %s", c->name,
		    u128s(out.overpaid_units, b1, sizeof(b1)),
		    u128s(c->overpaid_units, b2, sizeof(b2)));

		/* A fixed point: the stored result changes nothing more. */
		in = c->in;
		in.status = out.status;
		in.overpaid_before = in.overpaid_before || out.overpaid;
		run(&in, &out);
		EXPECT(out.error == 0 && out.status == in.status &&
		    flags_of(&out) == 0, "%s: again gave %s flags %#x",
		    c->name, sname(out.status), flags_of(&out));
	}
}

/* Inconsistent inputs: error, the status kept, nothing else. */
static const struct ecase {
	const char		*name;
	struct lifecycle_in	 in;
} ecases[] = {
	{ "zero rate, full payment",
	    { .status = INV_PENDING, USDT_USD, .rate = { 0, 0 },
	    .confirmed_units = 16490000, .seen_units = 16490000,
	    .now = EXP - 1 } },
	{ "zero rate with a scale, past expiry",
	    { .status = INV_CREATED, USDT_USD, .rate = { 0, 4 },
	    .now = EXP + 1, .viewed = true } },
	{ "zero rate, paid, nothing confirmed any more",
	    { .status = INV_PAID, USDT_USD, .rate = { 0, 0 },
	    .now = EXP + 1 } },
	{ "zero rate, cancelled",
	    { .status = INV_CANCELLED, USDT_USD, .rate = { 0, 0 } } },
	{ "u128 max units: value beyond int64",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = U128_MAX,
	    .seen_units = U128_MAX, .now = EXP - 1 } },
	{ "u128 max units at the highest rate",
	    { .status = INV_PAID, USDT_USD, .rate = { U128_MAX, 0 },
	    .confirmed_units = U128_MAX, .seen_units = U128_MAX,
	    .now = EXP - 1 } },
	{ "seen sum beyond int64 only",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = 0,
	    .seen_units = (unsigned __int128)1 << 127, .now = EXP + 1 } },
	{ "one unit past int64 worth",
	    { .status = INV_PENDING, USDT_USD,
	    .confirmed_units = ((unsigned __int128)INT64_MAX + 1) * 10000,
	    .seen_units = ((unsigned __int128)INT64_MAX + 1) * 10000,
	    .now = EXP - 1 } },
	{ "ETH wei beyond int64 cents",
	    { .status = INV_EXPIRED, ETH_USD, .confirmed_units = U128_MAX,
	    .seen_units = U128_MAX, .now = EXP + 1 } },
	{ "total + overpayment threshold overflows",
	    { .status = INV_PENDING, USDT_USD, .total_minor = INT64_MAX,
	    .underpay_minor = 0, .overpay_minor = 1, .now = EXP - 1 } },
	{ "repriced seen below repriced confirmed",
	    { .status = INV_PENDING, ETH_USD, .repriced_confirmed_minor = 10,
	    .repriced_seen_minor = 9, .repriced_confirmed_units = 1,
	    .repriced_rate = { 310000, 2 }, .now = EXP - 1 } },
	{ "negative repriced sum",
	    { .status = INV_PENDING, ETH_USD, .repriced_confirmed_minor = -1,
	    .repriced_seen_minor = 0, .now = EXP - 1 } },
	{ "repriced units without a rate",
	    { .status = INV_PENDING, ETH_USD,
	    .repriced_confirmed_minor = 10000, .repriced_seen_minor = 10000,
	    .repriced_confirmed_units = 1, .now = EXP - 1 } },
	{ "repriced sum beyond int64 with the locked one",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = 16490000,
	    .seen_units = 16490000, .repriced_confirmed_minor = INT64_MAX,
	    .repriced_seen_minor = INT64_MAX, .repriced_confirmed_units = 1,
	    .repriced_rate = { 1, 0 }, .now = EXP - 1 } },
	{ "seen below confirmed",
	    { .status = INV_PENDING, USDT_USD, .confirmed_units = 16490000,
	    .seen_units = 16489999, .now = EXP - 1 } },
	{ "negative total",
	    { .status = INV_CREATED, USDT_USD, .total_minor = -1,
	    .now = EXP + 1 } },
	{ "negative underpayment threshold",
	    { .status = INV_CREATED, USDT_USD, .underpay_minor = -1,
	    .confirmed_units = 16490000, .seen_units = 16490000,
	    .now = EXP - 1 } },
	{ "negative overpayment threshold",
	    { .status = INV_PAID, USDT_USD, .overpay_minor = -1,
	    .confirmed_units = 16490000, .seen_units = 16490000,
	    .now = EXP - 1 } },
	{ "fiat exponent out of range",
	    { .status = INV_CREATED, USDT_USD, .exponent = 39,
	    .now = EXP + 1 } },
	{ "negative decimals",
	    { .status = INV_CREATED, USDT_USD, .decimals = -1,
	    .now = EXP + 1 } },
	{ "rate scale out of range",
	    { .status = INV_PENDING, USDT_USD, .rate = { 1, 39 },
	    .now = EXP + 1 } },
	{ "status INV__MAX",
	    { .status = INV__MAX, USDT_USD, .now = EXP + 1 } },
	{ "status -1",
	    { .status = (enum inv_status)-1, USDT_USD, .now = EXP + 1 } },
};

#pragma GCC diagnostic pop

static void
test_errors(void)
{
	const struct ecase *c;
	struct lifecycle_out out;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(ecases); i++) {
		c = &ecases[i];
		run(&c->in, &out);
		EXPECT(out.error == -1 && out.status == c->in.status &&
		    flags_of(&out) == 0 && out.received_minor == 0 &&
		    out.seen_minor == 0 && out.required_minor == 0 &&
		    out.overpaid_units == 0,
		    "%s: error %d status %d flags %#x", c->name, out.error,
		    (int)out.status, flags_of(&out));
	}
}

/*
 * The exhaustive part: for several currencies and rates, every state x
 * amounts around each boundary (confirmed <= seen) x time x viewed x
 * overpaid_before, checking what must hold whatever the table says.
 */
struct fixture {
	const char		*name;
	int64_t			 total, underpay, overpay;
	int			 exponent, decimals;
	struct money_dec	 rate;
};

static const struct fixture fixtures[] = {
	{ "usdt/usd", 1649, 1, 100, 2, 6, { 1, 0 } },
	{ "usdt/usd 1.0001", 1649, 1, 100, 2, 6, { 10001, 4 } },
	{ "usdt/usd no tolerance", 1649, 0, 0, 2, 6, { 1, 0 } },
	{ "eth/usd 3000.50", 10000, 0, 100, 2, 18, { 300050, 2 } },
	{ "eth/usd 3000.50 tolerant", 10000, 37, 3, 2, 18, { 300050, 2 } },
	{ "usdt/jpy 155.37", 2500, 50, 50, 0, 6, { 15537, 2 } },
	{ "btc/kwd 29000.125", 1000, 1, 1, 3, 8, { 29000125, 3 } },
	{ "cheap token", 100, 0, 0, 2, 0, { 7, 0 } },
	{ "zero total", 0, 0, 0, 2, 6, { 1, 0 } },
	{ "tolerance above total", 100, 500, 0, 2, 6, { 1, 0 } },
};

/* Crypto units worth at least `minor`, or 0 for a negative minor. */
static unsigned __int128
price(const struct fixture *f, int64_t minor)
{
	unsigned __int128 u;

	if (minor < 0)
		return 0;
	if (money_fiat_to_crypto(minor, f->exponent, &f->rate, f->decimals,
	    &u) != MONEY_OK)
		return 0;
	return u;
}

static void
add_unit(unsigned __int128 *v, size_t *n, size_t max, unsigned __int128 u)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (v[i] == u)
			return;
	if (*n < max)
		v[(*n)++] = u;
}

static size_t
candidates(const struct fixture *f, unsigned __int128 *v, size_t max)
{
	const int64_t marks[] = { f->total - f->underpay, f->total,
	    f->total + f->overpay, f->total + f->overpay + 1, f->total / 2,
	    f->total * 3 };
	unsigned __int128 p;
	size_t i, n;

	n = 0;
	add_unit(v, &n, max, 0);
	add_unit(v, &n, max, 1);
	for (i = 0; i < CC_ARRAY_SIZE(marks); i++) {
		p = price(f, marks[i]);
		if (p > 0)
			add_unit(v, &n, max, p - 1);
		add_unit(v, &n, max, p);
		add_unit(v, &n, max, p + 1);
	}
	return n;
}

static bool
is_final(enum inv_status s)
{
	return s == INV_EXPIRED || s == INV_CANCELLED;
}

static void
check_invariants(const struct fixture *f, const struct lifecycle_in *in,
    const struct lifecycle_out *o)
{
	struct lifecycle_in again;
	struct lifecycle_out o2;
	int64_t kept, below, required;
	char b1[48], b2[48];
	bool open;

#define CTX "%s %s c=%s s=%s now-exp=%" PRId64 " v=%d ob=%d -> %s %#x: "
#define CTXARGS f->name, sname(in->status),				\
	u128s(in->confirmed_units, b1, sizeof(b1)),			\
	u128s(in->seen_units, b2, sizeof(b2)), in->now - in->expires_at,\
	in->viewed, in->overpaid_before, sname(o->status), flags_of(o)

	open = !is_final(in->status);
	required = f->total - f->underpay;
	if (required < 0)
		required = 0;

	EXPECT(o->error == 0, CTX "error", CTXARGS);
	EXPECT(o->required_minor == required && o->received_minor >= 0 &&
	    o->received_minor <= o->seen_minor,
	    CTX "amounts %" PRId64 " %" PRId64 " %" PRId64, CTXARGS,
	    o->received_minor, o->seen_minor, o->required_minor);
	/* Final states never change and emit nothing. */
	if (!open)
		EXPECT(o->status == in->status && flags_of(o) == 0,
		    CTX "final state left", CTXARGS);
	/* Paid only with money that reaches the requirement. */
	if (o->status == INV_PAID)
		EXPECT(in->confirmed_units > 0 &&
		    o->received_minor >= o->required_minor,
		    CTX "paid without the money", CTXARGS);
	/* Expiry never overrides a full confirmed payment. */
	if (open && in->status != INV_PAID && in->confirmed_units > 0 &&
	    o->received_minor >= o->required_minor)
		EXPECT(o->status == INV_PAID, CTX "full payment not paid",
		    CTXARGS);
	/* No expiry before expires_at, nor while a full payment confirms. */
	if (o->status == INV_EXPIRED && open)
		EXPECT(in->now >= in->expires_at && !(in->seen_units > 0 &&
		    o->seen_minor >= o->required_minor),
		    CTX "expired too early", CTXARGS);
	/* Open and past expiry without a full payment seen: expired. */
	if (open && in->now >= in->expires_at && !(in->seen_units > 0 &&
	    o->seen_minor >= o->required_minor))
		EXPECT(o->status == INV_EXPIRED, CTX "not expired", CTXARGS);
	/* Each flag exactly with its transition. */
	EXPECT(o->paid == (open && in->status != INV_PAID &&
	    o->status == INV_PAID), CTX "paid flag", CTXARGS);
	EXPECT(o->expired == (open && o->status == INV_EXPIRED),
	    CTX "expired flag", CTXARGS);
	EXPECT(o->reopened == (in->status == INV_PAID &&
	    o->status != INV_PAID), CTX "reopened flag", CTXARGS);
	/* Never back to created; a view always leaves it. */
	if (o->status == INV_CREATED)
		EXPECT(in->status == INV_CREATED && !in->viewed,
		    CTX "created", CTXARGS);
	/* Nothing becomes cancelled here. */
	if (o->status == INV_CANCELLED)
		EXPECT(in->status == INV_CANCELLED, CTX "cancelled", CTXARGS);
	/* overpaid: once, when paid, strictly beyond the threshold. */
	if (o->overpaid) {
		EXPECT(o->status == INV_PAID && !in->overpaid_before &&
		    o->received_minor > f->total + f->overpay &&
		    o->overpaid_units <= in->confirmed_units,
		    CTX "overpaid", CTXARGS);
		/*
		 * What is kept is the least amount worth the total: one unit
		 * less is worth less (nothing is kept of a zero total).
		 */
		kept = -1;
		below = f->total == 0 ? -1 : INT64_MAX;
		if (o->overpaid_units <= in->confirmed_units &&
		    money_crypto_to_fiat(in->confirmed_units -
		    o->overpaid_units, f->decimals, &f->rate, f->exponent,
		    &kept) != MONEY_OK)
			kept = -1;
		if (o->overpaid_units < in->confirmed_units &&
		    money_crypto_to_fiat(in->confirmed_units -
		    o->overpaid_units - 1, f->decimals, &f->rate,
		    f->exponent, &below) != MONEY_OK)
			below = INT64_MAX;
		EXPECT(kept >= f->total && below < f->total,
		    CTX "overpaid_units kept %" PRId64 " below %" PRId64,
		    CTXARGS, kept, below);
	} else
		EXPECT(o->overpaid_units == 0, CTX "overpaid_units",
		    CTXARGS);
	if (o->status == INV_PAID && !in->overpaid_before &&
	    o->received_minor > f->total + f->overpay)
		EXPECT(o->overpaid, CTX "overpaid missed", CTXARGS);

	/* A fixed point: storing the result and asking again is quiet. */
	again = *in;
	again.status = o->status;
	again.overpaid_before = in->overpaid_before || o->overpaid;
	run(&again, &o2);
	EXPECT(o2.error == 0 && o2.status == o->status && flags_of(&o2) == 0,
	    CTX "again gave %s %#x", CTXARGS, sname(o2.status),
	    flags_of(&o2));
#undef CTX
#undef CTXARGS
}

/*
 * The seen sums worth trying with a confirmed sum c: c itself, and those
 * around the price of the required amount (the only seen threshold).
 */
static size_t
seen_candidates(const struct fixture *f, unsigned __int128 c,
    unsigned __int128 *v, size_t max)
{
	unsigned __int128 p;
	size_t n;

	n = 0;
	add_unit(v, &n, max, c);
	p = price(f, f->total - f->underpay);
	if (p > c)
		add_unit(v, &n, max, p - 1);
	if (p >= c)
		add_unit(v, &n, max, p);
	if (p + 1 >= c)
		add_unit(v, &n, max, p + 1);
	return n;
}

static void
test_invariants(void)
{
	static const int64_t offsets[] = { -1, 0, 1 };
	unsigned __int128 units[32], seen[8];
	struct lifecycle_in in;
	struct lifecycle_out out;
	const struct fixture *f;
	size_t fi, n, ns, ci, si, ti;
	unsigned long count;
	int s, v, ob;

	count = 0;
	for (fi = 0; fi < CC_ARRAY_SIZE(fixtures); fi++) {
		f = &fixtures[fi];
		n = candidates(f, units, CC_ARRAY_SIZE(units));
		for (ci = 0; ci < n; ci++) {
			ns = seen_candidates(f, units[ci], seen,
			    CC_ARRAY_SIZE(seen));
			for (si = 0; si < ns; si++)
			for (s = 0; s < INV__MAX; s++)
			for (ti = 0; ti < CC_ARRAY_SIZE(offsets); ti++)
			for (v = 0; v < 2; v++)
			for (ob = 0; ob < 2; ob++) {
				memset(&in, 0, sizeof(in));
				in.status = (enum inv_status)s;
				in.total_minor = f->total;
				in.underpay_minor = f->underpay;
				in.overpay_minor = f->overpay;
				in.exponent = f->exponent;
				in.rate = f->rate;
				in.decimals = f->decimals;
				in.confirmed_units = units[ci];
				in.seen_units = seen[si];
				in.expires_at = EXP;
				in.now = EXP + offsets[ti];
				in.viewed = v != 0;
				in.overpaid_before = ob != 0;
				run(&in, &out);
				check_invariants(f, &in, &out);
				count++;
			}
		}
	}
	EXPECT(count > 10000, "only %lu combinations", count);
}

/* The function reads only its input: the same input, the same output. */
static void
test_pure(void)
{
	struct lifecycle_in in, copy;
	struct lifecycle_out a, b;

	memset(&in, 0, sizeof(in));
	in.status = INV_PENDING;
	in.total_minor = 1649;
	in.underpay_minor = 1;
	in.overpay_minor = 100;
	in.exponent = 2;
	in.rate.mant = 1;
	in.decimals = 6;
	in.confirmed_units = 20000000;
	in.seen_units = 20000000;
	in.now = EXP - 1;
	in.expires_at = EXP;
	copy = in;
	memset(&a, 0, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	lifecycle_next(&in, &a);
	lifecycle_next(&in, &b);
	EXPECT(memcmp(&in, &copy, sizeof(in)) == 0, "input modified");
	EXPECT(a.status == b.status && a.received_minor == b.received_minor &&
	    a.seen_minor == b.seen_minor &&
	    a.required_minor == b.required_minor && a.paid == b.paid &&
	    a.expired == b.expired && a.reopened == b.reopened &&
	    a.overpaid == b.overpaid && a.overpaid_units == b.overpaid_units &&
	    a.error == b.error, "outputs differ");
}

/* Confirmations against required, at and around every boundary. */
static void
test_payment_status(void)
{
	static const struct {
		int64_t		 conf;
		int		 required;
		enum pay_status	 want;
	} prows[] = {
		{ -5, 3, PAY_DETECTED },
		{ 0, 3, PAY_DETECTED },
		{ 1, 3, PAY_DETECTED },
		{ 2, 3, PAY_CONFIRMING },
		{ 3, 3, PAY_CONFIRMED },
		{ 4, 3, PAY_CONFIRMED },
		{ 1, 1, PAY_CONFIRMED },
		{ 0, 1, PAY_DETECTED },
		{ 1, 0, PAY_CONFIRMED },
		{ 1, -2, PAY_CONFIRMED },
		{ 0, 0, PAY_DETECTED },
		{ 1, 2, PAY_DETECTED },
		{ 2, 2, PAY_CONFIRMED },
		{ 11, 12, PAY_CONFIRMING },
		{ 12, 12, PAY_CONFIRMED },
		{ INT64_MAX, 12, PAY_CONFIRMED },
		{ INT64_MIN, 12, PAY_DETECTED },
	};
	enum pay_status s;
	size_t i;
	int k;

	for (i = 0; i < CC_ARRAY_SIZE(prows); i++) {
		s = lifecycle_payment(prows[i].conf, prows[i].required);
		EXPECT(s == prows[i].want, "row %zu: %lld of %d -> %s, want %s",
		    i, (long long)prows[i].conf, prows[i].required,
		    pay_status_name(s), pay_status_name(prows[i].want));
	}
	for (k = 0; k < PAY__MAX; k++)
		EXPECT(pay_status_from_name(pay_status_name(k), &s) == 0 &&
		    (int)s == k, "name round trip %d", k);
	EXPECT(pay_status_name(PAY__MAX) == NULL, "out of range");
	EXPECT(pay_status_from_name("Confirmed", &s) == -1, "exact names");
	EXPECT(pay_status_from_name(NULL, &s) == -1, "NULL");
}

/* Every state, before and after expiry. */
static void
test_cancel(void)
{
	static const struct {
		enum inv_status		 st;
		bool			 past;
		enum cancel_verdict	 want;
	} crows[] = {
		{ INV_CREATED, false, CANCEL_OK },
		{ INV_CREATED, true, CANCEL_EXPIRED },
		{ INV_PENDING, false, CANCEL_OK },
		{ INV_PENDING, true, CANCEL_EXPIRED },
		{ INV_PAID, false, CANCEL_ALREADY_PAID },
		{ INV_PAID, true, CANCEL_ALREADY_PAID },
		{ INV_EXPIRED, false, CANCEL_EXPIRED },
		{ INV_EXPIRED, true, CANCEL_EXPIRED },
		{ INV_CANCELLED, false, CANCEL_ALREADY_CANCELLED },
		{ INV_CANCELLED, true, CANCEL_ALREADY_CANCELLED },
		{ INV__MAX, false, CANCEL_ALREADY_CANCELLED },
	};
	enum cancel_verdict v;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(crows); i++) {
		v = lifecycle_cancel(crows[i].st, crows[i].past);
		EXPECT(v == crows[i].want, "row %zu: %d past %d -> %d, want %d",
		    i, (int)crows[i].st, crows[i].past, (int)v,
		    (int)crows[i].want);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "status_names", test_status_names },
		{ "table", test_table },
		{ "cases", test_cases },
		{ "errors", test_errors },
		{ "invariants", test_invariants },
		{ "pure", test_pure },
		{ "payment status", test_payment_status },
		{ "cancel", test_cancel },
	};

	return cu_run("lifecycle", NULL, NULL, tests,
	    CC_ARRAY_SIZE(tests));
}
