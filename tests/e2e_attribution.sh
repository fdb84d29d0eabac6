#!/usr/bin/env bash
# e2e_attribution.sh - the service port, packet by packet, on a capture
# that looks like a network (pcapgen network: services on assigned,
# unassigned, dynamic and client-range ports; Linux, Windows and NATed
# clients; half of the TCP connections open before the capture; UDP
# services with 1 to 50 clients; a scan and floods), against the
# generator's answer for every frame (docs/service-port.md, "How well it
# works"):
#   - bench/attribution.c decides exactly as portclass does: its rows
#     equal portclass's run report, row for row;
#   - at least 98 % of the service packets land on their true port;
#   - no client port of a server with two or more clients becomes an
#     unassigned or reserved row (what --unassigned would list);
#   - without the listener memory the same frames do clearly worse, so
#     the evidence, not the generator's mix, earns the figures.
set -u
. "$(dirname "$0")/lib.sh"
: "${PCAPGEN:?the pcapgen target was not built}"
: "${PC_ATTRIBUTION:?the pc_attribution target was not built}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap=$tmp/net.pcap
"$PCAPGEN" network "$cap" --flows 8000 --packets 120000 --per-packet \
	--seed 14 || exit 1

"$PC_ATTRIBUTION" -q --rows "$tmp/rows.tsv" "$cap" >"$tmp/attr.txt" ||
	{ echo "FAIL: pc_attribution"; exit 1; }
cat "$tmp/attr.txt"

"$PORTCLASS" -F json -r "$cap" >"$tmp/run.json" 2>"$tmp/err" ||
	{ echo "FAIL: portclass: $(cat "$tmp/err")"; exit 1; }
json_service_rows run <"$tmp/run.json" |
	awk -F'\t' '{ print $1 "\t" ($2 == "null" ? "-" : $2) "\t" $3 }' |
	sort >"$tmp/rows.pc"
sort "$tmp/rows.tsv" >"$tmp/rows.at"
check "pc_attribution decides as portclass does (rows equal)" \
	cmp -s "$tmp/rows.pc" "$tmp/rows.at"
cmp -s "$tmp/rows.pc" "$tmp/rows.at" ||
	diff "$tmp/rows.pc" "$tmp/rows.at" | head -5

# field VARIANT NAME: one figure of pc_attribution -q.
field() {
	awk -F'\t' -v v="$1" -v k="$2" 'index($1, v) == 1 {
		for (i = 2; i <= NF; i++) {
			split($i, kv, " ")
			if (kv[1] == k) print kv[2]
		}
	}' "$tmp/attr.txt"
}
share=$(field evidence share)
share_rule=$(field rule share)
ua2=$(field evidence client_rows_2plus_unassigned)
check "share on the true port $share >= 0.98" \
	awk -v s="$share" 'BEGIN { exit !(s >= 0.98) }'
check "no client port of a 2+ client server reported unassigned ($ua2)" \
	test "$ua2" = 0
check "evidence matters: $share against $share_rule without listeners" \
	awk -v a="$share" -v b="$share_rule" 'BEGIN { exit !(a - b >= 0.05) }'
total=$(json_totals run packets <"$tmp/run.json")
check "every frame read ($total)" \
	test "$total" = "$(wc -l <"$cap.packets.tsv")"
check_summary
