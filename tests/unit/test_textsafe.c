/*
 * Unit tests of lib/textsafe.c: bidi controls and invisible characters
 * found wherever they are, joiners allowed only inside non-ASCII words
 * and emoji sequences, ordinary text of many scripts left alone.
 */
#include "cc.h"

#include "cu_run.h"

#include "textsafe.h"

static const struct {
	const char	*s;
	bool		 found;
	uint32_t	 cp;
	size_t		 off;
} rows[] = {
	/* Ordinary text of several scripts. */
	{ "VPN Service Order", false, 0, 0 },
	{ "Caf\xc3\xa9 cr\xc3\xa8me", false, 0, 0 },
	{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d 10.00", false, 0, 0 },	/* Hebrew */
	{ "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", false, 0, 0 },	/* Arabic */
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", false, 0, 0 },
	{ "\xe2\x9d\xa4\xef\xb8\x8f", false, 0, 0 },	/* heart + VS16 */
	{ "", false, 0, 0 },
	/* Bidi controls, anywhere. */
	{ "Total \xe2\x80\xae" "0001$", true, 0x202e, 6 },
	{ "\xe2\x80\xad" "x", true, 0x202d, 0 },
	{ "a\xe2\x80\xaa", true, 0x202a, 1 },
	{ "a\xe2\x80\xab", true, 0x202b, 1 },
	{ "a\xe2\x80\xac", true, 0x202c, 1 },
	{ "a\xe2\x81\xa6", true, 0x2066, 1 },
	{ "a\xe2\x81\xa7", true, 0x2067, 1 },
	{ "a\xe2\x81\xa8", true, 0x2068, 1 },
	{ "a\xe2\x81\xa9", true, 0x2069, 1 },
	{ "10\xe2\x80\x8e", true, 0x200e, 2 },
	{ "10\xe2\x80\x8f", true, 0x200f, 2 },
	{ "\xd9\x85\xd8\x9c", true, 0x061c, 2 },
	/* Invisible characters. */
	{ "1\xe2\x80\x8b" "000", true, 0x200b, 1 },
	{ "1\xe2\x81\xa0" "000", true, 0x2060, 1 },
	{ "\xef\xbb\xbftitle", true, 0xfeff, 0 },
	{ "1\xc2\xad" "000", true, 0x00ad, 1 },
	{ "a\xe3\x85\xa4" "b", true, 0x3164, 1 },
	{ "a\xe2\x80\xa8" "b", true, 0x2028, 1 },
	{ "tag\xf3\xa0\x80\x81", true, 0xe0001, 3 },
	{ "a\xe2\x81\xa2" "b", true, 0x2062, 1 },
	/* Joiners: refused beside ASCII (digits), at the ends, twice. */
	{ "1\xe2\x80\x8d" "0", true, 0x200d, 1 },
	{ "1\xe2\x80\x8c" "0", true, 0x200c, 1 },
	{ "\xe2\x80\x8d\xe6\x97\xa5", true, 0x200d, 0 },
	{ "\xe6\x97\xa5\xe2\x80\x8d", true, 0x200d, 3 },
	{ "\xe6\x97\xa5\xe2\x80\x8d\xe2\x80\x8d\xe6\x97\xa5", true, 0x200d, 3 },
	{ "\xe6\x97\xa5\xe2\x80\x8d\xe2\x80\xae", true, 0x200d, 3 },
	/* ... allowed inside a Persian word and an emoji sequence. */
	{ "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85",
	    false, 0, 0 },
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7", false, 0, 0 },
	{ "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5", false, 0, 0 },
};

static void
test_find(void)
{
	uint32_t cp;
	size_t i, off;
	bool found;

	for (i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		cp = 0;
		off = 0;
		found = textsafe_find(rows[i].s, strlen(rows[i].s), &cp, &off);
		EXPECT(found == rows[i].found, "%s: found %d", cu_row(i),
		    found);
		if (found && rows[i].found) {
			EXPECT(cp == rows[i].cp, "%s: U+%04X", cu_row(i),
			    (unsigned)cp);
			EXPECT(off == rows[i].off, "%s: at %zu", cu_row(i),
			    off);
		}
	}
	/* n bounds the search. */
	CU_ASSERT(!textsafe_find("ab\xe2\x80\xae", 2, &cp, &off));
}

static void
test_names(void)
{
	check_str("name", "202E", textsafe_name(0x202e),
	    "RIGHT-TO-LEFT OVERRIDE");
	check_str("name", "200B", textsafe_name(0x200b), "ZERO WIDTH SPACE");
	check_str("name", "E0041", textsafe_name(0xe0041), "TAG CHARACTER");
}

/* Old text: each refused character becomes U+FFFD, the rest stays. */
static void
test_neutralise(void)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "VPN", "VPN" },
		{ "", "" },
		{ "Total \xe2\x80\xae" "0001$", "Total \xef\xbf\xbd" "0001$" },
		{ "\xe2\x80\x8b\xe2\x80\x8b", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xf3\xa0\x80\x81" "b", "a\xef\xbf\xbd" "b" },
		{ "1\xe2\x80\x8d" "0", "1\xef\xbf\xbd" "0" },
		/* Joiners where they belong stay. */
		{ "\xe6\x97\xa5\xe2\x80\x8d\xe6\x97\xa5",
		    "\xe6\x97\xa5\xe2\x80\x8d\xe6\x97\xa5" },
		{ "\xc3\xa9\xc2\xad" "x", "\xc3\xa9\xef\xbf\xbd" "x" },
	};
	uint32_t cp;
	size_t i, off;
	char *out;

	for (i = 0; i < CC_ARRAY_SIZE(t); i++) {
		out = textsafe_neutralise(t[i].in);
		check_str("neutralise", cu_row(i), out, t[i].out);
		EXPECT(!textsafe_find(out, strlen(out), &cp, &off),
		    "%s: still refused", cu_row(i));
		free(out);
	}
}

static const struct cu_test tests[] = {
	{ "textsafe_neutralise", test_neutralise },
	{ "textsafe_find", test_find },
	{ "textsafe_name", test_names },
};

int
main(void)
{
	return cu_run("textsafe", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
