/* Strict decoding of Ethereum JSON-RPC hex values and scanner objects. */
#include "cc.h"

#include <strings.h>
#include <sys/types.h>

#include "evm.h"
#include "util.h"

/* Length of the hex digits after "0x", or -1 if s is not "0x" + hex. */
static ssize_t
hex_body_len(const char *s)
{
	size_t n;

	if (s == NULL || s[0] != '0' || s[1] != 'x')
		return -1;
	for (n = 0; s[2 + n] != '\0'; n++)
		if (hex_value((unsigned char)s[2 + n]) < 0)
			return -1;
	return (ssize_t)n;
}

/*
 * A QUANTITY of at most maxdigits hex digits; the caller's type holds
 * 4 * maxdigits bits, so no overflow check is needed past the count.
 */
static int
quantity(const char *hex, size_t maxdigits, unsigned __int128 *out)
{
	unsigned __int128 v;
	ssize_t n;
	size_t i;

	n = hex_body_len(hex);
	if (n < 1 || (size_t)n > maxdigits)
		return -1;
	if (n > 1 && hex[2] == '0')
		return -1;
	v = 0;
	for (i = 0; i < (size_t)n; i++)
		v = v << 4 | (unsigned int)hex_value((unsigned char)hex[2 + i]);
	*out = v;
	return 0;
}

int
evm_quantity_u64(const char *hex, uint64_t *out)
{
	unsigned __int128 v;

	if (quantity(hex, 16, &v) == -1)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int
evm_quantity_u128(const char *hex, unsigned __int128 *out)
{
	return quantity(hex, 32, out);
}

/* Decodes "0x" + 2*len hex digits into out. */
static int
data_bytes(const char *hex, uint8_t *out, size_t len)
{
	size_t i;

	if (hex_body_len(hex) != (ssize_t)(2 * len))
		return -1;
	for (i = 0; i < len; i++)
		out[i] = (uint8_t)(hex_value((unsigned char)hex[2 + 2 * i]) << 4 |
		    hex_value((unsigned char)hex[3 + 2 * i]));
	return 0;
}

int
evm_word_u128(const char *hex, unsigned __int128 *out)
{
	uint8_t w[32];
	unsigned __int128 v;
	size_t i;

	if (data_bytes(hex, w, sizeof(w)) == -1)
		return -1;
	for (i = 0; i < 16; i++)
		if (w[i] != 0)
			return -1;
	v = 0;
	for (i = 16; i < 32; i++)
		v = v << 8 | w[i];
	*out = v;
	return 0;
}

int
evm_topic_address(const char *topic, uint8_t out20[20])
{
	uint8_t w[32];
	size_t i;

	if (data_bytes(topic, w, sizeof(w)) == -1)
		return -1;
	for (i = 0; i < 12; i++)
		if (w[i] != 0)
			return -1;
	memcpy(out20, w + 12, 20);
	return 0;
}

int
evm_address_bytes(const char *hex, uint8_t out20[20])
{
	return data_bytes(hex, out20, 20);
}

int
evm_hash_ok(const char *hex)
{
	return hex_body_len(hex) == 64;
}

void
evm_quantity_str(uint64_t v, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[EVM_QUANTITY_STRLEN];
	size_t n, i;

	if (outlen == 0)
		return;
	n = 0;
	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	if (n + 3 > outlen) {
		out[0] = '\0';
		return;
	}
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++)
		out[2 + i] = tmp[n - 1 - i];
	out[2 + n] = '\0';
}

/* The string member key of obj, or NULL if absent or not a string. */
static const char *
get_str(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
get_u64(json_object *obj, const char *key, uint64_t *out)
{
	return evm_quantity_u64(get_str(obj, key), out);
}

static int
get_address(json_object *obj, const char *key, uint8_t out20[20])
{
	return evm_address_bytes(get_str(obj, key), out20);
}

/* Copies a 32-byte hash, lower-cased, into out (EVM_HASH_STRLEN bytes). */
static int
get_hash(json_object *obj, const char *key, char *out)
{
	const char *s;
	size_t i;

	s = get_str(obj, key);
	if (!evm_hash_ok(s))
		return -1;
	for (i = 0; i < EVM_HASH_STRLEN - 1; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'F') ? (char)(s[i] + 32) :
		    s[i];
	out[EVM_HASH_STRLEN - 1] = '\0';
	return 0;
}

int
evm_decode_transfer_log(json_object *log, struct evm_transfer *out)
{
	json_object *topics, *t, *removed;
	const char *topic[3], *data;
	ssize_t datalen;
	size_t ntopics, i;

	if (log == NULL || !json_object_is_type(log, json_type_object))
		return -1;
	memset(out, 0, sizeof(*out));

	/* First everything the node answers for, whatever the event. */
	if (get_address(log, "address", out->contract) == -1 ||
	    get_u64(log, "blockNumber", &out->block_number) == -1 ||
	    get_hash(log, "blockHash", out->block_hash) == -1 ||
	    get_hash(log, "transactionHash", out->tx_hash) == -1 ||
	    get_u64(log, "logIndex", &out->log_index) == -1)
		return -1;
	if (json_object_object_get_ex(log, "removed", &removed) &&
	    removed != NULL) {
		if (!json_object_is_type(removed, json_type_boolean))
			return -1;
		out->removed = json_object_get_boolean(removed);
	}
	data = get_str(log, "data");
	datalen = hex_body_len(data);
	if (datalen < 0 || datalen % 2 != 0)
		return -1;
	if (!json_object_object_get_ex(log, "topics", &topics) ||
	    !json_object_is_type(topics, json_type_array))
		return -1;
	ntopics = json_object_array_length(topics);
	if (ntopics > 4)
		return -1;		/* LOG0..LOG4 only */
	for (i = 0; i < ntopics; i++) {
		t = json_object_array_get_idx(topics, i);
		if (!json_object_is_type(t, json_type_string) ||
		    !evm_hash_ok(json_object_get_string(t)))
			return -1;
		if (i < 3)
			topic[i] = json_object_get_string(t);
	}

	/* Then what the contract chose to emit. */
	if (ntopics != 3 || strcasecmp(topic[0], EVM_TRANSFER_TOPIC) != 0)
		return 1;
	if (evm_topic_address(topic[1], out->from) == -1 ||
	    evm_topic_address(topic[2], out->to) == -1)
		return 1;
	if (datalen != 64)
		return 1;
	if (evm_word_u128(data, &out->value) == -1) {
		out->value = 0;
		out->value_overflow = true;
	}
	return 0;
}

int
evm_decode_tx(json_object *tx, struct evm_tx *out)
{
	json_object *to;

	if (tx == NULL || !json_object_is_type(tx, json_type_object))
		return -1;
	memset(out, 0, sizeof(*out));
	if (get_hash(tx, "hash", out->hash) == -1 ||
	    get_address(tx, "from", out->from) == -1 ||
	    evm_quantity_u128(get_str(tx, "value"), &out->value) == -1)
		return -1;
	if (!json_object_object_get_ex(tx, "to", &to))
		return -1;
	if (to == NULL)
		out->has_to = false;
	else if (get_address(tx, "to", out->to) == -1)
		return -1;
	else
		out->has_to = true;
	return 0;
}

int
evm_decode_block(json_object *blk, struct evm_block *out)
{
	if (blk == NULL || !json_object_is_type(blk, json_type_object))
		return -1;
	memset(out, 0, sizeof(*out));
	if (get_u64(blk, "number", &out->number) == -1 ||
	    get_hash(blk, "hash", out->hash) == -1 ||
	    get_hash(blk, "parentHash", out->parent_hash) == -1 ||
	    get_u64(blk, "timestamp", &out->timestamp) == -1)
		return -1;
	return 0;
}
