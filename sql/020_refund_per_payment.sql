-- A cancellation with refund_partial_payments owes each received payment
-- back on its own (the customer may have paid from several wallets, and
-- each refund is one transfer the scanner verifies): its refunds name the
-- payment. Refunds a merchant asks for name none. Cancellations before
-- this migration made one refund of the total, which names none either.
ALTER TABLE refunds ADD COLUMN payment_id text REFERENCES payments(id);
CREATE UNIQUE INDEX refunds_payment ON refunds (payment_id)
    WHERE payment_id IS NOT NULL;
