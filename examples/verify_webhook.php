<?php
// Checks a Crypto Checkout webhook in PHP: php verify_webhook.php SECRET
// TIMESTAMP SIGNATURE BODY_FILE, as verify_webhook.sh. In an application:
// verify_webhook($secret, $_SERVER['HTTP_X_CRYPTO_CHECKOUT_TIMESTAMP'],
// $_SERVER['HTTP_X_CRYPTO_CHECKOUT_SIGNATURE'],
// file_get_contents('php://input')), the raw body before json_decode.

function verify_webhook(string $secret, string $timestamp, string $signature,
    string $body, int $tolerance = 300): bool
{
    if (!ctype_digit($timestamp) || abs(time() - (int)$timestamp) > $tolerance) {
        return false;
    }
    $mac = 'sha256=' . hash_hmac('sha256', $timestamp . '.' . $body, $secret);
    return hash_equals($mac, $signature);
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    [, $secret, $timestamp, $signature, $path] = $argv;
    $ok = verify_webhook($secret, $timestamp, $signature, file_get_contents($path));
    fwrite($ok ? STDOUT : STDERR, $ok ? "ok\n" : "refused\n");
    exit($ok ? 0 : 1);
}
