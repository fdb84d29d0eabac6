#!/usr/bin/env bash
# e2e_progress.sh - a long offline run shows a progress line when standard
# error is a terminal (script(1) gives it one): on standard error only,
# redrawn in place, erased at the end; never when standard error is a
# pipe or a file, and never in the reports.
set -u
. "$(dirname "$0")/lib.sh"
: "${PCAPGEN:?the pcapgen target was not built}"
command -v script >/dev/null || { echo "FAIL: script(1) missing (bsdutils)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PCAPGEN" bench-small "$tmp/big.pcap" --packets 1000000 --flows 1000 >/dev/null
# Forty passes over it: long enough for the 250 ms refresh even in an
# optimised build with the file in the page cache, where one pass takes
# about 25 ms on a 2-core VM (eight passes once sufficed, and then did not:
# the refresh clock runs across files, but must reach 250 ms).
args=()
for ((i = 0; i < 40; i++)); do args+=(-r "$tmp/big.pcap"); done

# On a terminal: progress lines, then the line erased.
script -qec "'$PORTCLASS' -F json -o '$tmp/tty.json' ${args[*]}" \
	/dev/null >"$tmp/tty.out" 2>&1 </dev/null
check "exit 0 under a terminal" test $? -eq 0
check "a progress line with a percentage" \
	grep -aq $'\rportclass: .*big.pcap .*%.*frames/s.*left' "$tmp/tty.out"
check "the line is erased at the end" \
	bash -c "tail -c 8 '$tmp/tty.out' | grep -aq \$'\\r\\e\\[K'"
check "the report file has no progress text" \
	bash -c "! grep -aq 'left' '$tmp/tty.json' && grep -q '\"type\":\"totals\",\"scope\":\"run\"' '$tmp/tty.json'"

# Not a terminal: nothing on standard error.
"$PORTCLASS" -F json -o "$tmp/plain.json" "${args[@]}" 2>"$tmp/plain.err"
check "no progress when standard error is a file" test ! -s "$tmp/plain.err"
check "same report either way" cmp -s "$tmp/tty.json" "$tmp/plain.json"
check_summary
