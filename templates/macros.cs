<?cs # Pieces shared by the server-rendered views and the <template>
     elements pay.js shows when an open invoice reaches a final state.
     Elements with a js- class are filled in by pay.js. ?><?cs

def:fiat(amount) ?><span class="num"><?cs var:amount ?></span> <?cs var:Invoice.currency ?><?cs /def ?><?cs

def:notice_partial() ?>
<p class="notice-partial js-partial"<?cs if:!Progress.has_received ?> hidden<?cs /if ?>>We received <strong><span class="js-received num"><?cs var:Progress.received ?></span> of <?cs call:fiat(Invoice.total) ?></strong> before this happened. Please contact <?cs var:Invoice.merchant ?> about it.</p><?cs
/def ?><?cs

def:notice_paid() ?>
<div class="notice notice-paid">
<div class="notice-icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg></div>
<h2 class="notice-title">Paid</h2>
<p>Thank you. <?cs var:Invoice.merchant ?> has received your payment of <strong><span class="num"><?cs var:Invoice.crypto_amount ?></span> <?cs var:Invoice.crypto_currency ?></strong>.</p>
<?cs if:Invoice.paid_text ?><p class="muted small">Paid on <?cs var:Invoice.paid_text ?></p>
<?cs /if ?><?cs if:Invoice.return_url ?><p class="muted js-redirecting" hidden>Taking you back to <?cs var:Invoice.merchant ?>…</p>
<p class="notice-action"><a class="btn btn-primary" href="<?cs var:Invoice.return_url ?>">Return to <?cs var:Invoice.merchant ?></a></p>
<?cs /if ?></div><?cs
/def ?><?cs

def:notice_expired() ?>
<div class="notice notice-expired">
<div class="notice-icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/></svg></div>
<h2 class="notice-title">This invoice has expired</h2>
<p>Do not send a payment to its address: it would not be credited.</p><?cs
call:notice_partial() ?>
<?cs if:Invoice.cancel_url ?><p class="notice-action"><a class="btn" href="<?cs var:Invoice.cancel_url ?>">Return to <?cs var:Invoice.merchant ?></a></p>
<?cs /if ?></div><?cs
/def ?><?cs

def:notice_cancelled() ?>
<div class="notice notice-cancelled">
<div class="notice-icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><path d="M7 7l10 10M17 7L7 17"/></svg></div>
<h2 class="notice-title">This invoice was cancelled</h2>
<p><?cs var:Invoice.merchant ?> cancelled this invoice. Do not send a payment to its address.</p><?cs
call:notice_partial() ?>
<?cs if:Invoice.cancel_url ?><p class="muted js-redirecting" hidden>Taking you back to <?cs var:Invoice.merchant ?>…</p>
<p class="notice-action"><a class="btn" href="<?cs var:Invoice.cancel_url ?>">Return to <?cs var:Invoice.merchant ?></a></p>
<?cs /if ?></div><?cs
/def ?><?cs

def:notice_closed() ?>
<div class="notice notice-closed">
<h2 class="notice-title">This invoice can no longer be paid</h2>
<p>Do not send a payment to its address. Please contact <?cs var:Invoice.merchant ?> if you have questions.</p>
<?cs if:Invoice.cancel_url ?><p class="notice-action"><a class="btn" href="<?cs var:Invoice.cancel_url ?>">Return to <?cs var:Invoice.merchant ?></a></p>
<?cs /if ?></div><?cs
/def ?>