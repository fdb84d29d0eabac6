#!/usr/bin/env bash
# e2e_pcapgen.sh - the generator is deterministic and pcaps/ is what it
# makes: regenerating every capture and truth file gives the committed
# bytes exactly.
set -u
. "$(dirname "$0")/lib.sh"
: "${PCAPGEN:?the pcapgen target was not built}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PCAPS_OUT=$tmp "$PC_SOURCE_DIR/scripts/make-pcaps.sh" "$PCAPGEN" || exit 1
fail=0 n=0
for f in "$tmp"/*; do
	n=$((n + 1))
	if ! cmp -s "$f" "$PC_SOURCE_DIR/pcaps/$(basename "$f")"; then
		echo "FAIL: pcaps/$(basename "$f") differs from the generator's output"
		fail=$((fail + 1))
	fi
done
for f in "$PC_SOURCE_DIR"/pcaps/*.pcap "$PC_SOURCE_DIR"/pcaps/*.pcapng; do
	[ -e "$tmp/$(basename "$f")" ] || {
		echo "FAIL: pcaps/$(basename "$f") is not made by scripts/make-pcaps.sh"
		fail=$((fail + 1))
	}
done
echo "$((n - fail)) passed, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
