#!/usr/bin/env bash
# CPU split of a benchmark window, for bench/invoice_create.sh: sleeps WAIT
# seconds, samples /proc for WINDOW seconds and prints the CPU each part of
# the private stack used, in % of one core (the machine has `nproc` cores):
# this stack's PostgreSQL (postmaster and backends), lighttpd,
# cc-merchant.fcgi, wrk, pgbench, the rest (other processes, kernel threads,
# interrupts: the machine's busy time minus the named parts) and idle
# (idle + iowait).
#
#   bench/cpu_split.sh WAIT WINDOW        (needs CC_ENV_FILE and CC_STACK_DIR)
set -euo pipefail

wait_s=$1 window=$2
# shellcheck disable=SC1090
. "$CC_ENV_FILE"
pg_pid=$(head -n 1 "$CC_PG_HOST/data/postmaster.pid")
httpd_pid=$(cat "$CC_STACK_DIR/run/lighttpd.pid")

# One line per process: group utime+stime (clock ticks).
snap() {
	local d s comm rest pid ppid
	for d in /proc/[0-9]*; do
		read -r s 2>/dev/null <"$d/stat" || continue
		comm=${s#*(}
		comm=${comm%)*}
		rest=${s##*) }
		# shellcheck disable=SC2086
		set -- $rest
		pid=${d#/proc/}
		ppid=$2
		if [ "$pid" = "$pg_pid" ] || [ "$ppid" = "$pg_pid" ]; then
			comm=postgres
		elif [ "$pid" = "$httpd_pid" ]; then
			comm=lighttpd
		elif [ "$ppid" = "$httpd_pid" ] && [ "$comm" = cc-merchant.fcg ]; then
			comm=cc-merchant.fcgi
		elif [ "$comm" != wrk ] && [ "$comm" != pgbench ]; then
			comm=other
		fi
		echo "$pid $comm $((${12} + ${13}))"
	done
}

# Idle (idle + iowait) and total ticks of all CPUs.
cpu() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t }' /proc/stat; }

sleep "$wait_s"
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
snap >"$a"
read -r i0 a0 < <(cpu)
t0=$(date +%s%N)
sleep "$window"
snap >"$b"
read -r i1 a1 < <(cpu)
t1=$(date +%s%N)
hz=$(getconf CLK_TCK)
# A process that started inside the window counts from zero; one that
# ended inside it is lost (none of the measured ones do).
awk -v hz="$hz" -v ns=$((t1 - t0)) -v idle=$((i1 - i0)) -v all=$((a1 - a0)) '
	NR == FNR { start[$1] = $3; next }
	{ used[$2] += $3 - ($1 in start ? start[$1] : 0) }
	END {
		sec = ns / 1e9
		rest = all - idle
		printf "cpu%% of one core over %.1f s:", sec
		n = split("postgres cc-merchant.fcgi lighttpd wrk pgbench", k, " ")
		for (i = 1; i <= n; i++)
			if (used[k[i]] > 0) {
				printf " %s %.0f%%,", k[i], 100 * used[k[i]] / hz / sec
				rest -= used[k[i]]
			}
		if (rest < 0)
			rest = 0
		printf " rest %.0f%%, idle %.0f%%\n", 100 * rest / hz / sec,
		    100 * idle / hz / sec
	}' "$a" "$b"
