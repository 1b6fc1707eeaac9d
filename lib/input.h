/*
 * Declared validation of outside input. A parser declares each field it
 * accepts once, in a table (name, kind, bounds, choices), and one function
 * checks a JSON body, a query string or a command line's name=value pairs
 * against it: unknown fields, types,
 * lengths, ranges and choices are refused with the spec's error format,
 * `field` naming the culprit, and messages that state the bound from the
 * table (so a limit in cc_limits.h is said once). Pure: unit-tested.
 */
#ifndef CC_INPUT_H
#define CC_INPUT_H

#include "cc.h"
#include <json-c/json.h>

struct http_query;

/* An error in the spec's format (status 400 or 422). */
struct input_error {
	int		 status;
	char		 type[32];
	char		 code[48];
	char		 message[256];
	char		 field[64];
	json_object	*extra;		/* constraints etc., owned */
};

/*
 * Fills e (type validation_error, or invalid_request_error for 400) with a
 * formatted message naming field (NULL for none); returns -1.
 */
int	input_seterr(struct input_error *e, int status, const char *code,
	    const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	input_error_release(struct input_error *);

/*
 * For a limit or format a caller checks itself: sets e->extra to
 * {"constraints": {key: v[, key2: v2][, "format": format]},
 * "suggestions": [hint]} (key NULL: format alone). Call after
 * input_seterr; returns -1.
 */
int	input_constraints(struct input_error *e, const char *key, int64_t v,
	    const char *key2, int64_t v2, const char *format,
	    const char *hint);

/* An http(s) URL with a host, no credentials, printable ASCII, bounded. */
bool	input_url_ok(const char *);

/*
 * The constraints of a URL field onto e (after input_seterr): schemes
 * (https alone when https_only), max_length, format, and a suggestion.
 * Returns -1.
 */
int	input_url_constraints(struct input_error *e, const char *name,
	    bool https_only);

/*
 * The mode's rule for a URL a merchant gives us to send customers or
 * deliveries to (return_url, cancel_url, webhook_url, an endpoint's url):
 * live mode takes https only; test mode http too, for receivers on the
 * merchant's own machine. 0, or -1 with e set (422 INVALID_URL naming
 * field, constraints schemes ["https"]).
 */
int	input_url_mode(const char *url, const char *field, bool live,
	    struct input_error *e);

enum input_kind {
	INPUT_STRING,	/* one line of text, lo..hi bytes, without bidi
			   controls and invisible characters (textsafe.h) */
	INPUT_TEXT,	/* as INPUT_STRING, newlines and tabs allowed */
	INPUT_INT,	/* a whole number from lo to hi */
	INPUT_BOOL,	/* true or false */
	INPUT_CHOICE,	/* one of choices, exactly */
	INPUT_URL,	/* input_url_ok */
	INPUT_CHECK,	/* text accepted by check(); what says what it is
			   (check NULL: any text, the caller judges it) */
	INPUT_ARRAY,	/* a JSON array of lo..hi elements, or a name
			   repeated lo..hi times in pairs */
	INPUT_OBJECT,	/* a JSON object (bodies only); the caller checks
			   its members, e.g. with input_json_at */
	INPUT_NUMBER,	/* a JSON number, or a string: str is its exact
			   text (jsonx_number_text), never read through a
			   double; the caller parses it (money_parse_minor) */
	INPUT_KIND__MAX
};

struct input_field {
	const char		 *name;
	enum input_kind		  kind;
	bool			  required;
	int64_t			  lo, hi;	/* bytes, or the range */
	const char *const	 *choices;	/* INPUT_CHOICE, NULL-ended */
	bool			(*check)(const char *);	/* INPUT_CHECK */
	/* INPUT_CHECK: completes "<name> must be ..." */
	const char		 *what;
	/*
	 * Bodies: the code for a length or count outside lo..hi when it is
	 * not the kind's own (INVALID_LENGTH for text, INVALID_VALUE for an
	 * array). NULL: the kind's.
	 */
	const char		 *bounds_code;
};

/* What a field was given; strings point into the input. */
struct input_value {
	bool		 given;		/* present and not null */
	const char	*str;		/* every kind: the text */
	int64_t		 num;		/* INPUT_INT */
	bool		 yes;		/* INPUT_BOOL */
	int		 choice;	/* INPUT_CHOICE: index in choices */
	json_object	*array;		/* INPUT_ARRAY: the array (borrowed) */
	size_t		 count;		/* INPUT_ARRAY in pairs: how many */
	json_object	*obj;		/* INPUT_OBJECT: the object (borrowed) */
};

/*
 * Checks a JSON object (NULL: an empty body) against n declared fields:
 * a key not declared is 422 UNKNOWN_FIELD, an explicit null counts as not
 * given, a missing required field is 422 MISSING_FIELD, a wrong JSON type
 * 422 INVALID_TYPE, a bad length 422 INVALID_LENGTH, anything else 422
 * INVALID_VALUE. 0 with v[0..n-1] filled, or -1 with e set. With n 0
 * (v may be NULL) it checks that a body has no fields at all.
 */
int	input_json(json_object *obj, const struct input_field *, size_t n,
	    struct input_value *v, struct input_error *e);

/*
 * The same for an object nested in a body (an INPUT_OBJECT member, an
 * element of an INPUT_ARRAY): every field is named prefix.name in errors
 * (items[0].unit_price), an unknown key prefix.key (prefix alone when the
 * key is not fit to echo), and obj not an object (NULL included) is 422
 * INVALID_TYPE naming prefix. With prefix NULL it is input_json.
 */
int	input_json_at(json_object *obj, const char *prefix,
	    const struct input_field *, size_t n, struct input_value *v,
	    struct input_error *e);

/*
 * The same for a parsed query string, where every value is text and every
 * error is 422 INVALID_PARAMETER (an unknown key too): the one rule of
 * bodies and queries is 400 for what cannot be read (malformed JSON, a
 * malformed or repeated query parameter), 422 for a value or name
 * refused.
 */
int	input_query(const struct http_query *, const struct input_field *,
	    size_t n, struct input_value *v, struct input_error *e);

/*
 * The same for npairs name=value pairs, such as a command line's
 * "--limit 10" (names are matched exactly, dashes and all, and messages
 * name the field as declared: "--limit must be an integer from 1 to
 * 10000"). Errors are 422 with the body's codes: UNKNOWN_FIELD (field the
 * name when fit to echo), MISSING_FIELD, INVALID_LENGTH, INVALID_VALUE.
 * A required field given empty counts as missing (a shell's unset
 * variable); a name given twice is INVALID_VALUE, except for an
 * INPUT_ARRAY field, which may be given lo..hi times, each value passing
 * check when one is declared: its value holds the first and the count,
 * and the caller walks the pairs for the rest.
 */
int	input_pairs(const char *const *names, const char *const *vals,
	    size_t npairs, const struct input_field *, size_t n,
	    struct input_value *v, struct input_error *e);

#endif
