#!/usr/bin/env bash
# e2e_conformance.sh - portclass against tshark's ground truth on real
# captures written by others (../shared/pcaps/real/, see its MANIFEST.tsv).
#
# For every capture: the service rows summed per protocol equal the
# per-protocol packets and bytes of its .truth.tsv; no service row names a
# port that its .truth.ports.tsv lacks for that protocol; totals.packets
# equals the frame count in MANIFEST.tsv.
set -u
. "$(dirname "$0")/lib.sh"

real="$PC_SOURCE_DIR/../shared/pcaps/real"
if [ ! -f "$real/MANIFEST.tsv" ]; then
	echo "SKIP: $real/MANIFEST.tsv not found (../shared is absent)"
	exit 77
fi

fail=0 n=0
while IFS=$'\t' read -r file _ _ _ _ _ _ _ _ _ _ _ packets _; do
	[ "$file" = file ] && continue
	n=$((n + 1))
	cap="$real/$file"
	out=$(mktemp)
	if ! "$PORTCLASS" -F json -r "$cap" >"$out" 2>"$out.err"; then
		echo "FAIL $file: portclass exited non-zero: $(cat "$out.err")"
		fail=$((fail + 1)); rm -f "$out" "$out.err"; continue
	fi
	got=$(json_service_rows run <"$out" |
		awk -F'\t' '{p[$1]+=$3; b[$1]+=$4} END {
			for (k in p) print k "\t" p[k] "\t" b[k] }' | sort)
	want=$(awk -F'\t' 'NR > 1 {p[$1]+=$4; b[$1]+=$5} END {
		for (k in p) print k "\t" p[k] "\t" b[k] }' "$cap.truth.tsv" | sort)
	# Protocols the oracle does not count (dccp, udplite) are not compared.
	got=$(printf '%s\n' "$got" | grep -E '^(tcp|udp|sctp)	' || true)
	if [ "$got" != "$want" ]; then
		echo "FAIL $file: per-protocol sums differ"
		echo "  portclass: $(echo $got)"
		echo "  truth:     $(echo $want)"
		fail=$((fail + 1))
	fi
	bad=$(json_service_rows run <"$out" | awk -F'\t' '$2 != "null" {print $1 "\t" $2}' |
		while IFS=$'\t' read -r proto port; do
			case $proto in tcp|udp|sctp) ;; *) continue ;; esac
			awk -F'\t' -v p="$proto" -v n="$port" \
			    '$1 == p && $2 == n {f=1} END {exit !f}' \
			    "$cap.truth.ports.tsv" || echo "$port/$proto"
		done)
	if [ -n "$bad" ]; then
		echo "FAIL $file: service rows on ports the truth lacks: $(echo $bad)"
		fail=$((fail + 1))
	fi
	total=$(json_totals run packets <"$out")
	if [ "$total" != "$packets" ]; then
		echo "FAIL $file: totals.packets $total, MANIFEST says $packets"
		fail=$((fail + 1))
	fi
	rm -f "$out" "$out.err"
done <"$real/MANIFEST.tsv"

echo "conformance: $n captures checked, $fail failures"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
