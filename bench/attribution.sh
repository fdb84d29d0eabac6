#!/bin/sh
#
# bench/attribution.sh: how often portclass names the right service port
# on captures that look like a network, whose answer is known for every
# packet (pcapgen network --per-packet; docs/service-port.md, "How well
# it works").
#
# Builds portclass, pcapgen and pc_attribution in Release (build/bench),
# generates one capture per size and seed, and prints per capture, packet
# by packet (bench/attribution.c):
#   share     service packets on their true port
#   rule      the same without the listener memory (rule and flow cache)
#   clients   (protocol, port) rows that are no server's port, and of
#             those the ones --unassigned would list (unassigned or
#             reserved)
#   2+        the same, for rows holding packets of servers with two or
#             more clients (the issue's target: none unassigned)
# With --before COMMIT it also builds that commit's portclass and gives,
# from both run reports, the row figures anyone can check against the
# truth file: packets in excess on rows (a lower bound of the misplaced
# ones), client rows, and unassigned client rows.
#
# Usage: bench/attribution.sh [--before COMMIT]
# Environment: ATTR_FLOWS (default "2000 20000 100000"), ATTR_SEEDS
# (default "1 2 3"), ATTR_PACKETS_PER_FLOW (default 15), BENCH_JOBS.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

before=
while [ $# -gt 0 ]; do
	case $1 in
	--before) shift; before=$1 ;;
	-h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "attribution.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
flows=${ATTR_FLOWS:-2000 20000 100000}
seeds=${ATTR_SEEDS:-1 2 3}
ppf=${ATTR_PACKETS_PER_FLOW:-15}
jobs=${BENCH_JOBS:-2}
build=build/bench/attr
data=build/bench/attr-data
log() { echo "attribution.sh: $*" >&2; }

log "building portclass, pcapgen and pc_attribution (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    >/dev/null
cmake --build "$build" -j"$jobs" --target portclass pcapgen pc_attribution \
    >/dev/null
if [ -n "$before" ]; then
	bc=$(git rev-parse --verify "$before^{commit}")
	bt=build/bench/tree-$(echo "$bc" | cut -c1-12)
	bb=build/bench/rev-$(echo "$bc" | cut -c1-12)
	if [ ! -f "$bt/CMakeLists.txt" ]; then
		rm -rf "$bt"
		mkdir -p "$bt"
		git archive "$bc" | tar -x -C "$bt"
	fi
	log "building portclass (Release) from $before in $bb"
	cmake -S "$bt" -B "$bb" -DCMAKE_BUILD_TYPE=Release \
	    -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$bb" -j"$jobs" --target portclass >/dev/null
fi
mkdir -p "$data"

# rowfig NDJSON TRUTH: "excess clients unassigned" of a run report.
rowfig() {
	jq -r 'select(.type == "service" and .scope == "run") |
	    [.proto, (.port // "-"), .packets, .status] | @tsv' "$1" |
	awk -F'\t' -v truth="$2" '
	BEGIN {
		while ((getline l < truth) > 0) {
			split(l, f, "\t")
			if (f[1] == "service") want[f[2] "/" f[3]] = f[4]
		}
	}
	{
		k = $1 "/" $2
		if (!(k in want)) {
			excess += $3
			clients++
			if ($4 == "unassigned" || $4 == "reserved") ua++
		} else if ($3 > want[k])
			excess += $3 - want[k]
	}
	END { printf "%d %d %d\n", excess, clients, ua }'
}

printf '%-8s %-4s %9s  %-8s %-8s %-13s %-9s' flows seed packets share rule \
    clients 2+
[ -n "$before" ] && printf '  %-22s %-22s' "rows now (excess/cl/ua)" \
    "rows before"
printf '\n'
for f in $flows; do
	for s in $seeds; do
		cap=$data/net-$f-$s.pcap
		"$build/pcapgen" network "$cap" --flows "$f" --packets \
		    $((f * ppf)) --per-packet --seed "$s"
		out=$("$build/pc_attribution" -q "$cap")
		get() {
			printf '%s\n' "$out" | awk -F'\t' -v v="$1" -v k="$2" '
			index($1, v) == 1 { for (i = 2; i <= NF; i++) {
				split($i, kv, " "); if (kv[1] == k) print kv[2] } }'
		}
		printf '%-8s %-4s %9s  %-8s %-8s %-13s %-9s' "$f" "$s" \
		    "$(get evidence packets)" "$(get evidence share)" \
		    "$(get rule share)" \
		    "$(get evidence client_rows)/$(get evidence client_rows_unassigned)" \
		    "$(get evidence client_rows_2plus)/$(get evidence client_rows_2plus_unassigned)"
		if [ -n "$before" ]; then
			"$build/portclass" -F json -r "$cap" >"$cap.now.json"
			"$bb/portclass" -F json -r "$cap" >"$cap.before.json"
			printf '  %-22s %-22s' \
			    "$(rowfig "$cap.now.json" "$cap.truth.tsv")" \
			    "$(rowfig "$cap.before.json" "$cap.truth.tsv")"
		fi
		printf '\n'
		rm -f "$cap" "$cap.packets.tsv" "$cap.now.json" \
		    "$cap.before.json"
	done
done
