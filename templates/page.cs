<?cs # The layout of every payment page. Config.VarEscapeMode = html
     escapes every var: below; never use uvar:, alt: or escape: "none"
     here (alt: is not escaped), the data is merchant-controlled. ?><?cs
include:"macros.cs" ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light">
<title><?cs var:Page.title ?></title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/pay.css">
<?cs if:Page.live ?><script src="/pay.js" defer></script>
<?cs /if ?></head>
<body>
<?cs if:Invoice.test ?><p class="testmode" role="note"><strong>Test mode</strong> <span class="testmode-sep" aria-hidden="true">·</span> This invoice uses a test network. Do not send real funds.</p>
<?cs /if ?><header class="topbar">
<div class="wrap topbar-in">
<?cs if:Invoice.merchant ?><p class="brand"><span class="brand-mark" aria-hidden="true"><?cs var:Invoice.merchant_initial ?></span><span class="brand-name"><?cs var:Invoice.merchant ?></span></p><?cs
else ?><p class="brand"><span class="brand-name">Crypto Checkout</span></p><?cs /if ?>
</div>
</header>
<main class="wrap main" id="main">
<?cs if:Page.view == "error" ?><?cs include:"error.cs" ?><?cs else ?><?cs include:"invoice.cs" ?><?cs /if ?>
</main>
<footer class="wrap footer">
<?cs if:Invoice.id ?><p>Invoice <span class="mono"><?cs var:Invoice.id ?></span></p>
<?cs /if ?><p>Payment page by Crypto Checkout</p>
</footer>
</body>
</html>
