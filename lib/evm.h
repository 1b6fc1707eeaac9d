/*
 * Decoding of Ethereum JSON-RPC values (EVM chains, and TRON through its
 * Ethereum-compatible API): QUANTITY and DATA strings, 32-byte words and
 * topics, and the few objects the chain scanner reads (ERC-20 Transfer
 * logs, transactions, block headers). Pure functions: no I/O, no state.
 *
 * Every text is checked against the exact JSON-RPC encoding: "0x" (lower
 * case x) then hex digits of either case. Hashes copied out are lower-cased
 * so that they compare equal however the node spelled them.
 */
#ifndef CC_EVM_H
#define CC_EVM_H

#include "cc.h"
#include <json-c/json.h>

/* keccak256("Transfer(address,address,uint256)"): topics[0] of ERC-20
 * and ERC-721 transfers. */
#define EVM_TRANSFER_TOPIC \
	"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

#define EVM_ADDRESS_LEN		20
#define EVM_HASH_STRLEN		67	/* "0x" + 64 hex + NUL */
#define EVM_QUANTITY_STRLEN	19	/* "0x" + 16 hex + NUL */

/*
 * A QUANTITY ("0x1a"): "0x" then 1..16 hex digits without leading zeros,
 * except "0x0" itself. Returns 0 and sets *out, or -1 (and *out is left
 * untouched) for anything else: NULL, "0x", "0x01", "1a", "0X1a", 2^64.
 */
int	evm_quantity_u64(const char *hex, uint64_t *out);
/* The same up to 128 bits (32 hex digits), for wei values. */
int	evm_quantity_u128(const char *hex, unsigned __int128 *out);
/*
 * DATA of exactly 32 bytes ("0x" + 64 hex) read as a big-endian uint256.
 * -1 if the syntax is wrong or the value needs more than 128 bits.
 */
int	evm_word_u128(const char *hex, unsigned __int128 *out);
/*
 * A 32-byte topic holding an address: its first 12 bytes must be zero and
 * the last 20 are copied to out20. -1 otherwise.
 */
int	evm_topic_address(const char *topic, uint8_t out20[20]);
/* "0x" + 40 hex of any case; no EIP-55 checksum check. -1 otherwise. */
int	evm_address_bytes(const char *hex, uint8_t out20[20]);
/* True (1) if hex is "0x" + 64 hex digits of any case, else 0. */
int	evm_hash_ok(const char *hex);
/*
 * The QUANTITY text of v: 26 -> "0x1a", 0 -> "0x0". out must hold
 * EVM_QUANTITY_STRLEN bytes; a smaller one gets "".
 */
void	evm_quantity_str(uint64_t v, char *out, size_t outlen);

/* One ERC-20 Transfer(address indexed from, address indexed to, value). */
struct evm_transfer {
	uint8_t			 contract[20];
	uint8_t			 from[20];
	uint8_t			 to[20];
	unsigned __int128	 value;
	uint64_t		 block_number;
	char			 block_hash[EVM_HASH_STRLEN];
	char			 tx_hash[EVM_HASH_STRLEN];
	uint64_t		 log_index;
	bool			 removed;	/* dropped by a reorg */
	/* The uint256 exceeds 128 bits: value is 0; log and skip it. */
	bool			 value_overflow;
};

/*
 * Decodes one entry of an eth_getLogs result. Returns:
 *    0  an ERC-20 Transfer: *out is filled;
 *    1  a well-formed log that is not an ERC-20 Transfer: another event,
 *       an ERC-721 Transfer (4 topics), or a Transfer-signature event
 *       whose topics do not hold addresses or whose data is not exactly
 *       one word. Whatever a contract can emit lands here or at 0, so a
 *       hostile token can never make a log look malformed;
 *   -1  malformed: not an object, a missing field or one of the wrong
 *       type or encoding (address, topics, data, blockNumber, blockHash,
 *       transactionHash, logIndex). A pending log (null block fields) is
 *       malformed here. "removed" may be absent or null (false).
 * *out is unspecified unless 0 is returned.
 */
int	evm_decode_transfer_log(json_object *log, struct evm_transfer *out);

/* One transaction object of eth_getBlockByNumber(n, true). */
struct evm_tx {
	char			 hash[EVM_HASH_STRLEN];
	uint8_t			 from[20];
	uint8_t			 to[20];
	bool			 has_to;	/* false: contract creation */
	unsigned __int128	 value;		/* wei (sun on TRON) */
};

/*
 * Reads hash, from, to (JSON null for a contract creation: has_to false
 * and to zeroed) and value (QUANTITY up to 128 bits). Other members are
 * ignored. Returns 0, or -1 if a field is missing or malformed.
 */
int	evm_decode_tx(json_object *tx, struct evm_tx *out);

/* The header fields of an eth_getBlockByNumber result. */
struct evm_block {
	uint64_t		 number;
	char			 hash[EVM_HASH_STRLEN];
	char			 parent_hash[EVM_HASH_STRLEN];
	uint64_t		 timestamp;	/* as the node gives it */
};

/*
 * Reads number, hash, parentHash and timestamp. Returns 0, or -1 if blk
 * is not an object or a field is missing or malformed (a pending block,
 * whose number and hash are null, is refused).
 */
int	evm_decode_block(json_object *blk, struct evm_block *out);

#endif
