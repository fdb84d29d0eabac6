#!/usr/bin/env bash
# e2e_prometheus.sh - a real Prometheus server scrapes three portclass
# instances, and what it stored must equal what the instances said.
#
# Instance A reads pcaps/demo.pcap, instance B pcaps/transports.pcap and
# pcaps/hour.pcap, instance C pcaps/unassigned.pcap (reserved, unassigned
# and dynamic service ports, an ephemeral row); all write NDJSON (A and C
# with --unassigned) and serve /metrics on loopback, and keep serving
# after their files end (until SIGTERM).  Debian's prometheus (installed
# by scripts/deps.sh) scrapes them every second.  The test then asks the
# HTTP API for sum by (service, proto, status) of portclass_packets_total
# and portclass_bytes_total and compares it, series by series, with the
# sum of the three NDJSON run reports folded the way docs/metrics.md says
# (no name: "unnamed"; the ephemeral row: "ephemeral"; the status as
# NDJSON gives it).  For A and C it also checks, from each instance's own
# NDJSON, the bytes per status, and that the expressions of the Grafana
# dashboard's panels (contrib/grafana-dashboard.json, rate() taken off,
# since the counters no longer move) count exactly what --unassigned
# lists.  Nothing is hard-coded: every expectation comes from portclass's
# NDJSON in the same run.
#
# Fails if prometheus, curl or jq is missing; skips (77) only when the
# loopback network cannot be used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fail() { echo "e2e_prometheus: FAIL: $*" >&2; exit 1; }
skip() { echo "e2e_prometheus: SKIP: $*" >&2; exit 77; }

for tool in prometheus curl jq; do
	command -v "$tool" >/dev/null ||
	    fail "$tool is not installed (scripts/deps.sh installs it)"
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

deadline=$((SECONDS + 50))

# Start one instance in the background (pid in $pid).
start_instance() {
	local name=$1; shift
	"$PORTCLASS" -v -F json -o "$tmp/$name.json" --listen 127.0.0.1:0 \
	    "$@" </dev/null >/dev/null 2>"$tmp/$name.err" &
	pid=$!
	pids+=($pid)
}

# The address instance name serves on, once it serves.
address_of() {
	local name=$1 pid=$2 addr=
	while [ $SECONDS -lt $deadline ]; do
		addr=$(sed -n 's|.*serving metrics on http://\([^/]*\)/metrics.*|\1|p' \
		    "$tmp/$name.err")
		[ -n "$addr" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			# Our own bind error names the address: loopback is
			# unusable here, which is not portclass's fault.
			if grep -q -- '--listen: 127.0.0.1:0: ' "$tmp/$name.err"; then
				skip "cannot listen on loopback: $(cat "$tmp/$name.err")"
			fi
			fail "instance $name died: $(cat "$tmp/$name.err")"
		fi
		sleep 0.1
	done
	[ -n "$addr" ] || fail "instance $name never served"
	echo "$addr"
}

pcap_a=$PC_SOURCE_DIR/pcaps/demo.pcap
pcap_c=$PC_SOURCE_DIR/pcaps/unassigned.pcap
start_instance a --unassigned -r "$pcap_a"
pid_a=$pid
start_instance b -r "$PC_SOURCE_DIR/pcaps/transports.pcap" \
    -r "$PC_SOURCE_DIR/pcaps/hour.pcap"
pid_b=$pid
start_instance c --unassigned -r "$pcap_c"
pid_c=$pid
addr_a=$(address_of a $pid_a)
addr_b=$(address_of b $pid_b)
addr_c=$(address_of c $pid_c)

# Wait until all have written their run totals (the files are read).
for n in a b c; do
	until grep -q '"type":"totals","scope":"run"' "$tmp/$n.json"; do
		[ $SECONDS -lt $deadline ] || fail "instance $n wrote no run report"
		sleep 0.1
	done
done
# Reading is over but the endpoint stays up.
curl -sf "http://$addr_a/metrics" >/dev/null || fail "A stopped serving"

# Prometheus on a free loopback port: try a few random ones.
prom_port=
for try in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: portclass
    static_configs:
      - targets: ['$addr_a', '$addr_b', '$addr_c']
YML
	prometheus --config.file="$tmp/prometheus.yml" \
	    --storage.tsdb.path="$tmp/tsdb-$try" \
	    --web.listen-address="127.0.0.1:$port" \
	    </dev/null >"$tmp/prometheus.log" 2>&1 &
	prom_pid=$!
	pids+=($prom_pid)
	while [ $SECONDS -lt $deadline ] && kill -0 $prom_pid 2>/dev/null; do
		if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
			prom_port=$port
			break
		fi
		sleep 0.2
	done
	[ -n "$prom_port" ] && break
	grep -q 'address already in use' "$tmp/prometheus.log" ||
	    fail "prometheus did not start: $(tail -5 "$tmp/prometheus.log")"
done
[ -n "$prom_port" ] || fail "no free port for prometheus"

# query EXPR [LABEL...]: one line per result, the labels' values then the
# value, sorted.
query() {
	local expr=$1; shift
	curl -sf -G "http://127.0.0.1:$prom_port/api/v1/query" \
	    --data-urlencode "query=$expr" |
	    jq -r '.data.result[] |
	        [($ARGS.positional[] as $k | .metric[$k] // ""),
	        .value[1]] | @tsv' \
	        --args "$@" | sort
}

# The sum of every result of EXPR (0 when there is none).
query_sum() {
	curl -sf -G "http://127.0.0.1:$prom_port/api/v1/query" \
	    --data-urlencode "query=$1" |
	    jq -r '[.data.result[].value[1] | tonumber] | add // 0'
}

# The run report's service rows of NDJSON files, "proto port packets bytes
# service status" ("null" for a null port or service), from several files
# at once.
run_rows() {
	jq -r 'select(.type == "service" and .scope == "run") |
	    [.proto, (.port // "null"), .packets, .bytes,
	    (.service // "null"), .status] | @tsv' "$@"
}

# Expected: NDJSON run reports, summed per (service, proto, status).
expected() {
	local col=$1; shift
	run_rows "$@" |
	awk -F'\t' -v col="$col" '{
		svc = $5
		if ($2 == "null") svc = "ephemeral"
		else if (svc == "null" || svc == "") svc = "unnamed"
		sum[svc "\t" $1 "\t" $6] += $col
	} END { for (k in sum) print k "\t" sum[k] }' | sort
}
expected 3 "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" >"$tmp/want.packets"
expected 4 "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" >"$tmp/want.bytes"
[ -s "$tmp/want.packets" ] || fail "no service rows in the NDJSON"
want_total=$(awk -F'\t' '{ s += $4 } END { print s }' "$tmp/want.packets")

# Wait for every target up and for the stored sum to reach the total.
while :; do
	up=$(query 'sum(up{job="portclass"})')
	got_total=$(query 'sum(portclass_packets_total)')
	[ "$up" = 3 ] && [ "$got_total" = "$want_total" ] && break
	[ $SECONDS -lt $deadline ] ||
	    fail "scrapes: up=$up, sum=$got_total (want 3 and $want_total)"
	sleep 0.5
done

query 'sum by (service, proto, status) (portclass_packets_total)' \
    service proto status >"$tmp/got.packets"
query 'sum by (service, proto, status) (portclass_bytes_total)' \
    service proto status >"$tmp/got.bytes"
diff -u "$tmp/want.packets" "$tmp/got.packets" ||
    fail "packets per service and status differ (want, got)"
diff -u "$tmp/want.bytes" "$tmp/got.bytes" ||
    fail "bytes per service and status differ (want, got)"
# Nothing was folded, so the comparison covered every series.
[ "$(query 'sum(portclass_series_folded)')" = 0 ] ||
    fail "series were folded"
# Unclassified frames made it too: totals minus service rows.
want_read=$(cat "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" |
    json_totals run packets | awk '{ s += $1 } END { print s }')
[ "$(query 'sum(portclass_read_packets_total)')" = "$want_read" ] ||
    fail "portclass_read_packets_total differs from the NDJSON totals"

# panel_expr ID ADDR [TARGET]: expression TARGET (default 0) of dashboard
# panel ID for the instance at ADDR, with rate() taken off: the files are
# read, so the counters stand still and every rate would be 0.
panel_expr() {
	jq -r --argjson id "$1" --argjson t "${3:-0}" '.panels[] |
	    select(.id == $id) | .targets[$t].expr' \
	    "$PC_SOURCE_DIR/contrib/grafana-dashboard.json" |
	    sed -e 's/rate(\([^[]*\)\[\$__rate_interval\])/\1/g' \
	        -e "s/=~\"\\\$instance\"/=\"$2\"/g"
}
jq -e . "$PC_SOURCE_DIR/contrib/grafana-dashboard.json" >/dev/null ||
    fail "contrib/grafana-dashboard.json is not JSON"
[ "$(jq '[.panels[].id] | length == (unique | length)' \
    "$PC_SOURCE_DIR/contrib/grafana-dashboard.json")" = true ] ||
    fail "two dashboard panels share an id"

# Per instance that ran with --unassigned: the status label agrees with
# NDJSON, and the dashboard's unassigned panels with --unassigned.
for n in a c; do
	eval addr=\$addr_$n
	run_rows "$tmp/$n.json" |
	    awk -F'\t' '{ b[$6] += $4 }
	        END { for (s in b) print s "\t" b[s] }' |
	    sort >"$tmp/$n.want.status"
	query "sum by (status) (portclass_bytes_total{instance=\"$addr\"})" \
	    status >"$tmp/$n.got.status"
	diff -u "$tmp/$n.want.status" "$tmp/$n.got.status" ||
	    fail "$n: bytes per status differ from NDJSON (want, got)"

	# What --unassigned listed (nothing evicted, so the list is whole).
	jq -e 'select(.type == "totals" and .scope == "run") |
	    .unassigned_evicted == 0' "$tmp/$n.json" >/dev/null ||
	    fail "$n: --unassigned evicted ports"
	ua=$(jq -r 'select(.type == "unassigned" and .scope == "run") |
	    .bytes' "$tmp/$n.json" | awk '{ s += $1 } END { print s + 0 }')
	got=$(query_sum "sum(portclass_bytes_total{instance=\"$addr\",
	    status=~\"unassigned|reserved\"})")
	[ "$got" = "$ua" ] ||
	    fail "$n: unassigned|reserved: $got bytes, --unassigned $ua"
	# Panel 3, "Unassigned and reserved ports", in bits.
	expr=$(panel_expr 3 "$addr")
	case $expr in
	*'status=~"unassigned|reserved"'*) ;;
	*) fail "panel 3 no longer selects unassigned|reserved: $expr" ;;
	esac
	got=$(query_sum "$expr")
	[ "$got" = "$((8 * ua))" ] ||
	    fail "$n: panel 3 says $got bits, --unassigned $ua bytes"
	# Panel 4, the share of bytes read.
	read_bytes=$(json_totals run bytes <"$tmp/$n.json")
	got=$(query_sum "$(panel_expr 4 "$addr")")
	awk -v g="$got" -v u="$ua" -v r="$read_bytes" 'BEGIN {
		d = g - u / r; exit !(d < 1e-9 && d > -1e-9) }' ||
	    fail "$n: panel 4 says $got, --unassigned $ua of $read_bytes bytes"
	# Named services (panel 1), the panels above and panel 9 cover
	# every service row exactly once.
	svc_bytes=$(json_totals run service_bytes <"$tmp/$n.json")
	p1=$(query_sum "$(panel_expr 1 "$addr")")
	p9=$(query_sum "$(panel_expr 9 "$addr")")
	p9b=$(query_sum "$(panel_expr 9 "$addr" 1)")
	sum=$(((p1 + p9 + p9b) / 8 + ua))
	[ "$sum" = "$svc_bytes" ] ||
	    fail "$n: panels 1, 3 and 9 make $sum bytes, not $svc_bytes"
	# --fail-on-unassigned agrees: status 3 exactly when there were any.
	eval pcap=\$pcap_$n
	rc=0
	"$PORTCLASS" --fail-on-unassigned -F json -o /dev/null -r "$pcap" ||
	    rc=$?
	[ "$rc" = "$([ "$ua" -gt 0 ] && echo 3 || echo 0)" ] ||
	    fail "$n: --fail-on-unassigned exited $rc with $ua unassigned bytes"
done
# unassigned.pcap has service rows of each status the old label folded
# into "unassigned", so the comparisons above are not vacuous.
for st in reserved unassigned dynamic; do
	run_rows "$tmp/c.json" | cut -f6 | grep -qx "$st" ||
	    fail "c: no $st row in unassigned.pcap's report"
done
[ -z "$(query 'portclass_bytes_total{service="unassigned"}' service)" ] ||
    fail "a series is still called service=\"unassigned\""

# SIGTERM ends an instance that lingers after its files, with status 0.
for p in $pid_a $pid_b $pid_c; do
	kill -0 "$p" || fail "an instance ended before SIGTERM"
	kill -TERM "$p"
	wait "$p" || fail "portclass exited $? on SIGTERM"
done
echo "e2e_prometheus: $(wc -l <"$tmp/got.packets") series match over 3" \
    "instances; status labels and dashboard agree with --unassigned"
