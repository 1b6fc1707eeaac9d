/* What a pending transaction pays (see pending.h). */
#include "cc.h"

#include "pending.h"
#include "util.h"

#define WORD_HEX		64
#define TRANSFER_HEX		(8 + 2 * WORD_HEX)	/* to, amount */
#define TRANSFER_FROM_HEX	(8 + 3 * WORD_HEX)	/* from, to, amount */

/* n bytes from the 2n hex digits at s (already checked to be hex). */
static void
hex_bytes(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(hex_value((unsigned char)s[2 * i]) << 4 |
		    hex_value((unsigned char)s[2 * i + 1]));
}

/* The address word at call[off]: 12 zero bytes, then the address. */
static bool
address_word(const uint8_t *call, size_t off, uint8_t out[20])
{
	size_t i;

	for (i = off; i < off + 12; i++)
		if (call[i] != 0)
			return false;
	memcpy(out, call + off + 12, 20);
	return true;
}

enum pending_call
pending_transfer_call(json_object *tx, struct pending_transfer *out)
{
	static const uint8_t transfer[4] = { 0xa9, 0x05, 0x9c, 0xbb };
	static const uint8_t transfer_from[4] = { 0x23, 0xb8, 0x72, 0xdd };
	uint8_t call[TRANSFER_FROM_HEX / 2], from[20], to[20];
	unsigned __int128 v = 0;
	json_object *in;
	const char *s;
	size_t len, i, words, amount;
	bool has_from;

	if (tx == NULL || !json_object_is_type(tx, json_type_object) ||
	    !json_object_object_get_ex(tx, "input", &in) ||
	    !json_object_is_type(in, json_type_string))
		return PENDING_MALFORMED;
	s = json_object_get_string(in);
	len = (size_t)json_object_get_string_len(in);
	if (len < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return PENDING_MALFORMED;
	s += 2;
	len -= 2;
	for (i = 0; i < len; i++)
		if (hex_value((unsigned char)s[i]) == -1)
			return PENDING_MALFORMED;
	if (len != TRANSFER_HEX && len != TRANSFER_FROM_HEX)
		return PENDING_OTHER;
	hex_bytes(s, call, len / 2);
	words = len == TRANSFER_HEX ? 2 : 3;
	if (memcmp(call, words == 2 ? transfer : transfer_from, 4) != 0)
		return PENDING_OTHER;
	has_from = words == 3;
	if ((has_from && !address_word(call, 4, from)) ||
	    !address_word(call, 4 + 32 * (words - 2), to))
		return PENDING_OTHER;
	/* The amount word: more than 128 bits is no amount we keep. */
	amount = 4 + 32 * (words - 1);
	for (i = amount; i < amount + 16; i++)
		if (call[i] != 0)
			return PENDING_OVERFLOW;
	for (i = amount + 16; i < amount + 32; i++)
		v = (v << 8) | call[i];
	memcpy(out->to, to, 20);
	if (has_from)
		memcpy(out->from, from, 20);
	out->has_from = has_from;
	out->value = v;
	return PENDING_TRANSFER;
}
