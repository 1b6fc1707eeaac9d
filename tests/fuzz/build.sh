#!/bin/sh
# build.sh SRCDIR OUTDIR CC "CPPFLAGS" "CFLAGS" "LIBS" [NAME...]
#
# Builds the libFuzzer targets: every SRCDIR/tests/fuzz/fuzz_NAME.c (or
# the NAMEs given) into OUTDIR/fuzz_NAME, each linked against the whole
# lib/libcc.a (in LIBS) and every library the programs use, so that a new
# target needs no list to be added to. Run by "make fuzz" in a build
# configured with CC=clang --enable-fuzzing (./dev.sh fuzz does both). A
# target is rebuilt when its source, a header beside it or the library
# is newer than it.
set -eu
srcdir=$1 outdir=$2 cc=$3 cppflags=$4 cflags=$5 libs=$6
shift 6
abs_srcdir=$(cd "$srcdir" && pwd)
mkdir -p "$outdir"
if [ $# -eq 0 ]; then
	set -- $(cd "$srcdir/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
for name; do
	src=$srcdir/tests/fuzz/fuzz_$name.c
	out=$outdir/fuzz_$name
	[ -f "$src" ] || { echo "build.sh: no target $src" >&2; exit 1; }
	if [ -x "$out" ] && [ ! "$src" -nt "$out" ] &&
	    [ ! lib/libcc.a -nt "$out" ] &&
	    [ -z "$(find "$srcdir/tests/fuzz" -maxdepth 1 -name '*.h' \
	    -newer "$out" 2>/dev/null)" ]; then
		continue
	fi
	echo "  FUZZ     $out"
	# shellcheck disable=SC2086
	$cc $cppflags -I"$abs_srcdir/tests/fuzz" \
	    -DFUZZ_SRCDIR="\"$abs_srcdir\"" $cflags -fsanitize=fuzzer \
	    -o "$out" "$src" $libs
done
