<?cs # An error page (400, 404, 500, ...) in the layout of page.cs. ?>
<section class="card error-card" aria-labelledby="error-title">
<p class="error-code">Error <?cs var:Error.status ?></p>
<h1 id="error-title"><?cs var:Error.heading ?></h1>
<p class="error-message"><?cs var:Error.message ?></p>
<?cs if:Error.request_id ?><p class="muted small">Reference for support: <span class="mono"><?cs var:Error.request_id ?></span></p>
<?cs /if ?></section>
