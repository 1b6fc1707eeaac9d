/*
 * The audit log: one row per administrative or merchant change, saying
 * who (actor, address, user agent, request id), what (an event from the
 * table below) and on what (merchant, invoice, details as JSON). Write it
 * in the same transaction as the change it records, either with
 * audit_write() as a statement of its own, or from inside a larger
 * statement (a CTE) with AUDIT_INSERT and an audit_row parameter:
 *
 *	static const char sql[] =
 *	    "WITH m AS (INSERT INTO merchants (id, name) VALUES ($1, $2) "
 *	    "RETURNING created_at), "
 *	    "a AS (" AUDIT_INSERT_FROM("m", "$3") ") "
 *	    "SELECT cc_ts(created_at) AS created_at FROM m";
 *	struct audit_row row;
 *
 *	audit_row_init(&row, actor, AUDIT_MERCHANT_CREATED, id, NULL, d);
 *	db_param(&p, id);
 *	db_param(&p, name);
 *	db_param(&p, audit_row_text(&row));
 *	... db_run ...
 *	audit_row_release(&row);
 *
 * The row travels as one JSON parameter whose keys are audit_log's column
 * names, so that a statement needs one placeholder whatever its other
 * parameters are. A value only the statement knows is merged in there, as
 * whadmin_retry takes the merchant from its UPDATE:
 *
 *	"a AS (" AUDIT_INSERT_FROM("upd", "$2::jsonb || "
 *	"jsonb_build_object('merchant_id', upd.merchant_id)") ")"
 *
 * Never put a secret in details: API keys as masked by apikey_mask, xpubs
 * as wallet fingerprints.
 */
#ifndef CC_AUDIT_H
#define CC_AUDIT_H

#include "cc.h"
#include <json-c/json.h>

#include "ids.h"

struct db;

/* What happened; names as stored in audit_log.event. */
enum audit_event {
	AUDIT_MERCHANT_CREATED,
	AUDIT_API_KEY_CREATED,
	AUDIT_API_KEY_REVOKED,
	AUDIT_WALLET_ADDED,
	AUDIT_INVOICE_CREATED,
	AUDIT_INVOICE_CANCELLED,
	AUDIT_WEBHOOK_ENDPOINT_CREATED,
	AUDIT_WEBHOOK_ENDPOINT_UPDATED,
	AUDIT_WEBHOOK_ENDPOINT_DELETED,
	AUDIT_WEBHOOK_ENDPOINT_SECRET_ROTATED,
	AUDIT_WEBHOOK_DELIVERY_RETRIED,
	AUDIT_INVOICE_WEBHOOK_SECRET_ROTATED,
	AUDIT_API_TOKEN_ISSUED,
	AUDIT_RATELIMIT_SET,
	AUDIT_RATELIMIT_CLEARED,
	AUDIT_AUTH_FAILED,
	AUDIT_REFUND_CREATED,
	AUDIT_REFUND_DESTINATION_SET,
	AUDIT_INVOICE_SIMULATED,	/* test keys' simulate route */
	AUDIT__MAX
};

/*
 * Who acted: name ("admin:cc-admin", "api_key:sk_live_***123") is
 * required; the others are NULL outside HTTP.
 */
struct audit_actor {
	const char	*name;
	const char	*ip;
	const char	*user_agent;
	const char	*request_id;
};

/* cc-admin and other tools run by the operator. */
#define AUDIT_ACTOR_ADMIN	"admin:cc-admin"

/* "merchant.created", ...; NULL when out of range. */
const char	*audit_event_name(enum audit_event);

/*
 * One row ready to insert: a fresh id (audit_...) and its JSON text.
 * The caller owns the struct; audit_row_release frees what init built.
 */
struct audit_row {
	char		 id[IDS_MAX_LEN];
	json_object	*json;
};

/*
 * Builds a row. merchant_id and invoice_id may be NULL; details may be
 * NULL ({}) and is only referenced: the caller still puts its own.
 */
void		 audit_row_init(struct audit_row *,
		    const struct audit_actor *, enum audit_event,
		    const char *merchant_id,
		    const char *invoice_id, json_object *details);
/* The parameter AUDIT_INSERT reads; lives until audit_row_release. */
const char	*audit_row_text(struct audit_row *);
void		 audit_row_release(struct audit_row *);

/*
 * Inserts one row as a statement of its own (in the caller's transaction
 * if one is open). Returns 0, or -1 after the database error was logged.
 */
int		 audit_write(struct db *, const struct audit_actor *,
		    enum audit_event, const char *merchant_id,
		    const char *invoice_id, json_object *details);

/*
 * SQL that inserts the row held by a jsonb-castable parameter (row, e.g.
 * "$7"): usable as a CTE body, "a AS (" AUDIT_INSERT("$7") ")". With
 * AUDIT_INSERT_FROM the row is inserted once per row of from (a CTE or a
 * table expression): none when the change it records touched nothing.
 */
#define AUDIT_COLUMNS							\
	"id, merchant_id, invoice_id, event, actor, ip_address, "	\
	"user_agent, request_id, details"
#define AUDIT_ROW_COLUMNS						\
	"r.id, r.merchant_id, r.invoice_id, r.event, r.actor, "	\
	"r.ip_address, r.user_agent, r.request_id, "			\
	"coalesce(r.details, '{}')"
#define AUDIT_INSERT(row)						\
	"INSERT INTO audit_log (" AUDIT_COLUMNS ") SELECT "		\
	AUDIT_ROW_COLUMNS " FROM jsonb_populate_record("		\
	"NULL::audit_log, (" row ")::jsonb) r"
#define AUDIT_INSERT_FROM(from, row)					\
	"INSERT INTO audit_log (" AUDIT_COLUMNS ") SELECT "		\
	AUDIT_ROW_COLUMNS " FROM " from ", jsonb_populate_record("	\
	"NULL::audit_log, (" row ")::jsonb) r"

#endif
