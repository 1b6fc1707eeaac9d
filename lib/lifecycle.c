/*
 * The invoice state machine: a pure function of the stored state, the
 * payment sums and the clock (see lifecycle.h for the rules).
 */
#include "cc.h"

#include "lifecycle.h"
#include "money.h"

const char *const inv_status_names[INV__MAX + 1] = {
	[INV_CREATED] = "created",
	[INV_PENDING] = "pending",
	[INV_PAID] = "paid",
	[INV_EXPIRED] = "expired",
	[INV_CANCELLED] = "cancelled",
};

const char *
inv_status_name(enum inv_status s)
{
	if ((unsigned int)s >= INV__MAX)
		return NULL;
	return inv_status_names[s];
}

int
inv_status_from_name(const char *name, enum inv_status *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < INV__MAX; i++)
		if (strcmp(name, inv_status_names[i]) == 0) {
			*out = (enum inv_status)i;
			return 0;
		}
	return -1;
}

/*
 * What an overpayment gives back when payments came after the lock: the
 * locked payments pay first, at the locked rate; the rest of the total is
 * priced at the latest repriced rate (rounded up, as at creation) and
 * what the repriced payments brought beyond it is the overpayment.
 */
static int
overpaid_repriced(const struct lifecycle_in *in, int64_t locked_received,
    unsigned __int128 *units)
{
	unsigned __int128 due;

	if (locked_received >= in->total_minor) {
		if (money_fiat_to_crypto(in->total_minor, in->exponent,
		    &in->rate, in->decimals, &due) != MONEY_OK ||
		    due > in->confirmed_units || in->confirmed_units - due >
		    ~(unsigned __int128)0 - in->repriced_confirmed_units)
			return -1;
		*units = in->confirmed_units - due +
		    in->repriced_confirmed_units;
		return 0;
	}
	if (money_fiat_to_crypto(in->total_minor - locked_received,
	    in->exponent, &in->repriced_rate, in->decimals, &due) !=
	    MONEY_OK)
		return -1;
	/* Repriced payments at several rates can fall short of it. */
	*units = due < in->repriced_confirmed_units ?
	    in->repriced_confirmed_units - due : 0;
	return 0;
}

void
lifecycle_next(const struct lifecycle_in *in, struct lifecycle_out *out)
{
	enum inv_status next;
	unsigned __int128 due;
	int64_t received, seen, required, ceiling, locked_received;
	bool full, seen_full, past;

	memset(out, 0, sizeof(*out));
	out->status = in->status;

	if ((unsigned int)in->status >= INV__MAX || in->total_minor < 0 ||
	    in->underpay_minor < 0 || in->overpay_minor < 0 ||
	    in->seen_units < in->confirmed_units ||
	    in->repriced_confirmed_minor < 0 ||
	    in->repriced_seen_minor < in->repriced_confirmed_minor ||
	    (in->repriced_confirmed_units > 0 &&
	    in->repriced_rate.mant == 0))
		goto err;
	/* Scales, a zero rate and values beyond int64_t all fail here. */
	if (money_crypto_to_fiat(in->confirmed_units, in->decimals, &in->rate,
	    in->exponent, &received) != MONEY_OK)
		goto err;
	if (money_crypto_to_fiat(in->seen_units, in->decimals, &in->rate,
	    in->exponent, &seen) != MONEY_OK)
		goto err;
	locked_received = received;
	if (money_add(received, in->repriced_confirmed_minor, &received) !=
	    MONEY_OK || money_add(seen, in->repriced_seen_minor, &seen) !=
	    MONEY_OK)
		goto err;
	if (money_add(in->total_minor, in->overpay_minor, &ceiling) !=
	    MONEY_OK)
		goto err;
	/* Both are non-negative: the difference cannot overflow. */
	required = in->total_minor - in->underpay_minor;
	if (required < 0)
		required = 0;

	/*
	 * Some money must have come: a tolerance as large as the total
	 * would otherwise mark an invoice paid that nobody paid.
	 */
	full = (in->confirmed_units > 0 || in->repriced_confirmed_units >
	    0) && received >= required;
	seen_full = (in->seen_units > 0 || in->repriced_seen_minor > 0 ||
	    in->repriced_confirmed_units > 0) && seen >= required;
	past = in->now >= in->expires_at;

	next = in->status;
	switch (in->status) {
	case INV_CREATED:
	case INV_PENDING:
		if (full) {
			next = INV_PAID;
			out->paid = true;
		} else if (past && !seen_full && !in->awaiting_rate) {
			next = INV_EXPIRED;
			out->expired = true;
		} else if (in->viewed)
			next = INV_PENDING;
		break;
	case INV_PAID:
		if (full)
			break;
		out->reopened = true;
		if (!past || seen_full || in->awaiting_rate)
			next = INV_PENDING;
		else {
			next = INV_EXPIRED;
			out->expired = true;
		}
		break;
	default:
		/* expired and cancelled are final. */
		break;
	}

	if (next == INV_PAID && received > ceiling && !in->overpaid_before) {
		/*
		 * received > total means confirmed_units are worth more than
		 * the rounded-up price, so due <= confirmed_units; checked
		 * all the same rather than wrapping around.
		 */
		if (in->repriced_confirmed_units == 0) {
			if (money_fiat_to_crypto(in->total_minor,
			    in->exponent, &in->rate, in->decimals, &due) !=
			    MONEY_OK || due > in->confirmed_units)
				goto err;
			out->overpaid_units = in->confirmed_units - due;
		} else if (overpaid_repriced(in, locked_received,
		    &out->overpaid_units) == -1)
			goto err;
		out->overpaid = true;
	}

	out->status = next;
	out->received_minor = received;
	out->seen_minor = seen;
	out->required_minor = required;
	return;
err:
	memset(out, 0, sizeof(*out));
	out->status = in->status;
	out->error = -1;
}

static const char *const pay_names[PAY__MAX] = {
	[PAY_DETECTED] = "detected",
	[PAY_CONFIRMING] = "confirming",
	[PAY_CONFIRMED] = "confirmed",
	[PAY_REVERTED] = "reverted",
};

const char *
pay_status_name(enum pay_status s)
{
	if ((unsigned int)s >= PAY__MAX)
		return NULL;
	return pay_names[s];
}

int
pay_status_from_name(const char *name, enum pay_status *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CC_ARRAY_SIZE(pay_names); i++)
		if (strcmp(name, pay_names[i]) == 0) {
			*out = (enum pay_status)i;
			return 0;
		}
	return -1;
}

enum pay_status
lifecycle_payment(int64_t confirmations, int required)
{
	if (required < 1)
		required = 1;
	if (confirmations >= required)
		return PAY_CONFIRMED;
	if (confirmations >= 2)
		return PAY_CONFIRMING;
	return PAY_DETECTED;
}

enum cancel_verdict
lifecycle_cancel(enum inv_status st, bool past_expiry)
{
	switch (st) {
	case INV_CANCELLED:
		return CANCEL_ALREADY_CANCELLED;
	case INV_PAID:
		return CANCEL_ALREADY_PAID;
	case INV_EXPIRED:
		return CANCEL_EXPIRED;
	case INV_CREATED:
	case INV_PENDING:
		return past_expiry ? CANCEL_EXPIRED : CANCEL_OK;
	default:
		return CANCEL_ALREADY_CANCELLED;
	}
}
