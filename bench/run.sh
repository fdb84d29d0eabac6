#!/bin/sh
#
# bench/run.sh: how fast is portclass next to a bare libpcap read loop?
#
# Builds portclass and pcapgen in Release (build/bench), builds the bare
# loop (bench/baseline.c) and the timer (bench/benchtime.c) with cc -O2,
# generates the captures with the project's generator, warms them into
# the page cache, then for each file runs ROUNDS rounds of
#     baseline FILE
#     baseline -b BYTES FILE      (row baseline-buf: the same loop, its
#                                  stream given portclass's stdio buffer)
#     baseline -m next FILE       (row baseline-next: pcap_next_ex(), the
#                                  loop as issue 5 describes it)
#     baseline -m read FILE       (row baseline-read: no libpcap, read(2)
#                                  and the records walked in place: the
#                                  floor for any reader of the file)
#     portclass -F json -r FILE >/dev/null
#     portclass --threads 2 -F json -r FILE >/dev/null   (row portclass-t2)
#     tcpdump -r FILE -w /dev/null            (when tcpdump is installed)
# reversing the order every other round, and prints per file the median
# wall and CPU time of each, the spread of wall times ((max - min) /
# median), the median of the per-round ratios to the baseline, the peak
# RSS and the packet rate.  The targets are ratios to the baseline row;
# baseline-buf shows how much of portclass's time is saved by its larger
# read buffer alone.  See bench/README.md.
#
# Usage: bench/run.sh [--check] [--rounds N] [--rev COMMIT] [--before COMMIT]
#   --check   exit 1 if a portclass/baseline wall ratio is above
#             BENCH_MAX_RATIO (default 1.25), the portclass-t2 one above
#             BENCH_MAX_RATIO_T2 (default 1.0) or, when BENCH_MAX_RSS_MIB
#             is set, if portclass's peak RSS is above it
#   --rounds  rounds per file (default BENCH_ROUNDS or 5)
#   --rev     build portclass from COMMIT (git archive) instead of the
#             working tree
#   --before  also build COMMIT and time it in the same rounds (rows
#             before and before-t2), so that a change is measured
#             against what it changed, side by side
#
# Environment: BENCH_DIR (captures, default build/bench/data),
# BENCH_QUICK=1 (1 M packets per file instead of 10 M / 5 M / 4 M),
# BENCH_SMALL_PACKETS, BENCH_IMIX_PACKETS, BENCH_TRAP_PACKETS,
# BENCH_FEW_FLOWS, BENCH_MANY_FLOWS, BENCH_FILES (a space-separated subset
# of small-few small-many imix-few trap-few trap-many, default all),
# BENCH_JOBS (build parallelism, default 2).
#
# The trap files (pcapgen bench-trap) are handshakes from assigned client
# ports to dynamic server ports: every connection contradicts the status
# rule, so the flow cache learns each one; with 1 M flows it fills and
# evicts, and the peak RSS column shows whether memory stays flat.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

check=0
rev=
before=
rounds=${BENCH_ROUNDS:-5}
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--rounds) shift; rounds=$1 ;;
	--rev) shift; rev=$1 ;;
	--before) shift; before=$1 ;;
	-h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

build=build/bench
data=${BENCH_DIR:-$build/data}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	small=${BENCH_SMALL_PACKETS:-1000000}
	imix=${BENCH_IMIX_PACKETS:-1000000}
	trap=${BENCH_TRAP_PACKETS:-1000000}
else
	small=${BENCH_SMALL_PACKETS:-10000000}
	imix=${BENCH_IMIX_PACKETS:-5000000}
	trap=${BENCH_TRAP_PACKETS:-4000000}
fi
which=${BENCH_FILES:-small-few small-many imix-few trap-few trap-many}
few=${BENCH_FEW_FLOWS:-10000}
many=${BENCH_MANY_FLOWS:-1000000}
max_ratio=${BENCH_MAX_RATIO:-1.25}
max_ratio2=${BENCH_MAX_RATIO_T2:-1.0}
jobs=${BENCH_JOBS:-2}

log() { echo "run.sh: $*" >&2; }

# --- build -------------------------------------------------------------
# With --rev the product is built from that commit, exported read-only
# with git archive, so a tree that others are editing does not matter;
# bench/ itself always comes from the working tree.
# export COMMIT: a read-only tree of it under build/bench, once.
export_rev() {
	c=$(git rev-parse --verify "$1^{commit}")
	t=build/bench/tree-$(echo "$c" | cut -c1-12)
	if [ ! -f "$t/CMakeLists.txt" ]; then
		log "exporting $1 ($c) to $t"
		rm -rf "$t"
		mkdir -p "$t"
		git archive "$c" | tar -x -C "$t"
	fi
	echo "$t"
}
# build SRC BUILDDIR: portclass and pcapgen in Release.
build_pc() {
	mkdir -p "$2"
	log "building portclass and pcapgen (Release) from $1 in $2"
	cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
	    >"$2.cmake.log" 2>&1 || { cat "$2.cmake.log" >&2; exit 1; }
	cmake --build "$2" -j"$jobs" --target portclass pcapgen \
	    >"$2.build.log" 2>&1 || { cat "$2.build.log" >&2; exit 1; }
}
src=.
if [ -n "$rev" ]; then
	commit=$(git rev-parse --verify "$rev^{commit}")
	src=$(export_rev "$commit")
	build=$build/rev-$(echo "$commit" | cut -c1-12)
fi
build_pc "$src" "$build"
if [ -n "$before" ]; then
	bcommit=$(git rev-parse --verify "$before^{commit}")
	bbuild=build/bench/rev-$(echo "$bcommit" | cut -c1-12)
	build_pc "$(export_rev "$bcommit")" "$bbuild"
	portclass_before=$bbuild/portclass
fi
tools=$build/bench-tools
mkdir -p "$tools"
cflags="-std=c11 -O2 -Wall -Wextra -Werror"
cc $cflags -o "$tools/baseline" bench/baseline.c \
    $(pkg-config --cflags --libs libpcap 2>/dev/null || echo -lpcap)
cc $cflags -o "$tools/benchtime" bench/benchtime.c
portclass=$build/portclass
pcapgen=$build/pcapgen
baseline=$tools/baseline
benchtime=$tools/benchtime
# portclass's stdio buffer for capture files, so baseline-buf reads alike.
stdiobuf=$(sed -n 's/^#define CAPTURE_STDIO_BUF[^(]*(\([0-9]*\) \* 1024).*/\1/p' \
    "$src/src/capture.c")
stdiobuf=$((${stdiobuf:-256} * 1024))

# --- captures ----------------------------------------------------------
# pcapgen is deterministic: the same source and arguments give the same
# bytes, so a capture is reused while its stamp (the generator source's
# hash and the arguments) matches.
mkdir -p "$data"
gensum=$(sha256sum "$src/tools/pcapgen.c" | cut -c1-16)
gen() {	# name scenario packets flows
	f=$data/$1.pcap
	stamp="$gensum $2 --packets $3 --flows $4"
	if [ -f "$f" ] && [ -f "$f.stamp" ] &&
	    [ "$(cat "$f.stamp")" = "$stamp" ]; then
		log "reusing $f"
	else
		log "generating $f ($2, $3 packets, $4 flows)"
		rm -f "$f.stamp"
		"$pcapgen" "$2" "$f" --packets "$3" --flows "$4"
		echo "$stamp" >"$f.stamp"
	fi
}
files=
for w in $which; do
	case $w in
	small-few) set -- "small-$small-$few" bench-small "$small" "$few" ;;
	small-many) set -- "small-$small-$many" bench-small "$small" "$many" ;;
	imix-few) set -- "imix-$imix-$few" bench-imix "$imix" "$few" ;;
	trap-few) set -- "trap-$trap-$few" bench-trap "$trap" "$few" ;;
	trap-many) set -- "trap-$trap-$many" bench-trap "$trap" "$many" ;;
	*) log "BENCH_FILES: unknown file $w"; exit 2 ;;
	esac
	gen "$@"
	files="$files $data/$1.pcap"
done

have_tcpdump=0
if command -v tcpdump >/dev/null 2>&1; then
	have_tcpdump=1
	tcpdump_bin=$(command -v tcpdump)
fi

# --- machine -----------------------------------------------------------
echo "portclass bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $rounds rounds per file"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
echo "libpcap: $("$baseline" -V)"
if [ -n "$rev" ]; then
	tree="commit $(echo "$commit" | cut -c1-12) ($rev)"
else
	tree="working tree at $(git rev-parse --short=12 HEAD 2>/dev/null || echo '?')"
	if [ -n "$(git status --porcelain -- src include tools 2>/dev/null)" ]; then
		tree="$tree + uncommitted changes"
	fi
fi
echo "portclass: $("$portclass" -V 2>&1 | head -1), $tree"
if [ -n "$before" ]; then
	echo "before: commit $(echo "$bcommit" | cut -c1-12) ($before)"
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- measure -----------------------------------------------------------
fail=0
raw=$data/results.tsv
: >"$raw"
for f in $files; do
	log "warming $f"
	cat "$f" >/dev/null
	name=$(basename "$f" .pcap)
	# One untimed run of each: warms the binaries and checks that
	# portclass and the baseline saw every frame.
	"$baseline" "$f" >"$data/stdout.baseline"
	"$portclass" -F json -r "$f" >"$data/stdout.portclass"
	frames=$(awk '{ print $2 }' "$data/stdout.baseline")
	pcframes=$(sed -n 's/.*"type":"totals".*"clock":"[a-z]*","packets":\([0-9]*\).*/\1/p' \
	    "$data/stdout.portclass")
	if [ "$frames" != "$pcframes" ]; then
		log "$f: baseline read $frames frames, portclass ${pcframes:-?}"
		exit 1
	fi
	# --threads 2 must give the very same report.
	"$portclass" --threads 2 -F json -r "$f" >"$data/stdout.portclass-t2"
	if ! cmp -s "$data/stdout.portclass" "$data/stdout.portclass-t2"; then
		log "$f: portclass --threads 2 reports differently"
		exit 1
	fi
	flowinfo=$(sed -n 's/.*"type":"totals","scope":"run".*\("flows":[0-9]*,"flow_evictions":[0-9]*\).*/\1/p' \
	    "$data/stdout.portclass")
	i=1
	while [ "$i" -le "$rounds" ]; do
		order="baseline baseline-buf baseline-next baseline-read"
		order="$order portclass portclass-t2"
		[ -n "$before" ] && order="$order before before-t2"
		order="$order tcpdump"
		if [ $((i % 2)) = 0 ]; then
			order=$(echo "$order" | tr ' ' '\n' | sed -n '1!G;h;$p')
		fi
		for prog in $order; do
			case $prog in
			baseline) set -- "$baseline" "$f" ;;
			baseline-buf) set -- "$baseline" -b "$stdiobuf" "$f" ;;
			baseline-next) set -- "$baseline" -m next "$f" ;;
			baseline-read) set -- "$baseline" -m read "$f" ;;
			portclass) set -- "$portclass" -F json -r "$f" ;;
			portclass-t2)
				set -- "$portclass" --threads 2 -F json -r "$f" ;;
			before) set -- "$portclass_before" -F json -r "$f" ;;
			before-t2)
				set -- "$portclass_before" --threads 2 -F json \
				    -r "$f" ;;
			tcpdump)
				[ "$have_tcpdump" = 1 ] || continue
				set -- "$tcpdump_bin" -r "$f" -w /dev/null ;;
			esac
			out=$("$benchtime" "$@" 2>"$data/stderr.$prog")
			case $out in
			*status=0) ;;
			*)
				log "$prog failed on $f: $out"
				cat "$data/stderr.$prog" >&2
				exit 1 ;;
			esac
			echo "$name $i $prog $out" >>"$raw"
		done
		i=$((i + 1))
	done
	bytes=$(stat -c %s "$f")
	awk -v name="$name" -v frames="$frames" -v bytes="$bytes" \
	    -v rounds="$rounds" -v maxr="$max_ratio" -v maxr2="$max_ratio2" \
	    -v flowinfo="$flowinfo" -v maxrss="${BENCH_MAX_RSS_MIB:-}" '
	function val(s) { sub(/^[a-z_]+=/, "", s); return (s + 0) }
	function median(a, n,    i, j, t, b) {
		for (i = 1; i <= n; i++)
			b[i] = a[i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && b[j - 1] > b[j]; j--) {
				t = b[j]; b[j] = b[j - 1]; b[j - 1] = t
			}
		if (n % 2)
			return (b[(n + 1) / 2])
		return ((b[n / 2] + b[n / 2 + 1]) / 2)
	}
	$1 == name {
		r = $2; p = $3
		wall[p, r] = val($4)
		cpu[p, r] = val($5) + val($6)
		rss = val($7)
		if (rss > peak[p])
			peak[p] = rss
		seen[p] = 1
	}
	END {
		printf("\n%s: %d frames, %.1f MB, %d rounds; portclass: %s\n",
		    name, frames, bytes / 1e6, rounds, flowinfo)
		printf("%-13s %9s %7s %9s %11s %10s %10s %9s %8s\n", "program",
		    "wall s", "spread", "cpu s", "wall ratio", "cpu ratio",
		    "peak RSS", "Mpkt/s", "ns/pkt")
		n = split("baseline baseline-buf baseline-next baseline-read " \
		    "portclass " \
		    "portclass-t2 before before-t2 tcpdump", progs, " ")
		for (k = 1; k <= n; k++) {
			p = progs[k]
			if (!seen[p])
				continue
			lo = hi = wall[p, 1]
			for (r = 1; r <= rounds; r++) {
				if (wall[p, r] < lo)
					lo = wall[p, r]
				if (wall[p, r] > hi)
					hi = wall[p, r]
				w[r] = wall[p, r]; c[r] = cpu[p, r]
				wr[r] = wall[p, r] / wall["baseline", r]
				cr[r] = cpu[p, r] / cpu["baseline", r]
			}
			mw = median(w, rounds); mc = median(c, rounds)
			mwr = median(wr, rounds); mcr = median(cr, rounds)
			printf("%-13s %9.3f %6.1f%% %9.3f %10.2fx %9.2fx %6.1f MiB %9.2f %8.1f\n",
			    p, mw, (hi - lo) / mw * 100, mc, mwr, mcr, peak[p] / 1024,
			    frames / mw / 1e6, mw * 1e9 / frames)
			if (p == "portclass-t2" && mwr > maxr2 + 0)
				bad = bad sprintf("  %s: --threads 2 wall ratio %.2fx > %.2fx\n",
				    name, mwr, maxr2)
			if (p == "portclass") {
				if (mwr > maxr + 0)
					bad = bad sprintf("  %s: wall ratio %.2fx > %.2fx\n",
					    name, mwr, maxr)
				if (maxrss != "" && peak[p] / 1024 > maxrss + 0)
					bad = bad sprintf("  %s: peak RSS %.1f MiB > %s MiB\n",
					    name, peak[p] / 1024, maxrss)
			}
		}
		# The same ratios to other rows: pcap_next_ex(), and the
		# floor of reading the file without libpcap.
		nref = split("baseline-next baseline-read", refs, " ")
		refname["baseline-next"] = "pcap_next_ex"
		refname["baseline-read"] = "read(2), no libpcap"
		for (q = 1; q <= nref; q++) {
			ref = refs[q]
			if (!seen[ref])
				continue
			line = "against " ref " (" refname[ref] "):"
			n = split("portclass portclass-t2 before before-t2", pcs,
			    " ")
			for (k = 1; k <= n; k++) {
				p = pcs[k]
				if (!seen[p])
					continue
				for (r = 1; r <= rounds; r++)
					wr[r] = wall[p, r] / wall[ref, r]
				line = line sprintf(" %s %.2fx", p, median(wr, rounds))
			}
			print line
		}
		if (bad != "") {
			printf("over target:\n%s", bad)
			exit (3)
		}
	}' "$raw" || { [ $? = 3 ] && fail=1 || exit 1; }
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); raw rounds in $raw"
if [ "$check" = 1 ] && [ "$fail" = 1 ]; then
	log "check failed: over BENCH_MAX_RATIO=$max_ratio${BENCH_MAX_RSS_MIB:+ or BENCH_MAX_RSS_MIB=$BENCH_MAX_RSS_MIB}"
	exit 1
fi
exit 0
