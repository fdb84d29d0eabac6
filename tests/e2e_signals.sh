#!/usr/bin/env bash
# e2e_signals.sh - a long run's signals, on live traffic in a pair of
# network namespaces: SIGINT in the middle of a stream gives a complete
# final report and exit 0; SIGUSR1 prints the run so far and the run goes
# on; SIGHUP reloads the registry, and a broken registry file keeps the
# old one, says why, and the run goes on.  A reload that worked is a
# record of the output at that moment (NDJSON "registry", a text line),
# and the run report says the registry changed, how often and when last.
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
check "SIGHUP broken file: no registry record, no reload in the run report" \
	bash -c "! grep -q -e '\"type\":\"registry\"' -e 'registry_reloads' '$tmp/hup.out'"
printf 'newname\t8080/udp\n' >"$reg"
kill -HUP "$PC_PID"
pc_wait_for "$tmp/hup.err" 'registry reloaded' 5
check "SIGHUP good file: reloaded" grep -q 'SIGHUP: registry reloaded: 1 entries' "$tmp/hup.err"
pc_send udp 10.77.0.1 8080 2 >/dev/null
pc_stop INT
check "SIGHUP: exit 0" test $? -eq 0
check "SIGHUP good file: the final report uses the new name" \
	grep -q '"scope":"run",.*"port":8080,"service":"newname","status":"assigned","packets":9' "$tmp/hup.out"
rec=$(grep '^{"type":"registry",' "$tmp/hup.out")
check "SIGHUP good file: one NDJSON registry record" test "$(grep -c . <<<"$rec")" -eq 1
check "SIGHUP good file: the record names the new registry" \
	grep -qE "^\{\"type\":\"registry\",\"time\":[0-9]+,\"reloads\":1,\"registry\":\"$reg\",\"registry_date\":null,\"registry_entries\":1,\"registry_sources\":\[\{\"source\":\"$reg\",\"date\":null,\"entries\":1\}\]\}\$" <<<"$rec"
t=$(sed -E 's/.*"time":([0-9]+).*/\1/' <<<"$rec")
check "SIGHUP good file: the record comes before the final run report" \
	bash -c "grep -n . '$tmp/hup.out' | awk -F: '/\"type\":\"registry\"/ { r = \$1 } /\"type\":\"totals\",\"scope\":\"run\"/ && !/partial/ { f = \$1 } END { exit !(r > 0 && f > r) }'"
check "SIGHUP good file: the record's time is now ($t)" \
	test "${t:-0}" -ge $(($(date +%s) - 60)) -a "${t:-0}" -le "$(date +%s)"
check "SIGHUP good file: the run report says one reload, when" \
	grep -qE "^\{\"type\":\"totals\",\"scope\":\"run\",.*\"registry_reloads\":1,\"registry_reloaded\":$t[,}]" "$tmp/hup.out"

# --- SIGHUP in text, a file on top of the embedded registry: a line at
# the reload, and the SIGUSR1 and final run reports say it happened
printf 'oldname\t8080/udp\n' >"$reg"
pc_start huptext -t 60 --add-registry "$reg" -i "$IF_A"
pc_send udp 10.77.0.1 8080 3 >/dev/null
pc_send udp 10.77.0.1 1900 2 >/dev/null
printf 'newname\t8080/udp\n' >"$reg"
kill -HUP "$PC_PID"
pc_wait_for "$tmp/huptext.out" '^registry reloaded at ' 5
sleep 0.3
kill -USR1 "$PC_PID"
pc_wait_for "$tmp/huptext.out" '^run report so far' 5
pc_stop INT
check "SIGHUP text: exit 0" test $? -eq 0
f=$tmp/huptext.out
check "SIGHUP text: the header names both sources" \
	grep -qF "registry: embedded IANA CSV (data of 2026-04-09, 12895 entries), then $reg (no date, 1 entries)" "$f"
check "SIGHUP text: a line at the reload" \
	grep -qE "^registry reloaded at [0-9-]+ [0-9:]+ UTC: embedded IANA CSV \(data of 2026-04-09, 12895 entries\), then .*services \(no date, 1 entries\)\$" "$f"
check "SIGHUP text: the partial and the final run report say so" \
	test "$(grep -c '^registry reloaded 1 time during the run, last at .* UTC; every row is named by the registry now in use: ' "$f")" -eq 2
check "SIGHUP text: traffic before the reload is named by the new file" \
	grep -qE '^newname +8080/udp +assigned +3 ' "$f"
check "SIGHUP text: ports the file does not name keep their IANA names" \
	grep -qE '^ssdp +1900/udp +assigned +2 ' "$f"

check_summary
