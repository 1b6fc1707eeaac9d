/*
 * QR code images: libqrencode builds the module matrix, cairo draws it in
 * module units scaled to the requested pixel size, so that any symbol
 * version fills exactly size x size whatever its module count. The
 * doubles here are pixel geometry for cairo, never amounts: the amount is
 * already exact text inside the URI being drawn.
 */
#include "cc.h"

#include <math.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <qrencode.h>

#include "input.h"
#include "qr.h"
#include "util.h"

#define QUIET_ZONE	4	/* modules of white around the symbol */
#define FINDER		7	/* modules across a finder pattern */
#define QR_DARK		0x01	/* libqrencode: module is black */
#define QR_FINDER_BIT	0x40	/* libqrencode: finder pattern or separator */
/*
 * The logo plate's side is at most 4/10 of the symbol's, so it hides at
 * most 16% of it: level H recovers 30% of the codewords, which leaves a
 * margin for those a blurred or badly lit scan loses on top.
 */
#define LOGO_SIDE_NUM	4
#define LOGO_SIDE_DEN	10
#define LOGO_PAD	0.75	/* modules between plate edge and logo */
#define LOGO_RADIUS	1.5	/* plate corner radius, modules */

struct qr_sink {
	struct buf	*out;
	int		 err;
};

static const char *const qr_format_names[QR_FORMAT__MAX + 1] = {
	"png",
	"svg",
	"pdf",
	NULL
};

static const char *const qr_content_types[QR_FORMAT__MAX] = {
	"image/png",
	"image/svg+xml",
	"application/pdf",
};

static const char *const qr_style_names[QR_STYLE__MAX + 1] = {
	"classic",
	"modern",
	"rounded",
	NULL
};

static const char *const qr_size_names[] = { "128", "256", "512", "1024",
	NULL };
static const char *const qr_bool_names[] = { "false", "true", NULL };

int
qr_format_from_name(const char *name, enum qr_format *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < QR_FORMAT__MAX; i++)
		if (strcmp(name, qr_format_names[i]) == 0) {
			*out = (enum qr_format)i;
			return 0;
		}
	return -1;
}

int
qr_style_from_name(const char *name, enum qr_style *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < QR_STYLE__MAX; i++)
		if (strcmp(name, qr_style_names[i]) == 0) {
			*out = (enum qr_style)i;
			return 0;
		}
	return -1;
}

const char *
qr_content_type(enum qr_format fmt)
{
	if ((unsigned int)fmt >= QR_FORMAT__MAX)
		return NULL;
	return qr_content_types[fmt];
}

bool
qr_size_ok(int size)
{
	char txt[16];
	size_t i;

	snprintf(txt, sizeof(txt), "%d", size);
	for (i = 0; qr_size_names[i] != NULL; i++)
		if (strcmp(txt, qr_size_names[i]) == 0)
			return true;
	return false;
}

enum { QF_SIZE, QF_FORMAT, QF_STYLE, QF_LOGO, QF__MAX };

static const struct input_field qr_fields[QF__MAX] = {
	[QF_SIZE] = { "size", INPUT_CHOICE, false, 0, 0, qr_size_names,
	    NULL, NULL },
	[QF_FORMAT] = { "format", INPUT_CHOICE, false, 0, 0, qr_format_names,
	    NULL, NULL },
	[QF_STYLE] = { "style", INPUT_CHOICE, false, 0, 0, qr_style_names,
	    NULL, NULL },
	[QF_LOGO] = { "logo", INPUT_CHOICE, false, 0, 0, qr_bool_names,
	    NULL, NULL },
};

int
qr_request_parse(const struct http_query *q, struct qr_request *r,
    struct input_error *e)
{
	struct input_value v[QF__MAX];
	char *end;

	r->size = 256;
	r->format = QR_PNG;
	r->style = QR_CLASSIC;
	r->logo = false;
	if (input_query(q, qr_fields, QF__MAX, v, e) == -1)
		return -1;
	if (v[QF_SIZE].given)
		r->size = (int)strtol(v[QF_SIZE].str, &end, 10);
	if (v[QF_FORMAT].given)
		r->format = (enum qr_format)v[QF_FORMAT].choice;
	if (v[QF_STYLE].given)
		r->style = (enum qr_style)v[QF_STYLE].choice;
	r->logo = v[QF_LOGO].given && v[QF_LOGO].choice == 1;
	return 0;
}

/* cairo's stream callback: appends to the caller's buffer, capped. */
static cairo_status_t
sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct qr_sink *s = closure;

	if (s->err || len > QR_MAX_BYTES - s->out->len ||
	    buf_append(s->out, data, len) == -1) {
		s->err = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/*
 * A rectangle whose corners are rounded by radii (clockwise from the top
 * left); a radius of 0 leaves that corner square.
 */
static void
path_rect(cairo_t *cr, double x, double y, double w, double h,
    const double r[4])
{
	cairo_new_sub_path(cr);
	cairo_move_to(cr, x + r[0], y);
	cairo_line_to(cr, x + w - r[1], y);
	if (r[1] > 0)
		cairo_arc(cr, x + w - r[1], y + r[1], r[1], -M_PI / 2, 0);
	cairo_line_to(cr, x + w, y + h - r[2]);
	if (r[2] > 0)
		cairo_arc(cr, x + w - r[2], y + h - r[2], r[2], 0, M_PI / 2);
	cairo_line_to(cr, x + r[3], y + h);
	if (r[3] > 0)
		cairo_arc(cr, x + r[3], y + h - r[3], r[3], M_PI / 2, M_PI);
	cairo_line_to(cr, x, y + r[0]);
	if (r[0] > 0)
		cairo_arc(cr, x + r[0], y + r[0], r[0], M_PI,
		    3 * M_PI / 2);
	cairo_close_path(cr);
}

static void
path_rounded_square(cairo_t *cr, double x, double y, double side,
    double radius)
{
	const double r[4] = { radius, radius, radius, radius };

	path_rect(cr, x, y, side, side, r);
}

/*
 * Black or white ink. A PNG without a logo is drawn on an A8 surface,
 * which cairo writes as 8-bit greyscale with the alpha as the grey level:
 * a third of the bytes of RGB to compress, so about twice as fast. There
 * white is opaque and black is cleared.
 */
static void
set_ink(cairo_t *cr, bool grey, bool black)
{
	if (grey) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_operator(cr, black ? CAIRO_OPERATOR_CLEAR :
		    CAIRO_OPERATOR_OVER);
	} else {
		cairo_set_source_rgb(cr, black ? 0 : 1, black ? 0 : 1,
		    black ? 0 : 1);
		cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	}
}

static bool
dark(const QRcode *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return (qr->data[y * qr->width + x] & QR_DARK) != 0;
}

/* The three finder patterns as rounded rings around rounded centres. */
static void
draw_finders(cairo_t *cr, int width)
{
	static const double ring = FINDER, hole = FINDER - 2,
	    eye = FINDER - 4;
	const int at[3][2] = {
		{ 0, 0 }, { width - FINDER, 0 }, { 0, width - FINDER }
	};
	size_t i;

	for (i = 0; i < CC_ARRAY_SIZE(at); i++) {
		double x = at[i][0], y = at[i][1];

		path_rounded_square(cr, x, y, ring, 2.0);
		path_rounded_square(cr, x + 1, y + 1, hole, 1.25);
		path_rounded_square(cr, x + 2, y + 2, eye, 1.0);
	}
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	cairo_fill(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
}

static bool
drawn(const QRcode *qr, int x, int y, enum qr_style style)
{
	uint8_t m;

	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	m = qr->data[y * qr->width + x];
	if (!(m & QR_DARK))
		return false;
	/* The rounded styles draw the finder patterns on their own. */
	return style == QR_CLASSIC || !(m & QR_FINDER_BIT);
}

/*
 * The dark modules as one path of horizontal runs, filled once: abutting
 * squares filled one by one would show hairline seams where their
 * anti-aliased edges meet, and runs keep SVG and PDF output small.
 *
 * QR_ROUNDED rounds a corner of a run when both modules beside that
 * corner are light; inside a run every corner has a dark neighbour, so
 * only the ends can be rounded, and a lone module becomes a circle.
 */
static void
draw_modules(cairo_t *cr, const QRcode *qr, enum qr_style style,
    bool raster)
{
	double r[4];
	int x, y, end;

	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x = end) {
			end = x + 1;
			if (!drawn(qr, x, y, style))
				continue;
			while (drawn(qr, end, y, style))
				end++;
			if (style != QR_ROUNDED) {
				cairo_rectangle(cr, x, y, end - x, 1);
				continue;
			}
			r[0] = dark(qr, x, y - 1) ? 0 : 0.5;
			r[1] = dark(qr, end - 1, y - 1) ? 0 : 0.5;
			r[2] = dark(qr, end - 1, y + 1) ? 0 : 0.5;
			r[3] = dark(qr, x, y + 1) ? 0 : 0.5;
			path_rect(cr, x, y, end - x, 1, r);
		}
	/*
	 * Square modules in a bitmap stay crisp without anti-aliasing: a
	 * fractional module edge snaps to a pixel edge instead of turning
	 * grey, which scanners like better.
	 */
	if (raster && style != QR_ROUNDED)
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_fill(cr);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
}

/*
 * The logo, scaled to fit, on a white rounded plate in the centre. The
 * plate is a whole number of modules with the symbol's parity, so that
 * it is centred on the module grid and its sides run along module edges.
 */
static void
draw_logo(cairo_t *cr, int width, cairo_surface_t *logo)
{
	double lw, lh, avail, scale, origin;
	int side;

	side = width * LOGO_SIDE_NUM / LOGO_SIDE_DEN;
	if ((width - side) % 2 != 0)
		side--;
	origin = (width - side) / 2.0;
	path_rounded_square(cr, origin, origin, side, LOGO_RADIUS);
	set_ink(cr, false, false);	/* a logo needs colour: never grey */
	cairo_fill(cr);

	lw = cairo_image_surface_get_width(logo);
	lh = cairo_image_surface_get_height(logo);
	avail = side - 2 * LOGO_PAD;
	scale = avail / (lw > lh ? lw : lh);
	cairo_save(cr);
	cairo_translate(cr, origin + LOGO_PAD + (avail - lw * scale) / 2,
	    origin + LOGO_PAD + (avail - lh * scale) / 2);
	cairo_scale(cr, scale, scale);
	cairo_set_source_surface(cr, logo, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_restore(cr);
}

/* Loads the logo, or returns NULL if it cannot be used. */
static cairo_surface_t *
load_logo(const char *path)
{
	cairo_surface_t *s;

	s = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    cairo_image_surface_get_width(s) <= 0 ||
	    cairo_image_surface_get_height(s) <= 0) {
		cairo_surface_destroy(s);
		return NULL;
	}
	return s;
}

int
qr_render(const char *text, int size, enum qr_format fmt,
    enum qr_style style, const char *logo_png, struct buf *out)
{
	struct qr_sink sink;
	cairo_surface_t *logo = NULL, *surface = NULL;
	cairo_t *cr = NULL;
	QRcode *qr = NULL;
	double scale;
	size_t len;
	bool grey;
	int rc = -1, logo_missing = 0;

	if (out == NULL)
		return -1;
	buf_reset(out);
	if (text == NULL || !qr_size_ok(size) ||
	    (unsigned int)fmt >= QR_FORMAT__MAX ||
	    (unsigned int)style >= QR_STYLE__MAX)
		goto out;
	len = strlen(text);
	if (len == 0 || len > QR_MAX_TEXT)
		goto out;

	if (logo_png != NULL) {
		logo = load_logo(logo_png);
		if (logo == NULL)
			logo_missing = 1;
	}
	/* Level H only when a logo really hides part of the symbol. */
	qr = QRcode_encodeString(text, 0,
	    logo != NULL ? QR_ECLEVEL_H : QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		goto out;

	sink.out = out;
	sink.err = 0;
	grey = fmt == QR_PNG && logo == NULL;
	switch (fmt) {
	case QR_PNG:
		surface = cairo_image_surface_create(grey ? CAIRO_FORMAT_A8 :
		    CAIRO_FORMAT_RGB24, size, size);
		break;
	case QR_SVG:
		surface = cairo_svg_surface_create_for_stream(sink_write,
		    &sink, size, size);
		cairo_svg_surface_set_document_unit(surface,
		    CAIRO_SVG_UNIT_PX);
		break;
	case QR_PDF:
		surface = cairo_pdf_surface_create_for_stream(sink_write,
		    &sink, size, size);
		break;
	default:
		goto out;
	}
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		goto out;
	cr = cairo_create(surface);

	set_ink(cr, grey, false);
	cairo_paint(cr);
	scale = (double)size / (qr->width + 2 * QUIET_ZONE);
	cairo_scale(cr, scale, scale);
	cairo_translate(cr, QUIET_ZONE, QUIET_ZONE);
	set_ink(cr, grey, true);
	if (style != QR_CLASSIC)
		draw_finders(cr, qr->width);
	draw_modules(cr, qr, style, fmt == QR_PNG);
	if (logo != NULL)
		draw_logo(cr, qr->width, logo);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_destroy(cr);
	cr = NULL;

	if (fmt == QR_PNG) {
		if (cairo_surface_write_to_png_stream(surface, sink_write,
		    &sink) != CAIRO_STATUS_SUCCESS)
			goto out;
	} else
		cairo_surface_finish(surface);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS ||
	    sink.err)
		goto out;
	rc = logo_missing ? 1 : 0;
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (surface != NULL)
		cairo_surface_destroy(surface);
	if (logo != NULL)
		cairo_surface_destroy(logo);
	if (qr != NULL)
		QRcode_free(qr);
	if (rc == -1)
		buf_reset(out);
	return rc;
}
