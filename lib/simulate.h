/*
 * Test helpers on test keys: POST /api/v1/test/invoices/{id}/simulate
 * drives a test-mode invoice through the same path money takes, so that
 * a merchant can watch their webhook handling work end to end.
 *
 *	payment	 a payment of amount (default: what is still due). On a
 *		 test network whose [network] section names simulate_from
 *		 (an account its node holds unlocked: anvil), a real
 *		 transfer from that account to the invoice's address, which
 *		 cc-scan then records like any payment. Elsewhere, the row
 *		 the scanner would write (status detected, one
 *		 confirmation), marked simulated, with its payment.detected
 *		 event and the invoice recomputed, in one transaction.
 *	confirm	 on such a chain, mines the network's confirmations
 *		 (anvil_mine) for cc-scan to count; elsewhere, advances the
 *		 invoice's simulated payments to the required confirmations
 *		 with the events the scanner writes on the way
 *		 (payment.confirming, payment.confirmed) and recomputes.
 *	expire	 sets expires_at to now and recomputes the invoice as
 *		 cc-expire does (payment_recompute).
 *
 * Only test-mode invoices, and only open ones (created, pending). A
 * simulated payment's tx_hash starts with 32 zero hex digits (never a
 * real hash) and its row has simulated = true; cc-scan leaves such rows
 * alone.
 */
#ifndef CC_SIMULATE_H
#define CC_SIMULATE_H

#include "cc.h"
#include <json-c/json.h>

#include "ids.h"
#include "money.h"

struct db;
struct cc_config;
struct auth;
struct input_error;
struct req_meta;

enum simulate_event {
	SIMULATE_PAYMENT,
	SIMULATE_CONFIRM,
	SIMULATE_EXPIRE,
	SIMULATE__MAX
};

/* "payment", "confirm", "expire"; NULL-ended (a choice list). */
extern const char *const simulate_event_names[SIMULATE__MAX + 1];

/* Longest amount text accepted, bytes (78 digits, a point, a sign). */
#define SIMULATE_MAX_AMOUNT	80
/* "0x" + selector + two words + NUL. */
#define SIMULATE_CALLDATA_LEN	(2 + 8 + 64 + 64 + 1)
/* "0x" + 64 hex digits + NUL. */
#define SIMULATE_HASH_LEN	67
/* What a simulated tx_hash begins with: half a hash of zeros. */
#define SIMULATE_HASH_PREFIX	"0x00000000000000000000000000000000"
/* Timeout of each call to the test network's node, ms. */
#define SIMULATE_RPC_TIMEOUT_MS	5000

struct simulate_input {
	enum simulate_event	 event;
	bool			 has_amount;
	char			 amount[SIMULATE_MAX_AMOUNT + 1];
};

/*
 * Checks a request body ({"event": ..., "amount": ...}; NULL is an empty
 * body): event is required and one of the names; amount (a decimal as a
 * JSON string or number, its exact text) only with payment. 0 with in
 * filled, or -1 with e set (422, field naming the culprit). The amount's
 * value is checked against the asset by simulate_amount.
 */
int	simulate_parse(json_object *body, struct simulate_input *in,
	    struct input_error *e);

/*
 * An amount text in whole units of an asset with decimals to base units:
 * 0, or -1 with e set (422 INVALID_AMOUNT naming amount) for anything
 * but a positive decimal with at most decimals decimals that fits 128
 * bits.
 */
int	simulate_amount(const char *text, int decimals,
	    unsigned __int128 *out, struct input_error *e);

/*
 * The amount a payment simulates when none is given: total less what the
 * invoice has seen (both base units); 0 when nothing is due.
 */
unsigned __int128 simulate_due(unsigned __int128 total,
	    unsigned __int128 seen);

/*
 * The calldata of ERC-20 transfer(to, units): "0xa9059cbb", the address
 * and the amount as 32-byte words, lower-case hex. 0, or -1 when out
 * (at least SIMULATE_CALLDATA_LEN) is too small.
 */
int	simulate_transfer_calldata(const uint8_t to[20],
	    unsigned __int128 units, char *out, size_t outlen);

/*
 * A JSON-RPC QUANTITY of up to 128 bits ("0x0", "0x1a"): 0, or -1 when
 * out (35 bytes suffice) is too small.
 */
int	simulate_quantity(unsigned __int128 v, char *out, size_t outlen);

/* A fresh simulated tx_hash: SIMULATE_HASH_PREFIX + 32 random hex. */
void	simulate_tx_hash(char out[SIMULATE_HASH_LEN]);
/* True if hash is one simulate_tx_hash could have made. */
bool	simulate_is_tx_hash(const char *hash);

enum simulate_result {
	SIMULATE_OK,
	SIMULATE_NOT_FOUND,	/* no such test invoice of this merchant */
	SIMULATE_REFUSED,	/* err holds why (409 or 422) */
	SIMULATE_CHAIN_FAILED,	/* the node failed or refused: err, 502 */
	SIMULATE_DB_UNAVAILABLE,
	SIMULATE_BROKEN,	/* a stored row we cannot use (logged) */
	SIMULATE__RESULT_MAX
};
const char	*simulate_strerror(enum simulate_result);

/* What a simulation did. */
struct simulate_outcome {
	bool		 on_chain;	/* sent to the node: cc-scan records */
	char		 network[32];
	char		 asset[16];
	char		 amount[MONEY_TEXT_MAX];	/* payment: whole units */
	char		 tx_hash[SIMULATE_HASH_LEN];	/* payment */
	char		 payment_id[IDS_MAX_LEN];	/* payment, database */
	int		 blocks_mined;		/* confirm, on chain */
	int		 payments_confirmed;	/* confirm, database */
};

/*
 * Runs a simulation on invoice id for a test-mode caller (a live caller
 * gets SIMULATE_NOT_FOUND: the route does not exist for it), leaving an
 * invoice.simulated audit row naming who asked. Database
 * changes happen in one transaction with their events: its own, or with
 * in_tx the caller's open one (an Idempotency-Key's claim), which the
 * caller then commits or rolls back whatever the result. SIMULATE_OK with
 * out filled; SIMULATE_REFUSED and SIMULATE_CHAIN_FAILED with err set.
 */
enum simulate_result simulate_run(struct db *, const struct cc_config *,
	    const struct auth *, const struct req_meta *, const char *id,
	    const struct simulate_input *, bool in_tx,
	    struct simulate_outcome *out, struct input_error *err);

/*
 * The answer's body: {"object": "simulation", "event", "via" ("chain" or
 * "database"), "network", "asset", and per event amount, tx_hash,
 * payment_id, blocks_mined, payments_confirmed; then "invoice": inv
 * (taken)}. Caller puts it.
 */
json_object	*simulate_json(const struct simulate_input *,
		    const struct simulate_outcome *, const char *invoice_id,
		    json_object *inv);

#endif
