/* The rules for fetched exchange rates: exact, pure, tested by tables. */
#include "cc.h"

#include "ratecheck.h"
#include "util.h"

/* Exponents beyond this cannot give a rate we keep. */
#define MAX_EXPONENT	64

static const char *const errs[RATECHECK__MAX] = {
	[RATECHECK_OK] = "ok",
	[RATECHECK_ESYNTAX] = "not a number",
	[RATECHECK_EZERO] = "zero",
	[RATECHECK_ENEGATIVE] = "negative",
	[RATECHECK_ESCALE] = "more than " CC_XSTR(RATECHECK_MAX_SCALE)
	    " decimals",
	[RATECHECK_ERANGE] = "too many digits",
};

const char *
ratecheck_strerror(enum ratecheck_err e)
{
	if ((unsigned)e >= RATECHECK__MAX)
		return "unknown error";
	return errs[e];
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

enum ratecheck_err
ratecheck_quote(const char *text, struct money_dec *out, char *plain,
    size_t plainlen)
{
	/* The significant digits, and where the point goes among them. */
	char d[RATECHECK_MAX_TEXT + 1], buf[2 * MAX_EXPONENT +
	    RATECHECK_MAX_TEXT + 4];
	const char *p = text;
	size_t nd = 0, ilen, i, o = 0;
	long point, e = 0;
	bool neg = false, eneg = false, nonzero = false;
	struct money_dec v;

	if (text == NULL || strlen(text) > RATECHECK_MAX_TEXT)
		return text == NULL ? RATECHECK_ESYNTAX : RATECHECK_ERANGE;
	/* The JSON number grammar, exactly. */
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!digit(*p) || (p[0] == '0' && digit(p[1])))
		return RATECHECK_ESYNTAX;
	while (digit(*p))
		d[nd++] = *p++;
	ilen = nd;
	if (*p == '.') {
		p++;
		if (!digit(*p))
			return RATECHECK_ESYNTAX;
		while (digit(*p))
			d[nd++] = *p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		if (!digit(*p))
			return RATECHECK_ESYNTAX;
		while (digit(*p)) {
			e = e * 10 + (*p++ - '0');
			if (e > MAX_EXPONENT)
				return RATECHECK_ERANGE;
		}
	}
	if (*p != '\0')
		return RATECHECK_ESYNTAX;
	d[nd] = '\0';
	for (i = 0; i < nd; i++)
		if (d[i] != '0')
			nonzero = true;
	if (!nonzero)
		return RATECHECK_EZERO;
	if (neg)
		return RATECHECK_ENEGATIVE;

	/* Digits d, the point after `point` of them (may be outside). */
	point = (long)ilen + (eneg ? -e : e);
	if (point <= 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (i = 0; i < (size_t)-point; i++)
			buf[o++] = '0';
		memcpy(buf + o, d, nd);
		o += nd;
	} else if ((size_t)point >= nd) {
		memcpy(buf + o, d, nd);
		o += nd;
		for (i = nd; i < (size_t)point; i++)
			buf[o++] = '0';
	} else {
		memcpy(buf + o, d, (size_t)point);
		o += (size_t)point;
		buf[o++] = '.';
		memcpy(buf + o, d + point, nd - (size_t)point);
		o += nd - (size_t)point;
	}
	buf[o] = '\0';
	/* Leading zeros of the integer part, trailing ones of the fraction. */
	if (strchr(buf, '.') != NULL) {
		while (o > 0 && buf[o - 1] == '0')
			buf[--o] = '\0';
		if (o > 0 && buf[o - 1] == '.')
			buf[--o] = '\0';
	}
	for (i = 0; buf[i] == '0' && digit(buf[i + 1]); i++)
		;
	/*
	 * A byte loop rather than memmove: with _FORTIFY_SOURCE (Debian's
	 * build flags) memmove becomes __memmove_chk, which valgrind takes
	 * for an overlapping memcpy.
	 */
	if (i > 0) {
		size_t k;

		for (k = 0; k + i <= o; k++)
			buf[k] = buf[k + i];
		o -= i;
	}
	{
		const char *dot = strchr(buf, '.');

		if (dot != NULL && strlen(dot + 1) > RATECHECK_MAX_SCALE)
			return RATECHECK_ESCALE;
	}
	switch (money_parse_dec(buf, RATECHECK_MAX_SCALE, &v)) {
	case MONEY_OK:
		break;
	case MONEY_ESCALE:
		return RATECHECK_ESCALE;
	case MONEY_ERANGE:
		return RATECHECK_ERANGE;
	default:
		return RATECHECK_ESYNTAX;
	}
	if (plain != NULL && cc_strlcpy(plain, buf, plainlen) >= plainlen)
		return RATECHECK_ERANGE;
	*out = v;
	return RATECHECK_OK;
}

int
ratecheck_parse_deviation(const char *text, struct money_dec *out)
{
	struct money_dec d;

	if (money_parse_dec(text, 2, &d) != MONEY_OK || d.mant == 0)
		return -1;
	/* At most 100: mant <= 100 * 10^scale. */
	if (d.mant > (unsigned __int128)(d.scale == 0 ? 100 : d.scale == 1 ?
	    1000 : 10000))
		return -1;
	*out = d;
	return 0;
}

/* |a - b| and the common scale; -1 if they cannot be aligned. */
static int
difference(const struct money_dec *a, const struct money_dec *b,
    unsigned __int128 *diff, struct money_dec *ra, struct money_dec *rb)
{
	*ra = *a;
	*rb = *b;
	if (money_dec_align(ra, rb) == -1)
		return -1;
	*diff = ra->mant > rb->mant ? ra->mant - rb->mant : rb->mant -
	    ra->mant;
	return 0;
}

bool
ratecheck_within(const struct money_dec *rate, const struct money_dec *ref,
    const struct money_dec *dev)
{
	struct money_dec a, b;
	unsigned __int128 diff, lhs, rhs, p;
	int s;

	if (ref->mant == 0 || difference(rate, ref, &diff, &a, &b) == -1)
		return false;
	/*
	 * diff * 100 * 10^dev.scale <= dev.mant * ref: both sides at the
	 * scale of a and b, times 10^dev.scale.
	 */
	if (__builtin_mul_overflow(diff, 100, &lhs))
		return false;
	for (s = 0; s < dev->scale; s++)
		if (__builtin_mul_overflow(lhs, 10, &lhs))
			return false;
	p = b.mant;
	if (__builtin_mul_overflow(p, dev->mant, &rhs))
		return false;
	return lhs <= rhs;
}

void
ratecheck_percent(const struct money_dec *rate, const struct money_dec *ref,
    char *out, size_t outlen)
{
	struct money_dec a, b;
	unsigned __int128 diff, num, q;
	struct money_dec pct;
	char txt[64];

	cc_strlcpy(out, "?", outlen);
	if (ref->mant == 0 || difference(rate, ref, &diff, &a, &b) == -1)
		return;
	/* Hundredths of a percent: ceil(diff * 10000 / ref). */
	if (__builtin_mul_overflow(diff, 10000, &num))
		return;
	q = num / b.mant + (num % b.mant != 0);
	pct.mant = q;
	pct.scale = 2;
	if (money_format_dec(&pct, txt, sizeof(txt)) == -1)
		return;
	snprintf(out, outlen, "%s%%", txt);
}

static void
rate_text(const struct money_dec *r, char *out, size_t outlen)
{
	if (money_format_dec_trim(r, out, outlen) == -1)
		cc_strlcpy(out, "?", outlen);
}

/* Refuses every quote that has no reason of its own yet. */
static int
refuse_all(struct ratecheck_quote *q, size_t n, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		q[i].accepted = false;
		if (q[i].ok)
			cc_strlcpy(q[i].why, why, sizeof(q[i].why));
	}
	return -1;
}

int
ratecheck_decide(struct ratecheck_quote *q, size_t n,
    const struct ratecheck_last *last, const struct money_dec *dev,
    char *why, size_t whylen)
{
	size_t i, j, nvalid = 0;
	long pick = -1;
	char a[48], b[48], pct[32];

	why[0] = '\0';
	for (i = 0; i < n; i++) {
		q[i].accepted = false;
		if (q[i].ok) {
			q[i].why[0] = '\0';
			nvalid++;
		}
	}
	if (nvalid == 0) {
		cc_strlcpy(why, "no source gave a valid rate", whylen);
		return -1;
	}
	if (n == 1 || nvalid == 1) {
		for (i = 0; i < n; i++)
			if (q[i].ok)
				pick = (long)i;
		if (n > 1 && !(last->have && last->fresh)) {
			snprintf(why, whylen, "only %s answered, and no "
			    "recent rate confirms it", q[pick].source);
			return refuse_all(q, n, why, whylen);
		}
		q[pick].accepted = true;
	} else {
		for (i = 0; i < n && pick < 0; i++) {
			if (!q[i].ok)
				continue;
			for (j = 0; j < n; j++)
				if (j != i && q[j].ok &&
				    ratecheck_within(&q[j].rate, &q[i].rate,
				    dev))
					pick = (long)i;
		}
		if (pick < 0) {
			size_t x = n, y = n;

			for (i = 0; i < n; i++)
				if (q[i].ok) {
					if (x == n)
						x = i;
					else if (y == n)
						y = i;
				}
			rate_text(&q[x].rate, a, sizeof(a));
			rate_text(&q[y].rate, b, sizeof(b));
			ratecheck_percent(&q[y].rate, &q[x].rate, pct,
			    sizeof(pct));
			snprintf(why, whylen, "sources disagree: %s %s, %s %s "
			    "(%s apart)", q[x].source, a, q[y].source, b, pct);
			return refuse_all(q, n, why, whylen);
		}
		for (j = 0; j < n; j++) {
			if (!q[j].ok)
				continue;
			if ((long)j == pick || ratecheck_within(&q[j].rate,
			    &q[pick].rate, dev))
				q[j].accepted = true;
			else {
				rate_text(&q[j].rate, a, sizeof(a));
				rate_text(&q[pick].rate, b, sizeof(b));
				ratecheck_percent(&q[j].rate, &q[pick].rate,
				    pct, sizeof(pct));
				snprintf(q[j].why, sizeof(q[j].why),
				    "%s is %s from %s's %s", a, pct,
				    q[pick].source, b);
			}
		}
	}
	if (last->have && last->fresh && !ratecheck_within(&q[pick].rate,
	    &last->rate, dev)) {
		rate_text(&q[pick].rate, a, sizeof(a));
		rate_text(&last->rate, b, sizeof(b));
		ratecheck_percent(&q[pick].rate, &last->rate, pct,
		    sizeof(pct));
		snprintf(why, whylen, "a jump: %s is %s from the last rate %s",
		    a, pct, b);
		return refuse_all(q, n, why, whylen);
	}
	return (int)pick;
}
