/*
 * The payment page's live part (templates/invoice.cs). The page works
 * without it; with it, the countdown ticks, the copy buttons work, and the
 * page follows the invoice's event stream: on every message it re-reads
 * the customer's JSON view and updates itself in place, then on payment
 * goes back to the merchant's return_url. Everything it needs is in the
 * data- attributes of #invoice; it writes text only (textContent), never
 * HTML, and no inline style (the CSP forbids both).
 */
(function () {
	'use strict';

	var REDIRECT_DELAY_MS = 1500;
	var POLL_MS = 10000;
	var PAYMENT_LABELS = { detected: 'Detected',
	    confirming: 'Confirming', confirmed: 'Confirmed' };
	var EVENT_TYPES = ['payment.detected', 'payment.confirming',
	    'payment.confirmed', 'payment.reverted', 'invoice.paid',
	    'invoice.expired', 'invoice.cancelled', 'invoice.overpaid'];

	var root = document.getElementById('invoice');
	/* Without BigInt (old browsers) the page stays as the server made it. */
	if (!root || typeof BigInt !== 'function')
		return;
	var data = root.dataset;

	function $(id) {
		return document.getElementById(id);
	}

	function setText(el, text) {
		if (el && el.textContent !== text)
			el.textContent = text;
	}

	/* ---- exact decimals: amounts never go through a float ---- */

	var TEN = BigInt(10);

	function pow10(n) {
		var r = BigInt(1);
		while (n-- > 0)
			r *= TEN;
		return r;
	}

	/* "16.49" -> {v: 1649n, s: 2}; null for anything else. */
	function dec(text) {
		var m = /^(\d+)(?:\.(\d+))?$/.exec(String(text === undefined ||
		    text === null ? '' : text));
		var frac;

		if (!m)
			return null;
		frac = m[2] || '';
		return { v: BigInt(m[1] + frac), s: frac.length };
	}

	function scaled(d, s) {
		return d.v * pow10(s - d.s);
	}

	function decText(v, s) {
		var t = v.toString(), r;

		if (s === 0)
			return t;
		while (t.length <= s)
			t = '0' + t;
		r = t.slice(0, t.length - s) + '.' + t.slice(t.length - s);
		return r.replace(/0+$/, '').replace(/\.$/, '');
	}

	function positive(text) {
		var d = dec(text);

		return d !== null && d.v > BigInt(0);
	}

	/*
	 * JSON with every number kept as its source text: strings are
	 * matched whole first, so digits inside them are left alone.
	 */
	function parseExact(text) {
		return JSON.parse(text.replace(
		    /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
		    function (tok) {
			return tok.charAt(0) === '"' ? tok : '"' + tok + '"';
		    }));
	}

	/* ---- the invoice's state, worded as page.c words it ---- */

	function analyse(inv) {
		var due = dec(inv.crypto_amount) || { v: BigInt(0), s: 0 };
		var pays = Array.isArray(inv.payments) ? inv.payments : [];
		var s = due.s, sent = BigInt(0), i, a, dueV, full, view, kind;
		var remaining = parseInt(inv.time_remaining, 10) || 0;
		var pp = inv.payment_progress || {};
		var toSend, text;

		for (i = 0; i < pays.length; i++) {
			a = dec(pays[i].amount);
			if (a && a.s > s)
				s = a.s;
		}
		for (i = 0; i < pays.length; i++) {
			a = dec(pays[i].amount);
			if (a && pays[i].status !== 'reverted')
				sent += scaled(a, s);
		}
		dueV = scaled(due, s);
		full = dueV > BigInt(0) && sent >= dueV;

		if (inv.status === 'paid' || inv.status === 'expired' ||
		    inv.status === 'cancelled')
			view = inv.status;
		else if (inv.status !== 'created' && inv.status !== 'pending')
			view = 'closed';
		else if (remaining <= 0 && !full)
			view = 'expired';
		else
			view = 'open';

		toSend = full ? '0' : decText(dueV - sent, s);
		if (view !== 'open') {
			kind = view;
			text = { paid: 'Paid', expired: 'Expired',
			    cancelled: 'Cancelled' }[view] || 'Closed';
		} else if (full) {
			kind = 'confirming';
			text = 'Payment detected, confirming';
		} else if (sent > BigInt(0)) {
			kind = 'partial';
			text = 'Partly paid: ' + toSend + ' ' +
			    (inv.crypto_currency || '') + ' to go';
		} else {
			kind = 'waiting';
			text = 'Waiting for your payment';
		}
		return {
			view: view, kind: kind, text: text, full: full,
			hasSent: sent > BigInt(0), toSend: toSend,
			remaining: remaining, progress: pp,
			final: view === inv.status
		};
	}

	/* ---- countdown ---- */

	var deadline = Date.now() +
	    (parseInt(data.timeRemaining, 10) || 0) * 1000;
	var timer = null;
	var refetchedAtZero = false;

	function two(n) {
		return (n < 10 ? '0' : '') + n;
	}

	function remainingText(s) {
		var d, h, m;

		if (s <= 0)
			return 'Time is up';
		d = Math.floor(s / 86400);
		h = Math.floor(s / 3600) % 24;
		m = Math.floor(s / 60) % 60;
		s %= 60;
		if (d > 0)
			return d + (d === 1 ? ' day ' : ' days ') + two(h) +
			    ':' + two(m) + ':' + two(s) + ' left';
		if (h > 0)
			return h + ':' + two(m) + ':' + two(s) + ' left';
		return m + ':' + two(s) + ' left';
	}

	function tick() {
		var el = $('countdown');
		var s = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

		if (!el)
			return;
		setText(el, remainingText(s));
		if (s === 0 && !refetchedAtZero) {
			/* The server decides whether it is over. */
			refetchedAtZero = true;
			refresh();
		}
	}

	function stopTimer() {
		var el = $('countdown');

		if (timer !== null)
			clearInterval(timer);
		timer = null;
		if (el && el.parentNode)
			el.parentNode.remove();
	}

	/* ---- copy buttons ---- */

	function selectText(el) {
		var range = document.createRange();
		var sel = window.getSelection();

		range.selectNodeContents(el);
		sel.removeAllRanges();
		sel.addRange(range);
	}

	function copied(btn, ok) {
		var live = $('copy-live');

		if (btn.dataset.label === undefined)
			btn.dataset.label = btn.textContent;
		btn.textContent = ok ? 'Copied' : 'Press Ctrl+C';
		btn.classList.toggle('is-copied', ok);
		setText(live, ok ? (btn.dataset.copied || 'Copied') :
		    'Text selected: copy it with your keyboard');
		clearTimeout(btn.copyTimer);
		btn.copyTimer = setTimeout(function () {
			btn.textContent = btn.dataset.label;
			btn.classList.remove('is-copied');
			setText(live, '');
		}, 2000);
	}

	function copyFrom(btn) {
		var el = $(btn.dataset.copy);
		var text = el ? el.textContent.trim() : '';

		if (!el)
			return;
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(function () {
				copied(btn, true);
			}, function () {
				selectText(el);
				copied(btn, false);
			});
			return;
		}
		selectText(el);
		try {
			copied(btn, document.execCommand('copy'));
		} catch (e) {
			copied(btn, false);
		}
	}

	function setupCopy() {
		var btns = root.querySelectorAll('button.copy');
		var i;

		for (i = 0; i < btns.length; i++) {
			btns[i].hidden = false;
			btns[i].addEventListener('click', function (ev) {
				copyFrom(ev.currentTarget);
			});
		}
	}

	/* ---- updating the page ---- */

	var shown = data.view;
	var currency = data.currency || '';
	var crypto = data.cryptoCurrency || '';

	function setStatus(a) {
		var el = $('status');

		if (!el)
			return;
		el.className = 'status status-' + a.kind;
		setText(el, a.text);
	}

	function renderPayments(list) {
		var ul = $('payments');
		var all = Array.isArray(list) ? list : [];
		var pays = all.filter(function (p) {
			return p.status !== 'reverted';
		});
		var frag = document.createDocumentFragment();

		if (!ul)
			return;
		pays.forEach(function (p) {
			var li = document.createElement('li');
			var amt = document.createElement('span');
			var st = document.createElement('span');
			var label = PAYMENT_LABELS[p.status] ||
			    String(p.status);

			li.className = 'payment payment-' + p.status;
			amt.className = 'payment-amount num';
			amt.textContent = p.amount + ' ' + crypto;
			st.className = 'payment-status';
			if (p.status !== 'confirmed' &&
			    p.required_confirmations !== undefined)
				label += ' · ' + (p.confirmations || 0) +
				    ' of ' + p.required_confirmations +
				    ' confirmations';
			st.textContent = label;
			li.appendChild(amt);
			li.appendChild(document.createTextNode(' '));
			li.appendChild(st);
			frag.appendChild(li);
		});
		ul.replaceChildren(frag);
		ul.hidden = pays.length === 0;
	}

	function updateOpen(inv, a) {
		var pp = a.progress;
		var qrHasAmount = data.qrHasAmount !== '0';
		var pct = dec(pp.percent);
		/* <progress> takes 0..100; an overpayment reports more. */
		var value = pct === null ? '0' :
		    (pct.v >= BigInt(100) * pow10(pct.s) ? '100' :
		    decText(pct.v, pct.s));
		var bar = $('progress');

		setText($('due-label'), a.full ? 'Amount sent' : a.hasSent ?
		    'Remaining to send' : 'Amount to send');
		setText($('due-value'), a.hasSent && !a.full ? a.toSend :
		    String(inv.crypto_amount));
		if ($('copy-amount'))
			$('copy-amount').hidden = a.full;
		if ($('pay-panel'))
			$('pay-panel').hidden = a.full;
		if ($('qr'))
			$('qr').hidden = a.hasSent && qrHasAmount;
		if ($('qr-note'))
			$('qr-note').hidden = !(a.hasSent && qrHasAmount);
		if (bar) {
			bar.value = Number(value);
			bar.textContent = (pp.percent || '0') + '%';
			bar.setAttribute('aria-valuetext',
			    (pp.received || '0') + ' of ' +
			    (pp.required || '0') + ' ' + currency +
			    ' received (' + (pp.percent || '0') + '%)');
		}
		setText($('progress-text'), (pp.received || '0') + ' of ' +
		    (pp.required || '0') + ' ' + currency);
		if ($('pending-line'))
			$('pending-line').hidden = !positive(pp.pending);
		setText($('pending-amount'), (pp.pending || '0') + ' ' +
		    currency);
		renderPayments(inv.payments);
	}

	function safeUrl(u) {
		var url;

		if (!u)
			return null;
		try {
			url = new URL(u, window.location.href);
		} catch (e) {
			return null;
		}
		return url.protocol === 'https:' || url.protocol === 'http:' ?
		    url.href : null;
	}

	/* An open page reaches a final state: show its notice in place. */
	function showFinal(inv, a) {
		var tpl = $('tpl-' + a.view) || $('tpl-closed');
		var body = $('pay-body');
		var node, partial, received, redirect, target;

		stopTimer();
		/* The notice says it all; the live region stays. */
		if ($('status-row'))
			$('status-row').classList.add('sr-only');
		if (tpl && body) {
			node = tpl.content.cloneNode(true);
			partial = node.querySelector('.js-partial');
			if (partial) {
				received = a.progress.received || '0';
				partial.hidden = !positive(received);
				setText(partial.querySelector('.js-received'),
				    String(received));
			}
			body.replaceChildren(node);
		}
		if (a.view === 'paid')
			target = safeUrl(data.returnUrl);
		else if (a.view === 'cancelled')
			target = safeUrl(data.cancelUrl);
		if (target) {
			redirect = body &&
			    body.querySelector('.js-redirecting');
			if (redirect)
				redirect.hidden = false;
			setTimeout(function () {
				window.location.assign(target);
			}, REDIRECT_DELAY_MS);
		}
	}

	function apply(inv) {
		var a = analyse(inv);

		deadline = Date.now() + a.remaining * 1000;
		if (a.remaining > 0)
			refetchedAtZero = false;
		if (a.view === 'open' && shown !== 'open') {
			/* Back from a final-looking state (a reorg, a late
			 * payment): the server renders that best. */
			window.location.reload();
			return;
		}
		setStatus(a);
		if (a.view === 'open')
			updateOpen(inv, a);
		else if (a.view !== shown)
			showFinal(inv, a);
		shown = a.view;
		if (a.final)
			stopLive();
	}

	/* ---- fetching: one request at a time, one more if asked meanwhile */

	var busy = false, again = false;

	function refresh() {
		if (busy) {
			again = true;
			return;
		}
		busy = true;
		fetch(data.apiUrl, {
			headers: { Accept: 'application/json' },
			cache: 'no-store',
			credentials: 'omit'
		}).then(function (r) {
			if (!r.ok)
				throw new Error('HTTP ' + r.status);
			return r.text();
		}).then(function (text) {
			apply(parseExact(text));
		}).catch(function () {
			/* The next event, poll or visit tries again. */
		}).then(function () {
			busy = false;
			if (again) {
				again = false;
				refresh();
			}
		});
	}

	/* ---- the event stream, with polling when it is unavailable ---- */

	var source = null, poller = null, stopped = false;

	function startPolling() {
		if (poller === null && !stopped)
			poller = setInterval(refresh, POLL_MS);
	}

	function stopLive() {
		stopped = true;
		if (source !== null)
			source.close();
		source = null;
		if (poller !== null)
			clearInterval(poller);
		poller = null;
	}

	function onMessage() {
		/* Every message's data names its event; all mean "re-read". */
		refresh();
	}

	function connect() {
		var i;

		if (typeof window.EventSource !== 'function' ||
		    !data.eventsUrl) {
			startPolling();
			return;
		}
		source = new EventSource(data.eventsUrl);
		source.onmessage = onMessage;
		for (i = 0; i < EVENT_TYPES.length; i++)
			source.addEventListener(EVENT_TYPES[i], onMessage);
		source.onopen = function () {
			/* Catch up on whatever happened while disconnected. */
			if (poller !== null) {
				clearInterval(poller);
				poller = null;
			}
			refresh();
		};
		source.onerror = function () {
			/* EventSource retries by itself unless it gave up. */
			if (source && source.readyState === EventSource.CLOSED)
				startPolling();
		};
	}

	setupCopy();
	if (data.view !== 'open')
		return;
	if (data.fullSeen === '1' && $('copy-amount'))
		$('copy-amount').hidden = true;
	timer = setInterval(tick, 1000);
	tick();
	connect();
	document.addEventListener('visibilitychange', function () {
		if (document.visibilityState === 'visible' && !stopped)
			refresh();
	});
})();
