#!/usr/bin/env bash
# e2e_prometheus_load.sh - the metrics endpoint under load and under
# hostile requests while a live capture runs.
#
# portclass captures on a veth pair in a network namespace and serves
# /metrics on all addresses.  wrk hammers /metrics over loopback inside the
# namespace while the other side sends 10000 known UDP datagrams across the
# veth: every one must be counted and the kernel must report no drops.
# Then hand-made requests (garbage, oversized lines and heads, wrong
# method, version, lengths, idle connections) must each get a 4xx/5xx
# status line or a closed connection, and a normal scrape must still work
# after each.  Idle connections from one address must not lock out a
# scraper from another.
#
# Needs root (namespaces), wrk and curl; skips (77) without root, fails
# when wrk or curl is missing (scripts/deps.sh installs them).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"

for tool in wrk curl; do
	command -v "$tool" >/dev/null ||
	    { echo "FAIL: $tool is not installed (scripts/deps.sh installs it)"; exit 1; }
done
netns_setup

pc_start load -F json -t 60 -i "$IF_A" --listen 0.0.0.0:0 || exit 1
pc_wait_for "$tmp/load.err" 'serving metrics on' 5 ||
	{ echo "FAIL: no 'serving metrics on' line"; exit 1; }
port=$(sed -n 's|.*serving metrics on http://.*:\([0-9]*\)/metrics.*|\1|p' "$tmp/load.err")
[ -n "$port" ] || { echo "FAIL: no port in"; cat "$tmp/load.err"; exit 1; }

inA() { ip netns exec "$NS_A" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }
# scrape [NS]: the HTTP status of GET /metrics over loopback in A, or from
# B across the veth.
scrape() {
	if [ "${1:-A}" = B ]; then
		inB curl -s -m 5 -o /dev/null -w '%{http_code}' "http://10.77.0.1:$port/metrics"
	else
		inA curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics"
	fi
}
check "scrape before the load: 200" test "$(scrape)" = 200

# --- wrk over loopback while known traffic crosses the veth.  Twelve
# connections: under the server's limit of 16 per address (src/metrics.c).
inA wrk -t2 -c12 -d6s --timeout 2s "http://127.0.0.1:$port/metrics" \
    >"$tmp/wrk.out" 2>&1 &
wrk_pid=$!
NS_PIDS+=("$wrk_pid")
sleep 0.5
sent=0
for ((b = 0; b < 20; b++)); do
	pc_send udp 10.77.0.1 53 500 >/dev/null && sent=$((sent + 500))
	sleep 0.2
done
wait "$wrk_pid"
check "wrk ran (exit $?)" test -s "$tmp/wrk.out"
reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk.out")
echo "wrk: ${reqs:-?} requests; $(grep -E 'Requests/sec' "$tmp/wrk.out")"
check "wrk: more than 500 requests served (${reqs:-none})" test "${reqs:-0}" -gt 500
check "wrk: no non-2xx answers" bash -c "! grep -q 'Non-2xx' '$tmp/wrk.out'"
check "wrk: no socket errors" bash -c "! grep -q 'Socket errors' '$tmp/wrk.out'"
check "still running after wrk" kill -0 "$PC_PID"

# --- hostile requests, each on a fresh connection: print the status line,
# or "closed" when the server hung up without one.
raw() {
	# SIGPIPE ignored: a server that hangs up mid-request is an answer.
	inA bash -c '
		trap "" PIPE
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 9
		printf "%b" "$2" >&3 2>/dev/null
		line=$(timeout 12 head -n 1 <&3 | tr -d "\r")
		echo "${line:-closed}"' _ "$port" "$1"
}
long=$(head -c 70000 /dev/zero | tr '\0' a)
declare -A reqs_bad=(
	[garbage]='\x00\x01\x02\xff garbage\r\n\r\n'
	[post]='POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'
	[notfound]='GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n'
	[version]='GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n'
	[nohost]='GET /metrics HTTP/1.1\r\n\r\n'
	[hugelength]='GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n'
	[badlength]='GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'
	[badchunk]='POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\n'
	[longurl]="GET /$long HTTP/1.1\r\nHost: x\r\n\r\n"
	[longheader]="GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: $long\r\n\r\n"
	[manyheaders]="GET /metrics HTTP/1.1\r\nHost: x\r\n$(for ((i = 0; i < 3000; i++)); do printf 'X-%d: y\\r\\n' $i; done)\r\n"
	[halfline]='GET /metr'
)
for name in "${!reqs_bad[@]}"; do
	got=$(raw "${reqs_bad[$name]}")
	check "$name: a 4xx/5xx or a closed connection (got '${got:0:60}')" \
	    bash -c "[[ '${got//\'/}' =~ ^HTTP/1\\.[01]\ [45][0-9][0-9] || '${got//\'/}' == closed ]]"
	check "$name: still running" kill -0 "$PC_PID"
	check "$name: next scrape 200" test "$(scrape)" = 200
done

# A NUL inside the request target: libmicrohttpd 0.9.75 hands the target
# to us as a C string, so "/metrics\0" reads as "/metrics" and no option of
# that version rejects it.  Harmless (nothing is read past the NUL); what
# is required here is an answer of some kind and no crash.
got=$(raw 'GET /metrics\x00 HTTP/1.1\r\nHost: x\r\n\r\n')
check "NUL in the target: answered or closed (got '${got:0:60}')" \
    bash -c "[[ '${got//\'/}' =~ ^HTTP/1\\.[01]\ [0-9]{3} || '${got//\'/}' == closed ]]"
check "NUL in the target: still running" kill -0 "$PC_PID"

# --- idle connections from one address (loopback) do not lock out a
# scraper from another (B, across the veth), and once they go the
# loopback scraper is served again.
inA bash -c '
	for ((i = 0; i < 24; i++)); do exec {fd}<>"/dev/tcp/127.0.0.1/$1"; done
	sleep 6' _ "$port" 2>/dev/null &
hold=$!
NS_PIDS+=("$hold")
sleep 0.5
check "idle connections from loopback: a scrape from B gets 200" \
	test "$(scrape B)" = 200
wait "$hold"
ok=0
for ((i = 0; i < 30; i++)); do
	[ "$(scrape)" = 200 ] && { ok=1; break; }
	sleep 0.5
done
check "idle connections gone: loopback scrape 200 again" test "$ok" -eq 1

pc_stop INT
rc=$?
check "exit 0 at SIGINT ($rc)" test "$rc" -eq 0
got=$(run_packets "$tmp/load.out" udp 53)
check "all $sent datagrams counted ($got)" test "$got" -eq "$sent"
check "sent 10000" test "$sent" -eq 10000
dropped=$(json_totals run capture_dropped <"$tmp/load.out")
ifdropped=$(json_totals run capture_ifdropped <"$tmp/load.out")
check "kernel drops: 0 (${dropped:-none})" test "${dropped:-x}" = 0
check "interface drops: 0 (${ifdropped:-none})" test "${ifdropped:-x}" = 0
check "no sanitizer report" \
	bash -c "! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' '$tmp/load.err'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
