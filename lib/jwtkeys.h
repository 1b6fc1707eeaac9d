/*
 * The keys file: the server secrets that sign and verify the merchant
 * API's tokens (lib/jwt.c), named by [jwt] keys in cc.conf. One line per
 * secret, '#' lines and blank lines ignored:
 *
 *	KID SECRET CREATED
 *
 * KID is 1 to JWT_MAX_KID letters, digits, '-' or '_' (the token's "kid"
 * header); SECRET is 32 to 64 bytes as hex digits or base64url (a value of
 * hex digits only is read as hex); CREATED is when it was made (seconds
 * since the epoch). The newest secret signs; every listed one verifies,
 * so that tokens signed before a rotation stay valid until they expire.
 *
 * cc-admin writes the file (jwtkeys_rotate, jwtkeys_retire: a new file
 * renamed over the old one, keeping its owner and mode); the FastCGI
 * programs read it through a jwtkeys_cache, which notices a new file
 * within a second. Secrets never reach a log or cc-admin's output.
 */
#ifndef CC_JWTKEYS_H
#define CC_JWTKEYS_H

#include "cc.h"

#include <pthread.h>
#include <sys/stat.h>

#include "jwt.h"

#define JWTKEYS_MAX		8	/* secrets one file holds */
#define JWTKEYS_MAX_FILE	8192	/* bytes */
#define JWTKEYS_NEW_SECRET	32	/* bytes a rotation makes: 256 bits */
#define JWTKEYS_KIDLEN		(JWT_MAX_KID + 1)
/*
 * How long a secret is kept once a newer one signs: a token lives at most
 * CC_MAX_TOKEN_LIFETIME, a program notices a new file within a second,
 * and clocks may differ by JWT_LEEWAY.
 */
#define JWTKEYS_KEEP		(CC_MAX_TOKEN_LIFETIME + 2 * JWT_LEEWAY)

/* A set of secrets, in file order; created[i] goes with keys[i]. */
struct jwtkeys {
	struct jwt_key	 keys[JWTKEYS_MAX];
	int64_t		 created[JWTKEYS_MAX];
	size_t		 n;
};

/*
 * Parses a file's text (NUL-terminated). Returns 0, or -1 with "line N:
 * reason" in err: a malformed line, a bad kid, a secret that is not hex
 * or base64url or not 32 to 64 bytes, a bad time, a kid listed twice,
 * more than JWTKEYS_MAX secrets. No secret at all is not an error here.
 */
int		 jwtkeys_parse(const char *text, struct jwtkeys *,
		    char *err, size_t errlen);
/*
 * Reads and parses path (at most JWTKEYS_MAX_FILE bytes), its stat in st
 * when not NULL. Returns 0, or -1 with the reason in err (naming path);
 * errno is ENOENT when the file does not exist.
 */
int		 jwtkeys_load(const char *path, struct jwtkeys *,
		    struct stat *st, char *err, size_t errlen);
/* The file's text for a set, with a comment on top; caller frees. */
char		*jwtkeys_format(const struct jwtkeys *);
/*
 * The secret that signs: the newest (the later line when two were made
 * in the same second), or NULL when the set is empty.
 */
const struct jwt_key *jwtkeys_signing(const struct jwtkeys *);

/*
 * Drops the secrets no live token can need at now: those a newer secret
 * has replaced for more than JWTKEYS_KEEP seconds. The kids dropped are
 * copied into dropped (JWTKEYS_MAX entries); returns how many.
 */
size_t		 jwtkeys_prune(struct jwtkeys *, int64_t now,
		    char dropped[][JWTKEYS_KIDLEN]);
enum jwtkeys_err {
	JWTKEYS_OK,
	JWTKEYS_EFULL,		/* JWTKEYS_MAX secrets may still be needed */
	JWTKEYS_ENOTFOUND,	/* no secret with this kid */
	JWTKEYS_ESIGNING,	/* it signs: rotate first */
	JWTKEYS_ERR__MAX
};
const char	*jwtkeys_strerror(enum jwtkeys_err);

/* Appends a new random secret created at now; its kid into kid. */
enum jwtkeys_err jwtkeys_add(struct jwtkeys *, int64_t now,
		    char kid[JWTKEYS_KIDLEN]);
/* Removes the secret kid unless it is the signing one. */
enum jwtkeys_err jwtkeys_remove(struct jwtkeys *, const char *kid);

/*
 * Writes the set to path atomically: a temporary file in the same
 * directory, written and fsync'd, given the owner and mode of the file
 * it replaces (0640 for a new one), renamed over path, then the directory
 * fsync'd. Returns 0, or -1 with the reason in err.
 */
int		 jwtkeys_write(const char *path, const struct jwtkeys *,
		    char *err, size_t errlen);

/* What cc-admin jwt rotate did. */
struct jwtkeys_rotation {
	char		 kid[JWTKEYS_KIDLEN];		/* the new one */
	char		 dropped[JWTKEYS_MAX][JWTKEYS_KIDLEN];
	size_t		 ndropped;
};
/*
 * The file operations of cc-admin, each under an exclusive lock on the
 * file's directory, so that two never lose each other's change: rotate
 * prunes (jwtkeys_prune), adds a new secret that signs from now on, and
 * writes the file (creating it when absent); retire removes one secret at
 * once (its tokens die with it). A symbolic link is followed: the file
 * it points to is replaced. Both return 0, or -1 with the reason in err
 * (a jwtkeys_err's message when that was the cause, *why set).
 */
int		 jwtkeys_rotate(const char *path, int64_t now,
		    struct jwtkeys_rotation *, enum jwtkeys_err *why,
		    char *err, size_t errlen);
int		 jwtkeys_retire(const char *path, const char *kid,
		    enum jwtkeys_err *why, char *err, size_t errlen);

/*
 * What a FastCGI program holds: the file's secrets, read again when its
 * inode, size, mtime or ctime change, looked at no more than once a
 * second. Thread-safe. Why the file is unusable (missing, unreadable,
 * malformed, empty) is logged once each time that changes, never per
 * request.
 */
struct jwtkeys_cache {
	pthread_mutex_t	 lock;
	char		 path[256];
	int64_t		 checked_ms;	/* monotonic; -1: never */
	bool		 seen;		/* st holds the last file seen */
	struct stat	 st;
	struct jwtkeys	 keys;		/* empty while unusable */
	char		 err[300];	/* why unusable, "" if usable */
};

void		 jwtkeys_cache_init(struct jwtkeys_cache *, const char *path);
void		 jwtkeys_cache_release(struct jwtkeys_cache *);
/*
 * The current secrets, copied into out: 0 when there is at least one, -1
 * when the file is unusable (out empty). now_ms is a monotonic clock in
 * milliseconds (jwtkeys_cache_get reads CLOCK_MONOTONIC).
 */
int		 jwtkeys_cache_get_at(struct jwtkeys_cache *, int64_t now_ms,
		    struct jwtkeys *out);
int		 jwtkeys_cache_get(struct jwtkeys_cache *, struct jwtkeys *out);

#endif
