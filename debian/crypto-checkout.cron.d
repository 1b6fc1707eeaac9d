# /etc/cron.d/crypto-checkout: Crypto Checkout's periodic tools, once a
# minute as the crypto-checkout user. Each run works for 55 seconds
# (--for 55), so one is always scanning, expiring and delivering; cc-rates
# fetches the exchange rates once and exits. --quiet makes a run that
# went well print nothing: cron mails only problems (for cc-rates, each
# quote it refused).
#
# Nothing runs while CC_ENABLED is not "yes" in /etc/default/crypto-checkout,
# nor once the package is removed (these lines stay until it is purged).
# cc-scan without --network scans every network of cc.conf.
SHELL=/bin/sh
PATH=/usr/bin:/bin

* * * * *	crypto-checkout	[ -x /usr/bin/cc-scan ] && [ -r /etc/default/crypto-checkout ] && . /etc/default/crypto-checkout && [ "$CC_ENABLED" = yes ] && exec /usr/bin/cc-scan --config /etc/crypto-checkout/cc.conf --quiet --for 55
* * * * *	crypto-checkout	[ -x /usr/bin/cc-expire ] && [ -r /etc/default/crypto-checkout ] && . /etc/default/crypto-checkout && [ "$CC_ENABLED" = yes ] && exec /usr/bin/cc-expire --config /etc/crypto-checkout/cc.conf --quiet --for 55
* * * * *	crypto-checkout	[ -x /usr/bin/cc-webhooks ] && [ -r /etc/default/crypto-checkout ] && . /etc/default/crypto-checkout && [ "$CC_ENABLED" = yes ] && exec /usr/bin/cc-webhooks --config /etc/crypto-checkout/cc.conf --quiet --for 55
* * * * *	crypto-checkout	[ -x /usr/bin/cc-rates ] && [ -r /etc/default/crypto-checkout ] && . /etc/default/crypto-checkout && [ "$CC_ENABLED" = yes ] && exec /usr/bin/cc-rates --config /etc/crypto-checkout/cc.conf --quiet
