/*
 * Merchants: the accounts that own API keys, wallets and invoices. Created
 * by the operator (cc-admin); each creation leaves an audit row in the
 * same statement.
 */
#ifndef CC_MERCHANT_H
#define CC_MERCHANT_H

#include "cc.h"

#include "ids.h"

struct db;
struct audit_actor;

enum merchant_err {
	MERCHANT_OK,
	MERCHANT_ENAME,		/* empty, too long, or not clean text */
	MERCHANT_ENOTFOUND,
	MERCHANT_EDB,		/* logged by lib/db.c */
	MERCHANT_ERR__MAX
};

/* One merchant as read; the strings live as long as the callback runs. */
struct merchant {
	const char	*id;
	const char	*name;
	const char	*created_at;	/* RFC 3339 UTC */
};

/* A created merchant. */
struct merchant_new {
	char		 id[IDS_MAX_LEN];
	char		 created_at[32];
};

/* A static message ("no such merchant"); never NULL. */
const char		*merchant_strerror(enum merchant_err);
/* 1..CC_MAX_MERCHANT_NAME bytes of UTF-8 text without control characters. */
bool			 merchant_name_ok(const char *);

/* Creates a merchant (mer_...) and its merchant.created audit row. */
enum merchant_err	 merchant_create(struct db *,
			    const struct audit_actor *, const char *name,
			    struct merchant_new *);
/* MERCHANT_OK if id names a merchant, else MERCHANT_ENOTFOUND. */
enum merchant_err	 merchant_exists(struct db *, const char *id);
/* Calls fn for each merchant, oldest first. */
enum merchant_err	 merchant_list(struct db *,
			    void (*fn)(const struct merchant *, void *),
			    void *arg);

#endif
