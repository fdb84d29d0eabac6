#!/usr/bin/env bash
# e2e_threads.sh - --threads 2 must give the same bytes as one thread: the
# same reports, messages and exit status, on every capture in pcaps/ (the
# broken ones of pcaps/bad/ included) and in ../shared/pcaps/real/, alone
# and all in one run, with and without packet-time intervals.  Classic pcap
# and pcapng files are read ahead in blocks by a second thread
# (readahead.c); files left to libpcap hand frames over through a ring
# (ring.c).
# Also: generated captures spanning many blocks and ring batches, a frame
# too large for any batch (decoded by the reader, not copied), a pipe on
# standard input, and SIGINT stopping a threaded run part-way with a final
# report, from a file and from a pipe that has gone quiet.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same NAME ARGS...: portclass ARGS and portclass --threads 2 ARGS agree.
same() {
	local name=$1 rc1 rc2; shift
	"$PORTCLASS" "$@" >"$tmp/one.out" 2>"$tmp/one.err"; rc1=$?
	"$PORTCLASS" --threads 2 "$@" >"$tmp/two.out" 2>"$tmp/two.err"; rc2=$?
	check "$name: exit status ($rc1, $rc2)" test "$rc1" -eq "$rc2"
	check "$name: same report bytes" cmp -s "$tmp/one.out" "$tmp/two.out"
	check "$name: same messages" cmp -s "$tmp/one.err" "$tmp/two.err"
	check "$name: a report" test -s "$tmp/two.out"
}

files=()
for f in "$PC_SOURCE_DIR"/pcaps/*.pcap "$PC_SOURCE_DIR"/pcaps/*.pcapng \
    "$PC_SOURCE_DIR"/pcaps/bad/*.pcap "$PC_SOURCE_DIR"/pcaps/bad/*.pcapng; do
	[ -f "$f" ] && files+=("$f")
done
real="$PC_SOURCE_DIR/../shared/pcaps/real"
if [ -d "$real" ]; then
	for f in "$real"/*.pcap "$real"/*.pcapng; do
		[ -f "$f" ] && files+=("$f")
	done
else
	echo "note: $real is absent; its captures are not compared"
fi
check "found captures to compare (${#files[@]})" test "${#files[@]}" -ge 20

all=()
for f in "${files[@]}"; do
	n=${f#"$PC_SOURCE_DIR"/}
	same "$n" -F json -r "$f"
	same "$n -t 1" -F json -t 1 --explain --unassigned -r "$f"
	all+=(-r "$f")
done
same "every capture in one run" -F json -t 60 --explain "${all[@]}"
same "text, every capture" "${all[@]}"

# Many batches: 1518-byte frames fill a batch's bytes, 60-byte ones its
# frame slots; intervals on packet time cut inside batches.
if [ -n "${PCAPGEN:-}" ]; then
	"$PCAPGEN" bench-imix "$tmp/imix.pcap" --packets 40000 --flows 3000 \
	    >/dev/null
	"$PCAPGEN" bench-small "$tmp/small.pcap" --packets 60000 --flows 500 \
	    >/dev/null
	same "imix 40000" -F json -t 1 -r "$tmp/imix.pcap"
	same "small 60000" -F json -t 1 -r "$tmp/small.pcap" -r "$tmp/imix.pcap"
	same "small 60000, filter" -F json -r "$tmp/small.pcap" udp
else
	echo "FAIL: PCAPGEN not set"; fail=$((fail + 1))
fi

# Standard input from a pipe: the read-ahead thread waits in poll(2).
same_pipe() {
	local name=$1 f=$2 rc1 rc2; shift 2
	cat "$f" | "$PORTCLASS" "$@" >"$tmp/one.out" 2>"$tmp/one.err"; rc1=$?
	cat "$f" | "$PORTCLASS" --threads 2 "$@" >"$tmp/two.out" \
	    2>"$tmp/two.err"; rc2=$?
	check "$name: exit status ($rc1, $rc2)" test "$rc1" -eq "$rc2"
	check "$name: same report bytes" cmp -s "$tmp/one.out" "$tmp/two.out"
	check "$name: same messages" cmp -s "$tmp/one.err" "$tmp/two.err"
}
same_pipe "demo.pcap on a pipe" "$PC_SOURCE_DIR/pcaps/demo.pcap" \
    -F json -t 1 -r -
if [ -n "${PCAPGEN:-}" ]; then
	same_pipe "imix on a pipe" "$tmp/imix.pcap" -F json -r -
fi

# A frame of 200000 bytes, more than a batch holds, between two small
# ones (frames over RING_COPY_MAX are decoded by the reader thread): classic pcap, little-endian, snaplen 262144, Ethernet.
le32() {
	local s
	s=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) \
	    $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)))
	printf "$s"
}
{
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00'; le32 0; le32 0
	le32 262144; le32 1
	for len in 60 200000 60; do
		le32 1700000000; le32 0; le32 "$len"; le32 "$len"
		head -c "$len" /dev/zero
	done
} >"$tmp/big.pcap"
same "a 200000-byte frame" -F json -r "$tmp/big.pcap"
check "big: three frames counted" grep -q '"truncated":3,' "$tmp/two.out"
check "big: its bytes counted" grep -q '"truncated":200120' "$tmp/two.out"

# SIGINT part-way through a threaded read: exit 0 soon, with a final
# report of the frames read so far.
if [ -n "${PCAPGEN:-}" ]; then
	"$PCAPGEN" bench-small "$tmp/long.pcap" --packets 3000000 \
	    --flows 1000 >/dev/null
	"$PORTCLASS" --threads 2 -F json -r "$tmp/long.pcap" \
	    >"$tmp/int.out" 2>"$tmp/int.err" &
	pid=$!
	# Stop it part-way: once it has read 4 MiB of the 228 MB file (a
	# sanitizer build may still be starting up after a fixed delay).
	for i in $(seq 200); do
		r=$(awk '/^rchar:/ { print $2 }' "/proc/$pid/io" 2>/dev/null)
		[ "${r:-0}" -ge 4194304 ] && break
		sleep 0.05
	done
	start=$(date +%s%N)
	kill -INT "$pid"
	wait "$pid"; rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	check "SIGINT: exit 0 ($rc)" test "$rc" -eq 0
	# PC_STOP_LIMIT_MS: scripts/test.sh raises it for ThreadSanitizer,
	# which runs a signal handler only at the thread's next intercepted
	# libc call; the reader thread, in libpcap's __fread_chk() and our
	# futex calls, may make none until the file ends.
	limit=${PC_STOP_LIMIT_MS:-2000}
	check "SIGINT: stopped within $limit ms (${ms} ms)" \
		test "$ms" -lt "$limit"
	got=$(json_totals run packets <"$tmp/int.out")
	check "SIGINT: a final report of what was read (${got:-none})" \
		test "${got:-0}" -gt 0 -a "${got:-0}" -le 3000000
	check "SIGINT: no message" test ! -s "$tmp/int.err"

	# SIGINT while the pipe on standard input has gone quiet: the
	# classifier waits for the read-ahead thread, which waits in poll(2).
	# A fifo, not a pipeline: "wait" on a pipeline waits for all of it.
	mkfifo "$tmp/fifo"
	"$PORTCLASS" --threads 2 -F json -r - <"$tmp/fifo" >"$tmp/q.out" \
	    2>"$tmp/q.err" &
	pid=$!
	{ cat "$PC_SOURCE_DIR/pcaps/demo.pcap"; sleep 30; } >"$tmp/fifo" &
	feeder=$!
	sleep 1
	start=$(date +%s%N)
	kill -INT "$pid"
	wait "$pid"; rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	{ pkill -P "$feeder" sleep; kill "$feeder"; wait "$feeder"; } \
	    2>/dev/null
	check "SIGINT, quiet pipe: exit 0 ($rc)" test "$rc" -eq 0
	check "SIGINT, quiet pipe: stopped within $limit ms (${ms} ms)" \
		test "$ms" -lt "$limit"
	got=$(json_totals run packets <"$tmp/q.out")
	check "SIGINT, quiet pipe: every frame counted (${got:-none})" \
		test "${got:-0}" -eq 246
fi

check_summary
