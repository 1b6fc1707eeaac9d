/*
 * The API's OpenAPI document (docs/openapi.json, installed as
 * $(pkgdatadir)/openapi.json), which cc-merchant serves at
 * GET /api/v1/openapi.json: read once, checked to be one JSON object, and
 * given a strong ETag over its bytes, so that the answer is the installed
 * file byte for byte.
 */
#ifndef CC_APIDOC_H
#define CC_APIDOC_H

#include "cc.h"
#include "http.h"

/* Nesting the check allows: the document is deeper than any request. */
#define APIDOC_MAX_DEPTH	64

struct apidoc {
	char	*text;			/* the file, NUL-terminated; owned */
	size_t	 len;
	char	 etag[HTTP_ETAG_SIZE];	/* "\"<hex of SHA-256[:16]>\"" */
};

/* Where the installed document lives: CC_DATADIR "/openapi.json". */
const char	*apidoc_path(void);

/*
 * Reads the document at path into doc (release it with apidoc_release).
 * Returns 0, or -1 with doc emptied and err saying why: the file cannot
 * be read, is empty or larger than CC_MAX_APIDOC bytes, or is not one
 * JSON object.
 */
int		 apidoc_load(struct apidoc *doc, const char *path, char *err,
		    size_t errlen);
void		 apidoc_release(struct apidoc *);

#endif
