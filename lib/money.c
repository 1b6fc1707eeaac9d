/*
 * Exact decimal money: parsing, formatting and fiat/crypto conversion with
 * integers only. Conversions use 512-bit intermediates so that no product
 * of the allowed inputs can wrap.
 */
#include "cc.h"

#include "money.h"

#define U128_MAX	(~(unsigned __int128)0)
#define BIG_LIMBS	8	/* 8 x 64 = 512 bits */

/* A fixed-width unsigned integer, least significant limb first. */
struct big {
	uint64_t	 w[BIG_LIMBS];
};

/* The scanned shape of a decimal text, before any conversion. */
struct dec_text {
	int		 neg;
	const char	*ip;	/* integer digits */
	size_t		 ilen;
	const char	*fp;	/* fraction digits, trailing zeros stripped */
	size_t		 flen;
};

static const char *const money_errstr[MONEY_ERR__MAX] = {
	"success",
	"not a plain decimal number",
	"must not be negative",
	"too many decimal places",
	"number too large",
	"rate must be greater than zero",
};

/* ISO 4217 minor-unit exponents. */
static const struct {
	const char	*code;
	int		 exponent;
} currencies[] = {
	{ "AED", 2 }, { "ARS", 2 }, { "AUD", 2 }, { "BDT", 2 },
	{ "BGN", 2 }, { "BHD", 3 }, { "BIF", 0 }, { "BRL", 2 },
	{ "CAD", 2 }, { "CHF", 2 }, { "CLP", 0 }, { "CNY", 2 },
	{ "COP", 2 }, { "CZK", 2 }, { "DJF", 0 }, { "DKK", 2 },
	{ "EGP", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "GEL", 2 },
	{ "GNF", 0 }, { "HKD", 2 }, { "HUF", 2 }, { "IDR", 2 },
	{ "ILS", 2 }, { "INR", 2 }, { "IQD", 3 }, { "ISK", 0 },
	{ "JOD", 3 }, { "JPY", 0 }, { "KES", 2 }, { "KMF", 0 },
	{ "KRW", 0 }, { "KWD", 3 }, { "KZT", 2 }, { "LKR", 2 },
	{ "LYD", 3 }, { "MAD", 2 }, { "MXN", 2 }, { "MYR", 2 },
	{ "NGN", 2 }, { "NOK", 2 }, { "NZD", 2 }, { "OMR", 3 },
	{ "PEN", 2 }, { "PHP", 2 }, { "PKR", 2 }, { "PLN", 2 },
	{ "PYG", 0 }, { "QAR", 2 }, { "RON", 2 }, { "RSD", 2 },
	{ "RUB", 2 }, { "RWF", 0 }, { "SAR", 2 }, { "SEK", 2 },
	{ "SGD", 2 }, { "THB", 2 }, { "TND", 3 }, { "TRY", 2 },
	{ "TWD", 2 }, { "UAH", 2 }, { "UGX", 0 }, { "USD", 2 },
	{ "UYU", 2 }, { "VND", 0 }, { "VUV", 0 }, { "XAF", 0 },
	{ "XOF", 0 }, { "XPF", 0 }, { "ZAR", 2 },
};

const char *
money_strerror(enum money_err e)
{
	if ((int)e < 0 || e >= MONEY_ERR__MAX)
		return "unknown error";
	return money_errstr[e];
}

int
money_currency_exponent(const char *code)
{
	size_t i;

	if (code == NULL)
		return -1;
	for (i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return -1;
	if (code[3] != '\0')
		return -1;
	for (i = 0; i < CC_ARRAY_SIZE(currencies); i++)
		if (memcmp(currencies[i].code, code, 4) == 0)
			return currencies[i].exponent;
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
scale_ok(int scale)
{
	return scale >= 0 && scale <= MONEY_MAX_SCALE;
}

/*
 * Checks the grammar, the digit limit and the sign; on success the value is
 * non-negative and described by d.
 */
static enum money_err
scan_decimal(const char *text, struct dec_text *d)
{
	const char *p;

	if (text == NULL)
		return MONEY_ESYNTAX;
	p = text;
	d->neg = 0;
	if (*p == '-') {
		d->neg = 1;
		p++;
	}
	d->ip = p;
	while (is_digit(*p))
		p++;
	d->ilen = (size_t)(p - d->ip);
	if (d->ilen == 0 || (d->ilen > 1 && d->ip[0] == '0'))
		return MONEY_ESYNTAX;
	d->fp = p;
	d->flen = 0;
	if (*p == '.') {
		p++;
		d->fp = p;
		while (is_digit(*p))
			p++;
		d->flen = (size_t)(p - d->fp);
		if (d->flen == 0)
			return MONEY_ESYNTAX;
	}
	if (*p != '\0')
		return MONEY_ESYNTAX;
	if (d->ilen + d->flen > CC_MAX_DECIMAL_DIGITS)
		return MONEY_ERANGE;

	while (d->flen > 0 && d->fp[d->flen - 1] == '0')
		d->flen--;
	if (d->ilen == 1 && d->ip[0] == '0' && d->flen == 0)
		d->neg = 0;	/* "-0", "-0.00" */
	if (d->neg)
		return MONEY_ENEGATIVE;
	return MONEY_OK;
}

/* *v = *v * 10 + digit, failing instead of wrapping. */
static int
push_digit(unsigned __int128 *v, unsigned int digit)
{
	unsigned __int128 t;

	if (__builtin_mul_overflow(*v, 10, &t))
		return -1;
	if (__builtin_add_overflow(t, digit, &t))
		return -1;
	*v = t;
	return 0;
}

/* The scanned value in units of 10^-decimals. */
static enum money_err
dec_to_units(const struct dec_text *d, int decimals, unsigned __int128 *out)
{
	unsigned __int128 v;
	size_t i;

	if (!scale_ok(decimals) || d->flen > (size_t)decimals)
		return MONEY_ESCALE;
	v = 0;
	for (i = 0; i < d->ilen; i++)
		if (push_digit(&v, (unsigned int)(d->ip[i] - '0')) == -1)
			return MONEY_ERANGE;
	for (i = 0; i < (size_t)decimals; i++) {
		if (push_digit(&v, i < d->flen ?
		    (unsigned int)(d->fp[i] - '0') : 0) == -1)
			return MONEY_ERANGE;
	}
	*out = v;
	return MONEY_OK;
}

enum money_err
money_parse_minor(const char *text, int exponent, int64_t *out)
{
	struct dec_text d;
	unsigned __int128 v;
	enum money_err e;

	e = scan_decimal(text, &d);
	if (e != MONEY_OK)
		return e;
	e = dec_to_units(&d, exponent, &v);
	if (e != MONEY_OK)
		return e;
	if (v > INT64_MAX)
		return MONEY_ERANGE;
	*out = (int64_t)v;
	return MONEY_OK;
}

enum money_err
money_parse_dec(const char *text, int max_scale, struct money_dec *out)
{
	struct dec_text d;
	unsigned __int128 v;
	enum money_err e;

	e = scan_decimal(text, &d);
	if (e != MONEY_OK)
		return e;
	if (max_scale < 0 || d.flen > (size_t)max_scale)
		return MONEY_ESCALE;
	/* At most CC_MAX_DECIMAL_DIGITS digits: this cannot fail. */
	e = dec_to_units(&d, (int)d.flen, &v);
	if (e != MONEY_OK)
		return e;
	out->mant = v;
	out->scale = (int)d.flen;
	return MONEY_OK;
}

enum money_err
money_parse_units(const char *text, int decimals, unsigned __int128 *out)
{
	struct dec_text d;
	enum money_err e;

	e = scan_decimal(text, &d);
	if (e != MONEY_OK)
		return e;
	return dec_to_units(&d, decimals, out);
}

/*
 * The one place where amounts become text: writes [-]digits / 10^decimals,
 * digits being n >= 1 decimal digits, most significant first, without
 * leading zeros. Zeros are prepended as needed so that a digit stands
 * before the '.'. With trim, trailing fractional zeros (and a bare '.') are
 * dropped. Only digit moves: nothing is computed, so nothing can round.
 */
static int
place_point(const char *digits, size_t n, int neg, int decimals, int trim,
    char *out, size_t outlen)
{
	size_t d, ilen, zeros, flen, len, i;

	if (outlen > 0)
		out[0] = '\0';
	if (!scale_ok(decimals) || n == 0)
		return -1;
	d = (size_t)decimals;

	/* Fraction digit k is '0' below zeros, else digits[ilen + k - zeros]. */
	ilen = n > d ? n - d : 0;
	zeros = n > d ? 0 : d - n;
	flen = d;
	if (trim)
		while (flen > 0 && (flen <= zeros ||
		    digits[ilen + flen - 1 - zeros] == '0'))
			flen--;

	len = (neg ? 1 : 0) + (ilen > 0 ? ilen : 1) +
	    (flen > 0 ? flen + 1 : 0);
	if (len + 1 > outlen)
		return -1;
	len = 0;
	if (neg)
		out[len++] = '-';
	if (ilen == 0)
		out[len++] = '0';
	memcpy(out + len, digits, ilen);
	len += ilen;
	if (flen > 0) {
		out[len++] = '.';
		for (i = 0; i < flen; i++)
			out[len++] = i < zeros ? '0' :
			    digits[ilen + i - zeros];
	}
	out[len] = '\0';
	return 0;
}

/* Writes [-]mag / 10^decimals through place_point. */
static int
format_fixed(unsigned __int128 mag, int neg, int decimals, int trim,
    char *out, size_t outlen)
{
	char rev[40], digits[40];
	size_t n, i;

	/* 2^128-1 has 39 digits. */
	n = 0;
	do {
		rev[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag != 0);
	for (i = 0; i < n; i++)
		digits[i] = rev[n - 1 - i];
	return place_point(digits, n, neg, decimals, trim, out, outlen);
}

int
money_format_minor(int64_t minor, int exponent, char *out, size_t outlen)
{
	uint64_t mag;

	/* Negating in uint64_t also handles INT64_MIN. */
	mag = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;
	return format_fixed(mag, minor < 0, exponent, 0, out, outlen);
}

int
money_format_units(unsigned __int128 units, int decimals, char *out,
    size_t outlen)
{
	return format_fixed(units, 0, decimals, 1, out, outlen);
}

int
money_format_units_text(const char *units, int decimals, char *out,
    size_t outlen)
{
	size_t n;

	if (outlen > 0)
		out[0] = '\0';
	if (units == NULL)
		return -1;
	for (n = 0; units[n] != '\0'; n++)
		if (!is_digit(units[n]) || n == MONEY_MAX_UNITS_DIGITS)
			return -1;
	if (n == 0 || (n > 1 && units[0] == '0'))
		return -1;
	return place_point(units, n, 0, decimals, 1, out, outlen);
}

int
money_u128_to_str(unsigned __int128 v, char *out, size_t outlen)
{
	return format_fixed(v, 0, 0, 0, out, outlen);
}

enum money_err
money_str_to_u128(const char *text, unsigned __int128 *out)
{
	unsigned __int128 v;
	size_t i, len;

	if (text == NULL || text[0] == '\0')
		return MONEY_ESYNTAX;
	for (len = 0; text[len] != '\0'; len++)
		if (!is_digit(text[len]))
			return MONEY_ESYNTAX;
	if (len > 1 && text[0] == '0')
		return MONEY_ESYNTAX;
	if (len > 39)
		return MONEY_ERANGE;
	v = 0;
	for (i = 0; i < len; i++)
		if (push_digit(&v, (unsigned int)(text[i] - '0')) == -1)
			return MONEY_ERANGE;
	*out = v;
	return MONEY_OK;
}

int
money_format_dec(const struct money_dec *d, char *out, size_t outlen)
{
	return format_fixed(d->mant, 0, d->scale, 0, out, outlen);
}

int
money_format_dec_trim(const struct money_dec *d, char *out, size_t outlen)
{
	return format_fixed(d->mant, 0, d->scale, 1, out, outlen);
}

int
money_dec_align(struct money_dec *a, struct money_dec *b)
{
	struct money_dec *lo = a->scale < b->scale ? a : b;
	int to = a->scale < b->scale ? b->scale : a->scale;
	unsigned __int128 m = lo->mant;
	int s;

	for (s = lo->scale; s < to; s++)
		if (__builtin_mul_overflow(m, 10, &m))
			return -1;
	lo->mant = m;
	lo->scale = to;
	return 0;
}

bool
money_dec_positive(const char *text)
{
	struct money_dec d;

	return money_parse_dec(text, MONEY_MAX_SCALE, &d) == MONEY_OK &&
	    d.mant > 0;
}

enum money_err
money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return MONEY_ERANGE;
	*out = r;
	return MONEY_OK;
}

enum money_err
money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return MONEY_ERANGE;
	*out = r;
	return MONEY_OK;
}

static void
big_set(struct big *b, unsigned __int128 v)
{
	memset(b, 0, sizeof(*b));
	b->w[0] = (uint64_t)v;
	b->w[1] = (uint64_t)(v >> 64);
}

/* b *= v; -1 if the product does not fit, b then unspecified. */
static int
big_mul(struct big *b, unsigned __int128 v)
{
	uint64_t r[BIG_LIMBS + 2], vl[2];
	unsigned __int128 t;
	uint64_t carry;
	size_t i, j;

	memset(r, 0, sizeof(r));
	vl[0] = (uint64_t)v;
	vl[1] = (uint64_t)(v >> 64);
	for (j = 0; j < 2; j++) {
		carry = 0;
		for (i = 0; i < BIG_LIMBS; i++) {
			/* At most (2^64-1)^2 + 2(2^64-1) = 2^128-1. */
			t = (unsigned __int128)b->w[i] * vl[j] + r[i + j] +
			    carry;
			r[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		r[BIG_LIMBS + j] = carry;
	}
	if (r[BIG_LIMBS] != 0 || r[BIG_LIMBS + 1] != 0)
		return -1;
	memcpy(b->w, r, sizeof(b->w));
	return 0;
}

/* b *= 10^n. */
static int
big_mul_pow10(struct big *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (big_mul(b, 10) == -1)
			return -1;
	return 0;
}

static int
big_cmp(const struct big *a, const struct big *b)
{
	size_t i;

	for (i = BIG_LIMBS; i-- > 0; ) {
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	}
	return 0;
}

static int
big_is_zero(const struct big *a)
{
	size_t i;

	for (i = 0; i < BIG_LIMBS; i++)
		if (a->w[i] != 0)
			return 0;
	return 1;
}

/* a -= b, with a >= b. */
static void
big_sub(struct big *a, const struct big *b)
{
	uint64_t borrow, x, y;
	size_t i;

	borrow = 0;
	for (i = 0; i < BIG_LIMBS; i++) {
		x = a->w[i];
		y = b->w[i];
		a->w[i] = x - y - borrow;
		borrow = (x < y || (x == y && borrow)) ? 1 : 0;
	}
}

/* dst = src << n (0 <= n < 512); -1 if set bits would be shifted out. */
static int
big_shl(struct big *dst, const struct big *src, unsigned int n)
{
	unsigned int limbs, bits;
	size_t i;

	limbs = n / 64;
	bits = n % 64;
	for (i = BIG_LIMBS - limbs; i < BIG_LIMBS; i++)
		if (src->w[i] != 0)
			return -1;
	if (bits != 0 && (src->w[BIG_LIMBS - limbs - 1] >> (64 - bits)) != 0)
		return -1;
	memset(dst, 0, sizeof(*dst));
	for (i = BIG_LIMBS; i-- > limbs; ) {
		dst->w[i] = src->w[i - limbs] << bits;
		if (bits != 0 && i - limbs > 0)
			dst->w[i] |= src->w[i - limbs - 1] >> (64 - bits);
	}
	return 0;
}

/*
 * *q = n / d rounded down, or up when round_up; MONEY_ERANGE if that does
 * not fit in 128 bits. d must not be zero. Shift-and-subtract over the 128
 * possible quotient bits, once it is known the quotient has no more.
 */
static enum money_err
big_div(const struct big *n, const struct big *d, int round_up,
    unsigned __int128 *q)
{
	struct big r, t;
	unsigned __int128 quot;
	int i;

	if (big_shl(&t, d, 128) == 0 && big_cmp(n, &t) >= 0)
		return MONEY_ERANGE;
	r = *n;
	quot = 0;
	for (i = 127; i >= 0; i--) {
		if (big_shl(&t, d, (unsigned int)i) == -1)
			continue;	/* d << i exceeds 512 bits > r */
		if (big_cmp(&r, &t) >= 0) {
			big_sub(&r, &t);
			quot |= (unsigned __int128)1 << i;
		}
	}
	if (round_up && !big_is_zero(&r)) {
		if (quot == U128_MAX)
			return MONEY_ERANGE;
		quot++;
	}
	*q = quot;
	return MONEY_OK;
}

enum money_err
money_fiat_to_crypto(int64_t minor, int exponent,
    const struct money_dec *rate, int decimals, unsigned __int128 *out)
{
	struct big n, d;

	if (minor < 0)
		return MONEY_ENEGATIVE;
	if (!scale_ok(exponent) || !scale_ok(decimals) ||
	    !scale_ok(rate->scale))
		return MONEY_ESCALE;
	if (rate->mant == 0)
		return MONEY_EZERO;

	/*
	 * n < 2^63 * 10^76 < 2^316 and d < 2^128 * 10^38 < 2^255: neither
	 * can overflow 512 bits, the checks are belt and braces.
	 */
	big_set(&n, (unsigned __int128)minor);
	if (big_mul_pow10(&n, decimals + rate->scale) == -1)
		return MONEY_ERANGE;
	big_set(&d, rate->mant);
	if (big_mul_pow10(&d, exponent) == -1)
		return MONEY_ERANGE;
	return big_div(&n, &d, 1, out);
}

enum money_err
money_crypto_to_fiat(unsigned __int128 units, int decimals,
    const struct money_dec *rate, int exponent, int64_t *out)
{
	struct big n, d;
	unsigned __int128 q;
	enum money_err e;

	if (!scale_ok(exponent) || !scale_ok(decimals) ||
	    !scale_ok(rate->scale))
		return MONEY_ESCALE;
	if (rate->mant == 0)
		return MONEY_EZERO;

	/* n < 2^128 * 2^128 * 10^38 < 2^383, d <= 10^76 < 2^253. */
	big_set(&n, units);
	if (big_mul(&n, rate->mant) == -1 ||
	    big_mul_pow10(&n, exponent) == -1)
		return MONEY_ERANGE;
	big_set(&d, 1);
	if (big_mul_pow10(&d, decimals + rate->scale) == -1)
		return MONEY_ERANGE;
	e = big_div(&n, &d, 0, &q);
	if (e != MONEY_OK)
		return e;
	if (q > INT64_MAX)
		return MONEY_ERANGE;
	*out = (int64_t)q;
	return MONEY_OK;
}
