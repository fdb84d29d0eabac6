#!/usr/bin/env bash
# valgrind.sh BUILD_DIR - memcheck over the unit tests and real runs.
#
# Runs under valgrind --leak-check=full --error-exitcode=1 (any invalid
# read or write, use of uninitialised memory or leak fails): every cmocka
# unit test binary (BUILD_DIR/tests/test_*), every fuzz replay harness on
# its corpus, and portclass itself on good files, on the damaged files of
# pcaps/bad/, with each output format, a filter, several inputs, a registry
# file, and the error paths (bad filter, missing file, /dev/full).
# BUILD_DIR must be a build WITHOUT sanitizers (valgrind and ASan do not
# mix).  Not a ctest: scripts/test.sh calls it; it takes a few minutes.
set -u
build=${1:?usage: valgrind.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
export PC_SOURCE_DIR=$src PC_BINARY_DIR=$build
command -v valgrind >/dev/null ||
	{ echo "valgrind.sh: valgrind is not installed (scripts/deps.sh)"; exit 1; }
if ldd "$build/portclass" 2>/dev/null | grep -q libasan; then
	echo "valgrind.sh: $build is a sanitizer build; use a plain one"
	exit 1
fi

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
pass=0 fail=0 n=0

# vg NAME EXPECTED_STATUS COMMAND...: run under memcheck.  Valgrind's own
# verdict is exit 99 (so it cannot be confused with the program's): any
# error or leak fails, and so does an exit status other than expected.
vg() {
	local name=$1 want=$2 rc; shift 2
	n=$((n + 1))
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    --log-file="$log/$n.vg" "$@" >"$log/$n.out" 2>"$log/$n.err" </dev/null
	rc=$?
	if [ "$rc" -eq 99 ] || [ -s "$log/$n.vg" ]; then
		echo "FAIL: $name: memcheck errors"
		sed 's/^/    /' "$log/$n.vg" | head -40
		fail=$((fail + 1))
	elif [ "$want" != any ] && [ "$rc" -ne "$want" ]; then
		echo "FAIL: $name: exit $rc, want $want"
		sed 's/^/    /' "$log/$n.err" | head -10
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	vg "$(basename "$t")" 0 "$t"
done
for h in decode registry capture; do
	r="$build/tests/fuzz/fuzz_${h}_replay"
	[ -x "$r" ] || continue
	case $h in
	decode)   c=$src/tests/fuzz/corpus ;;
	registry) c=$src/tests/fuzz/corpus-registry ;;
	capture)  c="$src/pcaps $src/pcaps/bad" ;;
	esac
	# shellcheck disable=SC2086	# two directories for capture
	vg "fuzz_${h}_replay" 0 "$r" $c
done

pc=$build/portclass
p=$src/pcaps
vg "demo, text" 0 "$pc" -r "$p/demo.pcap"
vg "demo, json" 0 "$pc" -F json -r "$p/demo.pcap"
vg "demo, csv, intervals" 0 "$pc" -F csv -t 10 -r "$p/demo.pcap"
vg "pcapng, several inputs, filter" 0 "$pc" -F json -r "$p/multilink.pcapng" \
    -r "$p/tunnels.pcap" -r "$p/ipv6ext.pcap" 'tcp or udp'
vg "hour, -t 60, --top 3" 0 "$pc" -t 60 --top 3 -r "$p/hour.pcap"
vg "flow cache evicting" 0 "$pc" --flows 4 -r "$p/trap3306.pcap"
printf 'mysvc\t8080/tcp\n' >"$log/services"
vg "services(5) registry" 0 "$pc" --registry "$log/services" -r "$p/demo.pcap"
vg "bad filter" 1 "$pc" -r "$p/demo.pcap" 'port 99999'
vg "missing file" 1 "$pc" -r "$log/missing.pcap"
vg "-o /dev/full" 1 "$pc" -r "$p/demo.pcap" -o /dev/full
vg "registry is a directory" 1 "$pc" --registry "$log" -r "$p/demo.pcap"
while IFS=$'\t' read -r file want _; do
	case $file in '#'* | '') continue ;; esac
	vg "bad/$file" "$want" "$pc" -F json -r "$p/bad/$file"
done <"$p/bad/expected.tsv"

echo "valgrind.sh: $pass passed, $fail failed ($n runs)"
[ "$fail" -eq 0 ]
