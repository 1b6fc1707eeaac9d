/* What a pending transaction pays (see pending.h). */
#include "cc.h"

#include "pending.h"
#include "util.h"

#define WORD_HEX	64
#define CALL_HEX	(8 + 2 * WORD_HEX)

/* n bytes from the 2n hex digits at s (already checked to be hex). */
static void
hex_bytes(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(hex_value((unsigned char)s[2 * i]) << 4 |
		    hex_value((unsigned char)s[2 * i + 1]));
}

enum pending_call
pending_transfer_call(json_object *tx, uint8_t to[20],
    unsigned __int128 *value)
{
	static const uint8_t selector[4] = { 0xa9, 0x05, 0x9c, 0xbb };
	uint8_t call[CALL_HEX / 2];
	unsigned __int128 v = 0;
	json_object *in;
	const char *s;
	size_t len, i;

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
	if (len != CALL_HEX)
		return PENDING_OTHER;
	hex_bytes(s, call, sizeof(call));
	if (memcmp(call, selector, sizeof(selector)) != 0)
		return PENDING_OTHER;
	/* The address word: 12 zero bytes, then the address. */
	for (i = 4; i < 4 + 12; i++)
		if (call[i] != 0)
			return PENDING_OTHER;
	/* The amount word: more than 128 bits is no amount we keep. */
	for (i = 36; i < 36 + 16; i++)
		if (call[i] != 0)
			return PENDING_OVERFLOW;
	for (i = 36 + 16; i < sizeof(call); i++)
		v = (v << 8) | call[i];
	memcpy(to, call + 16, 20);
	*value = v;
	return PENDING_TRANSFER;
}
