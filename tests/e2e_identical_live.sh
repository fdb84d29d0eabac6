#!/usr/bin/env bash
# e2e_identical_live.sh - live capture says what it said before, byte for
# byte.  Every Ethernet capture of pcaps/ and ../shared/pcaps/real/ is
# replayed, frame by frame, out of one end of a veth pair (pc_traffic
# replay) while portclass captures on the other end, in NDJSON, CSV and
# text, with --explain; with --workers 1 (and --unassigned) and with
# --workers 2 (on the captures the workers' split cannot change, below).
# The reports, with wall-clock times blanked, must match tests/identical-
# live/, recorded before the structure was rebuilt (at a02b2d6).  Regenerate with
# PC_UPDATE_GOLDEN=1 (through ctest) only after an intended change.
#
# Only frames the captures hold reach the veth: IPv6 is off, ARP is done
# before the capture starts, and the replayed frames are addressed to
# other hosts, so the namespace answers none of them.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
netns_setup
# Jumbo frames in some captures: let the link carry them.
ip -n "$NS_A" link set "$IF_A" mtu 9000 &&
ip -n "$NS_B" link set "$IF_B" mtu 9000 || exit 1

cd "$PC_SOURCE_DIR" || exit 1
exp=tests/identical-live
export LC_ALL=C
caps=$(for f in pcaps/*.pcap ../shared/pcaps/real/*.pcap; do
	# Classic pcap (either byte order, us or ns), link type 1.
	od -An -tx1 -j20 -N4 "$f" | grep -Eq '^ (01 00 00 00|00 00 00 01)$' &&
		od -An -tx1 -N4 "$f" | grep -Eq 'a1 b2|b2 a1|b2 3c|3c b2' &&
		echo "$f"
done)

# Times of day differ from run to run; nothing else may.
blank() {
	sed -E 's/"(start|end|first_seen|last_seen)":[0-9]+/"\1":T/g;
	    s/^([a-z_]+,[a-z]+),[0-9]+,[0-9]+,/\1,T,T,/;
	    s/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g'
}

# With two workers the kernel splits the flows between them by a hash it
# seeds at boot, and each worker learns listeners only from its own flows.
# So the two-worker runs replay the captures in which every flow is judged
# by its own packets (no "listener", "fanin" or "first" reason when read
# with -r --explain): there the split cannot change an answer, and the
# output must be the same whatever the boot.
split=$(for f in $caps; do
	case $f in
	*/demo.pcap|*/listeners.pcap|*/trap3306.pcap|*/unassigned.pcap) ;;
	*) echo "$f" ;;
	esac
done)

# How many listeners the workers know together depends on the split (one
# learned by both counts twice), so with two workers that number is blanked.
blank_split() {
	sed -E 's/"listeners":[0-9]+/"listeners":N/; s/^listeners: [0-9]+ known/listeners: N known/'
}

# live NAME WORKERS CAPTURES ARGS...: replay CAPTURES to portclass ARGS with
# WORKERS workers; $tmp/NAME.got is what it said, times blanked.
live() {
	local name=$1 w=$2 list=$3 sent st
	shift 3
	pc_start "$name" -t 600 --workers "$w" "$@" -i "$IF_A" || return 1
	# shellcheck disable=SC2086
	sent=$(ip netns exec "$NS_B" "$PC_TRAFFIC" replay "$IF_B" $list)
	pc_stop INT
	st=$?
	{
		echo "replay: $sent"
		if [ "$w" = 1 ]; then
			blank <"$tmp/$name.out"
		else
			blank <"$tmp/$name.out" | blank_split
		fi
		echo "exit $st"
	} >"$tmp/$name.got"
}

n=0 fail=0
# compare NAME: $tmp/NAME.got against the recorded tests/identical/NAME.out
compare() {
	if [ "${PC_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/$1.got" "$exp/$1.out"
		return
	fi
	n=$((n + 1))
	if ! cmp -s "$exp/$1.out" "$tmp/$1.got"; then
		echo "FAIL: $1 differs from $exp/$1.out"
		diff "$exp/$1.out" "$tmp/$1.got" | head -10 | sed 's/^/  /'
		grep -h 'drop' "$tmp/$1.err" | sed 's/^/  /'
		fail=$((fail + 1))
	fi
}

for f in json csv text; do
	live "w1-$f" 1 "$caps" -F "$f" --unassigned --explain ||
		fail=$((fail + 1))
	compare "w1-$f"
	# --unassigned keeps one worker's peer sets: not with two workers.
	live "w2-$f" 2 "$split" -F "$f" --explain || fail=$((fail + 1))
	compare "w2-$f"
done
# And the split changes nothing: one worker on the same frames says the same.
live one 1 "$split" -F json --explain || fail=$((fail + 1))
n=$((n + 1))
blank_split <"$tmp/one.got" >"$tmp/one.split"
if ! cmp -s "$tmp/one.split" "$tmp/w2-json.got"; then
	echo "FAIL: --workers 2 differs from one worker on the same frames"
	diff "$tmp/one.split" "$tmp/w2-json.got" | head -10 | sed 's/^/  /'
	fail=$((fail + 1))
fi
[ "${PC_UPDATE_GOLDEN:-0}" = 1 ] && { echo "recorded"; exit 0; }
echo "$n live runs compared, $fail differ"
[ "$fail" -eq 0 ]
