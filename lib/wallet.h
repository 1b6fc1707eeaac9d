/*
 * Wallets: a merchant's extended public key (account level) on a network,
 * from which every invoice's deposit address derives (xpub/0/i). One
 * wallet per merchant and network, and one wallet per key and network
 * (two wallets sharing a key would share addresses).
 *
 * An xpub is not a secret that spends, but it links every payment a
 * merchant receives: it is stored whole and shown only as a fingerprint
 * ("xpub6DCo...nATt"), in listings, audit rows, logs and errors alike.
 */
#ifndef CC_WALLET_H
#define CC_WALLET_H

#include "cc.h"

#include "address.h"
#include "bip32.h"
#include "ids.h"

struct db;
struct audit_actor;
struct cc_network;

/* "xpub6DCo...nATt": the first 8 and last 4 characters, and a NUL. */
#define WALLET_FINGERPRINT_LEN	16

enum wallet_err {
	WALLET_OK,
	WALLET_EKEY,		/* not a usable public key: see why */
	WALLET_EDERIVE,		/* no address derives from the key */
	WALLET_ENOMERCHANT,
	WALLET_EHAS_WALLET,	/* the merchant has one on the network */
	WALLET_EKEY_TAKEN,	/* a wallet on the network has this key */
	WALLET_EDB,		/* logged by lib/db.c, the key masked */
	WALLET_ERR__MAX
};

/* An added wallet. */
struct wallet_new {
	char		 id[IDS_MAX_LEN];
	char		 fingerprint[WALLET_FINGERPRINT_LEN];
	char		 first_address[ADDRESS_MAX_LEN]; /* xpub/0/0 */
};

/* A wallet as listed; the strings live as long as the callback runs. */
struct wallet_row {
	const char	*id;
	const char	*merchant_id;
	const char	*network;
	char		 fingerprint[WALLET_FINGERPRINT_LEN];
	const char	*created_at;	/* RFC 3339 UTC */
};

/*
 * A static message that names neither key nor network ("this key
 * already belongs to a wallet on this network; ..."); never NULL.
 */
const char	*wallet_strerror(enum wallet_err);
/* The fingerprint of a key's text (out >= WALLET_FINGERPRINT_LEN). */
void		 wallet_fingerprint(const char *xpub, char *out,
		    size_t outlen);

/*
 * Adds a wallet for a merchant on a network from an xpub or tpub (stored
 * as its xpub spelling, so that one key cannot be added twice under two
 * names), with its wallet.added audit row, in one transaction. On
 * WALLET_EKEY, *why says what is wrong with the key.
 */
enum wallet_err	 wallet_add(struct db *, const struct audit_actor *,
		    const char *merchant_id, const struct cc_network *,
		    const char *xpub, struct wallet_new *out,
		    enum bip32_err *why);
/* Calls fn for each wallet (of one merchant unless NULL), oldest first. */
enum wallet_err	 wallet_list(struct db *, const char *merchant_id,
		    void (*fn)(const struct wallet_row *, void *), void *arg);

#endif
