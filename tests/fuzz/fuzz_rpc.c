/*
 * Fuzz target: a chain node's JSON-RPC answers (lib/rpc.c's
 * parse_response, reached by including the module: its HTTP exchange is
 * left out) and what the scanner decodes from their results
 * (lib/evm.c): blocks, transactions, Transfer logs, quantities, hashes
 * and addresses. Input: the response body of a call whose id is 1.
 */
#include "fuzz.h"

#include "../../lib/rpc.c"

#include "evm.h"

static void
decode_string(const char *s)
{
	unsigned __int128 w;
	uint64_t q;
	uint8_t a[20];
	char back[EVM_QUANTITY_STRLEN];

	if (evm_quantity_u64(s, &q) == 0) {
		/* Nodes may write hex digits in either case. */
		evm_quantity_str(q, back, sizeof(back));
		FUZZ_ASSERT(strcasecmp(back, s) == 0);
	}
	(void)evm_quantity_u128(s, &w);
	(void)evm_word_u128(s, &w);
	(void)evm_topic_address(s, a);
	(void)evm_address_bytes(s, a);
	(void)evm_hash_ok(s);
}

static void
decode_object(json_object *o)
{
	struct evm_transfer t;
	struct evm_block b;
	struct evm_tx tx;
	json_object *txs;
	size_t i;

	(void)evm_decode_transfer_log(o, &t);
	(void)evm_decode_tx(o, &tx);
	(void)evm_decode_block(o, &b);
	if (json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "transactions", &txs) &&
	    json_object_is_type(txs, json_type_array))
		for (i = 0; i < json_object_array_length(txs); i++)
			(void)evm_decode_tx(json_object_array_get_idx(txs, i),
			    &tx);
}

static void
decode_result(json_object *res)
{
	size_t i;

	if (json_object_is_type(res, json_type_string)) {
		decode_string(json_object_get_string(res));
	} else if (json_object_is_type(res, json_type_array)) {
		for (i = 0; i < json_object_array_length(res); i++) {
			json_object *e = json_object_array_get_idx(res, i);

			decode_object(e);
			if (json_object_is_type(e, json_type_string))
				decode_string(json_object_get_string(e));
		}
	} else {
		decode_object(res);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc r;
	json_object *res = NULL;
	enum rpc_err e;
	bool is_err;

	memset(&r, 0, sizeof(r));
	/* Exactly the answer's bytes, no NUL: a read past them is seen. */
	r.resp.data = malloc(size > 0 ? size : 1);
	if (r.resp.data == NULL)
		abort();
	if (size > 0)
		memcpy(r.resp.data, data, size);
	r.resp.len = size;
	e = parse_response(&r, "eth_getLogs", 1, &res, &is_err);
	FUZZ_ASSERT(e < RPC_ERR__MAX);
	FUZZ_ASSERT(e == RPC_OK || res == NULL);
	FUZZ_ASSERT(is_err == (e == RPC_ERESULT || e == RPC_ETOOMANY ||
	    e == RPC_ETRANSPORT || e == RPC_EHTTP));
	if (e != RPC_OK)
		FUZZ_ASSERT(r.err[0] != '\0');
	if (res != NULL)
		decode_result(res);
	json_object_put(res);
	free(r.resp.data);
	return 0;
}
