<?cs # The invoice: summary, the payment card for Page.view (open, paid,
     expired, cancelled, closed) and the order lines. pay.js reads the
     data- attributes of #invoice; it is loaded for open invoices only. ?>
<div class="layout" id="invoice"
 data-invoice-id="<?cs var:Invoice.id ?>"
 data-api-url="<?cs var:Invoice.api_url ?>"
 data-events-url="<?cs var:Invoice.events_url ?>"
 data-view="<?cs var:Page.view ?>"
 data-time-remaining="<?cs var:Invoice.time_remaining ?>"
 data-return-url="<?cs var:Invoice.return_url ?>"
 data-cancel-url="<?cs var:Invoice.cancel_url ?>"
 data-crypto-currency="<?cs var:Invoice.crypto_currency ?>"
 data-currency="<?cs var:Invoice.currency ?>"
 data-qr-has-amount="<?cs var:Invoice.qr_has_amount ?>"
 data-full-seen="<?cs var:Progress.full_seen ?>">

<section class="summary" aria-labelledby="invoice-title">
<p class="eyebrow">Invoice from <?cs var:Invoice.merchant ?></p>
<h1 id="invoice-title"><?cs var:Invoice.title ?></h1>
<?cs if:Invoice.description ?><p class="description"><?cs var:Invoice.description ?></p>
<?cs /if ?><p class="summary-total"><span class="summary-total-label">Total</span> <span class="summary-total-amount"><?cs call:fiat(Invoice.total) ?></span></p>
</section>

<section class="card pay" aria-label="Payment">
<?cs if:Page.view == "open" ?><div class="status-row" id="status-row">
<p id="status" class="status status-<?cs var:Status.kind ?>" role="status" aria-live="polite" aria-atomic="true"><?cs var:Status.text ?></p>
<p class="timer"><span class="sr-only">Time left to pay: </span><time id="countdown" role="timer" datetime="<?cs var:Invoice.expires_at ?>"><?cs var:Invoice.countdown ?></time></p>
</div>
<?cs /if ?><div id="pay-body">
<?cs if:Page.view == "open" ?>
<div class="due">
<h2 class="due-label" id="due-label"><?cs if:Progress.full_seen ?>Amount sent<?cs elif:Progress.has_sent ?>Remaining to send<?cs else ?>Amount to send<?cs /if ?></h2>
<p class="due-amount"><span id="due-value" class="num"><?cs if:Progress.has_sent && !Progress.full_seen ?><?cs var:Progress.to_send ?><?cs else ?><?cs var:Invoice.crypto_amount ?><?cs /if ?></span> <span class="due-unit"><?cs var:Invoice.crypto_currency ?></span>
<button type="button" class="btn btn-small copy" id="copy-amount" data-copy="due-value" data-copied="Amount copied" aria-label="Copy amount" hidden>Copy</button></p>
<p class="due-sub"><?cs call:fiat(Invoice.total) ?><?cs if:Invoice.network_label ?> <span aria-hidden="true">·</span> <?cs var:Invoice.network_label ?><?cs if:Invoice.token_standard ?> (<?cs var:Invoice.token_standard ?>)<?cs /if ?><?cs /if ?></p>
</div>

<div id="pay-panel" class="pay-panel"<?cs if:Progress.full_seen ?> hidden<?cs /if ?>>
<figure id="qr" class="qr"<?cs if:Progress.has_sent && Invoice.qr_has_amount ?> hidden<?cs /if ?>>
<img src="<?cs var:Invoice.qr_url ?>" width="256" height="256" alt="QR code for paying <?cs var:Invoice.crypto_amount ?> <?cs var:Invoice.crypto_currency ?> to the deposit address below">
<figcaption>Scan with your wallet app</figcaption>
</figure>
<p id="qr-note" class="note"<?cs if:!(Progress.has_sent && Invoice.qr_has_amount) ?> hidden<?cs /if ?>>The QR code asks for the full amount, so it is hidden now: send the remaining amount to the address below.</p>
<h3 class="field-label" id="address-label">Deposit address<?cs if:Invoice.network_label ?> <span class="muted">· <?cs var:Invoice.network_label ?></span><?cs /if ?></h3>
<div class="copy-row">
<p id="address" class="address mono"><?cs var:Invoice.address ?></p>
<button type="button" class="btn copy" data-copy="address" data-copied="Address copied" hidden>Copy address</button>
</div>
<p class="warn"><strong>Send only <?cs var:Invoice.crypto_currency ?><?cs if:Invoice.token_standard ?> (<?cs var:Invoice.token_standard ?>)<?cs /if ?><?cs if:Invoice.network_label ?> on <?cs var:Invoice.network_label ?><?cs /if ?>.</strong> Any other coin, or a payment on another network, cannot be recovered.</p>
</div>

<div class="progress-block">
<p class="progress-head"><span id="progress-label">Received</span> <span id="progress-text"><span class="num"><?cs var:Progress.received ?></span> of <?cs call:fiat(Progress.required) ?></span></p>
<progress id="progress" max="100" value="<?cs var:Progress.value ?>" aria-labelledby="progress-label" aria-valuetext="<?cs var:Progress.received ?> of <?cs var:Progress.required ?> <?cs var:Invoice.currency ?> received (<?cs var:Progress.percent ?>%)"><?cs var:Progress.percent ?>%</progress>
<p id="pending-line" class="pending"<?cs if:!Progress.has_pending ?> hidden<?cs /if ?>>Waiting for confirmations: <span id="pending-amount"><?cs call:fiat(Progress.pending) ?></span></p>
<ul id="payments" class="payments" aria-label="Payments"<?cs if:subcount(Payments) == 0 ?> hidden<?cs /if ?>><?cs
each:p = Payments ?>
<li class="payment payment-<?cs var:p.status ?>"><span class="payment-amount num"><?cs var:p.amount ?> <?cs var:Invoice.crypto_currency ?></span> <span class="payment-status"><?cs var:p.status_label ?><?cs if:p.required_confirmations ?> · <?cs var:p.confirmations ?> of <?cs var:p.required_confirmations ?> confirmations<?cs /if ?></span></li><?cs
/each ?>
</ul>
</div>
<?cs if:Invoice.cancel_url ?><p class="back"><a href="<?cs var:Invoice.cancel_url ?>">Cancel and return to <?cs var:Invoice.merchant ?></a></p>
<?cs /if ?><p id="copy-live" class="sr-only" aria-live="polite"></p>
<?cs elif:Page.view == "paid" ?><?cs call:notice_paid() ?>
<?cs elif:Page.view == "expired" ?><?cs call:notice_expired() ?>
<?cs elif:Page.view == "cancelled" ?><?cs call:notice_cancelled() ?>
<?cs else ?><?cs call:notice_closed() ?>
<?cs /if ?></div>
<?cs if:Page.view == "open" ?>
<template id="tpl-paid"><?cs call:notice_paid() ?></template>
<template id="tpl-expired"><?cs call:notice_expired() ?></template>
<template id="tpl-cancelled"><?cs call:notice_cancelled() ?></template>
<template id="tpl-closed"><?cs call:notice_closed() ?></template>
<?cs /if ?></section>
<?cs if:Refund.awaiting ?>
<section class="card refund" aria-labelledby="refund-title">
<h2 id="refund-title">Your refund</h2>
<p><?cs var:Invoice.merchant ?> is refunding <strong><span class="num"><?cs var:Refund.amount ?></span> <?cs var:Invoice.crypto_currency ?></strong> to you. Enter the address it should go to<?cs if:Invoice.network_label ?>, on <?cs var:Invoice.network_label ?><?cs /if ?>.</p>
<form method="post" action="<?cs var:Invoice.id ?>/refund-address">
<p><label class="field-label" for="refund-address">Your <?cs var:Invoice.crypto_currency ?> address</label>
<input id="refund-address" name="address" class="address mono" required maxlength="64" autocomplete="off" spellcheck="false"></p>
<p><button type="submit" class="btn btn-primary">Send my refund there</button></p>
</form>
</section>
<?cs /if ?>
<section class="card items" aria-labelledby="items-title">
<h2 id="items-title">Order summary</h2>
<table class="lines">
<thead class="sr-only"><tr><th scope="col">Item</th><th scope="col">Amount</th></tr></thead>
<tbody><?cs each:item = Invoice.items ?>
<tr><td><span class="line-name"><?cs var:item.name ?></span><?cs if:item.description ?>
<span class="line-desc"><?cs var:item.description ?></span><?cs /if ?>
<span class="line-meta"><?cs var:item.quantity ?> × <?cs call:fiat(item.unit_price) ?></span></td>
<td class="line-amount"><?cs call:fiat(item.amount) ?></td></tr><?cs /each ?>
</tbody>
</table>
<dl class="totals">
<div><dt>Subtotal</dt><dd><?cs call:fiat(Invoice.subtotal) ?></dd></div>
<?cs if:Invoice.has_tax ?><div><dt>Tax</dt><dd><?cs call:fiat(Invoice.tax) ?></dd></div>
<?cs /if ?><div class="totals-grand"><dt>Total</dt><dd><?cs call:fiat(Invoice.total) ?></dd></div>
</dl>
</section>
</div>
