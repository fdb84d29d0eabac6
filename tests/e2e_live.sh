#!/usr/bin/env bash
# e2e_live.sh - live capture on real traffic.  Two network namespaces
# joined by a veth pair; portclass captures in one, tests/tools/pc_traffic
# sends known traffic from the other (TCP connections to listening and
# closed ports, UDP to assigned and unassigned ports, SCTP where the kernel
# has it), and every count must equal what was sent, packet for packet.
# Also: lo, -i any, several -i, -s cuts counted by wire length, -D as
# tcpdump -D, -Z really changing the uid, an unprivileged run failing with
# one clear line, text output appending into a file and redrawing on a
# terminal.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
netns_setup

# The known mix, sent to ADDR: returns the SCTP expectation in $sctp_pk.
# TCP: 4 packets per accepted connection (SYN, SYN+ACK, ACK, RST), 2 per
# refused one (SYN, RST).  UDP: one packet per datagram; the ICMP port
# unreachable replies land in the icmp counter, not in a UDP row.
send_mix() {
	local a=$1 out
	out=$(pc_send tcp "$a" 22 3) && [ "$out" = "connected 3 refused 0" ] ||
		echo "FAIL: tcp/22: $out"
	out=$(pc_send tcp "$a" 80 4) && [ "$out" = "connected 4 refused 0" ] ||
		echo "FAIL: tcp/80: $out"
	out=$(pc_send tcp "$a" 443 5) && [ "$out" = "connected 5 refused 0" ] ||
		echo "FAIL: tcp/443: $out"
	out=$(pc_send tcp "$a" 26 2) && [ "$out" = "connected 0 refused 2" ] ||
		echo "FAIL: tcp/26: $out"
	pc_send udp "$a" 53 7 >/dev/null
	pc_send udp "$a" 123 6 >/dev/null
	pc_send udp "$a" 8 9 >/dev/null
}

check_mix() {
	local f=$1 k=${2:-1}
	expect "$f" tcp 22 $((k * 12))
	expect "$f" tcp 80 $((k * 16))
	expect "$f" tcp 443 $((k * 20))
	expect "$f" tcp 26 $((k * 4))
	expect "$f" udp 53 $((k * 7))
	expect "$f" udp 123 $((k * 6))
	expect "$f" udp 8 $((k * 9))
	check "$(basename "$f" .out): no other tcp/udp rows" test \
		"$(json_service_rows run <"$f" | awk -F'\t' '$1 == "tcp" || $1 == "udp"' |
		    wc -l)" -eq 7
	check "$(basename "$f" .out): names and status" bash -c "
		json_service_rows() { :; }
		grep -q '\"proto\":\"tcp\",\"port\":443,\"service\":\"https\",\"status\":\"assigned\"' '$f' &&
		grep -q '\"proto\":\"udp\",\"port\":8,\"service\":null,\"status\":\"unassigned\"' '$f'"
}

# --- veth: the full mix, wall-clock intervals of 1 s
pc_listen 10.77.0.1 22 80 443
pc_start veth -F json -t 1 -i "$IF_A"
send_mix 10.77.0.1
sleep 1.2	# let at least one interval pass with traffic in it
pc_stop INT
check "veth: SIGINT exits 0" test $? -eq 0
f=$tmp/veth.out
check_mix "$f"
check "veth: interval records say clock wall" \
	bash -c "grep '\"type\":\"totals\",\"scope\":\"interval\"' '$f' | grep -q '\"clock\":\"wall\"'"
check "veth: at least two interval reports" \
	test "$(grep -c '"type":"totals","scope":"interval"' "$f")" -ge 2
isum=$(json_totals interval packets <"$f" | awk '{ s += $1 } END { print s + 0 }')
check "veth: intervals add up to the run ($isum)" \
	test "$isum" -eq "$(json_totals run packets <"$f")"
rcv=$(json_totals run capture_received_total <"$f")
check "veth: kernel received what was counted ($rcv)" \
	test "${rcv:-0}" -eq "$(json_totals run packets <"$f")"
check "veth: dropped fields present" \
	grep -q '"capture_dropped":0,"capture_ifdropped":0' "$f"
icmp=$(json_totals run icmp <"$f")
check "veth: the port unreachables are icmp ($icmp)" test "${icmp:-0}" -ge 1

# --- SCTP, if this kernel has it
if out=$(pc_send sctp 10.77.0.1 9 0 2>&1); then
	pc_start sctp -F json -i "$IF_A"
	out=$(pc_send sctp 10.77.0.1 2905 3)
	pc_stop INT
	# INIT, ABORT per refused association (nobody listens on 2905)
	expect "$tmp/sctp.out" sctp 2905 $((2 * 3))
else
	echo "SKIP (part): SCTP: $out"
fi

# --- lo inside namespace A: the same mix to 127.0.0.1
pc_listen 127.0.0.1 22 80 443
pc_start lo -F json -t 1 -i lo
PC_FROM=A send_mix 127.0.0.1
pc_stop TERM
check "lo: SIGTERM exits 0" test $? -eq 0
check_mix "$tmp/lo.out"

# --- -i any: Linux cooked v2 on every interface of the namespace
pc_start any -F json -i any
send_mix 10.77.0.1
pc_stop INT
check_mix "$tmp/any.out"
check "any: link-type is LINUX_SLL2" grep -q 'link-type LINUX_SLL2' "$tmp/any.err"

# --- two interfaces, one report: the mix over the veth and over lo
pc_start two -F json -i "$IF_A" -i lo
send_mix 10.77.0.1
PC_FROM=A send_mix 127.0.0.1
pc_stop INT
check_mix "$tmp/two.out" 2
check "two: both interfaces listened" \
	test "$(grep -c 'listening on' "$tmp/two.err")" -eq 2

# --- -s cuts the capture, bytes stay the wire length
pc_start snap -F json -s 36 -i "$IF_A" udp
pc_send udp 10.77.0.1 53 10 >/dev/null
pc_stop INT
# Ethernet 14 + IPv4 20 + the ports 4 = 38 > 36 (the decoder needs only
# the ports of the UDP header); the frame on the wire is 14+20+8+32 = 74.
check "-s 36: every datagram truncated" \
	test "$(json_totals run truncated <"$tmp/snap.out")" -eq 10
check "-s 36: truncated bytes are wire bytes" \
	grep -q '"counter_bytes":{[^}]*"truncated":740' "$tmp/snap.out"
pc_start nosnap -F json -i "$IF_A" udp
pc_send udp 10.77.0.1 53 10 >/dev/null
pc_stop INT
check "default snaplen: 74-byte frames counted whole" \
	grep -q '"port":53,"service":"domain","status":"assigned","packets":10,"bytes":740}' \
	"$tmp/nosnap.out"
check "default snaplen is 256" grep -q 'snapshot length 256 bytes' "$tmp/nosnap.err"

# --- -D lists interfaces as tcpdump -D does
if command -v tcpdump >/dev/null; then
	ip netns exec "$NS_A" "$PORTCLASS" -D >"$tmp/D.pc" 2>&1
	ip netns exec "$NS_A" tcpdump -D >"$tmp/D.td" 2>&1
	check "-D matches tcpdump -D" cmp -s "$tmp/D.pc" "$tmp/D.td"
	check "-D lists the veth" grep -q "^[0-9]*\.$IF_A \[Up, Running" "$tmp/D.pc"
else
	echo "FAIL: tcpdump missing (scripts/deps.sh installs it)"; fail=$((fail + 1))
fi

# --- -Z nobody: the process really is nobody once the capture is open
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
pc_start dropped -F json -Z nobody -i "$IF_A"
st=$(grep -E '^(Uid|Gid|Groups):' "/proc/$PC_PID/status")
check "-Z nobody: Uid is nobody (real, effective, saved, fs)" \
	bash -c "grep -qP '^Uid:\t$nobody_uid\t$nobody_uid\t$nobody_uid\t$nobody_uid\$' <<<'$st'"
check "-Z nobody: Gid is nobody's group" \
	bash -c "grep -qP '^Gid:\t$nobody_gid\t$nobody_gid\t$nobody_gid\t$nobody_gid\$' <<<'$st'"
check "-Z nobody: no other groups" \
	bash -c "grep -qP '^Groups:\t$nobody_gid ?\$' <<<'$st'"
pc_send udp 10.77.0.1 53 4 >/dev/null
pc_stop INT
check "-Z nobody: still counts after the drop" \
	test "$(run_packets "$tmp/dropped.out" udp 53)" -eq 4

# --- an unprivileged run fails with one clear line
mkdir -p "$tmp/bin" && cp "$PORTCLASS" "$tmp/bin/portclass" &&
	chmod 755 "$tmp" "$tmp/bin" "$tmp/bin/portclass"
if command -v setpriv >/dev/null; then
	ip netns exec "$NS_A" setpriv --reuid=nobody --regid="$nobody_gid" \
	    --clear-groups --inh-caps=-all "$tmp/bin/portclass" -i lo \
	    >"$tmp/unpriv.out" 2>"$tmp/unpriv.err"
	rc=$?
	check "unprivileged: exit 1 ($rc)" test "$rc" -eq 1
	check "unprivileged: one line" test "$(wc -l <"$tmp/unpriv.err")" -eq 1
	check "unprivileged: names the interface and says why" \
		grep -q "^portclass: lo: .*permission" "$tmp/unpriv.err"
	check "unprivileged: no report written" test ! -s "$tmp/unpriv.out"
	ip netns exec "$NS_A" "$PORTCLASS" -i pc-no-such0 >/dev/null 2>"$tmp/nodev.err"
	check "no such device: one line naming it" bash -c \
		"test \$(wc -l <'$tmp/nodev.err') -eq 1 && grep -q '^portclass: pc-no-such0: ' '$tmp/nodev.err'"
else
	echo "FAIL: setpriv (util-linux) missing"; fail=$((fail + 1))
fi

# --- text: appends into a file, redraws in place on a terminal
pc_start text -t 1 -i "$IF_A"
pc_send udp 10.77.0.1 53 3 >/dev/null
sleep 2.2
pc_stop INT
check "text to a file: several interval tables" \
	test "$(grep -c '^interval report' "$tmp/text.out")" -ge 2
check "text to a file: no terminal escapes" bash -c "! grep -q $'\\033' '$tmp/text.out'"
check "text: capture line" grep -q '^capture: [0-9]* received by filter, 0 dropped by kernel, 0 dropped by interface' "$tmp/text.out"
if command -v script >/dev/null; then
	ip netns exec "$NS_A" timeout -s INT 2.5 script -qec \
	    "'$PORTCLASS' -t 1 -i '$IF_A'" /dev/null >"$tmp/tty.out" 2>&1
	check "text on a terminal: screen cleared before tables" \
		grep -q $'\033\\[H\033\\[2J' "$tmp/tty.out"
fi

check_summary
