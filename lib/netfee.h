/*
 * A payment's network fee: what its transaction cost the sender, from the
 * node's receipt (gasUsed x effectiveGasPrice), in the base units of the
 * network's native coin (wei). cc-scan reads it after recording the
 * payment; the merchant view shows it as a decimal of that coin.
 */
#ifndef CC_NETFEE_H
#define CC_NETFEE_H

#include <json-c/json.h>

#include "cc.h"

struct cc_network;

enum netfee_result {
	NETFEE_OK,		/* *fee set */
	NETFEE_NONE,		/* the receipt lacks or garbles the fields,
				 * or their product exceeds 128 bits: the
				 * node does not tell */
	NETFEE_NOT_YET,		/* no receipt, or one of another block:
				 * ask again later */
	NETFEE__MAX
};

/*
 * Reads a receipt (eth_getTransactionReceipt's result, NULL for JSON
 * null) of a transaction recorded in block_hash (compared without case).
 */
enum netfee_result netfee_from_receipt(json_object *receipt,
	    const char *block_hash, unsigned __int128 *fee);

/*
 * The coin fees are paid in: the network's native asset when one is
 * configured, else ETH (18 decimals) on an EVM network and TRX (6) on
 * TRON. The symbol is static or the configuration's.
 */
void	netfee_coin(const struct cc_network *, const char **symbol,
	    int *decimals);

/*
 * For a view's payments list whose "network_fee" is base-unit text or
 * null: the fee as a decimal of the coin (null while unknown), and
 * "network_fee_currency", the coin's symbol. net NULL: both null.
 */
void	netfee_annotate(json_object *payments, const struct cc_network *);

#endif
