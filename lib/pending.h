/*
 * Payments seen before they are mined (0 confirmations): what a pending
 * transaction says it pays. A native transfer says it in "value"; a token
 * transfer only in its call data, as an ERC-20 transfer(address,uint256)
 * call to the token's contract (the Transfer log exists only once it is
 * mined). Other calls that move tokens (transferFrom, a wallet contract,
 * a batch) are found when mined, as before. Pure: no node, no database.
 */
#ifndef CC_PENDING_H
#define CC_PENDING_H

#include "cc.h"

#include <json-c/json.h>

enum pending_call {
	PENDING_TRANSFER,	/* *to and *value filled */
	PENDING_OTHER,		/* not a plain transfer call: no payment */
	PENDING_OVERFLOW,	/* a transfer of more than 128 bits */
	PENDING_MALFORMED	/* no "input" string, or not hex */
};

/*
 * Reads the "input" of a transaction object: exactly the selector of
 * transfer(address,uint256) (a9059cbb: keccak256 of the signature), an
 * address word (12 zero bytes, then the 20 address bytes) and an amount
 * word, in hex with "0x", either case. Anything longer, shorter or with
 * a dirty address word is PENDING_OTHER (the token would refuse it, or
 * it is another function).
 */
enum pending_call	pending_transfer_call(json_object *tx, uint8_t to[20],
			    unsigned __int128 *value);

#endif
