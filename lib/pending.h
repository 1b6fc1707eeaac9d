/*
 * Payments seen before they are mined (0 confirmations): what a pending
 * transaction says it pays. A native transfer says it in "value"; a token
 * transfer only in its call data, as an ERC-20 transfer(address,uint256)
 * or transferFrom(address,address,uint256) call to the token's contract
 * (the Transfer log exists only once it is mined). Calls that move tokens
 * through another contract (a wallet contract, a batch) are found when
 * mined, as before. Pure: no node, no database.
 */
#ifndef CC_PENDING_H
#define CC_PENDING_H

#include "cc.h"

#include <json-c/json.h>

enum pending_call {
	PENDING_TRANSFER,	/* *out filled */
	PENDING_OTHER,		/* not a plain transfer call: no payment */
	PENDING_OVERFLOW,	/* a transfer of more than 128 bits */
	PENDING_MALFORMED	/* no "input" string, or not hex */
};

struct pending_transfer {
	uint8_t			 to[20];
	uint8_t			 from[20];	/* transferFrom's owner */
	bool			 has_from;	/* else the sender pays */
	unsigned __int128	 value;
};

/*
 * Reads the "input" of a transaction object: exactly the selector of
 * transfer(address,uint256) (a9059cbb) followed by an address word (12
 * zero bytes, then the 20 address bytes) and an amount word, or that of
 * transferFrom(address,address,uint256) (23b872dd: keccak256 of the
 * signatures) followed by two address words (the owner whose tokens move,
 * then the recipient) and an amount word; hex with "0x", either case.
 * Anything longer, shorter or with a dirty address word is PENDING_OTHER
 * (the token would refuse it, or it is another function). *out is
 * written only for PENDING_TRANSFER.
 */
enum pending_call	pending_transfer_call(json_object *tx,
			    struct pending_transfer *out);

#endif
