/*
 * The merchant API's tokens: POST /api/v1/auth/token trades an API key
 * for a short-lived JWT (HS256, lib/jwt.c) that is accepted wherever the
 * key is, with the scopes asked for. The secrets are the keys file's
 * (lib/jwtkeys.c); this module holds the rules between the two: the
 * request, the claims, issuing, and authenticating a request that
 * presents a token.
 *
 * A token's claims: iss "crypto-checkout", sub the API key's id, mer its
 * merchant, mode live|test, scope the granted scopes (space-separated
 * names, never "*"), iat and nbf the time of issue, exp, jti (tok_...).
 * A token never gets more than its key: its scopes are a subset of the
 * key's when it is issued, and on every request it is checked against
 * the key as it is then: a revoked key kills its tokens at once, and a
 * narrowed key narrows them.
 */
#ifndef CC_TOKEN_H
#define CC_TOKEN_H

#include "cc.h"

#include <json-c/json.h>

#include "apikey.h"
#include "ids.h"

struct db;
struct input_error;
struct jwt_key;
struct jwtkeys;
struct req_meta;

#define TOKEN_ISSUER	"crypto-checkout"

/* What a POST /api/v1/auth/token body asks for. */
struct token_request {
	const char	*api_key;	/* points into the body */
	unsigned	 scopes;	/* 0: all the key's */
	int64_t		 lifetime;	/* expires_in, seconds */
};

/*
 * Checks a body: grant_type "api_key" (else 422 UNSUPPORTED_GRANT_TYPE),
 * api_key, scope (an array of distinct scope names, "*" refused: 422
 * INVALID_VALUE), expires_in (CC_MIN_TOKEN_LIFETIME..
 * CC_MAX_TOKEN_LIFETIME, default CC_DEFAULT_TOKEN_LIFETIME), nothing
 * else (422 UNKNOWN_FIELD). 0 with req filled, or -1 with e set.
 */
int		 token_parse_request(json_object *body,
		    struct token_request *, struct input_error *e);

/* What a verified token says. */
struct token_claims {
	char		 key_id[IDS_MAX_LEN];
	char		 merchant_id[IDS_MAX_LEN];
	bool		 test;
	unsigned	 scopes;
	int64_t		 iat, exp;
	char		 jti[IDS_MAX_LEN];
};

/* The claims of a new token for key (caller puts them). */
json_object	*token_claims_new(const struct auth *key, unsigned scopes,
		    int64_t now, int64_t lifetime, const char *jti);
/*
 * Reads the claims of a token whose signature and times jwt_verify
 * accepted: every claim above present and well-formed, and a lifetime
 * (exp - iat) of at most CC_MAX_TOKEN_LIFETIME. 0, or -1 with a static
 * message in why.
 */
int		 token_claims_read(json_object *claims, struct token_claims *,
		    const char **why);

/* A token issued; token_issued_release frees it. */
struct token_issued {
	char		*access_token;
	unsigned	 scopes;
	int64_t		 expires_in;
};
void		 token_issued_release(struct token_issued *);
/* The answer: access_token, token_type, expires_in, scope (put it). */
json_object	*token_response(const struct token_issued *);

enum token_rc {
	TOKEN_OK,
	TOKEN_INVALID_KEY,	/* the api_key is unknown or revoked */
	TOKEN_FORBIDDEN,	/* a scope the key lacks: e says which */
	TOKEN_ERROR,		/* database or signing failure, logged */
};

/*
 * Issues a token for req, signed by signing at now: authenticates the
 * key, checks the scopes against it, signs, and writes the audit row
 * (actor the key masked; details key_id, jti, scope, exp; never the
 * token).
 */
enum token_rc	 token_issue(struct db *, const struct jwt_key *signing,
		    const struct req_meta *, const struct token_request *,
		    int64_t now, struct token_issued *out,
		    struct input_error *e);

/* Whether a Bearer value is a JWT ("eyJ..." or dotted), not an API key. */
bool		 token_is_jwt(const char *);

enum token_auth {
	TOKEN_AUTH_OK,
	TOKEN_AUTH_INVALID,	/* why says what is wrong */
	TOKEN_AUTH_EXPIRED,
	TOKEN_AUTH_NOT_YET_VALID,
	TOKEN_AUTH_REVOKED,	/* its API key is revoked */
	TOKEN_AUTH_ERROR,	/* database error, logged */
};

/*
 * Authenticates a request's token against keys at now: the JWT (form,
 * alg, kid, signature, times), its claims, then its API key in the
 * database (not revoked, same merchant and mode). On TOKEN_AUTH_OK, a is
 * the key's caller with actor "jwt:<masked key>" and the scopes both the
 * token and the key have now; otherwise why is a static message.
 */
enum token_auth	 token_authenticate(struct db *, const struct jwtkeys *,
		    const char *token, int64_t now, struct auth *a,
		    const char **why);

#endif
