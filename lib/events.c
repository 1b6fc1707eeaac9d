/* Event rows, optionally announced with NOTIFY. */
#include "cc.h"

#include "db.h"
#include "events.h"
#include "ids.h"
#include "jsonx.h"

int
events_add(struct db *db, const char *invoice_id, const char *type,
    json_object *data, bool notify)
{
	static const char plain_sql[] =
	    "INSERT INTO events (id, invoice_id, merchant_id, type, data) "
	    "SELECT $1, id, merchant_id, $3, $4::jsonb FROM invoices "
	    "WHERE id = $2";
	static const char notify_sql[] =
	    "WITH e AS (INSERT INTO events (id, invoice_id, merchant_id, "
	    "type, data) SELECT $1, id, merchant_id, $3, $4::jsonb "
	    "FROM invoices WHERE id = $2 RETURNING seq) "
	    "SELECT pg_notify('" EVENTS_CHANNEL "', seq::text) FROM e";
	char id[IDS_MAX_LEN];
	const char *p[4];

	ids_new("evt_", id, sizeof(id));
	p[0] = id;
	p[1] = invoice_id;
	p[2] = type;
	p[3] = data ? jsonx_text(data) : "{}";
	return db_command(db, notify ? notify_sql : plain_sql, 4, p);
}
