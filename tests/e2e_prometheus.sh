#!/usr/bin/env bash
# e2e_prometheus.sh - a real Prometheus server scrapes two portclass
# instances, and what it stored must equal what the instances said.
#
# Instance A reads pcaps/demo.pcap, instance B pcaps/transports.pcap and
# pcaps/hour.pcap; both write NDJSON and serve /metrics on loopback, and
# keep serving after their files end (until SIGTERM).  Debian's prometheus
# (installed by scripts/deps.sh) scrapes them every second.  The test then
# asks the HTTP API for sum by (service, proto) of portclass_packets_total
# and portclass_bytes_total and compares it, service by service, with the
# sum of the two NDJSON run reports folded the way docs/metrics.md says
# (no name: "unassigned"; the ephemeral row: "ephemeral").
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

start_instance a -r "$PC_SOURCE_DIR/pcaps/demo.pcap"
pid_a=$pid
start_instance b -r "$PC_SOURCE_DIR/pcaps/transports.pcap" \
    -r "$PC_SOURCE_DIR/pcaps/hour.pcap"
pid_b=$pid
addr_a=$(address_of a $pid_a)
addr_b=$(address_of b $pid_b)

# Wait until both have written their run totals (the files are read).
for n in a b; do
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
      - targets: ['$addr_a', '$addr_b']
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

query() {
	curl -sf -G "http://127.0.0.1:$prom_port/api/v1/query" \
	    --data-urlencode "query=$1" |
	    jq -r '.data.result[] | [(.metric.service // ""),
	        (.metric.proto // ""), .value[1]] | @tsv' | sort
}

# Expected: both NDJSON run reports, summed per (service, proto).
expected() {
	local col=$1
	cat "$tmp/a.json" "$tmp/b.json" | json_service_rows run |
	awk -F'\t' -v col="$col" '{
		svc = $5
		if ($2 == "null") svc = "ephemeral"
		else if (svc == "null" || svc == "") svc = "unassigned"
		sum[svc "\t" $1] += $col
	} END { for (k in sum) print k "\t" sum[k] }' | sort
}
expected 3 >"$tmp/want.packets"
expected 4 >"$tmp/want.bytes"
[ -s "$tmp/want.packets" ] || fail "no service rows in the NDJSON"
want_total=$(awk -F'\t' '{ s += $3 } END { print s }' "$tmp/want.packets")

# Wait for both targets up and for the stored sum to reach the total.
while :; do
	up=$(query 'sum(up{job="portclass"})' | cut -f3)
	got_total=$(query 'sum(portclass_packets_total)' | cut -f3)
	[ "$up" = 2 ] && [ "$got_total" = "$want_total" ] && break
	[ $SECONDS -lt $deadline ] ||
	    fail "scrapes: up=$up, sum=$got_total (want 2 and $want_total)"
	sleep 0.5
done

query 'sum by (service, proto) (portclass_packets_total)' >"$tmp/got.packets"
query 'sum by (service, proto) (portclass_bytes_total)' >"$tmp/got.bytes"
diff -u "$tmp/want.packets" "$tmp/got.packets" ||
    fail "packets per service differ (want, got)"
diff -u "$tmp/want.bytes" "$tmp/got.bytes" ||
    fail "bytes per service differ (want, got)"
# Nothing was folded, so the comparison covered every series.
[ "$(query 'sum(portclass_series_folded)' | cut -f3)" = 0 ] ||
    fail "series were folded"
# Unclassified frames made it too: totals minus service rows.
want_read=$(cat "$tmp/a.json" "$tmp/b.json" | json_totals run packets |
    awk '{ s += $1 } END { print s }')
[ "$(query 'sum(portclass_read_packets_total)' | cut -f3)" = "$want_read" ] ||
    fail "portclass_read_packets_total differs from the NDJSON totals"

# SIGTERM ends an instance that lingers after its files, with status 0.
for p in $pid_a $pid_b; do
	kill -0 "$p" || fail "an instance ended before SIGTERM"
	kill -TERM "$p"
	wait "$p" || fail "portclass exited $? on SIGTERM"
done
echo "e2e_prometheus: $(wc -l <"$tmp/got.packets") series match over 2 instances"
