/*
 * Webhook signatures. Each delivery carries a timestamp and
 * "sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>", so a receiver
 * can check both who sent it and that it is not a replay.
 */
#ifndef CC_WHSIG_H
#define CC_WHSIG_H

#include "cc.h"

#define WHSIG_PREFIX		"sha256="
/* "sha256=" + 64 hex digits + NUL. */
#define WHSIG_SIG_SIZE		72
/* "whsec_" + 52 base32 characters (32 bytes) + NUL. */
#define WHSIG_SECRET_SIZE	59

/*
 * Writes "sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>" into
 * out (>= WHSIG_SIG_SIZE bytes). body may be NULL when len is 0. Aborts on
 * a short out or if OpenSSL fails, as allocation failure does: a webhook
 * must never leave unsigned.
 */
void	whsig_sign(const char *secret, int64_t timestamp, const char *body,
	    size_t len, char *out, size_t outlen);
/*
 * Checks a signature header against secret, timestamp and body in constant
 * time, then timestamp against now: |now - timestamp| must not exceed
 * tolerance seconds (a negative tolerance counts as 0). The header must be
 * exactly "sha256=" and 64 hex digits. Returns 0 if good, -1 if the
 * signature is bad or malformed, -2 if it is good but too old or too new.
 */
int	whsig_verify(const char *secret, const char *header, int64_t timestamp,
	    int64_t now, int64_t tolerance, const char *body, size_t len);
/*
 * A new signing secret: "whsec_" + 32 random bytes in base32, into out
 * (>= WHSIG_SECRET_SIZE bytes; aborts if shorter). The caller must keep it
 * out of logs.
 */
void	whsig_new_secret(char *out, size_t outlen);

#endif
