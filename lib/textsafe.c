/* Bidi controls and invisible characters in free text. */
#include "cc.h"

#include "textsafe.h"
#include "util.h"

/* The refused ranges, with a name for messages. */
static const struct {
	uint32_t	 lo, hi;
	const char	*name;
} refused[] = {
	{ 0x00ad, 0x00ad, "SOFT HYPHEN" },
	{ 0x034f, 0x034f, "COMBINING GRAPHEME JOINER" },
	{ 0x061c, 0x061c, "ARABIC LETTER MARK" },
	{ 0x115f, 0x1160, "HANGUL FILLER" },
	{ 0x17b4, 0x17b5, "KHMER INHERENT VOWEL" },
	{ 0x180e, 0x180e, "MONGOLIAN VOWEL SEPARATOR" },
	{ 0x200b, 0x200b, "ZERO WIDTH SPACE" },
	{ 0x200c, 0x200c, "ZERO WIDTH NON-JOINER" },
	{ 0x200d, 0x200d, "ZERO WIDTH JOINER" },
	{ 0x200e, 0x200e, "LEFT-TO-RIGHT MARK" },
	{ 0x200f, 0x200f, "RIGHT-TO-LEFT MARK" },
	{ 0x2028, 0x2028, "LINE SEPARATOR" },
	{ 0x2029, 0x2029, "PARAGRAPH SEPARATOR" },
	{ 0x202a, 0x202a, "LEFT-TO-RIGHT EMBEDDING" },
	{ 0x202b, 0x202b, "RIGHT-TO-LEFT EMBEDDING" },
	{ 0x202c, 0x202c, "POP DIRECTIONAL FORMATTING" },
	{ 0x202d, 0x202d, "LEFT-TO-RIGHT OVERRIDE" },
	{ 0x202e, 0x202e, "RIGHT-TO-LEFT OVERRIDE" },
	{ 0x2060, 0x2060, "WORD JOINER" },
	{ 0x2061, 0x2064, "INVISIBLE OPERATOR" },
	{ 0x2066, 0x2066, "LEFT-TO-RIGHT ISOLATE" },
	{ 0x2067, 0x2067, "RIGHT-TO-LEFT ISOLATE" },
	{ 0x2068, 0x2068, "FIRST STRONG ISOLATE" },
	{ 0x2069, 0x2069, "POP DIRECTIONAL ISOLATE" },
	{ 0x206a, 0x206f, "DEPRECATED FORMAT CHARACTER" },
	{ 0x3164, 0x3164, "HANGUL FILLER" },
	{ 0xfeff, 0xfeff, "ZERO WIDTH NO-BREAK SPACE (BOM)" },
	{ 0xffa0, 0xffa0, "HALFWIDTH HANGUL FILLER" },
	{ 0xfff9, 0xfffb, "INTERLINEAR ANNOTATION" },
	{ 0x1d173, 0x1d17a, "MUSICAL SYMBOL FORMAT CHARACTER" },
	{ 0xe0000, 0xe007f, "TAG CHARACTER" },
};

static bool
is_refused(uint32_t cp)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(refused); i++)
		if (cp >= refused[i].lo && cp <= refused[i].hi)
			return true;
	return false;
}

const char *
textsafe_name(uint32_t cp)
{
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(refused); i++)
		if (cp >= refused[i].lo && cp <= refused[i].hi)
			return refused[i].name;
	return "FORMAT CHARACTER";
}

/* The code point at s[i] (valid UTF-8) and its length. */
static uint32_t
decode(const unsigned char *s, size_t i, size_t *len)
{
	unsigned char c = s[i];

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c < 0xe0) {
		*len = 2;
		return (uint32_t)(c & 0x1f) << 6 | (s[i + 1] & 0x3f);
	}
	if (c < 0xf0) {
		*len = 3;
		return (uint32_t)(c & 0x0f) << 12 |
		    (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
	}
	*len = 4;
	return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
	    (uint32_t)(s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
}

/* A neighbour a joiner may stand beside: non-ASCII, not refused. */
static bool
joinable(uint32_t cp)
{
	return cp >= 0x80 && !is_refused(cp);
}

bool
textsafe_find(const char *str, size_t n, uint32_t *cp, size_t *off)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t prev = 0, c, next;
	size_t i = 0, len, nlen;

	while (i < n) {
		c = decode(s, i, &len);
		if (i + len > n)
			return false;
		if (is_refused(c)) {
			if (c == 0x200c || c == 0x200d) {
				next = i + len < n ? decode(s, i + len,
				    &nlen) : 0;
				if (i > 0 && joinable(prev) &&
				    joinable(next)) {
					/* prev stays the letter before. */
					i += len;
					continue;
				}
			}
			*cp = c;
			*off = i;
			return true;
		}
		prev = c;
		i += len;
	}
	return false;
}

char *
textsafe_neutralise(const char *s)
{
	struct buf b;
	size_t n = strlen(s), at = 0, off, len;
	uint32_t cp;

	buf_init(&b, 0);
	while (textsafe_find(s + at, n - at, &cp, &off)) {
		len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		buf_append(&b, s + at, off);
		buf_puts(&b, "\xef\xbf\xbd");
		at += off + len;
	}
	buf_append(&b, s + at, n - at);
	buf_append(&b, "", 0);
	return buf_take(&b);
}
