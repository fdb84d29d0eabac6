# netns.sh - two network namespaces joined by a veth pair, for the live
# end-to-end tests (sourced, not run).  Side A (10.77.0.1/24) runs
# portclass and the listeners; side B (10.77.0.2/24) sends.  Everything is
# removed on exit.  Where namespaces cannot be made (no root, no iproute2,
# a container without the rights) the test exits 77, "skipped", saying why.

pc_skip() {
	echo "SKIP: $*"
	exit 77
}

# pc_wait_for FILE PATTERN SECONDS: until a line of FILE matches.
pc_wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

NS_PIDS=()
netns_cleanup() {
	local p
	for p in "${NS_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${NS_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$tmp"
}

netns_setup() {
	: "${PC_TRAFFIC:?run through ctest}"
	[ "$(id -u)" -eq 0 ] || pc_skip "creating network namespaces needs root"
	command -v ip >/dev/null || pc_skip "ip (iproute2) is not installed"
	NS_A=pc-$$-a NS_B=pc-$$-b
	IF_A=pcv$$a IF_B=pcv$$b
	tmp=$(mktemp -d)
	trap netns_cleanup EXIT
	local why
	why=$(ip netns add "$NS_A" 2>&1) ||
		pc_skip "cannot create a network namespace: $why"
	ip netns add "$NS_B" || exit 1
	ip link add "$IF_A" type veth peer name "$IF_B" || exit 1
	ip link set "$IF_A" netns "$NS_A" && ip link set "$IF_B" netns "$NS_B" ||
		exit 1
	local ns
	for ns in "$NS_A" "$NS_B"; do
		# No IPv6 chatter (router and neighbour solicitations, MLD), and
		# client ports from the dynamic range, which IANA never assigns.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip netns exec "$ns" sysctl -qw \
		    net.ipv4.ip_local_port_range="50000 59999" || exit 1
		ip -n "$ns" link set lo up || exit 1
	done
	ip -n "$NS_A" addr add 10.77.0.1/24 dev "$IF_A" &&
	ip -n "$NS_B" addr add 10.77.0.2/24 dev "$IF_B" &&
	ip -n "$NS_A" link set "$IF_A" up &&
	ip -n "$NS_B" link set "$IF_B" up || exit 1
	# Resolve the neighbours now, so ARP happens before any capture.
	ip netns exec "$NS_B" ping -c1 -W2 10.77.0.1 >/dev/null 2>&1 ||
		ip -n "$NS_B" neigh replace 10.77.0.1 lladdr \
		    "$(ip -n "$NS_A" -o link show "$IF_A" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')" \
		    dev "$IF_B"
}

# pc_start NAME ARGS...: portclass -v in namespace A, output in
# $tmp/NAME.out, messages in $tmp/NAME.err; waits until every capture is
# listening.  Sets PC_PID.
pc_start() {
	local name=$1; shift
	ip netns exec "$NS_A" "$PORTCLASS" -v "$@" >"$tmp/$name.out" \
	    2>"$tmp/$name.err" &
	PC_PID=$!
	NS_PIDS+=("$PC_PID")
	local want
	want=$(printf '%s\n' "$@" | grep -c '^-i$')
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c 'listening on' "$tmp/$name.err")" -ge "$want" ] &&
			return 0
		kill -0 "$PC_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "portclass did not start:"; sed 's/^/  /' "$tmp/$name.err"
	return 1
}

# pc_stop [SIGNAL]: signal portclass (INT by default), wait, echo status.
pc_stop() {
	# Past the 100 ms packet buffer timeout: the last frames are handed up.
	sleep 0.3
	kill -"${1:-INT}" "$PC_PID"
	wait "$PC_PID"
}

# Listeners in namespace A: pc_listen ADDR PORT...
pc_listen() {
	local f="$tmp/listen.$RANDOM"
	ip netns exec "$NS_A" "$PC_TRAFFIC" listen tcp "$@" >"$f" &
	NS_PIDS+=("$!")
	pc_wait_for "$f" listening 5 || { echo "listener did not start"; exit 1; }
}

# Traffic from namespace B (or A with PC_FROM=A).
pc_send() {
	ip netns exec "$([ "${PC_FROM:-B}" = A ] && echo "$NS_A" || echo "$NS_B")" \
	    "$PC_TRAFFIC" "$@"
}

# The run report's packets for proto/port: run_packets FILE PROTO PORT
run_packets() {
	json_service_rows run <"$1" | awk -F'\t' -v p="$2" -v n="$3" \
	    '$1 == p && $2 == n { s += $3 } END { print s + 0 }'
}

# expect FILE PROTO PORT N: check that the run report counted N packets there
expect() {
	local got
	got=$(run_packets "$1" "$2" "$3")
	check "$(basename "$1" .out): $2/$3 has $4 packets (got $got)" \
		test "$got" -eq "$4"
}
