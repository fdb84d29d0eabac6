#!/usr/bin/env bash
#
# bench/live.sh: live capture under load.  tcpreplay replays a generated
# capture at top speed into one end of a veth pair (network namespace B);
# the capturer listens on the other end (namespace A): tcpdump -w
# /dev/null, portclass with 1 worker, portclass with 2 workers (--workers,
# PACKET_FANOUT).  Per run: packets sent (tcpreplay), received by the
# capturer's filter, dropped by the kernel, and counted (portclass).
# Rounds alternate the order of the capturers.  Needs root, iproute2 and
# tcpreplay (scripts/deps.sh installs it).
#
# Usage: bench/live.sh [--rounds N] [--packets N] [--flows N] [--cap PCT]
#   --cap PCT  give every capturing thread at most PCT % of one core (the
#              cgroup v1 cpu controller, one group per thread: tcpdump's
#              thread, portclass -w1's main thread, each worker thread of
#              -w2) and a 64 MiB kernel buffer (-B 65536) to every capturer.
#              One sender on this kind of machine cannot load a worker
#              enough to drop; the cap stands in for cores with little time
#              to spare, so that 1 and 2 workers can be told apart.
# Environment: BENCH_LIVE_BUILD (portclass build, default build/bench,
# built as bench/run.sh does if missing).

set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

rounds=3 packets=2000000 flows=10000 cap=
while [ $# -gt 0 ]; do
	case $1 in
	--cap) shift; cap=$1 ;;
	--rounds) shift; rounds=$1 ;;
	--packets) shift; packets=$1 ;;
	--flows) shift; flows=$1 ;;
	-h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "live.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "live.sh: needs root (namespaces)" >&2; exit 1; }
command -v tcpreplay >/dev/null || { echo "live.sh: tcpreplay missing" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "live.sh: tcpdump missing" >&2; exit 1; }

build=${BENCH_LIVE_BUILD:-build/bench}
if [ ! -x "$build/portclass" ] || [ ! -x "$build/pcapgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null &&
	cmake --build "$build" -j2 --target portclass pcapgen >/dev/null || exit 1
fi
portclass=$(cd "$build" && pwd)/portclass
tmp=$(mktemp -d)
pcap=$tmp/live.pcap
"$build/pcapgen" bench-small "$pcap" --packets "$packets" --flows "$flows" >/dev/null

NS_A=pcb-$$-a NS_B=pcb-$$-b IF_A=pcb$$a IF_B=pcb$$b
cgroot=/sys/fs/cgroup/cpu
cgdirs=
cleanup() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for d in $cgdirs; do rmdir "$d" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$NS_A" && ip netns add "$NS_B" &&
ip link add "$IF_A" type veth peer name "$IF_B" &&
ip link set "$IF_A" netns "$NS_A" && ip link set "$IF_B" netns "$NS_B" &&
ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up ||
	exit 1
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
done

bufopt=
if [ -n "$cap" ]; then
	[ -f "$cgroot/cpu.cfs_quota_us" ] ||
		{ echo "live.sh: --cap needs the cgroup v1 cpu controller at $cgroot" >&2; exit 1; }
	# 1 ms of run time per period (the kernel's smallest quota), the
	# period stretched to make PCT %; at most 1 s, so PCT >= 0.1.
	quota=1000
	period=$(awk -v p="$cap" 'BEGIN { printf "%d", 100000 / p }')
	[ "$period" -ge 1000 ] && [ "$period" -le 1000000 ] ||
		{ echo "live.sh: --cap $cap: between 0.1 and 100" >&2; exit 1; }
	bufopt="-B 65536"
fi

# capthreads PID PATTERN: put each thread of PID whose name matches
# PATTERN into a cgroup of its own, limited to $cap % of one core; waits
# up to 5 s for at least one such thread.  No-op without --cap.
capthreads() {
	local pid=$1 pat=$2 t n=0 i d
	[ -n "$cap" ] || return 0
	for i in $(seq 50); do
		for t in /proc/"$pid"/task/*; do
			case $(cat "$t/comm" 2>/dev/null) in
			$pat)
				d=$cgroot/pcbench-$$-$(basename "$t")
				mkdir -p "$d" && cgdirs="$cgdirs $d"
				echo "$period" >"$d/cpu.cfs_period_us"
				echo "$quota" >"$d/cpu.cfs_quota_us"
				echo "$(basename "$t")" >"$d/tasks" && n=$((n + 1)) ;;
			esac
		done
		[ "$n" -gt 0 ] && return 0
		sleep 0.1
	done
	echo "live.sh: no thread of $pid named $pat to cap" >&2
	return 1
}

# replay: tcpreplay at top speed from B; prints the packets it sent.
replay() {
	ip netns exec "$NS_B" tcpreplay -q --topspeed -i "$IF_B" "$pcap" 2>&1 |
	    sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p'
}

run_tcpdump() {
	ip netns exec "$NS_A" tcpdump -n $bufopt -i "$IF_A" -w /dev/null 2>"$tmp/td.err" &
	local pid=$!
	for i in $(seq 50); do grep -q 'listening on' "$tmp/td.err" && break; sleep 0.1; done
	capthreads "$pid" 'tcpdump'
	sent=$(replay)
	sleep 0.5
	kill -INT "$pid"; wait "$pid"
	recv=$(sed -n 's/^\([0-9]*\) packets* received by filter.*/\1/p' "$tmp/td.err")
	drop=$(sed -n 's/^\([0-9]*\) packets* dropped by kernel.*/\1/p' "$tmp/td.err")
	counted=$(sed -n 's/^\([0-9]*\) packets* captured.*/\1/p' "$tmp/td.err")
}

run_portclass() {	# workers
	ip netns exec "$NS_A" "$portclass" -v -F json $bufopt --workers "$1" \
	    -t 3600 -i "$IF_A" >"$tmp/pc.out" 2>"$tmp/pc.err" &
	local pid=$!
	for i in $(seq 50); do grep -q 'listening on' "$tmp/pc.err" && break; sleep 0.1; done
	if [ "$1" = 1 ]; then
		capthreads "$pid" 'portclass'
	else
		capthreads "$pid" 'portclass-w*'
	fi
	sent=$(replay)
	sleep 0.5
	kill -INT "$pid"; wait "$pid"
	local t
	t=$(grep '"type":"totals","scope":"run"' "$tmp/pc.out" | tail -1)
	counted=$(echo "$t" | sed -n 's/.*"clock":"[a-z]*","packets":\([0-9]*\).*/\1/p')
	recv=$(echo "$t" | sed -n 's/.*"capture_received_total":\([0-9]*\).*/\1/p')
	drop=$(echo "$t" | sed -n 's/.*"capture_dropped_total":\([0-9]*\).*/\1/p')
}

echo "portclass live bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $packets packets ($flows flows, 60-byte frames), $rounds rounds"
echo "machine: $(nproc) CPUs, Linux $(uname -r), $(tcpreplay -V 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$cap" ] && echo "each capturing thread capped at $cap % of one core; kernel buffer 64 MiB"
printf '%-14s %5s %10s %10s %10s %10s %8s\n' capturer round sent received dropped counted "drop %"
r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) = 1 ]; then order="tcpdump pc1 pc2"; else order="pc2 pc1 tcpdump"; fi
	for c in $order; do
		sent= recv= drop= counted=
		case $c in
		tcpdump) run_tcpdump; name="tcpdump" ;;
		pc1) run_portclass 1; name="portclass -w1" ;;
		pc2) run_portclass 2; name="portclass -w2" ;;
		esac
		printf '%-14s %5d %10s %10s %10s %10s %7.1f%%\n' "$name" "$r" \
		    "${sent:-?}" "${recv:-?}" "${drop:-?}" "${counted:-?}" \
		    "$(awk -v d="${drop:-0}" -v s="${recv:-0}" 'BEGIN { print (s > 0 ? 100 * d / s : 0) }')"
	done
	r=$((r + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
