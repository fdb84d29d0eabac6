#!/usr/bin/env bash
# e2e_identical.sh - the program's whole output, byte for byte, on every
# capture the project has: pcaps/, pcaps/bad/ and the real captures beside
# it (../shared/pcaps/real/), in NDJSON, CSV and text, with intervals,
# --unassigned and --explain, with the exit status; and --threads 2 gives
# the NDJSON of one thread.  tests/identical/ holds what the program said
# when this test was made, so a change that should not change behaviour
# (a rebuild of the structure, a speed-up) is shown not to.  After an
# intended change of output, regenerate with PC_UPDATE_GOLDEN=1 (through
# ctest) and review the diff.
set -u
. "$(dirname "$0")/lib.sh"

cd "$PC_SOURCE_DIR" || exit 1
exp=tests/identical
export LC_ALL=C		# text output's character handling follows it
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run CAP FORMAT...: the output and status of one run, as the golden has it.
run() {
	local cap=$1; shift
	"$PORTCLASS" "$@" -t 60 --unassigned --explain -r "$cap" 2>&1
	echo "exit $?"
}

n=0 fail=0
for cap in pcaps/*.pcap pcaps/*.pcapng pcaps/bad/*.pcap pcaps/bad/*.pcapng \
    ../shared/pcaps/real/*.pcap; do
	[ -f "$cap" ] || continue
	name=$(printf '%s' "$cap" | sed 's|^\.\./shared/pcaps/real/|real-|; s|^pcaps/bad/|bad-|; s|^pcaps/||')
	{
		for f in json csv text; do
			echo "== -F $f"
			run "$cap" -F "$f"
		done
	} >"$tmp/got"
	run "$cap" -F json >"$tmp/one"
	run "$cap" -F json --threads 2 >"$tmp/two"
	if [ "${PC_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/got" "$exp/$name.out"
		continue
	fi
	n=$((n + 1))
	if ! cmp -s "$tmp/one" "$tmp/two"; then
		echo "FAIL: $cap: --threads 2 differs from one thread"
		diff "$tmp/one" "$tmp/two" | head -5 | sed 's/^/  /'
		fail=$((fail + 1))
	fi
	if [ ! -f "$exp/$name.out" ]; then
		echo "FAIL: $cap: no $exp/$name.out"
		fail=$((fail + 1))
	elif ! cmp -s "$exp/$name.out" "$tmp/got"; then
		echo "FAIL: $cap: output differs from $exp/$name.out"
		diff "$exp/$name.out" "$tmp/got" | head -10 | sed 's/^/  /'
		fail=$((fail + 1))
	fi
done
# Every golden has its capture (a capture renamed or gone is noticed).
for g in "$exp"/*.out; do
	case $g in
	*/real-*) [ -d ../shared/pcaps/real ] || continue ;;
	esac
	name=$(basename "$g" .out)
	case $name in
	real-*) cap=../shared/pcaps/real/${name#real-} ;;
	bad-*) cap=pcaps/bad/${name#bad-} ;;
	*) cap=pcaps/$name ;;
	esac
	[ -f "$cap" ] || { echo "FAIL: $g: no capture $cap"; fail=$((fail + 1)); }
done
echo "identical: $n captures, $fail failures"
[ "${PC_UPDATE_GOLDEN:-0}" = 1 ] || { [ "$n" -gt 50 ] && [ "$fail" -eq 0 ]; }
