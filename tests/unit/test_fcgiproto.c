/*
 * Unit tests of lib/fcgiproto.c: FastCGI records read from hostile,
 * truncated and split input, name-value pairs with 1- and 4-byte
 * lengths, and what the encoders write.
 */
#include "cc.h"

#include "cu_run.h"

#include "fcgiproto.h"
#include "util.h"

/* A record's bytes from a header and content. */
static size_t
record(uint8_t *out, int type, unsigned int id, const void *content,
    size_t clen, size_t plen)
{
	fcgiproto_header(out, type, id, clen, plen);
	memcpy(out + 8, content, clen);
	memset(out + 8 + clen, 0xee, plen);
	return 8 + clen + plen;
}

static void
test_next_table(void)
{
	static const struct {
		const char	*name;
		uint8_t		 bytes[24];
		size_t		 len;
		long		 want;	/* taken, 0 more, -1 bad */
		int		 type;
		unsigned int	 id;
		size_t		 clen;
	} rows[] = {
		{ "empty", { 0 }, 0, 0, 0, 0, 0 },
		{ "half header", { 1, 1, 0, 1 }, 4, 0, 0, 0, 0 },
		{ "version 0", { 0, 1, 0, 1, 0, 0, 0, 0 }, 8, -1, 0, 0, 0 },
		{ "version 2", { 2, 1, 0, 1, 0, 0, 0, 0 }, 8, -1, 0, 0, 0 },
		{ "empty params", { 1, 4, 0, 1, 0, 0, 0, 0 }, 8, 8,
		    FCGI_PARAMS, 1, 0 },
		{ "id 0x1234", { 1, 5, 0x12, 0x34, 0, 2, 0, 0, 'a', 'b' },
		    10, 10, FCGI_STDIN, 0x1234, 2 },
		{ "content missing", { 1, 5, 0, 1, 0, 3, 0, 0, 'a' }, 9, 0,
		    0, 0, 0 },
		{ "padding missing", { 1, 5, 0, 1, 0, 1, 2, 0, 'a', 0 }, 10,
		    0, 0, 0, 0 },
		{ "padding there", { 1, 5, 0, 1, 0, 1, 2, 0, 'a', 0, 0 }, 11,
		    11, FCGI_STDIN, 1, 1 },
		{ "64 KiB claimed", { 1, 4, 0, 1, 0xff, 0xff, 0xff, 0 }, 8, 0,
		    0, 0, 0 },
		{ "two records: one taken", { 1, 4, 0, 1, 0, 0, 0, 0, 1, 5,
		    0, 1, 0, 0, 0, 0 }, 16, 8, FCGI_PARAMS, 1, 0 },
	};
	struct fcgiproto_record r;
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		long got;

		memset(&r, 0, sizeof(r));
		got = fcgiproto_next(rows[i].bytes, rows[i].len, &r);
		check_int("taken", rows[i].name, got, rows[i].want);
		if (rows[i].want <= 0)
			continue;
		check_int("type", rows[i].name, r.type, rows[i].type);
		check_int("id", rows[i].name, r.request_id, rows[i].id);
		check_int("content", rows[i].name, (long long)r.content_len,
		    (long long)rows[i].clen);
	}
}

/* The largest record there is: 65535 content, 255 padding. */
static void
test_next_largest(void)
{
	uint8_t *buf = xmalloc(FCGIPROTO_MAX_RECORD);
	struct fcgiproto_record r;
	size_t n;

	memset(buf + 8, 'x', 65535);
	n = record(buf, FCGI_STDIN, 65535, buf + 8, 65535, 255);
	CU_ASSERT_EQUAL(n, FCGIPROTO_MAX_RECORD);
	CU_ASSERT_EQUAL(fcgiproto_next(buf, n - 1, &r), 0);
	CU_ASSERT_EQUAL(fcgiproto_next(buf, n, &r), (long)n);
	CU_ASSERT_EQUAL(r.content_len, 65535);
	CU_ASSERT_EQUAL(r.request_id, 65535);
	free(buf);
}

/* A stream of records split at every byte: the same records come out. */
static void
test_split_everywhere(void)
{
	uint8_t stream[256], in[256];
	size_t len = 0, cut, inlen, i;
	int types[8], ntypes;

	len += record(stream + len, FCGI_BEGIN_REQUEST, 1,
	    "\0\1\1\0\0\0\0\0", 8, 0);
	len += record(stream + len, FCGI_PARAMS, 1, "\13\2SERVER_PORTab",
	    15, 1);
	len += record(stream + len, FCGI_PARAMS, 1, "", 0, 0);
	len += record(stream + len, FCGI_STDIN, 1, "", 0, 7);
	for (cut = 0; cut <= len; cut++) {
		ntypes = 0;
		inlen = 0;
		/* Two reads: bytes [0, cut) then [cut, len). */
		for (i = 0; i < 2; i++) {
			size_t from = i == 0 ? 0 : cut, to = i == 0 ? cut : len;
			long used;
			struct fcgiproto_record r;

			memcpy(in + inlen, stream + from, to - from);
			inlen += to - from;
			while ((used = fcgiproto_next(in, inlen, &r)) > 0) {
				if (ntypes < 8)
					types[ntypes++] = r.type;
				memmove(in, in + used, inlen - (size_t)used);
				inlen -= (size_t)used;
			}
			CU_ASSERT(used == 0);
		}
		EXPECT(ntypes == 4 && types[0] == FCGI_BEGIN_REQUEST &&
		    types[1] == FCGI_PARAMS && types[2] == FCGI_PARAMS &&
		    types[3] == FCGI_STDIN && inlen == 0, "cut at %zu", cut);
	}
}

static void
test_begin(void)
{
	uint8_t buf[32];
	struct fcgiproto_record r;
	unsigned int role, flags;

	record(buf, FCGI_BEGIN_REQUEST, 1, "\0\1\1\0\0\0\0\0", 8, 0);
	CU_ASSERT(fcgiproto_next(buf, 16, &r) == 16);
	CU_ASSERT(fcgiproto_begin(&r, &role, &flags) == 0);
	CU_ASSERT(role == FCGI_RESPONDER && flags == FCGI_KEEP_CONN);
	record(buf, FCGI_BEGIN_REQUEST, 1, "\0\1\1\0\0\0\0", 7, 0);
	CU_ASSERT(fcgiproto_next(buf, 15, &r) == 15);
	CU_ASSERT(fcgiproto_begin(&r, &role, &flags) == -1);
	record(buf, FCGI_PARAMS, 1, "\0\1\1\0\0\0\0\0", 8, 0);
	CU_ASSERT(fcgiproto_next(buf, 16, &r) == 16);
	CU_ASSERT(fcgiproto_begin(&r, &role, &flags) == -1);
}

struct seen {
	char	text[512];
	int	n;
	int	stop_at;
};

static int
collect(void *arg, const uint8_t *n, size_t nlen, const uint8_t *v,
    size_t vlen)
{
	struct seen *s = arg;
	size_t at = strlen(s->text);

	if (++s->n == s->stop_at)
		return 7;
	snprintf(s->text + at, sizeof(s->text) - at, "%.*s=%.*s;",
	    (int)nlen, (const char *)n, (int)vlen, (const char *)v);
	return 0;
}

static void
test_pairs_table(void)
{
	static const struct {
		const char	*name;
		const char	*bytes;
		size_t		 len;
		size_t		 max;
		int		 want;
		const char	*text;
	} rows[] = {
		{ "none", "", 0, 100, 0, "" },
		{ "one", "\1\1ab", 4, 100, 0, "a=b;" },
		{ "two", "\1\1ab\2\0cd", 8, 100, 0, "a=b;cd=;" },
		{ "empty name", "\0\1x", 3, 100, 0, "=x;" },
		{ "4-byte value length", "\1\x80\0\0\2ab!", 8, 100, 0,
		    "a=b!;" },
		{ "4-byte name length", "\x80\0\0\1\1ab", 7, 100, 0, "a=b;" },
		{ "name past the end", "\5\1ab", 4, 100, -1, "" },
		{ "value past the end", "\1\5ab", 4, 100, -1, "" },
		{ "value length cut", "\1\x80\0", 3, 100, -1, "" },
		{ "no value length", "\1", 1, 100, -1, "" },
		/* 0x7fffffff: the length that overflowed int arithmetic. */
		{ "2^31-1 value", "\1\xff\xff\xff\xff" "ab", 7, 100, -1, "" },
		{ "2^31-1 name", "\xff\xff\xff\xff\1ab", 7, 100, -1, "" },
		{ "both huge", "\xff\xff\xff\xff\xff\xff\xff\xff", 8, 100, -1,
		    "" },
		{ "over max", "\1\3abcd", 6, 2, -1, "" },
		{ "good then bad", "\1\1ab\1\11cd", 8, 100, -1, "a=b;" },
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		struct seen s;
		int rc;

		memset(&s, 0, sizeof(s));
		rc = fcgiproto_pairs((const uint8_t *)rows[i].bytes,
		    rows[i].len, rows[i].max, collect, &s);
		check_int("rc", rows[i].name, rc, rows[i].want);
		check_str("pairs", rows[i].name, s.text, rows[i].text);
	}
}

static void
test_pairs_stop(void)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	CU_ASSERT_EQUAL(fcgiproto_pairs((const uint8_t *)"\1\1ab\1\1cd\1\1ef",
	    12, 100, collect, &s), 7);
	check_str("stopped", "stop", s.text, "a=b;");
}

/* What put_pair writes, pairs reads back; lengths of 127 and 128. */
static void
test_put_pair_roundtrip(void)
{
	static const size_t lens[] = { 0, 1, 127, 128, 300 };
	uint8_t buf[1024];
	char name[400], value[400];
	size_t i, used;
	struct seen s;

	for (i = 0; i < CC_ARRAY_SIZE(lens); i++) {
		memset(name, 'n', lens[i]);
		name[lens[i]] = '\0';
		memset(value, 'v', 10);
		value[10] = '\0';
		used = 0;
		CU_ASSERT(fcgiproto_put_pair(buf, sizeof(buf), &used, name,
		    value) == 0);
		check_int("bytes", cu_row(i), (long long)used,
		    (long long)((lens[i] < 128 ? 1 : 4) + 1 + lens[i] + 10));
		memset(&s, 0, sizeof(s));
		CU_ASSERT(fcgiproto_pairs(buf, used, 1000, collect, &s) == 0);
		CU_ASSERT_EQUAL(s.n, 1);
	}
	/* Too small a buffer: nothing written. */
	used = 3;
	CU_ASSERT(fcgiproto_put_pair(buf, 8, &used, "abc", "def") == -1);
	CU_ASSERT_EQUAL(used, 3);
}

static void
test_encoders(void)
{
	static const uint8_t end[16] = { 1, 3, 0x01, 0x02, 0, 8, 0, 0,
	    0, 0, 0, 5, FCGI_OVERLOADED, 0, 0, 0 };
	static const uint8_t hdr[8] = { 1, 6, 0xab, 0xcd, 0x12, 0x34, 7, 0 };
	uint8_t out[16];
	struct fcgiproto_record r;

	fcgiproto_end_request(out, 0x0102, 5, FCGI_OVERLOADED);
	CU_ASSERT(memcmp(out, end, 16) == 0);
	CU_ASSERT(fcgiproto_next(out, 16, &r) == 16 &&
	    r.type == FCGI_END_REQUEST && r.content_len == 8);
	fcgiproto_header(out, FCGI_STDOUT, 0xabcd, 0x1234, 7);
	CU_ASSERT(memcmp(out, hdr, 8) == 0);
}

static void
test_values_result(void)
{
	uint8_t out[128];
	struct fcgiproto_record r;
	struct seen s;
	size_t n;

	n = fcgiproto_values_result(out, 10000);
	CU_ASSERT(fcgiproto_next(out, n, &r) == (long)n);
	CU_ASSERT(r.type == FCGI_GET_VALUES_RESULT && r.request_id == 0);
	memset(&s, 0, sizeof(s));
	CU_ASSERT(fcgiproto_pairs(r.content, r.content_len, 100, collect,
	    &s) == 0);
	check_str("values", "10000", s.text, "FCGI_MAX_CONNS=10000;"
	    "FCGI_MAX_REQS=10000;FCGI_MPXS_CONNS=0;");
}

static const struct cu_test tests[] = {
	{ "GET_VALUES_RESULT", test_values_result },
	{ "records from a table", test_next_table },
	{ "the largest record", test_next_largest },
	{ "split at every byte", test_split_everywhere },
	{ "BEGIN_REQUEST body", test_begin },
	{ "name-value pairs, hostile lengths", test_pairs_table },
	{ "a callback stops the walk", test_pairs_stop },
	{ "pairs written and read back", test_put_pair_roundtrip },
	{ "END_REQUEST and headers", test_encoders },
};

int
main(void)
{
	return cu_run("fcgiproto", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
