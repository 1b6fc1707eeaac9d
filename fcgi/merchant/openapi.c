/*
 * GET /api/v1/openapi.json: the API's OpenAPI document, for tools. No API
 * key is needed. The installed file is read once at start-up; without it
 * the API still serves, and this route answers a JSON 500.
 */
#include "cc.h"

#include "apidoc.h"
#include "log.h"
#include "routes.h"

/* Written once by openapi_init, before the threads start; read only. */
static struct apidoc	doc;
static bool		loaded;

void
openapi_init(void)
{
	char err[512];

	if (apidoc_load(&doc, apidoc_path(), err, sizeof(err)) == -1) {
		log_error("the OpenAPI document: %s; GET /api/v1/openapi.json "
		    "will answer 500", err);
		return;
	}
	loaded = true;
}

void
openapi_get(struct mreq *m)
{
	struct fcgi_ctx *c = m->c;

	if (!loaded) {
		merchant_internal_error(m, "loading the OpenAPI document at "
		    "start-up");
		return;
	}
	/* The file changes only with an installation: revalidate now and
	 * then. */
	http_header(&c->resp, "ETag", doc.etag);
	http_header(&c->resp, "Cache-Control", "public, max-age=300");
	if (http_etag_match(fcgi_param(c, "HTTP_IF_NONE_MATCH"), doc.etag)) {
		c->resp.status = 304;
		return;
	}
	c->resp.status = 200;
	if (buf_append(&c->resp.body, doc.text, doc.len) == -1) {
		buf_reset(&c->resp.body);
		buf_reset(&c->resp.headers);
		merchant_internal_error(m, "copying the OpenAPI document");
	}
}
