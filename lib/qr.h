/*
 * QR code images of payment URIs (payuri.h): PNG, SVG or PDF of an exact
 * pixel size, in one of three module styles, optionally with a logo in the
 * centre. Encoding by libqrencode, drawing by cairo.
 */
#ifndef CC_QR_H
#define CC_QR_H

#include "cc.h"

#include "util.h"

enum qr_format {
	QR_PNG,
	QR_SVG,
	QR_PDF,
	QR_FORMAT__MAX
};

enum qr_style {
	QR_CLASSIC,	/* square modules */
	QR_MODERN,	/* square modules with the three finder patterns drawn
			   as rounded squares */
	QR_ROUNDED,	/* every module a circle or rounded square */
	QR_STYLE__MAX
};
/*
 * QR_ROUNDED rounds each dark module off at every corner between two light
 * neighbours, so that a lone module is a circle and a row of them a bar
 * with round ends; its finder patterns are drawn as in QR_MODERN.
 */

/* Largest image qr_render writes, bytes; a 1024 px code is far below. */
#define QR_MAX_BYTES		(4 * 1024 * 1024)
/* Longest text qr_render accepts, bytes (payuri.h's URIs fit easily). */
#define QR_MAX_TEXT		1024

/*
 * Exact, case-sensitive names: "png", "svg", "pdf" and "classic",
 * "modern", "rounded". 0 and *out set, or -1 (NULL, "PNG", "gif", "").
 */
int		 qr_format_from_name(const char *, enum qr_format *);
int		 qr_style_from_name(const char *, enum qr_style *);
/*
 * "image/png", "image/svg+xml", "application/pdf"; NULL for a value
 * outside the enum. The string is static.
 */
const char	*qr_content_type(enum qr_format);
/* The sizes offered, in pixels: 128, 256, 512 and 1024. */
bool		 qr_size_ok(int);

struct http_query;
struct input_error;

/* What the QR route's query asks for; absent parameters take defaults. */
struct qr_request {
	int		 size;		/* 256 */
	enum qr_format	 format;	/* png */
	enum qr_style	 style;		/* classic */
	bool		 logo;		/* false */
};

/*
 * Checks the query (size, format, style, logo=true|false; anything else
 * is a 422 naming it). 0 with r filled, or -1 with e set.
 */
int		 qr_request_parse(const struct http_query *,
		    struct qr_request *, struct input_error *);

/*
 * Renders text (1 to QR_MAX_TEXT bytes, encoded as 8-bit data at error
 * correction level M, or H with a logo) as black modules on white, the
 * symbol and its 4-module quiet zone scaled to fill exactly size x size:
 * PNG of size x size pixels, SVG with width="<size>px" height="<size>px",
 * PDF of one size x size point page. Module sizes may be fractional; a
 * PNG's square modules are drawn without anti-aliasing, so they stay pure
 * black and white. A PNG is 8-bit grey, or RGB with a logo.
 *
 * logo_png is NULL or the path of a PNG (a trusted file: it is read
 * whole) drawn centred, scaled to fit, on a white rounded plate that hides
 * at most 16% of the symbol. A logo that does not load is left out and
 * the code rendered without it, at level M. Level H makes an ERC-20 URI
 * version 11, 1.86 px a module at 128 px: the PNG still scans, but SVG
 * and PDF drawn 1:1 with anti-aliasing are marginal (fine at HiDPI or in
 * print), so offer a logo from 256 px up.
 *
 * The image replaces the contents of out (the caller's buffer, whose own
 * max also applies); more than QR_MAX_BYTES is an error. Returns 0, 1 if
 * rendered without the requested logo, or -1 (bad argument, text too long
 * for a QR code, cairo error, too large) with out emptied. Thread-safe:
 * every call has its own surfaces.
 */
int		 qr_render(const char *text, int size, enum qr_format,
		    enum qr_style, const char *logo_png, struct buf *out);

#endif
