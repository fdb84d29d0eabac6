#!/usr/bin/env bash
# e2e_surroundings.sh - broken surroundings: a reader that goes away
# (portclass ... | head -1), a full disk (-o /dev/full), registries that
# cannot be read, a SIGHUP reload whose file has become unusable, and an
# interface that disappears mid-capture.  Each must give one clear message
# and a non-zero exit status, end promptly (no hang), and keep the counts
# of what was already read.  The live part needs root (network
# namespaces); without it only that part is skipped, saying so.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"

pcaps="$PC_SOURCE_DIR/pcaps"
ftmp=$(mktemp -d)
chmod 755 "$ftmp"
trap 'rm -rf "$ftmp"' EXIT
pc() { timeout 20 "$PORTCLASS" "$@"; }

# one_line FILE WORDS...: FILE is one line holding every WORD.
one_line() {
	local f=$1 w; shift
	[ "$(wc -l <"$f")" -eq 1 ] || { sed 's/^/  got: /' "$f"; return 1; }
	for w in "$@"; do
		grep -qF -- "$w" "$f" || { sed 's/^/  got: /' "$f"; return 1; }
	done
}

# --- a reader that goes away: SIGPIPE is ignored on purpose, so the write
# error must end the run by itself, promptly, and say so.
start=$SECONDS
pc -F json -t 1 -r "$pcaps/hour.pcap" 2>"$ftmp/pipe.err" | head -n 1 >"$ftmp/pipe.out"
rc=${PIPESTATUS[0]}
check "closed pipe: ends promptly ($((SECONDS - start)) s)" test $((SECONDS - start)) -lt 10
check "closed pipe: not killed by timeout or a signal (exit $rc)" test "$rc" -lt 124
check "closed pipe: non-zero exit ($rc)" test "$rc" -ne 0
check "closed pipe: one line naming standard output" \
	one_line "$ftmp/pipe.err" "standard output" "Broken pipe"
check "closed pipe: the reader got the first record" \
	grep -q '^{"type":"meta"' "$ftmp/pipe.out"
# The same with the table format and the CSV format.
for fmt in text csv; do
	pc -F $fmt -t 1 -r "$pcaps/hour.pcap" 2>"$ftmp/pipe.$fmt.err" | head -n 1 >/dev/null
	rc=${PIPESTATUS[0]}
	check "closed pipe, -F $fmt: non-zero exit ($rc), no timeout" \
		test "$rc" -ne 0 -a "$rc" -lt 124
	check "closed pipe, -F $fmt: one line" \
		one_line "$ftmp/pipe.$fmt.err" "standard output" "Broken pipe"
done

# --- a full disk
start=$SECONDS
pc -F json -t 1 -r "$pcaps/hour.pcap" -o /dev/full >"$ftmp/full.out" 2>"$ftmp/full.err"
rc=$?
check "-o /dev/full: non-zero exit ($rc), no timeout" test "$rc" -ne 0 -a "$rc" -lt 124
check "-o /dev/full: ends promptly" test $((SECONDS - start)) -lt 10
check "-o /dev/full: one line naming the file and the reason" \
	one_line "$ftmp/full.err" "/dev/full" "No space left on device"
check "-o /dev/full: nothing on standard output" test ! -s "$ftmp/full.out"
pc -r "$pcaps/demo.pcap" >/dev/full 2>"$ftmp/full2.err"
rc=$?
check "stdout on /dev/full: non-zero exit ($rc)" test "$rc" -ne 0 -a "$rc" -lt 124
check "stdout on /dev/full: one line" \
	one_line "$ftmp/full2.err" "standard output" "No space left on device"

# --- registries that cannot be read
pc -r "$pcaps/demo.pcap" --registry "$ftmp" >"$ftmp/dir.out" 2>"$ftmp/dir.err"
rc=$?
check "registry is a directory: exit 1 ($rc)" test "$rc" -eq 1
check "registry is a directory: one line naming it" one_line "$ftmp/dir.err" "$ftmp"
check "registry is a directory: no report from a half-made registry" \
	test ! -s "$ftmp/dir.out"
pc -r "$pcaps/demo.pcap" --registry "$ftmp/missing.csv" 2>"$ftmp/missing.err" >/dev/null
rc=$?
check "missing registry: exit 1 ($rc)" test "$rc" -eq 1
check "missing registry: one line" \
	one_line "$ftmp/missing.err" "$ftmp/missing.csv" "No such file or directory"
printf 'http\t80/tcp\n' >"$ftmp/noread"
chmod 000 "$ftmp/noread"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    timeout 20 "$PORTCLASS" -r "$pcaps/demo.pcap" --registry "$ftmp/noread" \
	    >/dev/null 2>"$ftmp/noread.err"
	rc=$?
elif [ "$(id -u)" -ne 0 ]; then
	pc -r "$pcaps/demo.pcap" --registry "$ftmp/noread" >/dev/null 2>"$ftmp/noread.err"
	rc=$?
else
	echo "SKIP: unreadable registry as non-root: setpriv missing"
	rc=1; echo "$ftmp/noread: Permission denied" >"$ftmp/noread.err"
fi
check "unreadable registry: exit 1 ($rc)" test "$rc" -eq 1
check "unreadable registry: one line" \
	one_line "$ftmp/noread.err" "$ftmp/noread" "Permission denied"
# A registry that is not text at all.
head -c 4096 "$pcaps/demo.pcap" >"$ftmp/binary.reg"
pc -r "$pcaps/demo.pcap" --registry "$ftmp/binary.reg" >/dev/null 2>"$ftmp/binary.err"
rc=$?
check "binary registry: exit 1 ($rc)" test "$rc" -eq 1
check "binary registry: one line naming it" one_line "$ftmp/binary.err" "$ftmp/binary.reg"

# --- live: needs network namespaces
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "SKIP (live part): needs root and iproute2"
	check_summary
	exit
fi
# netns_setup exits 77 (skip) when namespaces cannot be made: never let
# that hide a failure of the checks above.
[ "$fail" -eq 0 ] || { check_summary; exit 1; }
netns_setup	# replaces the EXIT trap; keep cleaning ftmp too
trap 'netns_cleanup; rm -rf "$ftmp"' EXIT

# SIGHUP while the registry file has become a directory, then vanished:
# each time one line, the registry in use stays, counting goes on.
reg=$tmp/services
printf 'keepme\t8080/udp\n' >"$reg"
pc_start hup -F json -t 60 --registry "$reg" -i "$IF_A" || exit 1
pc_send udp 10.77.0.1 8080 3 >/dev/null
rm -f "$reg"
mkdir "$reg"
kill -HUP "$PC_PID"
pc_wait_for "$tmp/hup.err" 'SIGHUP' 5
check "SIGHUP, registry now a directory: says so, keeps the registry" \
	grep -q "SIGHUP: .*services.*keeping the registry in use" "$tmp/hup.err"
check "SIGHUP, registry now a directory: still running" kill -0 "$PC_PID"
rmdir "$reg"
n0=$(grep -c 'SIGHUP' "$tmp/hup.err")
kill -HUP "$PC_PID"
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c 'SIGHUP' "$tmp/hup.err")" -gt "$n0" ] && break
	sleep 0.05
done
check "SIGHUP, registry removed: one more line, keeps the registry" \
	test "$(grep -c 'SIGHUP: .*services.*keeping the registry in use' "$tmp/hup.err")" -eq 2
pc_send udp 10.77.0.1 8080 4 >/dev/null
pc_stop INT
rc=$?
check "SIGHUP failures: exit 0 at SIGINT ($rc)" test "$rc" -eq 0
check "SIGHUP failures: old name kept, all 7 packets counted" \
	grep -q '"scope":"run",.*"port":8080,"service":"keepme","status":"assigned","packets":7' "$tmp/hup.out"

# The link goes down and comes back: libpcap reports nothing on Linux, the
# capture stays open, and counting resumes when the link is up again.
pc_start bounce -F json -t 60 -i "$IF_A" || exit 1
pc_send udp 10.77.0.1 53 2 >/dev/null
sleep 0.3
ip -n "$NS_A" link set "$IF_A" down
sleep 1
check "link down: still running" kill -0 "$PC_PID"
ip -n "$NS_A" link set "$IF_A" up
for ((i = 0; i < 60; i++)); do	# carrier back, neighbour resolved
	ip netns exec "$NS_B" ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && break
	sleep 0.1
done
pc_send udp 10.77.0.1 53 3 >/dev/null
pc_stop INT
rc=$?
check "link down and up: exit 0 at SIGINT ($rc)" test "$rc" -eq 0
check "link down and up: all 5 packets counted" \
	test "$(run_packets "$tmp/bounce.out" udp 53)" -eq 5

# The interface is deleted mid-capture (deleting one end of a veth pair
# deletes both).  Alone, portclass must end by itself with the report of
# what it counted, one line naming the interface, and exit 1
# (docs/live.md).
pc_start gone -F json -t 60 -i "$IF_A" || exit 1
pc_send udp 10.77.0.1 53 5 >/dev/null
sleep 0.3	# past the 100 ms packet buffer timeout
ip -n "$NS_A" link del "$IF_A"
for ((i = 0; i < 100; i++)); do
	kill -0 "$PC_PID" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$PC_PID" 2>/dev/null; then
	check "interface deleted: portclass ends by itself within 5 s" false
	kill -INT "$PC_PID"
fi
wait "$PC_PID"
rc=$?
check "interface deleted: exit 1 ($rc)" test "$rc" -eq 1
# -v adds "registry: ..." and "listening on ..." lines; the rest is the
# error.
grep -v -e 'listening on' -e 'portclass: registry:' "$tmp/gone.err" >"$tmp/gone.msg"
check "interface deleted: one line naming the interface" \
	one_line "$tmp/gone.msg" "$IF_A"
check "interface deleted: the run report keeps the 5 packets" \
	test "$(run_packets "$tmp/gone.out" udp 53)" -eq 5

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
