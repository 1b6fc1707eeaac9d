/*
 * HS256 JSON Web Tokens (RFC 7515, 7519), the codec the merchant API's
 * short-lived tokens will use (POST /api/v1/auth/token: not routed yet).
 * Pure functions over OpenSSL's HMAC: no database, no clock (the caller
 * passes the time).
 *
 * A token is signed with one key and names it in its header ("kid"), so
 * that a secret can be rotated: during an overlap the verifier is given
 * both keys, the signer only the new one. Only HS256 is accepted; "none"
 * and every other alg are refused before any signature is computed.
 */
#ifndef CC_JWT_H
#define CC_JWT_H

#include "cc.h"

#include <json-c/json.h>

/* Longest token accepted (a header, a few claims, a signature). */
#define JWT_MAX_LEN		2048
#define JWT_MAX_KID		32	/* bytes of a key id */
#define JWT_MIN_SECRET		32	/* bytes: RFC 7518 3.2, at least the hash */
#define JWT_MAX_SECRET		64
/* Clock skew allowed on iat and nbf (never on exp), in seconds. */
#define JWT_LEEWAY		30

struct jwt_key {
	char		 kid[JWT_MAX_KID + 1];
	uint8_t		 secret[JWT_MAX_SECRET];
	size_t		 len;
};

enum jwt_result {
	JWT_OK,
	JWT_TOO_LONG,		/* over JWT_MAX_LEN */
	JWT_MALFORMED,		/* not three base64url parts of JSON objects */
	JWT_BAD_ALG,		/* alg missing or not HS256 (none included) */
	JWT_UNKNOWN_KID,	/* kid missing or not one of the keys */
	JWT_BAD_SIGNATURE,
	JWT_BAD_CLAIMS,		/* exp missing, or exp/nbf/iat not integers */
	JWT_EXPIRED,		/* now >= exp */
	JWT_NOT_YET_VALID,	/* nbf or iat beyond now + JWT_LEEWAY */
};

/*
 * The signing input's MAC: base64url(HMAC-SHA256(key, input)) into sig
 * (44 bytes with its NUL). Returns 0, or -1 if OpenSSL fails.
 */
int	jwt_hs256(const uint8_t *key, size_t keylen, const char *input,
	    size_t len, char sig[44]);

/*
 * A token for claims (a JSON object) signed by key: header
 * {"alg":"HS256","typ":"JWT","kid":...}. Returns a malloc'd string, or
 * NULL if the key is unusable (secret shorter than JWT_MIN_SECRET, empty
 * kid) or the token would exceed JWT_MAX_LEN.
 */
char	*jwt_sign(const struct jwt_key *key, json_object *claims);

/*
 * Checks token against keys[0..nkeys) at time now (seconds since the
 * epoch): the form, alg, kid, signature (constant time), then exp (which
 * must be present), nbf and iat. On JWT_OK *claims is the payload (the
 * caller puts it); otherwise *claims is NULL.
 */
enum jwt_result jwt_verify(const char *token, const struct jwt_key *keys,
	    size_t nkeys, int64_t now, json_object **claims);

/* What a result means, for an error message. */
const char	*jwt_strerror(enum jwt_result);

#endif
