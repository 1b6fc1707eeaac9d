/*
 * The customer's payment page in HTML (GET /invoice/{id}): ClearSilver
 * templates filled from invoice_public()'s view. Every template variable
 * is HTML-escaped by Config.VarEscapeMode = html; the templates use var:
 * only (never uvar:, alt: or escape: "none", which bypass it). No FastCGI
 * and no database here, so that tests render pages from JSON files.
 *
 * Templates come from page_init()'s directory, else $CC_TEMPLATES, else
 * CC_DATADIR "/templates". The page loads /pay.css and /pay.js from the
 * site root and no inline script or style, under page_csp().
 */
#ifndef CC_PAGE_H
#define CC_PAGE_H

#include "cc.h"
#include <json-c/json.h>

#include "util.h"

struct cc_config;
struct http_resp;

/* Largest page rendered; callers set it as their buffer's max. */
#define PAGE_MAX_BYTES		(2 * 1024 * 1024)
#define PAGE_MAX_PATH		512

/*
 * Once per process, before any thread: ClearSilver's error types
 * (nerr_init) and the template directory, dir if not NULL, else
 * $CC_TEMPLATES, else CC_DATADIR "/templates". Returns 0, or -1 (logged)
 * if the directory has no page.cs: the program should still start and
 * answer the fallback 500 page.
 */
int		 page_init(const char *dir);
/* The directory page_init chose (or would choose). Static storage. */
const char	*page_template_dir(void);

/*
 * The Content-Security-Policy of every page:
 *   default-src 'none'; script-src 'self'; style-src 'self';
 *   img-src 'self'; connect-src 'self'; base-uri 'none';
 *   form-action 'none'; frame-ancestors 'none'
 * When [http] public_url lies on another origin than pay_url, that
 * origin is added to img-src and connect-src (the QR image, the JSON
 * view and the event stream live there). 0, or -1 if out is too small.
 */
int		 page_csp(const struct cc_config *, char *out,
		    size_t outlen);
/*
 * Sets the headers of an HTML answer on resp: Content-Type text/html;
 * charset=utf-8, the CSP above, Referrer-Policy: no-referrer and
 * Cache-Control: no-store. (X-Content-Type-Options: nosniff is written
 * for every answer by fcgi_main.) cfg may be NULL: the strict CSP.
 */
void		 page_headers(const struct cc_config *,
		    struct http_resp *);

/*
 * Renders the payment page of view (invoice_public()'s object, not put)
 * by appending to out. cfg gives network labels and the origins that
 * decide between relative and absolute URLs; it may be NULL. Returns 0,
 * or -1 with the reason logged (template missing or broken, out's max
 * reached); out may then hold part of a page: reset it before answering
 * an error page. Bidi controls and invisible characters in the view's
 * texts (stored before they were refused) are replaced by U+FFFD in view
 * itself, which the page then shows.
 */
int		 page_render_invoice(const struct cc_config *,
		    json_object *view, struct buf *out);
/*
 * An error page in the same layout: status 400, 404, 405, 500, 503 have
 * their own heading; message (may be NULL: the status's own) explains.
 * 0, or -1 logged; then use page_fallback().
 */
int		 page_render_error(int status, const char *message,
		    struct buf *out);
/* The same, showing request_id (may be NULL) as a reference to quote. */
int		 page_render_error_ex(int status, const char *message,
		    const char *request_id, struct buf *out);
/*
 * A plain HTML error page built without templates, for when rendering
 * failed: resets out and writes it. request_id may be NULL.
 */
void		 page_fallback(int status, const char *request_id,
		    struct buf *out);

/*
 * The countdown text for a number of seconds left: "29:42 left",
 * "1:02:03 left", "2 days 03:04:05 left"; "Time is up" at 0 or below.
 */
void		 page_format_remaining(int64_t seconds, char *out,
		    size_t outlen);

#endif
