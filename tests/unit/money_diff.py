#!/usr/bin/env python3
"""The reference side of tests/unit/test_money_diff.c: prints COUNT random
(units, decimals) pairs, one a line as "UNITS DECIMALS EXPECTED", EXPECTED
being units / 10^decimals written by Python's decimal module (libmpdec),
independently of lib/money.c: exact, trailing fractional zeros dropped,
never an exponent.

Units range over what a NUMERIC(78, 0) column holds (up to 78 digits),
with about half of them within 2^128-1, what money_format_units takes;
decimals over 0..38 (MONEY_MAX_SCALE). The lengths of units are drawn
uniformly so that short and long numbers are equally common, and some
draws are the boundaries and numbers ending in zeros, where formatting
goes wrong.

    money_diff.py COUNT SEED
"""
import decimal
import random
import sys

U128_MAX = 2 ** 128 - 1
UNITS_MAX = 10 ** 78 - 1
MAX_SCALE = 38
CTX = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.Rounded,
                                       decimal.InvalidOperation])


def expected(units, decimals):
    d = CTX.scaleb(decimal.Decimal(units), -decimals)
    return format(d.normalize(CTX), "f")


POW10 = [10 ** k for k in range(80)]
LIMITS = ((U128_MAX, len(str(U128_MAX))), (UNITS_MAX, len(str(UNITS_MAX))))


def draw(rnd):
    """One pair. (Small integers come from random() times a bound:
    randint() would double the script's time.)"""
    r = rnd.random
    kind = r()
    if kind < 0.05:
        units = rnd.choice((0, 1, U128_MAX, U128_MAX - 1, UNITS_MAX,
                            POW10[int(r() * 78)],
                            POW10[1 + int(r() * 78)] - 1,
                            2 ** int(r() * 129)))
    else:
        top, digits = LIMITS[kind >= 0.55]
        n = 1 + int(r() * digits)
        units = rnd.randrange(POW10[n - 1] if n > 1 else 0,
                              min(POW10[n], top + 1))
        if r() < 0.2:
            # Trailing zeros, to be trimmed (or kept before the point).
            k = 1 + int(r() * 40)
            if units * POW10[k] <= top:
                units *= POW10[k]
    return units, int(r() * (MAX_SCALE + 1))


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    out = sys.stdout
    lines = []
    for _ in range(count):
        units, decimals = draw(rnd)
        lines.append("%d %d %s\n" % (units, decimals,
                                     expected(units, decimals)))
        if len(lines) == 10000:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))
    out.flush()


if __name__ == "__main__":
    main()
