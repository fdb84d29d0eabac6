#!/usr/bin/env bash
# e2e_workers.sh - live capture with --workers 2: two threads, each with
# its own libpcap handle on the veth, joined into one PACKET_FANOUT group
# in hash mode.  Many TCP connections and UDP flows from namespace B must
# be counted exactly, packet for packet, once each, with both workers
# getting traffic; interval reports (pulled from the workers by the epoch
# flip) must add up to the run; SIGUSR1 and SIGHUP still work.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
netns_setup

pc_listen 10.77.0.1 22 80 443
pc_start w2 -F json -t 1 --workers 2 -i "$IF_A"
check "one listening line naming the workers" \
	grep -q "listening on $IF_A.*2 workers (fanout group" "$tmp/w2.err"
# 4 packets per accepted connection, 2 per refused one (SYN, RST): each
# connection has its own client port, so the flows hash over both workers.
out=$(pc_send tcp 10.77.0.1 22 20); check "tcp/22 sent ($out)" test "$out" = "connected 20 refused 0"
out=$(pc_send tcp 10.77.0.1 80 25); check "tcp/80 sent ($out)" test "$out" = "connected 25 refused 0"
out=$(pc_send tcp 10.77.0.1 443 30); check "tcp/443 sent ($out)" test "$out" = "connected 30 refused 0"
out=$(pc_send tcp 10.77.0.1 26 10); check "tcp/26 sent ($out)" test "$out" = "connected 0 refused 10"
sleep 1.2
kill -USR1 "$PC_PID"
for i in 1 2 3 4 5 6 7 8; do
	pc_send udp 10.77.0.1 53 5 >/dev/null
	pc_send udp 10.77.0.1 123 3 >/dev/null
done
kill -HUP "$PC_PID"
pc_send udp 10.77.0.1 8 9 >/dev/null
pc_stop INT
check "SIGINT exits 0" test $? -eq 0
check "SIGUSR1 gave a partial report" grep -q '"partial":true' "$tmp/w2.out"
# The final run report: what follows the partial one.
awk 'f; /"partial":true/ { f = 1 }' "$tmp/w2.out" >"$tmp/final.out"
f=$tmp/final.out
expect "$f" tcp 22 80
expect "$f" tcp 80 100
expect "$f" tcp 443 120
expect "$f" tcp 26 20
expect "$f" udp 53 40
expect "$f" udp 123 24
expect "$f" udp 8 9
check "no other tcp/udp rows" test \
	"$(json_service_rows run <"$f" | awk -F'\t' '$1 == "tcp" || $1 == "udp"' | wc -l)" -eq 7
isum=$(json_totals interval packets <"$tmp/w2.out" | awk '{ s += $1 } END { print s + 0 }')
total=$(json_totals run packets <"$f" | tail -1)
check "intervals add up to the run ($isum = $total)" test "$isum" -eq "$total"
rcv=$(json_totals run capture_received_total <"$f" | tail -1)
check "kernel received what was counted ($rcv = $total)" test "${rcv:-0}" -eq "$total"
check "no drops" grep -q '"capture_dropped":0,' "$f"
check "SIGHUP reloaded" grep -q "registry reloaded" "$tmp/w2.err"
w0=$(sed -n 's/.*worker 0: \([0-9]*\) frames.*/\1/p' "$tmp/w2.err")
w1=$(sed -n 's/.*worker 1: \([0-9]*\) frames.*/\1/p' "$tmp/w2.err")
check "both workers counted frames ($w0 + $w1)" test "${w0:-0}" -gt 0 -a "${w1:-0}" -gt 0
check "the workers' frames are the run's" test "$((${w0:-0} + ${w1:-0}))" -eq "$total"

# A reload and then the end, with no report in between (-t 60): the
# frames counted after the reload must reach the final report.  (The
# reload's flip once left them in a set no report took.)
pc_start reload -F json -t 60 --workers 2 -i "$IF_A"
pc_send udp 10.77.0.1 53 7 >/dev/null
sleep 0.3
kill -HUP "$PC_PID"
pc_wait_for "$tmp/reload.err" 'registry reloaded' 5
pc_send udp 10.77.0.1 8 5 >/dev/null
pc_stop INT
expect "$tmp/reload.out" udp 53 7
expect "$tmp/reload.out" udp 8 5

# Usage: --workers is for live capture only, and needs wall time.
"$PORTCLASS" --workers 2 -r "$PC_SOURCE_DIR/pcaps/demo.pcap" >/dev/null 2>&1
check "--workers with -r: usage error" test $? -eq 2
"$PORTCLASS" --threads 2 -i lo >/dev/null 2>&1
check "--threads with -i: usage error" test $? -eq 2
check_summary
