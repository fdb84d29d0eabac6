#!/usr/bin/env bash
# e2e_bad.sh - the crafted, damaged captures of pcaps/bad/: each must give
# the outcome pcaps/bad/expected.tsv names (exit status, named counters,
# at most one error line naming what broke), and the good frames read
# before the damage (and after it, where reading can go on) must all be in
# the report.  The same runs are repeated with the damaged file between two
# good ones: a broken file must not lose the counts of the others.
set -u
. "$(dirname "$0")/lib.sh"

bad="$PC_SOURCE_DIR/pcaps/bad"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# udp53 FILE: packets of the run report's domain 53/udp row.
udp53() {
	json_service_rows run <"$1" | awk -F'\t' '$1 == "udp" && $2 == 53 { s += $3 }
	    END { print s + 0 }'
}

# The files on disk and the table must agree: no untested crafted file.
for f in "$bad"/*.pcap "$bad"/*.pcapng; do
	check "$(basename "$f") has a line in expected.tsv" \
	    grep -q "^$(basename "$f")	" "$bad/expected.tsv"
done

good="$PC_SOURCE_DIR/pcaps/demo.pcap"
"$PORTCLASS" -F json -r "$good" >"$tmp/good.json" 2>/dev/null
good_packets=$(json_totals run packets <"$tmp/good.json")
good_udp53=$(udp53 "$tmp/good.json")

n=0
while IFS=$'\t' read -r file want_rc want_udp53 counters err; do
	case $file in '#'* | '') continue ;; esac
	n=$((n + 1))
	out="$tmp/$file.json" msg="$tmp/$file.err"
	timeout 20 "$PORTCLASS" -F json -r "$bad/$file" >"$out" 2>"$msg"
	rc=$?
	check "$file: exit status $rc, want $want_rc" test "$rc" -eq "$want_rc"
	check "$file: udp/53 packets kept ($(udp53 "$out"), want $want_udp53)" \
	    test "$(udp53 "$out")" -eq "$want_udp53"
	if [ "$counters" != - ]; then
		IFS=, read -r -a kv <<<"$counters"
		for c in "${kv[@]}"; do
			got=$(json_totals run "${c%%=*}" <"$out")
			check "$file: ${c%%=*} = ${got:-none}, want ${c#*=}" \
			    test "${got:-none}" = "${c#*=}"
		done
	fi
	if [ "$err" = - ]; then
		check "$file: no message" test ! -s "$msg"
	else
		check "$file: one error line" test "$(wc -l <"$msg")" -eq 1
		check "$file: the line names the file" grep -qF "$file" "$msg"
		check "$file: the line says '$err'" grep -qF "$err" "$msg"
	fi
	# Sanitizer reports go to stderr too: any would break "one line", but
	# say it plainly when it happens.
	check "$file: no sanitizer report" \
	    bash -c "! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' '$msg'"

	# Between two good files: their counts survive the broken one, and
	# the exit status still says something failed.
	timeout 20 "$PORTCLASS" -F json -r "$good" -r "$bad/$file" -r "$good" \
	    >"$out.3" 2>"$msg.3"
	rc3=$?
	check "$file between good files: exit status $rc3, want $want_rc" \
	    test "$rc3" -eq "$want_rc"
	check "$file between good files: both good files counted" \
	    test "$(udp53 "$out.3")" -eq $((2 * good_udp53 + want_udp53))
	want_packets=$(json_totals run packets <"$out")
	check "$file between good files: packets add up" \
	    test "$(json_totals run packets <"$out.3")" = \
	    $((2 * good_packets + want_packets))
done <"$bad/expected.tsv"
check "expected.tsv lists files ($n)" test "$n" -ge 18

# The whole-capture fuzz harness (its promises checked, in this build's
# sanitizers if any) over the same files.
replay="${PC_BINARY_DIR:-}/tests/fuzz/fuzz_capture_replay"
if [ -x "$replay" ]; then
	check "fuzz_capture_replay accepts every bad file" \
	    "$replay" "$bad" >/dev/null
fi

check_summary
