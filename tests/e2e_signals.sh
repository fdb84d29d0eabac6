#!/usr/bin/env bash
# e2e_signals.sh - a long run's signals, on live traffic in a pair of
# network namespaces: SIGINT in the middle of a stream gives a complete
# final report and exit 0; SIGUSR1 prints the run so far and the run goes
# on; SIGHUP reloads the registry, and a broken registry file keeps the
# old one, says why, and the run goes on.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
netns_setup

# --- SIGINT mid-stream
pc_start stream -F json -t 1 -i "$IF_A"
ip netns exec "$NS_B" "$PC_TRAFFIC" udp 10.77.0.1 53 50000000 >/dev/null &
sender=$!
NS_PIDS+=("$sender")
sleep 1.5
kill -0 "$sender" 2>/dev/null
sending=$?
kill -INT "$PC_PID"
wait "$PC_PID"
check "SIGINT mid-stream: exit 0" test $? -eq 0
kill "$sender" 2>/dev/null
wait "$sender"
f=$tmp/stream.out
check "SIGINT arrived while traffic was still flowing" test "$sending" -eq 0
check "SIGINT: the last record is the final run totals" \
	bash -c "tail -n1 '$f' | grep -q '^{\"type\":\"totals\",\"scope\":\"run\"' &&
		! tail -n1 '$f' | grep -q partial"
run=$(json_totals run packets <"$f")
isum=$(json_totals interval packets <"$f" | awk '{ s += $1 } END { print s + 0 }')
check "SIGINT: the run counted traffic ($run)" test "${run:-0}" -gt 1000
check "SIGINT: intervals add up to the run ($isum = $run)" test "$isum" -eq "${run:-0}"
parts=$(awk '/"type":"totals","scope":"run"/ {
	n = split("service_packets icmp icmpv6 other_ip non_ip fragment truncated malformed unsupported_link", k, " ")
	for (i = 1; i <= n; i++)
		if (match($0, "\"" k[i] "\":[0-9]+"))
			s += substr($0, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3)
	print s }' "$f")
check "SIGINT: every frame in a row or a counter ($parts)" test "$parts" -eq "$run"
rcv=$(json_totals run capture_received_total <"$f")
drp=$(json_totals run capture_dropped_total <"$f")
# The sender goes on after the stop, so the kernel may receive a few more
# frames between the last read and the last pcap_stats(); never fewer.
check "SIGINT: counted <= received - dropped by kernel ($run, $rcv - $drp)" \
	test "$run" -le $((rcv - drp))
check "SIGINT: every line is a whole JSON record" \
	bash -c "! grep -v '^{.*}\$' '$f'"

# --- SIGUSR1: the run so far, then the run goes on
pc_start usr1 -F json -t 60 -i "$IF_A"
pc_send udp 10.77.0.1 53 5 >/dev/null
sleep 0.4
kill -USR1 "$PC_PID"
pc_wait_for "$tmp/usr1.out" '"partial":true' 5
# The 5 datagrams are service packets; the ICMP port-unreachable answers
# (rate-limited by the kernel, so their number varies) go to icmp.
check "SIGUSR1: a partial run report, at once (-t 60)" \
	grep -q '"scope":"run",.*"service_packets":5,.*"partial":true' "$tmp/usr1.out"
pc_send udp 10.77.0.1 53 6 >/dev/null
pc_stop INT
check "SIGUSR1: the run went on to the end" \
	test "$(run_packets "$tmp/usr1.out" udp 53 | tail -n1)" -ge 11
final=$(grep '"type":"service","scope":"run"' "$tmp/usr1.out" | tail -n1)
check "SIGUSR1: final run report counts both bursts" \
	grep -q '"packets":11,' <<<"$final"

# --- SIGHUP: reload, and a broken file keeps the old registry
reg=$tmp/services
printf 'oldname\t8080/udp\n' >"$reg"
pc_start hup -F json -t 60 --registry "$reg" -i "$IF_A"
pc_send udp 10.77.0.1 8080 3 >/dev/null
printf 'oldname\t8080/udp\nbroken\t99999/udp\n' >"$reg"
kill -HUP "$PC_PID"
pc_wait_for "$tmp/hup.err" 'SIGHUP' 5
check "SIGHUP broken file: FILE:LINE and keeping the old registry" \
	grep -q "SIGHUP: .*services:2: .*keeping the registry in use" "$tmp/hup.err"
check "SIGHUP broken file: still running" kill -0 "$PC_PID"
pc_send udp 10.77.0.1 8080 4 >/dev/null
sleep 0.3	# past the 100 ms packet buffer timeout
kill -USR1 "$PC_PID"
pc_wait_for "$tmp/hup.out" '"partial":true' 5
check "SIGHUP broken file: old names still used, counting went on" \
	grep -q '"port":8080,"service":"oldname","status":"assigned","packets":7' "$tmp/hup.out"
printf 'newname\t8080/udp\n' >"$reg"
kill -HUP "$PC_PID"
pc_wait_for "$tmp/hup.err" 'registry reloaded' 5
check "SIGHUP good file: reloaded" grep -q 'SIGHUP: registry reloaded: 1 entries' "$tmp/hup.err"
pc_send udp 10.77.0.1 8080 2 >/dev/null
pc_stop INT
check "SIGHUP: exit 0" test $? -eq 0
check "SIGHUP good file: the final report uses the new name" \
	grep -q '"scope":"run",.*"port":8080,"service":"newname","status":"assigned","packets":9' "$tmp/hup.out"

check_summary
