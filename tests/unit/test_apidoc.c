/*
 * Unit tests of lib/apidoc.c: loading the OpenAPI document (what is
 * refused, and why), its ETag, and the shipped docs/openapi.json itself.
 */
#include "cc.h"

#include <unistd.h>

#include "cu_run.h"

#include "apidoc.h"

#ifndef APIDOC_SHIPPED
#error "APIDOC_SHIPPED: the path of docs/openapi.json (Makefile.am)"
#endif

/* A temporary file holding len bytes of s; its path into path. */
static void
temp_file(const char *s, size_t len, char *path, size_t pathlen)
{
	int fd;

	snprintf(path, pathlen, "/tmp/cc-apidoc-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_FATAL(write(fd, s, len) == (ssize_t)len);
	close(fd);
}

/* apidoc_load of len bytes of s: its result, err in err. */
static int
load(const char *s, size_t len, struct apidoc *doc, char *err,
    size_t errlen)
{
	char path[64];
	int rc;

	temp_file(s, len, path, sizeof(path));
	rc = apidoc_load(doc, path, err, errlen);
	unlink(path);
	return rc;
}

/*
 * What a load refuses: each row's text and a word of the message.
 */
static const struct {
	const char	*text;
	size_t		 len;
	const char	*why;
} refused[] = {
	{ "", 0, "empty" },
	{ "[1]", 3, "not one JSON object" },
	{ "\"x\"", 3, "not one JSON object" },
	{ "null", 4, "not one JSON object" },
	{ "{}{}", 4, "not one JSON object" },
	{ "{\"a\": 1} x", 10, "not one JSON object" },
	{ "{\"a\": ", 6, "not one JSON object" },
	{ "{'a': 1}", 8, "not one JSON object" },
	{ "{\"a\": 1,}", 9, "not one JSON object" },
	{ "{\"a\": 1}\0", 9, "not one JSON object" },
	{ "{\"a\": \"\0\"}", 10, "not one JSON object" },
};

static void
test_refused(void)
{
	struct apidoc doc;
	char err[256];
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(refused); i++) {
		int rc = load(refused[i].text, refused[i].len, &doc, err,
		    sizeof(err));

		check_int("apidoc_load", cu_row(i), rc, -1);
		if (rc == -1)
			check_has("message", cu_row(i), err, refused[i].why);
		CU_ASSERT(doc.text == NULL && doc.len == 0);
	}
	CU_ASSERT(apidoc_load(&doc, "/nonexistent/openapi.json", err,
	    sizeof(err)) == -1);
	check_has("message", "missing", err, "/nonexistent/openapi.json: ");
	CU_ASSERT(doc.text == NULL);
}

static void
test_loaded(void)
{
	static const char text[] = "{\"openapi\": \"3.1.0\"}";
	static const char spaced[] = "\n {\"openapi\": \"3.1.0\"}\r\n\t";
	struct apidoc doc, other;
	char err[256];

	/* printf '%s' '{"openapi": "3.1.0"}' | openssl dgst -sha256 */
	CU_ASSERT_FATAL(load(text, sizeof(text) - 1, &doc, err,
	    sizeof(err)) == 0);
	check_int("len", "text", (long long)doc.len, sizeof(text) - 1);
	check_str("text", "text", doc.text, text);
	check_str("etag", "text", doc.etag,
	    "\"82caf8d8777f8bd8fd0ba60b8c1e4491\"");
	/* Served as it is: whitespace kept, so another tag. */
	CU_ASSERT_FATAL(load(spaced, sizeof(spaced) - 1, &other, err,
	    sizeof(err)) == 0);
	check_str("text", "spaced", other.text, spaced);
	CU_ASSERT(strcmp(doc.etag, other.etag) != 0);
	apidoc_release(&other);
	apidoc_release(&doc);
	CU_ASSERT(doc.text == NULL && doc.len == 0 && doc.etag[0] == '\0');
}

/* {"a": "xx...x"} of exactly len bytes. */
static char *
object_of(size_t len)
{
	char *s = malloc(len + 1);

	CU_ASSERT_FATAL(s != NULL && len >= 9);
	memset(s, 'x', len);
	memcpy(s, "{\"a\": \"", 7);
	memcpy(s + len - 2, "\"}", 2);
	s[len] = '\0';
	return s;
}

static void
test_limits(void)
{
	struct apidoc doc;
	char err[256], *s;
	static const struct {
		size_t	 levels;	/* the object and the arrays in it */
		int	 rc;
	} depths[] = { { 40, 0 }, { APIDOC_MAX_DEPTH + 4, -1 } };
	char deep[2 * APIDOC_MAX_DEPTH + 16];
	size_t i, k;

	s = object_of(CC_MAX_APIDOC);
	CU_ASSERT(load(s, CC_MAX_APIDOC, &doc, err, sizeof(err)) == 0);
	check_int("len", "at the cap", (long long)doc.len, CC_MAX_APIDOC);
	apidoc_release(&doc);
	free(s);
	s = object_of(CC_MAX_APIDOC + 1);
	CU_ASSERT(load(s, CC_MAX_APIDOC + 1, &doc, err, sizeof(err)) == -1);
	check_has("message", "over the cap", err, "larger than");
	free(s);

	/* Deeper than any request may be (16), within APIDOC_MAX_DEPTH. */
	for (k = 0; k < CC_ARRAY_SIZE(depths); k++) {
		size_t len = 0;

		memcpy(deep, "{\"a\":", 5);
		len = 5;
		for (i = 1; i < depths[k].levels; i++)
			deep[len++] = '[';
		for (i = 1; i < depths[k].levels; i++)
			deep[len++] = ']';
		deep[len++] = '}';
		check_int("depth", cu_row(k), load(deep, len, &doc, err,
		    sizeof(err)), depths[k].rc);
		apidoc_release(&doc);
	}
}

static void
test_shipped(void)
{
	struct apidoc doc;
	char err[512];

	CU_ASSERT_FATAL(apidoc_load(&doc, APIDOC_SHIPPED, err,
	    sizeof(err)) == 0);
	check_has("shipped", "openapi", doc.text, "\"openapi\": \"3.1.");
	check_has("shipped", "route", doc.text, "\"/api/v1/openapi.json\"");
	CU_ASSERT(doc.len == strlen(doc.text));
	apidoc_release(&doc);
	check_has("path", "datadir", apidoc_path(), "/openapi.json");
}

static const struct cu_test tests[] = {
	{ "apidoc_load refusals", test_refused },
	{ "apidoc_load and ETag", test_loaded },
	{ "apidoc_load limits", test_limits },
	{ "the shipped docs/openapi.json", test_shipped },
};

int
main(void)
{
	return cu_run("apidoc", NULL, NULL, tests, CC_ARRAY_SIZE(tests));
}
