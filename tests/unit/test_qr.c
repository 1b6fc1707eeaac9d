/*
 * Table-driven unit tests of lib/qr.c: format, style and size names, and
 * QR codes of an EIP-681 token URI, a TRON address and a BIP21 URI (the
 * published addresses of cu_pay.h) rendered in every size, format and
 * style, with and without a logo. Every rendered code is checked for its
 * exact size in the file's own header and decoded back with zbarimg(1)
 * (zbar-tools); PDF pages go through gs(1) first, as ImageMagick, which
 * zbarimg reads files with, refuses PDF by policy.
 */
#include "cc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <CUnit/Basic.h>

#include "cu_run.h"
#include "cu_pay.h"

#include "qr.h"
#include "util.h"

#define DECODED_MAX	4096

static char tmpdir[64];

static void
test_names(void)
{
	static const struct {
		const char	*name;
		int		 rc;
		enum qr_format	 fmt;
		const char	*type;
	} f[] = {
		{ "png", 0, QR_PNG, "image/png" },
		{ "svg", 0, QR_SVG, "image/svg+xml" },
		{ "pdf", 0, QR_PDF, "application/pdf" },
		{ "PNG", -1, 0, NULL }, { "Svg", -1, 0, NULL },
		{ "gif", -1, 0, NULL }, { "jpeg", -1, 0, NULL },
		{ "", -1, 0, NULL }, { "png ", -1, 0, NULL },
		{ "pn", -1, 0, NULL }, { NULL, -1, 0, NULL },
	};
	static const struct {
		const char	*name;
		int		 rc;
		enum qr_style	 style;
	} s[] = {
		{ "classic", 0, QR_CLASSIC },
		{ "modern", 0, QR_MODERN },
		{ "rounded", 0, QR_ROUNDED },
		{ "Classic", -1, 0 }, { "ROUNDED", -1, 0 },
		{ "round", -1, 0 }, { "square", -1, 0 }, { "", -1, 0 },
		{ "modern\n", -1, 0 }, { NULL, -1, 0 },
	};
	static const struct {
		int	 size;
		bool	 ok;
	} z[] = {
		{ 128, true }, { 256, true }, { 512, true }, { 1024, true },
		{ 0, false }, { 100, false }, { 127, false }, { 129, false },
		{ 64, false }, { 2048, false }, { -256, false },
		{ INT32_MAX, false }, { INT32_MIN, false },
	};
	enum qr_format fmt;
	enum qr_style style;
	const char *type;
	size_t i;
	int rc;

	for (i = 0; i < CC_ARRAY_SIZE(f); i++) {
		fmt = QR_FORMAT__MAX;
		rc = qr_format_from_name(f[i].name, &fmt);
		EXPECT(rc == f[i].rc && (rc == -1 ? fmt == QR_FORMAT__MAX :
		    fmt == f[i].fmt), "format row %zu (%s): rc %d fmt %d", i,
		    nul(f[i].name), rc, (int)fmt);
		if (rc == 0) {
			type = qr_content_type(fmt);
			EXPECT(type != NULL && strcmp(type, f[i].type) == 0,
			    "format row %zu: type %s", i, nul(type));
		}
	}
	EXPECT(qr_content_type(QR_FORMAT__MAX) == NULL, "__MAX type");
	EXPECT(qr_content_type((enum qr_format)-1) == NULL, "-1 type");
	for (i = 0; i < CC_ARRAY_SIZE(s); i++) {
		style = QR_STYLE__MAX;
		rc = qr_style_from_name(s[i].name, &style);
		EXPECT(rc == s[i].rc && (rc == -1 ? style == QR_STYLE__MAX :
		    style == s[i].style), "style row %zu (%s): rc %d", i,
		    nul(s[i].name), rc);
	}
	for (i = 0; i < CC_ARRAY_SIZE(z); i++)
		EXPECT(qr_size_ok(z[i].size) == z[i].ok, "size row %zu: %d",
		    i, z[i].size);
}

/*
 * Temporary files and external decoders.
 */

static int
write_file(const char *path, const void *data, size_t len)
{
	FILE *fp;
	int rc = 0;

	fp = fopen(path, "wb");
	if (fp == NULL)
		return -1;
	if (fwrite(data, 1, len, fp) != len)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* Runs cmd and returns its standard output, one trailing '\n' removed. */
static int
run_capture(const char *cmd, char *out, size_t outlen)
{
	FILE *fp;
	size_t n;
	int status;

	out[0] = '\0';
	fp = popen(cmd, "r");
	if (fp == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, fp);
	out[n] = '\0';
	status = pclose(fp);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return status == 0 ? 0 : -1;
}

static const char *const exts[QR_FORMAT__MAX] = { "png", "svg", "pdf" };

/*
 * An SVG shown at scale times its size: width and height grow, the
 * viewBox stays, so that a renderer draws it with more pixels.
 */
static int
svg_scaled(const struct buf *img, int scale, struct buf *out)
{
	char from[64], to[64];
	const char *p;
	long size;

	p = strstr(img->data, "<svg");
	if (p == NULL || (p = strstr(p, " width=\"")) == NULL)
		return -1;
	size = strtol(p + 8, NULL, 10);
	cc_snprintf(from, sizeof(from), "width=\"%ldpx\" height=\"%ldpx\"",
	    size, size);
	cc_snprintf(to, sizeof(to), "width=\"%ldpx\" height=\"%ldpx\"",
	    size * scale, size * scale);
	p = strstr(img->data, from);
	if (p == NULL)
		return -1;
	buf_reset(out);
	if (buf_append(out, img->data, (size_t)(p - img->data)) == -1 ||
	    buf_puts(out, to) == -1 || buf_puts(out, p + strlen(from)) == -1)
		return -1;
	return 0;
}

#define BATCH_MAX	4

/*
 * Decodes n images of one format with a single zbarimg(1) run (its start
 * is most of the time); text gets the symbols found, one per line, in
 * file order. PDF pages are rasterised by gs(1) with anti-aliasing at
 * 72 dpi, i.e. one pixel per point: size x size pixels. scale 2 renders
 * SVG and PDF at twice their size, as a HiDPI screen or a printer does.
 */
static int
decode_batch(const struct buf *imgs, size_t n, enum qr_format fmt,
    int scale, char *text, size_t textlen)
{
	char src[BATCH_MAX][128], png[BATCH_MAX][128], cmd[2048];
	struct buf big, args;
	size_t i;
	int rc = -1;

	text[0] = '\0';
	if (n > BATCH_MAX)
		return -1;
	buf_init(&big, 0);
	buf_init(&args, 0);
	for (i = 0; i < n; i++) {
		cc_snprintf(src[i], sizeof(src[i]), "%s/code%zu.%s", tmpdir,
		    i, exts[fmt]);
		cc_snprintf(png[i], sizeof(png[i]), "%s/page%zu.png", tmpdir,
		    i + 1);
	}
	for (i = 0; i < n; i++) {
		const struct buf *img = &imgs[i];

		if (fmt == QR_SVG && scale != 1) {
			if (svg_scaled(img, scale, &big) == -1)
				goto out;
			img = &big;
		}
		if (write_file(src[i], img->data, img->len) == -1)
			goto out;
		buf_printf(&args, " '%s'", src[i]);
	}
	if (fmt == QR_PDF) {
		/* One page per file, numbered on across the files. */
		if (cc_snprintf(cmd, sizeof(cmd), "gs -q -dSAFER -dBATCH "
		    "-dNOPAUSE -sDEVICE=pnggray -dGraphicsAlphaBits=4 -r%d "
		    "-sOutputFile='%s/page%%d.png'%s >/dev/null 2>&1",
		    72 * scale, tmpdir, args.data) == -1 ||
		    system(cmd) != 0)
			goto out;
		buf_reset(&args);
		for (i = 0; i < n; i++)
			buf_printf(&args, " '%s'", png[i]);
	}
	/* zbar complains on stderr when it finds no D-Bus; ignore that. */
	if (cc_snprintf(cmd, sizeof(cmd), "zbarimg -q --raw%s 2>/dev/null",
	    args.data) == -1)
		goto out;
	rc = run_capture(cmd, text, textlen);
out:
	for (i = 0; i < n; i++) {
		unlink(src[i]);
		unlink(png[i]);
	}
	buf_release(&big);
	buf_release(&args);
	return rc;
}

static int
decode(const struct buf *img, enum qr_format fmt, char *text,
    size_t textlen)
{
	return decode_batch(img, 1, fmt, 1, text, textlen);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The size the file declares in its own header: IHDR, svg, MediaBox. */
static bool
size_matches(const struct buf *img, enum qr_format fmt, int size)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	const unsigned char *p = (const unsigned char *)img->data;
	char want[3][64];

	switch (fmt) {
	case QR_PNG:
		return img->len > 24 && memcmp(p, sig, sizeof(sig)) == 0 &&
		    be32(p + 8) == 13 && memcmp(p + 12, "IHDR", 4) == 0 &&
		    be32(p + 16) == (uint32_t)size &&
		    be32(p + 20) == (uint32_t)size;
	case QR_SVG:
		snprintf(want[0], sizeof(want[0]), "width=\"%dpx\"", size);
		snprintf(want[1], sizeof(want[1]), "height=\"%dpx\"", size);
		snprintf(want[2], sizeof(want[2]), "viewBox=\"0 0 %d %d\"",
		    size, size);
		return strncmp(img->data, "<?xml", 5) == 0 &&
		    strstr(img->data, "<svg") != NULL &&
		    strstr(img->data, want[0]) != NULL &&
		    strstr(img->data, want[1]) != NULL &&
		    strstr(img->data, want[2]) != NULL;
	case QR_PDF:
		snprintf(want[0], sizeof(want[0]), "/MediaBox [ 0 0 %d %d ]",
		    size, size);
		return img->len > 5 && memcmp(img->data, "%PDF-", 5) == 0 &&
		    memmem(img->data, img->len, want[0], strlen(want[0])) !=
		    NULL;
	default:
		return false;
	}
}

/*
 * Payloads of every kind. The token URI is the longest: version 7 at
 * level M, 11 at H.
 */
static const char *const texts[] = {
	"ethereum:" USDT_ETH "@1/transfer?address=" EIP681_TOKEN_TO
	    "&uint256=16490000",
	USDT_TRON,
	"bitcoin:" BECH32_ADDR "?amount=0.00012345",
};
static const int sizes[] = { 128, 256, 512, 1024 };

#define LOGO_BLUE	0x0033cc

/*
 * A 48 x 32 logo (not square, to exercise the aspect ratio): a blue disc
 * on orange. Returns 0 and writes it to path.
 */
static int
make_logo(const char *path)
{
	cairo_surface_t *s;
	cairo_t *cr;
	int rc;

	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 48, 32);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1.0, 0.5, 0.0);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.0, 0.2, 0.8);	/* LOGO_BLUE */
	cairo_arc(cr, 24, 16, 10, 0, 6.283185307179586);
	cairo_fill(cr);
	cairo_destroy(cr);
	rc = cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS ?
	    0 : -1;
	cairo_surface_destroy(s);
	return rc;
}

struct png_reader {
	const struct buf	*img;
	size_t			 off;
};

static cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_reader *r = closure;

	if (len > r->img->len - r->off)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->img->data + r->off, len);
	r->off += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The 0xRRGGBB of pixel (x, y) of a PNG in memory, or -1. */
static long
png_pixel(const struct buf *img, int x, int y)
{
	struct png_reader r = { img, 0 };
	cairo_surface_t *s;
	cairo_format_t fmt;
	const unsigned char *row;
	uint32_t v;
	long px = -1;

	s = cairo_image_surface_create_from_png_stream(png_read, &r);
	fmt = cairo_image_surface_get_format(s);
	/* cairo loads grey PNGs as RGB24, one uint32_t per pixel. */
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
	    (fmt == CAIRO_FORMAT_RGB24 || fmt == CAIRO_FORMAT_ARGB32) &&
	    x < cairo_image_surface_get_width(s) &&
	    y < cairo_image_surface_get_height(s)) {
		cairo_surface_flush(s);
		row = cairo_image_surface_get_data(s) +
		    y * cairo_image_surface_get_stride(s);
		memcpy(&v, row + x * 4, sizeof(v));
		px = (long)(v & 0xffffff);
	}
	cairo_surface_destroy(s);
	return px;
}

/* The texts, one per line, as zbarimg prints them. */
static const char *
all_texts(void)
{
	static char joined[1024];
	size_t i;

	if (joined[0] == '\0')
		for (i = 0; i < CC_ARRAY_SIZE(texts); i++) {
			if (i > 0)
				cc_strlcpy(joined + strlen(joined), "\n",
				    sizeof(joined) - strlen(joined));
			cc_strlcpy(joined + strlen(joined), texts[i],
			    sizeof(joined) - strlen(joined));
		}
	return joined;
}

/*
 * Every size x format x style, each text rendered and decoded; logo is
 * NULL or the path of a logo to put in the centre.
 */
static void
render_matrix(const char *logo)
{
	char got[DECODED_MAX];
	struct buf img[CC_ARRAY_SIZE(texts)];
	size_t i, si, ti;
	int f, s, rc, scale;
	long px;
	bool ok;

	for (ti = 0; ti < CC_ARRAY_SIZE(texts); ti++)
		buf_init(&img[ti], 0);
	for (i = 0; i < CC_ARRAY_SIZE(sizes) * QR_FORMAT__MAX *
	    QR_STYLE__MAX; i++) {
		s = (int)(i % QR_STYLE__MAX);
		f = (int)(i / QR_STYLE__MAX % QR_FORMAT__MAX);
		si = i / QR_STYLE__MAX / QR_FORMAT__MAX;
		ok = true;
		for (ti = 0; ti < CC_ARRAY_SIZE(texts); ti++) {
			rc = qr_render(texts[ti], sizes[si],
			    (enum qr_format)f, (enum qr_style)s, logo,
			    &img[ti]);
			EXPECT(rc == 0 && img[ti].len > 0, "logo %s size %d "
			    "fmt %d style %d text %zu: rc %d", nul(logo),
			    sizes[si], f, s, ti, rc);
			if (rc != 0) {
				ok = false;
				continue;
			}
			EXPECT(size_matches(&img[ti], (enum qr_format)f,
			    sizes[si]), "logo %s size %d fmt %d style %d: "
			    "wrong size in header", nul(logo), sizes[si], f,
			    s);
			if (logo == NULL || f != QR_PNG)
				continue;
			px = png_pixel(&img[ti], sizes[si] / 2,
			    sizes[si] / 2);
			EXPECT(px == LOGO_BLUE, "size %d style %d text %zu: "
			    "centre pixel %06lx, not the logo's",
			    sizes[si], s, ti, px);
		}
		if (!ok)
			continue;
		/*
		 * With a logo, level H makes the token URI version 11: at
		 * 128 px a module is 1.86 px, which ImageMagick's SVG
		 * renderer and gs blur beyond zbar at one pixel per unit
		 * (the PNG, drawn without anti-aliasing, still decodes).
		 */
		scale = logo != NULL && sizes[si] == 128 && f != QR_PNG ?
		    2 : 1;
		rc = decode_batch(img, CC_ARRAY_SIZE(texts),
		    (enum qr_format)f, scale, got, sizeof(got));
		EXPECT(rc == 0 && strcmp(got, all_texts()) == 0,
		    "logo %s size %d fmt %d style %d scale %d: decoded rc "
		    "%d \"%s\"", nul(logo), sizes[si], f, s, scale, rc, got);
	}
	for (ti = 0; ti < CC_ARRAY_SIZE(texts); ti++)
		buf_release(&img[ti]);
}

static void
test_render_matrix(void)
{
	render_matrix(NULL);
}

/*
 * With a logo every code must still decode, and a PNG must show the
 * logo's blue in the centre. A logo that cannot be loaded gives rc 1 and
 * a plain code: the same bytes as no logo at all.
 */
static void
test_render_logo(void)
{
	char logo[128], notpng[128], got[DECODED_MAX];
	const char *bad[3];
	struct buf img, plain;
	size_t bi;
	int f, rc;

	cc_snprintf(logo, sizeof(logo), "%s/logo.png", tmpdir);
	cc_snprintf(notpng, sizeof(notpng), "%s/notpng.png", tmpdir);
	CU_ASSERT_FATAL(make_logo(logo) == 0);
	CU_ASSERT_FATAL(write_file(notpng, "GIF89a", 6) == 0);
	bad[0] = "/nonexistent/logo.png";
	bad[1] = notpng;
	bad[2] = "";

	render_matrix(logo);

	buf_init(&img, 0);
	buf_init(&plain, 0);
	for (f = 0; f < QR_FORMAT__MAX; f++)
		for (bi = 0; bi < CC_ARRAY_SIZE(bad); bi++) {
			rc = qr_render(texts[0], 256, (enum qr_format)f,
			    QR_MODERN, bad[bi], &img);
			EXPECT(rc == 1 && size_matches(&img,
			    (enum qr_format)f, 256), "bad logo %zu fmt %d: "
			    "rc %d", bi, f, rc);
			rc = decode(&img, (enum qr_format)f, got,
			    sizeof(got));
			EXPECT(rc == 0 && strcmp(got, texts[0]) == 0,
			    "bad logo %zu fmt %d: decoded \"%s\"", bi, f,
			    got);
		}
	rc = qr_render(texts[0], 256, QR_PNG, QR_ROUNDED, notpng, &img);
	CU_ASSERT(rc == 1);
	rc = qr_render(texts[0], 256, QR_PNG, QR_ROUNDED, NULL, &plain);
	CU_ASSERT(rc == 0);
	EXPECT(img.len == plain.len &&
	    memcmp(img.data, plain.data, img.len) == 0,
	    "a bad logo changed the code");
	unlink(logo);
	unlink(notpng);
	buf_release(&img);
	buf_release(&plain);
}

/* Classic PNG codes are pure black and white, modules pixel-aligned. */
static void
test_render_pixels(void)
{
	struct buf img;
	size_t si;
	int x, y, rc;
	long px;
	bool pure = true;

	buf_init(&img, 0);
	for (si = 0; si < CC_ARRAY_SIZE(sizes); si++) {
		rc = qr_render(texts[0], sizes[si], QR_PNG, QR_CLASSIC, NULL,
		    &img);
		CU_ASSERT(rc == 0);
		/* Corners are quiet zone: white. */
		EXPECT(png_pixel(&img, 0, 0) == 0xffffff &&
		    png_pixel(&img, sizes[si] - 1, sizes[si] - 1) ==
		    0xffffff, "size %d: corners not white", sizes[si]);
		/* Sample a diagonal (each call decodes the whole PNG). */
		for (x = 0, y = 0; x < sizes[si] && pure; x += 7, y += 7) {
			px = png_pixel(&img, x, y);
			if (px != 0 && px != 0xffffff)
				pure = false;
		}
		EXPECT(pure, "size %d: grey pixel on the diagonal",
		    sizes[si]);
	}
	buf_release(&img);
}

static void
test_render_errors(void)
{
	char longtext[QR_MAX_TEXT + 2];
	struct buf img, small;
	int rc;

	memset(longtext, 'a', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	buf_init(&img, 0);
	buf_puts(&img, "previous contents");

	rc = qr_render(NULL, 256, QR_PNG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "NULL text: rc %d len %zu", rc,
	    img.len);
	rc = qr_render("", 256, QR_PNG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "empty text: rc %d", rc);
	rc = qr_render(longtext, 256, QR_PNG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "text too long: rc %d", rc);
	/* QR_MAX_TEXT itself fits (version 40 holds 1273 bytes at H). */
	longtext[QR_MAX_TEXT] = '\0';
	rc = qr_render(longtext, 1024, QR_PNG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == 0 && img.len > 0, "QR_MAX_TEXT: rc %d", rc);
	rc = qr_render(texts[0], 100, QR_PNG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "size 100: rc %d", rc);
	rc = qr_render(texts[0], 2048, QR_SVG, QR_CLASSIC, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "size 2048: rc %d", rc);
	rc = qr_render(texts[0], 256, QR_FORMAT__MAX, QR_CLASSIC, NULL,
	    &img);
	EXPECT(rc == -1 && img.len == 0, "bad format: rc %d", rc);
	rc = qr_render(texts[0], 256, QR_PNG, QR_STYLE__MAX, NULL, &img);
	EXPECT(rc == -1 && img.len == 0, "bad style: rc %d", rc);
	rc = qr_render(texts[0], 256, QR_PNG, QR_CLASSIC, NULL, NULL);
	EXPECT(rc == -1, "NULL out: rc %d", rc);
	buf_release(&img);

	/* The caller's cap applies to every format. */
	buf_init(&small, 200);
	for (rc = 0; rc < QR_FORMAT__MAX; rc++) {
		int r = qr_render(texts[0], 256, (enum qr_format)rc,
		    QR_CLASSIC, NULL, &small);

		EXPECT(r == -1 && small.len == 0, "cap 200 fmt %d: rc %d "
		    "len %zu", rc, r, small.len);
	}
	buf_release(&small);
}

/* Concurrent renders give the same bytes as serial ones. */
#define THREADS		4

struct job {
	enum qr_style	 style;
	struct buf	 img;
	int		 rc;
};

static void *
render_job(void *arg)
{
	struct job *j = arg;
	int i;

	for (i = 0; i < 5; i++)
		j->rc |= qr_render(texts[0], 512, QR_PNG, j->style, NULL,
		    &j->img);
	return NULL;
}

static void
test_render_threads(void)
{
	struct job jobs[THREADS];
	pthread_t tid[THREADS];
	struct buf want;
	int i, rc;

	for (i = 0; i < THREADS; i++) {
		jobs[i].style = (enum qr_style)(i % QR_STYLE__MAX);
		jobs[i].rc = 0;
		buf_init(&jobs[i].img, 0);
		CU_ASSERT_FATAL(pthread_create(&tid[i], NULL, render_job,
		    &jobs[i]) == 0);
	}
	for (i = 0; i < THREADS; i++)
		CU_ASSERT(pthread_join(tid[i], NULL) == 0);
	buf_init(&want, 0);
	for (i = 0; i < THREADS; i++) {
		rc = qr_render(texts[0], 512, QR_PNG, jobs[i].style, NULL,
		    &want);
		EXPECT(rc == 0 && jobs[i].rc == 0 &&
		    jobs[i].img.len == want.len &&
		    memcmp(jobs[i].img.data, want.data, want.len) == 0,
		    "thread %d: rc %d, differs from a serial render", i,
		    jobs[i].rc);
		buf_release(&jobs[i].img);
	}
	buf_release(&want);
}

/* Informational: the time per 256 px PNG of the token URI, per style. */
static void
test_render_timing(void)
{
	static const char *const names[QR_STYLE__MAX] = {
		"classic", "modern", "rounded"
	};
	struct timespec t0, t1;
	struct buf img;
	double ms;
	int s, i, n, rc;

	n = getenv("TEST_QR_TIMING_N") != NULL ? 200 : 20;
	buf_init(&img, 0);
	for (s = 0; s < QR_STYLE__MAX; s++) {
		rc = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++)
			rc |= qr_render(texts[0], 256, QR_PNG,
			    (enum qr_style)s, NULL, &img);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CU_ASSERT(rc == 0);
		ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / n;
		fprintf(stderr, "\n    256 px PNG, %s: %.3f ms per code, "
		    "%zu bytes", names[s], ms, img.len);
	}
	fprintf(stderr, "\n");
	buf_release(&img);
}

static int
suite_init(void)
{
	/* Missing decoders are a failure, not a skip. */
	if (system("command -v zbarimg >/dev/null && "
	    "command -v gs >/dev/null") != 0) {
		fprintf(stderr, "test_qr needs zbarimg (zbar-tools) and gs "
		    "(ghostscript)\n");
		return -1;
	}
	cc_strlcpy(tmpdir, "/tmp/test_qr.XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "names", test_names },
		{ "render_matrix", test_render_matrix },
		{ "render_logo", test_render_logo },
		{ "render_pixels", test_render_pixels },
		{ "render_errors", test_render_errors },
		{ "render_threads", test_render_threads },
		{ "render_timing", test_render_timing },
	};

	return cu_run("qr", suite_init, suite_clean, tests,
	    CC_ARRAY_SIZE(tests));
}
