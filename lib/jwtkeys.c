/* The keys file of the token secrets: parse, write, rotate, cache. */
#include "cc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "ids.h"
#include "jwtkeys.h"
#include "log.h"
#include "util.h"

/* The latest time a CREATED may say: 9999-12-31T23:59:59Z. */
#define MAX_CREATED	253402300799LL
#define KID_RANDOM	5	/* bytes: 8 base32 characters */

static const char *const errors[JWTKEYS_ERR__MAX] = {
	[JWTKEYS_OK] = "success",
	[JWTKEYS_EFULL] = "the file already holds " CC_XSTR(JWTKEYS_MAX)
	    " secrets that live tokens may need; retire one first "
	    "(cc-admin jwt retire KID)",
	[JWTKEYS_ENOTFOUND] = "no secret with this kid",
	[JWTKEYS_ESIGNING] = "this secret signs the tokens: run cc-admin jwt "
	    "rotate first, then retire it",
};

const char *
jwtkeys_strerror(enum jwtkeys_err e)
{
	if ((unsigned int)e >= JWTKEYS_ERR__MAX)
		return "unknown error";
	return errors[e];
}

static bool
kid_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > JWT_MAX_KID)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return false;
	return true;
}

/*
 * A secret as written in the file, into k: hex when it is hex digits
 * only, else base64url. 0, or -1 with the reason in why.
 */
static int
parse_secret(const char *s, struct jwt_key *k, const char **why)
{
	uint8_t dec[2 * JWT_MAX_SECRET];
	size_t len = strlen(s), i;
	bool hex = len % 2 == 0;
	int n;

	for (i = 0; i < len && hex; i++)
		if (hex_value((unsigned char)s[i]) < 0)
			hex = false;
	if (hex) {
		if (len / 2 > sizeof(dec) || hex_decode(s, dec, len / 2) == -1)
			n = -1;
		else
			n = (int)(len / 2);
	} else
		n = b64url_decode(s, dec, sizeof(dec));
	if (n == -1) {
		*why = "the secret is neither hex digits nor base64url";
		return -1;
	}
	if (n < JWT_MIN_SECRET || n > JWT_MAX_SECRET) {
		*why = "the secret must be " CC_XSTR(JWT_MIN_SECRET) " to "
		    CC_XSTR(JWT_MAX_SECRET) " bytes (64 to 128 hex digits, "
		    "or 43 to 86 base64url characters)";
		return -1;
	}
	memcpy(k->secret, dec, (size_t)n);
	k->len = (size_t)n;
	explicit_bzero(dec, sizeof(dec));
	return 0;
}

static int
parse_fail(char *err, size_t errlen, int line, const char *why)
{
	snprintf(err, errlen, "line %d: %s", line, why);
	return -1;
}

/* One line's fields (it is modified), appended to ks: 0 or -1. */
static int
parse_line(char *s, int line, struct jwtkeys *ks, char *err, size_t errlen)
{
	char *word[3], *tok, *save = NULL, *end, msg[128];
	struct jwt_key *k;
	const char *why;
	long long t;
	size_t i, n = 0;

	for (tok = strtok_r(s, " \t\r", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r", &save)) {
		if (n < CC_ARRAY_SIZE(word))
			word[n] = tok;
		n++;
	}
	if (n == 0 || word[0][0] == '#')
		return 0;
	if (n != 3)
		return parse_fail(err, errlen, line, "expected KID SECRET "
		    "CREATED");
	if (!kid_ok(word[0]))
		return parse_fail(err, errlen, line, "the kid must be 1 to "
		    CC_XSTR(JWT_MAX_KID) " letters, digits, '-' or '_'");
	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i].kid, word[0]) == 0) {
			snprintf(msg, sizeof(msg), "kid %s is listed twice",
			    word[0]);
			return parse_fail(err, errlen, line, msg);
		}
	if (ks->n == JWTKEYS_MAX)
		return parse_fail(err, errlen, line, "more than "
		    CC_XSTR(JWTKEYS_MAX) " secrets; retire the old ones "
		    "(cc-admin jwt retire KID)");
	errno = 0;
	t = strtoll(word[2], &end, 10);
	if (errno != 0 || end == word[2] || *end != '\0' || t <= 0 ||
	    t > MAX_CREATED || !isdigit((unsigned char)word[2][0]))
		return parse_fail(err, errlen, line, "CREATED must be a time "
		    "in seconds since 1970-01-01");
	k = &ks->keys[ks->n];
	memset(k, 0, sizeof(*k));
	if (parse_secret(word[1], k, &why) == -1) {
		explicit_bzero(k, sizeof(*k));
		return parse_fail(err, errlen, line, why);
	}
	cc_strlcpy(k->kid, word[0], sizeof(k->kid));
	ks->created[ks->n++] = t;
	return 0;
}

int
jwtkeys_parse(const char *text, struct jwtkeys *ks, char *err,
    size_t errlen)
{
	char *copy = xstrdup(text), *s, *nl;
	int line = 0, rc = 0;

	memset(ks, 0, sizeof(*ks));
	for (s = copy; *s != '\0' && rc == 0; s = nl) {
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		else
			nl = s + strlen(s);
		rc = parse_line(s, ++line, ks, err, errlen);
	}
	explicit_bzero(copy, strlen(text));
	free(copy);
	if (rc == -1)
		explicit_bzero(ks, sizeof(*ks));
	return rc;
}

int
jwtkeys_load(const char *path, struct jwtkeys *ks, struct stat *st,
    char *err, size_t errlen)
{
	char text[JWTKEYS_MAX_FILE + 1], why[200];
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	int fd, saved, rc = -1;

	memset(ks, 0, sizeof(*ks));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto out;
	}
	if (sb.st_size > JWTKEYS_MAX_FILE) {
		snprintf(err, errlen, "%s is over %d bytes", path,
		    JWTKEYS_MAX_FILE);
		goto out;
	}
	while (len < sizeof(text) - 1) {
		n = read(fd, text + len, sizeof(text) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s holds a NUL byte", path);
		goto out;
	}
	if (jwtkeys_parse(text, ks, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	if (st != NULL)
		*st = sb;
	rc = 0;
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	errno = 0;
	return rc;
}

char *
jwtkeys_format(const struct jwtkeys *ks)
{
	char enc[4 * ((JWT_MAX_SECRET + 2) / 3) + 1];
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_puts(&b, "# The secrets that sign and verify Crypto Checkout's "
	    "API tokens, written by\n# cc-admin jwt (see cc-admin(1)): "
	    "KID SECRET CREATED (seconds since 1970).\n# The newest signs; "
	    "every one verifies. Keep this file private.\n");
	for (i = 0; i < ks->n; i++) {
		b64url_encode(ks->keys[i].secret, ks->keys[i].len, enc);
		buf_printf(&b, "%s %s %lld\n", ks->keys[i].kid, enc,
		    (long long)ks->created[i]);
	}
	explicit_bzero(enc, sizeof(enc));
	return buf_take(&b);
}

/* Whether secret j replaces secret i: made later (or the later line). */
static bool
newer(const struct jwtkeys *ks, size_t j, size_t i)
{
	return ks->created[j] > ks->created[i] ||
	    (ks->created[j] == ks->created[i] && j > i);
}

const struct jwt_key *
jwtkeys_signing(const struct jwtkeys *ks)
{
	size_t i, best = 0;

	if (ks->n == 0)
		return NULL;
	for (i = 1; i < ks->n; i++)
		if (newer(ks, i, best))
			best = i;
	return &ks->keys[best];
}

/* Removes entry i, keeping the order of the others. */
static void
drop(struct jwtkeys *ks, size_t i)
{
	memmove(&ks->keys[i], &ks->keys[i + 1], (ks->n - i - 1) *
	    sizeof(ks->keys[0]));
	memmove(&ks->created[i], &ks->created[i + 1], (ks->n - i - 1) *
	    sizeof(ks->created[0]));
	ks->n--;
	explicit_bzero(&ks->keys[ks->n], sizeof(ks->keys[0]));
	ks->created[ks->n] = 0;
}

size_t
jwtkeys_prune(struct jwtkeys *ks, int64_t now, char dropped[][JWTKEYS_KIDLEN])
{
	bool gone[JWTKEYS_MAX] = { false };
	size_t i, j, n = 0;

	/* Decided on the whole set first: a dropped secret still dates
	 * the one it replaced. */
	for (i = 0; i < ks->n; i++) {
		int64_t replaced = INT64_MAX;

		for (j = 0; j < ks->n; j++)
			if (newer(ks, j, i) && ks->created[j] < replaced)
				replaced = ks->created[j];
		gone[i] = replaced != INT64_MAX &&
		    now - replaced > JWTKEYS_KEEP;
	}
	for (i = ks->n; i-- > 0;)
		if (gone[i]) {
			cc_strlcpy(dropped[n++], ks->keys[i].kid,
			    JWTKEYS_KIDLEN);
			drop(ks, i);
		}
	return n;
}

enum jwtkeys_err
jwtkeys_add(struct jwtkeys *ks, int64_t now, char kid[JWTKEYS_KIDLEN])
{
	const struct jwt_key *sign = jwtkeys_signing(ks);
	uint8_t rnd[KID_RANDOM];
	struct jwt_key *k;
	size_t i;

	if (ks->n == JWTKEYS_MAX)
		return JWTKEYS_EFULL;
	k = &ks->keys[ks->n];
	memset(k, 0, sizeof(*k));
	do {
		ids_random(rnd, sizeof(rnd));
		cc_strlcpy(k->kid, "jwk_", sizeof(k->kid));
		ids_base32(rnd, sizeof(rnd), k->kid + 4, sizeof(k->kid) - 4);
		for (i = 0; i < ks->n; i++)
			if (strcmp(ks->keys[i].kid, k->kid) == 0)
				break;
	} while (i < ks->n);
	ids_random(k->secret, JWTKEYS_NEW_SECRET);
	k->len = JWTKEYS_NEW_SECRET;
	/* It must be the newest even if the clock went back. */
	if (sign != NULL && ks->created[sign - ks->keys] > now)
		now = ks->created[sign - ks->keys];
	ks->created[ks->n++] = now;
	cc_strlcpy(kid, k->kid, JWTKEYS_KIDLEN);
	return JWTKEYS_OK;
}

enum jwtkeys_err
jwtkeys_remove(struct jwtkeys *ks, const char *kid)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i].kid, kid) == 0)
			break;
	if (i == ks->n)
		return JWTKEYS_ENOTFOUND;
	if (&ks->keys[i] == jwtkeys_signing(ks))
		return JWTKEYS_ESIGNING;
	drop(ks, i);
	return JWTKEYS_OK;
}

/* The directory of path, opened: -1 with err set. */
static int
open_dir(const char *path, char *err, size_t errlen)
{
	char copy[PATH_MAX];
	int fd;

	cc_strlcpy(copy, path, sizeof(copy));
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		snprintf(err, errlen, "cannot open the directory of %s: %s",
		    path, strerror(errno));
	return fd;
}

static int
write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int
jwtkeys_write(const char *path, const struct jwtkeys *ks, char *err,
    size_t errlen)
{
	char tmp[PATH_MAX], *text = NULL;
	struct stat st;
	int fd = -1, dfd = -1, rc = -1;
	bool exists;

	if (cc_snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) == -1) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT) {
		snprintf(err, errlen, "cannot stat %s: %s", path,
		    strerror(errno));
		return -1;
	}
	dfd = open_dir(path, err, errlen);
	if (dfd == -1)
		return -1;
	fd = mkstemp(tmp);
	if (fd == -1) {
		snprintf(err, errlen, "cannot create a file beside %s: %s",
		    path, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	/* The replaced file's owner and mode; a new one is 0640. */
	if ((exists && fchown(fd, st.st_uid, st.st_gid) == -1) ||
	    fchmod(fd, exists ? st.st_mode & 07777 : 0640) == -1) {
		snprintf(err, errlen, "cannot give %s the owner and mode of "
		    "%s: %s", tmp, path, strerror(errno));
		goto out;
	}
	text = jwtkeys_format(ks);
	if (write_all(fd, text, strlen(text)) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	if (fsync(dfd) == -1) {
		snprintf(err, errlen, "cannot sync the directory of %s: %s",
		    path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0' && rc == -1)
		unlink(tmp);
	close(dfd);
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	return rc;
}

/*
 * Changes the file: loads it under an exclusive lock on its directory (a
 * missing file is an empty set when missing_ok), applies op, and writes
 * the result. A symbolic link is followed: the link stays, the file it
 * points to is replaced. 0, or -1 with err set (and *why when op failed).
 */
static int
edit(const char *path, bool missing_ok,
    enum jwtkeys_err (*op)(struct jwtkeys *, void *), void *arg,
    enum jwtkeys_err *why, char *err, size_t errlen)
{
	char real[PATH_MAX];
	struct jwtkeys ks;
	int dfd, rc = -1;

	*why = JWTKEYS_OK;
	if (realpath(path, real) != NULL)
		path = real;
	dfd = open_dir(path, err, errlen);
	if (dfd == -1)
		return -1;
	if (flock(dfd, LOCK_EX) == -1) {
		snprintf(err, errlen, "cannot lock the directory of %s: %s",
		    path, strerror(errno));
		goto out;
	}
	if (jwtkeys_load(path, &ks, NULL, err, errlen) == -1 &&
	    !(missing_ok && errno == ENOENT))
		goto out;
	*why = op(&ks, arg);
	if (*why != JWTKEYS_OK)
		snprintf(err, errlen, "%s", jwtkeys_strerror(*why));
	else
		rc = jwtkeys_write(path, &ks, err, errlen);
out:
	explicit_bzero(&ks, sizeof(ks));
	close(dfd);
	return rc;
}

struct rotate_arg {
	int64_t			 now;
	struct jwtkeys_rotation	*r;
};

static enum jwtkeys_err
rotate_op(struct jwtkeys *ks, void *arg)
{
	struct rotate_arg *a = arg;

	a->r->ndropped = jwtkeys_prune(ks, a->now, a->r->dropped);
	return jwtkeys_add(ks, a->now, a->r->kid);
}

int
jwtkeys_rotate(const char *path, int64_t now, struct jwtkeys_rotation *r,
    enum jwtkeys_err *why, char *err, size_t errlen)
{
	struct rotate_arg a = { now, r };

	memset(r, 0, sizeof(*r));
	return edit(path, true, rotate_op, &a, why, err, errlen);
}

static enum jwtkeys_err
retire_op(struct jwtkeys *ks, void *kid)
{
	return jwtkeys_remove(ks, kid);
}

int
jwtkeys_retire(const char *path, const char *kid, enum jwtkeys_err *why,
    char *err, size_t errlen)
{
	return edit(path, false, retire_op, (void *)kid, why, err, errlen);
}

/* --- the programs' cache ---------------------------------------------- */

void
jwtkeys_cache_init(struct jwtkeys_cache *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	cc_strlcpy(c->path, path, sizeof(c->path));
	c->checked_ms = -1;
}

void
jwtkeys_cache_release(struct jwtkeys_cache *c)
{
	pthread_mutex_destroy(&c->lock);
	explicit_bzero(&c->keys, sizeof(c->keys));
}

/* The file cannot be used: no secrets, and why logged when it changed. */
static void
unusable(struct jwtkeys_cache *c, const char *why)
{
	explicit_bzero(&c->keys, sizeof(c->keys));
	if (strcmp(c->err, why) == 0)
		return;
	cc_strlcpy(c->err, why, sizeof(c->err));
	log_warn("API tokens disabled: %s", why);
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Reads the file again if it is not the one last seen. */
static void
refresh(struct jwtkeys_cache *c)
{
	char err[sizeof(c->err)], why[sizeof(c->err) + 64];
	struct jwtkeys ks;
	struct stat st;

	if (stat(c->path, &st) == -1) {
		c->seen = false;
		snprintf(why, sizeof(why), "cannot read %s: %s (cc-admin jwt "
		    "rotate creates it)", c->path, strerror(errno));
		unusable(c, why);
		return;
	}
	if (c->seen && same_file(&st, &c->st))
		return;
	c->seen = true;
	c->st = st;
	if (jwtkeys_load(c->path, &ks, &c->st, err, sizeof(err)) == -1) {
		unusable(c, err);
		return;
	}
	if (ks.n == 0) {
		snprintf(why, sizeof(why), "%s holds no secret (cc-admin jwt "
		    "rotate makes one)", c->path);
		unusable(c, why);
		return;
	}
	c->keys = ks;
	explicit_bzero(&ks, sizeof(ks));
	c->err[0] = '\0';
	log_info("API tokens: %zu secret(s) from %s; %s signs", c->keys.n,
	    c->path, jwtkeys_signing(&c->keys)->kid);
}

int
jwtkeys_cache_get_at(struct jwtkeys_cache *c, int64_t now_ms,
    struct jwtkeys *out)
{
	int rc;

	pthread_mutex_lock(&c->lock);
	if (c->checked_ms < 0 || now_ms - c->checked_ms >= 1000 ||
	    now_ms < c->checked_ms) {
		c->checked_ms = now_ms;
		refresh(c);
	}
	*out = c->keys;
	rc = c->keys.n > 0 ? 0 : -1;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
jwtkeys_cache_get(struct jwtkeys_cache *c, struct jwtkeys *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return jwtkeys_cache_get_at(c, (int64_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000, out);
}
