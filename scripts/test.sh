#!/usr/bin/env bash
# test.sh - install what is missing, build, and run every test twice: in a
# plain -Werror build and under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
pc_install_deps
jobs=$(nproc)

run_suite() {
	local dir=$1; shift
	echo "== $dir: $*"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPORTCLASS_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	(cd "$dir" && ctest --output-on-failure -j"$jobs")
}

run_suite build/test-plain
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build/test-sanitize -DPORTCLASS_SANITIZE=ON
# The threaded modes (--threads and its read-ahead, --workers) under
# ThreadSanitizer: their tests compare counts with one thread, and TSan
# reports any race.
echo "== build/test-tsan: e2e_threads, e2e_workers, test_metrics and test_pcapfile under ThreadSanitizer"
cmake -S . -B build/test-tsan -DCMAKE_BUILD_TYPE=Debug -DPORTCLASS_WERROR=ON \
	-DPORTCLASS_TSAN=ON >/dev/null
cmake --build build/test-tsan -j"$jobs" >/dev/null
# TSan defers signal handlers (see PC_STOP_LIMIT_MS in e2e_threads.sh);
# the prompt stop on SIGINT is checked by the two suites above.
(cd build/test-tsan && TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	PC_STOP_LIMIT_MS=120000 \
	ctest --output-on-failure -R 'e2e_threads|e2e_workers|test_metrics|test_pcapfile')
if [ -f tests/fuzz/CMakeLists.txt ]; then
	echo "== build/test-fuzz: fuzz targets, short run on the seed corpus"
	CC=clang cmake -S . -B build/test-fuzz -DPORTCLASS_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
	cmake --build build/test-fuzz -j"$jobs" >/dev/null
	if [ -x tests/fuzz/run.sh ]; then
		tests/fuzz/run.sh build/test-fuzz
	fi
fi
# Memcheck over the unit tests and real runs, on the plain build (valgrind
# and the sanitizers do not mix).
echo "== valgrind memcheck on build/test-plain"
tests/valgrind.sh build/test-plain
echo "portclass: all test suites passed"
