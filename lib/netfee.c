/* Network fees from transaction receipts (see netfee.h). */
#include "cc.h"

#include <strings.h>

#include "config.h"
#include "evm.h"
#include "jsonx.h"
#include "money.h"
#include "netfee.h"

static const char *
str_field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

enum netfee_result
netfee_from_receipt(json_object *receipt, const char *block_hash,
    unsigned __int128 *fee)
{
	unsigned __int128 used, price;
	const char *bh;

	if (receipt == NULL || !json_object_is_type(receipt,
	    json_type_object))
		return NETFEE_NOT_YET;
	bh = str_field(receipt, "blockHash");
	if (bh == NULL || block_hash == NULL || strcasecmp(bh,
	    block_hash) != 0)
		return NETFEE_NOT_YET;
	if (evm_quantity_u128(str_field(receipt, "gasUsed"), &used) == -1 ||
	    evm_quantity_u128(str_field(receipt, "effectiveGasPrice"),
	    &price) == -1)
		return NETFEE_NONE;
	if (price != 0 && used > ~(unsigned __int128)0 / price)
		return NETFEE_NONE;
	*fee = used * price;
	return NETFEE_OK;
}

void
netfee_coin(const struct cc_network *net, const char **symbol,
    int *decimals)
{
	size_t i;

	for (i = 0; i < net->nassets; i++)
		if (net->assets[i].native) {
			*symbol = net->assets[i].symbol;
			*decimals = net->assets[i].decimals;
			return;
		}
	if (net->kind == ADDRESS_TRON) {
		*symbol = "TRX";
		*decimals = 6;
	} else {
		*symbol = "ETH";
		*decimals = 18;
	}
}

void
netfee_annotate(json_object *payments, const struct cc_network *net)
{
	char txt[MONEY_TEXT_MAX];
	const char *symbol = NULL, *units;
	int decimals = 0;
	json_object *o;
	size_t i, n;

	if (net != NULL)
		netfee_coin(net, &symbol, &decimals);
	n = json_object_is_type(payments, json_type_array) ?
	    json_object_array_length(payments) : 0;
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(payments, i);
		units = str_field(o, "network_fee");
		if (symbol == NULL || units == NULL ||
		    money_format_units_text(units, decimals, txt,
		    sizeof(txt)) != 0)
			jsonx_add(o, "network_fee", NULL);
		else
			jsonx_add(o, "network_fee", jsonx_decimal(txt));
		jsonx_add_str(o, "network_fee_currency", symbol);
	}
}
