/*
 * lib/jwtkeys: the keys file's syntax (a table of refused lines), which
 * secret signs, pruning after a rotation, rotate and retire on real files
 * (owner and mode kept), and the programs' cache noticing a new file.
 */
#include "cc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cu_run.h"
#include "jwtkeys.h"
#include "util.h"

#define HEX32	"00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"
/* 32 bytes of 0xfb in base64url (43 characters). */
#define B64_32	"-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s"

static void
test_parse(void)
{
	const char *text = "# a comment\n\n  # indented comment\r\n"
	    "old " HEX32 " 1700000000\r\n"
	    "\tnew\t" B64_32 "   1700000100  \n"
	    "same " HEX32 "aabb 1700000100";
	struct jwtkeys ks;
	char err[200];

	CU_ASSERT_FATAL(jwtkeys_parse(text, &ks, err, sizeof(err)) == 0);
	check_int("count", "parse", (long long)ks.n, 3);
	check_str("kid", "parse", ks.keys[0].kid, "old");
	check_int("hex length", "parse", (long long)ks.keys[0].len, 32);
	CU_ASSERT(ks.keys[0].secret[1] == 0x11 && ks.keys[0].secret[31] ==
	    0xff);
	check_int("base64url length", "parse", (long long)ks.keys[1].len, 32);
	CU_ASSERT(ks.keys[1].secret[0] == 0xfb && ks.keys[1].secret[31] ==
	    0xfb);
	check_int("34 hex bytes", "parse", (long long)ks.keys[2].len, 34);
	check_int("created", "parse", ks.created[1], 1700000100);
	/* Two made in the same second: the later line signs. */
	check_str("signing", "parse", jwtkeys_signing(&ks)->kid, "same");
	CU_ASSERT(jwtkeys_parse("", &ks, err, sizeof(err)) == 0 && ks.n == 0);
	CU_ASSERT(jwtkeys_signing(&ks) == NULL);
}

static const struct {
	const char	*text;
	const char	*want;
} bad[] = {
	{ "k " HEX32, "line 1: expected KID SECRET CREATED" },
	{ "# c\nk " HEX32 " 1700000000 extra", "line 2: expected KID" },
	{ "k.1 " HEX32 " 1700000000", "line 1: the kid must be" },
	{ "k1234567890123456789012345678901234 " HEX32 " 1700000000",
	    "the kid must be 1 to 32" },
	{ "k 00112233445566778899aabbccddeeff00112233445566778899aabbccddee"
	    " 1700000000", "must be 32 to 64 bytes" },
	{ "k " HEX32 HEX32 "00 1700000000", "must be 32 to 64 bytes" },
	{ "k -_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7 1700000000",
	    "must be 32 to 64 bytes" },
	{ "k secret+with/base64== 1700000000", "neither hex" },
	{ "k " HEX32 " soon", "CREATED must be" },
	{ "k " HEX32 " 0", "CREATED must be" },
	{ "k " HEX32 " -5", "CREATED must be" },
	{ "k " HEX32 " 99999999999999999999", "CREATED must be" },
	{ "a " HEX32 " 1\nb " HEX32 " 2\na " B64_32 " 3",
	    "line 3: kid a is listed twice" },
	{ "a " HEX32 " 1\nb " HEX32 " 1\nc " HEX32 " 1\nd " HEX32 " 1\n"
	  "e " HEX32 " 1\nf " HEX32 " 1\ng " HEX32 " 1\nh " HEX32 " 1\n"
	  "i " HEX32 " 1\n", "line 9: more than 8 secrets" },
};

static void
test_bad_lines(void)
{
	struct jwtkeys ks;
	char err[200];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		EXPECT(jwtkeys_parse(bad[i].text, &ks, err, sizeof(err)) ==
		    -1 && ks.n == 0, "%s: accepted", cu_row(i));
		check_has("message", cu_row(i), err, bad[i].want);
		/* Never the secret itself. */
		EXPECT(strstr(err, "0011223344") == NULL && strstr(err,
		    "-_v7") == NULL, "%s: %s", cu_row(i), err);
	}
}

static void
test_format_round_trip(void)
{
	struct jwtkeys ks, back;
	char kid[JWTKEYS_KIDLEN], err[200], *text;
	size_t i;

	CU_ASSERT_FATAL(jwtkeys_parse("old " HEX32 " 1700000000\n", &ks, err,
	    sizeof(err)) == 0);
	CU_ASSERT_FATAL(jwtkeys_add(&ks, 1700000500, kid) == JWTKEYS_OK);
	text = jwtkeys_format(&ks);
	CU_ASSERT(text[0] == '#');
	CU_ASSERT_FATAL(jwtkeys_parse(text, &back, err, sizeof(err)) == 0);
	check_int("count", "round trip", (long long)back.n, 2);
	for (i = 0; i < back.n; i++) {
		check_str("kid", cu_row(i), back.keys[i].kid, ks.keys[i].kid);
		CU_ASSERT(back.keys[i].len == ks.keys[i].len &&
		    memcmp(back.keys[i].secret, ks.keys[i].secret,
		    ks.keys[i].len) == 0);
		CU_ASSERT(back.created[i] == ks.created[i]);
	}
	free(text);
}

static void
test_add_and_remove(void)
{
	struct jwtkeys ks;
	char kid[JWTKEYS_KIDLEN], first[JWTKEYS_KIDLEN], err[200];
	int i;

	memset(&ks, 0, sizeof(ks));
	CU_ASSERT_FATAL(jwtkeys_add(&ks, 2000, first) == JWTKEYS_OK);
	check_int("kid length", "add", (long long)strlen(first), 12);
	CU_ASSERT(strncmp(first, "jwk_", 4) == 0);
	check_int("secret", "add", (long long)ks.keys[0].len,
	    JWTKEYS_NEW_SECRET);
	/* The clock went back: the new secret still signs. */
	CU_ASSERT_FATAL(jwtkeys_add(&ks, 1000, kid) == JWTKEYS_OK);
	CU_ASSERT(strcmp(kid, first) != 0);
	check_str("signing", "clock back", jwtkeys_signing(&ks)->kid, kid);
	CU_ASSERT(ks.created[1] == 2000);
	CU_ASSERT(memcmp(ks.keys[0].secret, ks.keys[1].secret, 32) != 0);
	/* Retiring: never the signing one, never an unknown one. */
	CU_ASSERT(jwtkeys_remove(&ks, kid) == JWTKEYS_ESIGNING);
	CU_ASSERT(jwtkeys_remove(&ks, "nope") == JWTKEYS_ENOTFOUND);
	CU_ASSERT(jwtkeys_remove(&ks, first) == JWTKEYS_OK && ks.n == 1);
	check_str("left", "remove", ks.keys[0].kid, kid);
	for (i = 1; i < JWTKEYS_MAX; i++)
		CU_ASSERT(jwtkeys_add(&ks, 3000 + i, kid) == JWTKEYS_OK);
	CU_ASSERT(jwtkeys_add(&ks, 4000, kid) == JWTKEYS_EFULL);
	check_has("full", "add", jwtkeys_strerror(JWTKEYS_EFULL),
	    "cc-admin jwt retire");
	(void)err;
}

static void
test_prune(void)
{
	struct jwtkeys ks;
	char dropped[JWTKEYS_MAX][JWTKEYS_KIDLEN], err[200];
	size_t n;

	CU_ASSERT_FATAL(jwtkeys_parse("a " HEX32 " 1000\nc " HEX32 " 3000\n"
	    "b " HEX32 " 2000\n", &ks, err, sizeof(err)) == 0);
	/* a was replaced by b at 2000; b by c at 3000; c signs. */
	n = jwtkeys_prune(&ks, 2000 + JWTKEYS_KEEP, dropped);
	CU_ASSERT(n == 0 && ks.n == 3);
	n = jwtkeys_prune(&ks, 2000 + JWTKEYS_KEEP + 1, dropped);
	CU_ASSERT_FATAL(n == 1 && ks.n == 2);
	check_str("dropped", "a", dropped[0], "a");
	check_str("kept order", "c", ks.keys[0].kid, "c");
	n = jwtkeys_prune(&ks, 1000000000, dropped);
	CU_ASSERT_FATAL(n == 1 && ks.n == 1);
	check_str("dropped", "b", dropped[0], "b");
	/* The signing secret is never dropped. */
	CU_ASSERT(jwtkeys_prune(&ks, 2000000000, dropped) == 0 && ks.n == 1);
}

static char dir[64];

static void
path_in_dir(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void
put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void
test_files(void)
{
	struct jwtkeys_rotation r;
	enum jwtkeys_err why;
	struct jwtkeys ks;
	struct stat st;
	char path[128], err[300], first[JWTKEYS_KIDLEN];

	path_in_dir(path, sizeof(path), "jwt.keys");
	/* A missing file: rotate creates it, 0640. */
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000000, &r, &why, err,
	    sizeof(err)) == 0);
	CU_ASSERT(r.ndropped == 0 && why == JWTKEYS_OK);
	cc_strlcpy(first, r.kid, sizeof(first));
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	check_int("new mode", "rotate", st.st_mode & 07777, 0640);
	CU_ASSERT_FATAL(jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == 0);
	CU_ASSERT(ks.n == 1 && strcmp(ks.keys[0].kid, first) == 0);
	/* The mode of the file it replaces is kept. */
	chmod(path, 0600);
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000100, &r, &why, err,
	    sizeof(err)) == 0);
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	check_int("kept mode", "rotate", st.st_mode & 07777, 0600);
	CU_ASSERT_FATAL(jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == 0);
	CU_ASSERT(ks.n == 2);
	check_str("signing", "rotate", jwtkeys_signing(&ks)->kid, r.kid);
	/* A day later the first secret can have no live token left. */
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000100 + JWTKEYS_KEEP + 1,
	    &r, &why, err, sizeof(err)) == 0);
	CU_ASSERT(r.ndropped == 1 && strcmp(r.dropped[0], first) == 0);
	CU_ASSERT_FATAL(jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == 0);
	CU_ASSERT(ks.n == 2);
	/* Retire: not the signing secret, not an unknown one. */
	CU_ASSERT(jwtkeys_retire(path, r.kid, &why, err, sizeof(err)) == -1 &&
	    why == JWTKEYS_ESIGNING);
	check_has("message", "retire signing", err, "rotate first");
	CU_ASSERT(jwtkeys_retire(path, first, &why, err, sizeof(err)) == -1 &&
	    why == JWTKEYS_ENOTFOUND);
	CU_ASSERT(jwtkeys_retire(path, ks.keys[0].kid, &why, err,
	    sizeof(err)) == 0);
	CU_ASSERT_FATAL(jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == 0);
	CU_ASSERT(ks.n == 1 && strcmp(ks.keys[0].kid, r.kid) == 0);
	/* Retire needs the file; a broken file is named with its line. */
	path_in_dir(path, sizeof(path), "missing.keys");
	CU_ASSERT(jwtkeys_retire(path, "x", &why, err, sizeof(err)) == -1);
	check_has("message", "retire missing", err, "cannot open");
	path_in_dir(path, sizeof(path), "bad.keys");
	put_file(path, "# ok\nk " HEX32 "\n", 0600);
	CU_ASSERT(jwtkeys_rotate(path, 1700000000, &r, &why, err,
	    sizeof(err)) == -1);
	check_has("message", "rotate bad", err, "bad.keys: line 2: expected");
	/* Through a symbolic link: the file it points to is replaced. */
	path_in_dir(path, sizeof(path), "link.keys");
	CU_ASSERT_FATAL(symlink("jwt.keys", path) == 0);
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000200 + JWTKEYS_KEEP, &r,
	    &why, err, sizeof(err)) == 0);
	CU_ASSERT(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
	path_in_dir(path, sizeof(path), "jwt.keys");
	CU_ASSERT_FATAL(jwtkeys_load(path, &ks, NULL, err, sizeof(err)) == 0);
	check_str("signing", "through a link", jwtkeys_signing(&ks)->kid,
	    r.kid);
	unlink(path);
	path_in_dir(path, sizeof(path), "link.keys");
	unlink(path);
}

static void
test_cache(void)
{
	struct jwtkeys_cache c;
	struct jwtkeys_rotation r;
	enum jwtkeys_err why;
	struct jwtkeys ks;
	char path[128], err[300];

	path_in_dir(path, sizeof(path), "cache.keys");
	jwtkeys_cache_init(&c, path);
	/* No file: unusable, and why is kept. */
	CU_ASSERT(jwtkeys_cache_get_at(&c, 0, &ks) == -1 && ks.n == 0);
	check_has("why", "missing", c.err, "cache.keys");
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000000, &r, &why, err,
	    sizeof(err)) == 0);
	/* Looked at again only a second later. */
	CU_ASSERT(jwtkeys_cache_get_at(&c, 999, &ks) == -1);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 1000, &ks) == 0 && ks.n == 1);
	check_str("err cleared", "cache", c.err, "");
	CU_ASSERT_FATAL(jwtkeys_rotate(path, 1700000100, &r, &why, err,
	    sizeof(err)) == 0);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 1500, &ks) == 0 && ks.n == 1);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 2000, &ks) == 0 && ks.n == 2);
	check_str("signing", "cache", jwtkeys_signing(&ks)->kid, r.kid);
	/* Emptied, then broken, then fixed. */
	put_file(path, "# nothing\n", 0600);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 3000, &ks) == -1 && ks.n == 0);
	check_has("why", "empty", c.err, "holds no secret");
	put_file(path, "k zz 1\n", 0600);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 4000, &ks) == -1);
	check_has("why", "broken", c.err, "line 1");
	put_file(path, "k " HEX32 " 1\n", 0600);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 5000, &ks) == 0 && ks.n == 1);
	unlink(path);
	CU_ASSERT(jwtkeys_cache_get_at(&c, 6000, &ks) == -1);
	jwtkeys_cache_release(&c);
}

static int
setup(void)
{
	cc_strlcpy(dir, "/tmp/cc_test_jwtkeys_XXXXXX", sizeof(dir));
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
cleanup(void)
{
	char path[128];

	path_in_dir(path, sizeof(path), "bad.keys");
	unlink(path);
	return rmdir(dir);
}

static const struct cu_test tests[] = {
	{ "parse", test_parse },
	{ "refused lines", test_bad_lines },
	{ "format and parse again", test_format_round_trip },
	{ "add and remove", test_add_and_remove },
	{ "prune after rotations", test_prune },
	{ "rotate and retire files", test_files },
	{ "the programs' cache", test_cache },
};

int
main(void)
{
	return cu_run("jwtkeys", setup, cleanup, tests, CC_ARRAY_SIZE(tests));
}
