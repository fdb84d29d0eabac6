#!/usr/bin/env bash
# e2e_golden.sh - the exact output, text and NDJSON, for a few captures in
# pcaps/ (pcaps/expected/NAME.txt and NAME.json).  The numbers in them are
# checked independently against the generator's truth by e2e_pcaps.sh;
# this test pins the presentation.  After an intended change of output,
# regenerate with PC_UPDATE_GOLDEN=1 (through ctest) and review the diff.
set -u
. "$(dirname "$0")/lib.sh"

exp="$PC_SOURCE_DIR/pcaps/expected"
fail=0 n=0
for name in demo trap3306 multilink; do
	cap=$(ls "$PC_SOURCE_DIR/pcaps/$name".pcap* 2>/dev/null | grep -v truth | head -n1)
	for fmt in text json; do
		ext=$([ "$fmt" = text ] && echo txt || echo json)
		got=$("$PORTCLASS" -F "$fmt" -t 60 -r "$cap" 2>&1)
		if [ "${PC_UPDATE_GOLDEN:-0}" = 1 ]; then
			printf '%s\n' "$got" >"$exp/$name.$ext"
			continue
		fi
		n=$((n + 1))
		if ! diff -u "$exp/$name.$ext" <(printf '%s\n' "$got") >/tmp/golden.$$ 2>&1; then
			echo "FAIL: $name.$ext differs from pcaps/expected/"
			sed 's/^/  /' /tmp/golden.$$
			fail=$((fail + 1))
		fi
		rm -f /tmp/golden.$$
	done
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
