#!/usr/bin/env bash
# run.sh BUILD_DIR - a bounded libFuzzer smoke run of every fuzz target in
# BUILD_DIR/tests/fuzz, each seeded with its corpus in tests/fuzz/.
# FUZZ_SECONDS (default 60, about a minute per target) bounds each target.  A crash fails the run and
# leaves the reproducer in BUILD_DIR/tests/fuzz/artifacts/.
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-60}
found=0
for bin in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	case $bin in *_replay) continue ;; esac
	name=$(basename "$bin")
	# Seeds: as in tests/fuzz/CMakeLists.txt; whole captures also get the
	# real-world set beside the repository when it is there.
	case ${name#fuzz_} in
	decode)   corpus=("$src/corpus") ;;
	capture|pcapfile)
		  corpus=("$src/../../pcaps" "$src/../../pcaps/bad")
		  real="$src/../../../shared/pcaps/real"
		  [ -d "$real" ] && corpus+=("$real") ;;
	*)        corpus=("$src/corpus-${name#fuzz_}") ;;
	esac
	work=$(mktemp -d)
	mkdir -p "$build/tests/fuzz/artifacts"
	echo "== $name: ${secs}s on $(find "${corpus[@]}" -maxdepth 1 -type f | wc -l) seeds"
	dict=()
	d=${name#fuzz_}
	[ "$d" = pcapfile ] && d=capture	# the same file format
	[ -f "$src/dict/$d.dict" ] && dict=(-dict="$src/dict/$d.dict")
	"$bin" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
		"${dict[@]}" \
		-artifact_prefix="$build/tests/fuzz/artifacts/" \
		"$work" "${corpus[@]}" 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)|ERROR|SUMMARY' || true
	rc=${PIPESTATUS[0]}
	rm -rf "$work"
	[ "$rc" -eq 0 ] || { echo "$name: failed (exit $rc)"; exit 1; }
	found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "no fuzz targets in $build/tests/fuzz"; exit 1; }
echo "fuzz smoke: $found targets, no crashes"
