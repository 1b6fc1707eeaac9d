/* HS256 JSON Web Tokens: sign and verify. */
#include "cc.h"

#include <ctype.h>

#include <openssl/evp.h>

#include "jsonx.h"
#include "jwt.h"
#include "util.h"

#define MAC_LEN		32
/* base64url of a 32-byte MAC: 43 characters. */
#define SIG_B64_LEN	43

int
jwt_hs256(const uint8_t *key, size_t keylen, const char *input, size_t len,
    char sig[SIG_B64_LEN + 1])
{
	uint8_t mac[MAC_LEN];
	size_t maclen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen,
	    (const unsigned char *)input, len, mac, sizeof(mac),
	    &maclen) == NULL || maclen != MAC_LEN)
		return -1;
	b64url_encode(mac, sizeof(mac), sig);
	return 0;
}

/* base64url(text) appended to b: 0, or -1 past b's limit. */
static int
append_b64(struct buf *b, const char *text)
{
	size_t len = strlen(text);
	char *enc = xmalloc(4 * ((len + 2) / 3) + 1);
	int rc;

	b64url_encode((const uint8_t *)text, len, enc);
	rc = buf_append(b, enc, strlen(enc));
	free(enc);
	return rc;
}

char *
jwt_sign(const struct jwt_key *key, json_object *claims)
{
	json_object *header;
	struct buf b;
	char sig[SIG_B64_LEN + 1];
	int rc;

	if (key->len < JWT_MIN_SECRET || key->len > JWT_MAX_SECRET ||
	    key->kid[0] == '\0' || claims == NULL ||
	    !json_object_is_type(claims, json_type_object))
		return NULL;
	header = json_object_new_object();
	jsonx_add_str(header, "alg", "HS256");
	jsonx_add_str(header, "typ", "JWT");
	jsonx_add_str(header, "kid", key->kid);
	buf_init(&b, JWT_MAX_LEN);
	rc = append_b64(&b, jsonx_text(header));
	json_object_put(header);
	/* The signing input, with room left for "." and the signature. */
	if (rc == -1 || buf_append(&b, ".", 1) == -1 ||
	    append_b64(&b, jsonx_text(claims)) == -1 ||
	    b.len > JWT_MAX_LEN - 1 - SIG_B64_LEN ||
	    jwt_hs256(key->secret, key->len, b.data, b.len, sig) == -1) {
		buf_release(&b);
		return NULL;
	}
	buf_append(&b, ".", 1);
	buf_append(&b, sig, SIG_B64_LEN);
	return buf_take(&b);
}

/*
 * One base64url part (s..s+len) decoded and parsed as a JSON object, or
 * NULL.
 */
static json_object *
part_object(const char *s, size_t len)
{
	char enc[JWT_MAX_LEN + 1];
	uint8_t dec[JWT_MAX_LEN];
	json_object *o;
	char err[64];
	int n;

	if (len == 0 || len > JWT_MAX_LEN)
		return NULL;
	memcpy(enc, s, len);
	enc[len] = '\0';
	n = b64url_decode(enc, dec, sizeof(dec));
	if (n <= 0)
		return NULL;
	o = jsonx_parse((const char *)dec, (size_t)n, err, sizeof(err));
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* An integer claim: 1 present, 0 absent, -1 present but not an integer. */
static int
int_claim(json_object *claims, const char *name, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(claims, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 1;
}

enum jwt_result
jwt_verify(const char *token, const struct jwt_key *keys, size_t nkeys,
    int64_t now, json_object **claims)
{
	const char *dot1, *dot2, *s;
	json_object *header = NULL, *payload = NULL, *v;
	const struct jwt_key *key = NULL;
	char sig[SIG_B64_LEN + 1];
	enum jwt_result rc;
	int64_t exp, t;
	size_t len, i;

	*claims = NULL;
	if (token == NULL)
		return JWT_MALFORMED;
	len = strnlen(token, JWT_MAX_LEN + 1);
	if (len > JWT_MAX_LEN)
		return JWT_TOO_LONG;
	dot1 = memchr(token, '.', len);
	dot2 = dot1 == NULL ? NULL :
	    memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	if (dot2 == NULL || memchr(dot2 + 1, '.',
	    len - (size_t)(dot2 + 1 - token)) != NULL)
		return JWT_MALFORMED;
	for (s = token; s < token + len; s++)
		if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_' ||
		    *s == '.'))
			return JWT_MALFORMED;
	header = part_object(token, (size_t)(dot1 - token));
	payload = part_object(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (header == NULL || payload == NULL) {
		rc = JWT_MALFORMED;
		goto out;
	}
	/* The algorithm is ours to choose, never the token's. */
	if (!json_object_object_get_ex(header, "alg", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "HS256") != 0) {
		rc = JWT_BAD_ALG;
		goto out;
	}
	if (json_object_object_get_ex(header, "kid", &v) &&
	    json_object_is_type(v, json_type_string))
		for (i = 0; i < nkeys; i++)
			if (keys[i].kid[0] != '\0' &&
			    strcmp(keys[i].kid, json_object_get_string(v)) == 0)
				key = &keys[i];
	if (key == NULL) {
		rc = JWT_UNKNOWN_KID;
		goto out;
	}
	if (strlen(dot2 + 1) != SIG_B64_LEN ||
	    jwt_hs256(key->secret, key->len, token, (size_t)(dot2 - token),
	    sig) == -1 || !ct_equal(sig, dot2 + 1, SIG_B64_LEN)) {
		rc = JWT_BAD_SIGNATURE;
		goto out;
	}
	if (int_claim(payload, "exp", &exp) != 1 ||
	    int_claim(payload, "nbf", &t) == -1 ||
	    int_claim(payload, "iat", &t) == -1) {
		rc = JWT_BAD_CLAIMS;
		goto out;
	}
	if (now >= exp) {
		rc = JWT_EXPIRED;
		goto out;
	}
	if ((int_claim(payload, "nbf", &t) == 1 && t > now + JWT_LEEWAY) ||
	    (int_claim(payload, "iat", &t) == 1 && t > now + JWT_LEEWAY)) {
		rc = JWT_NOT_YET_VALID;
		goto out;
	}
	*claims = payload;
	payload = NULL;
	rc = JWT_OK;
out:
	json_object_put(header);
	json_object_put(payload);
	return rc;
}

const char *
jwt_strerror(enum jwt_result r)
{
	switch (r) {
	case JWT_OK: return "valid";
	case JWT_TOO_LONG: return "the token is too long";
	case JWT_MALFORMED: return "the token is not a well-formed JWT";
	case JWT_BAD_ALG: return "only HS256 tokens are accepted";
	case JWT_UNKNOWN_KID: return "the token's signing key is unknown";
	case JWT_BAD_SIGNATURE: return "the token's signature is invalid";
	case JWT_BAD_CLAIMS: return "the token's exp, nbf or iat is missing "
	    "or not an integer";
	case JWT_EXPIRED: return "the token has expired";
	case JWT_NOT_YET_VALID: return "the token is not valid yet";
	}
	return "unknown";
}
