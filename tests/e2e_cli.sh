#!/usr/bin/env bash
# e2e_cli.sh - the program as a user runs it: options, several inputs,
# standard input, filters, intervals, and every kind of bad input getting
# one clear error line while counts already made are kept.
set -u
. "$(dirname "$0")/lib.sh"

pcaps="$PC_SOURCE_DIR/pcaps"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pc() { "$PORTCLASS" "$@"; }

# --- baseline run on the demo capture
pc -F json -r "$pcaps/demo.pcap" >"$tmp/demo.json" 2>"$tmp/demo.err"
check "demo runs cleanly" test $? -eq 0 -a ! -s "$tmp/demo.err"
demo_packets=$(json_totals run packets <"$tmp/demo.json")
demo_frames=$(tcpdump -nn -r "$pcaps/demo.pcap" 2>/dev/null | wc -l)
check "totals.packets equals the frames in the file ($demo_packets)" \
	test "$demo_packets" = "$demo_frames"
check "meta record comes first" \
	bash -c "head -n1 '$tmp/demo.json' | grep -q '^{\"type\":\"meta\",\"schema\":1,'"

# --- every frame lands in exactly one place
sum=$(awk '/"type":"totals"/ {
	n = split("service_packets icmp icmpv6 other_ip non_ip fragment truncated malformed unsupported_link", k, " ")
	s = 0
	for (i = 1; i <= n; i++)
		if (match($0, "\"" k[i] "\":[0-9]+"))
			s += substr($0, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3)
	print s }' "$tmp/demo.json")
check "service rows + named counters = all frames" test "$sum" = "$demo_packets"

# --- several -r are read in order into one report
pc -F json -r "$pcaps/demo.pcap" -r "$pcaps/demo.pcap" >"$tmp/two.json"
check "two files, one report" \
	test "$(json_totals run packets <"$tmp/two.json")" = $((2 * demo_packets))

# --- standard input
pc -F json -r - <"$pcaps/demo.pcap" >"$tmp/stdin.json"
check "-r - reads standard input like the file" \
	cmp -s <(grep -v '"type":"meta"' "$tmp/stdin.json") \
	    <(grep -v '"type":"meta"' "$tmp/demo.json")

# --- a BPF filter after the options, as with tcpdump
pc -F json -r "$pcaps/demo.pcap" udp >"$tmp/udp.json"
udp_frames=$(tcpdump -nn -r "$pcaps/demo.pcap" udp 2>/dev/null | wc -l)
check "filter 'udp' keeps what tcpdump keeps ($udp_frames)" \
	test "$(json_totals run packets <"$tmp/udp.json")" = "$udp_frames"
check "filter 'udp' leaves no tcp row" \
	bash -c "! json_service_rows run <'$tmp/udp.json' | grep -q '^tcp'"
pc -r "$pcaps/demo.pcap" 'port 99999' >/dev/null 2>"$tmp/badfilter.err"
check "bad filter fails" test $? -ne 0
check "bad filter: one line naming it" \
	bash -c "test \$(wc -l <'$tmp/badfilter.err') -eq 1 && grep -q '99999' '$tmp/badfilter.err'"

# --- --top
pc -F json --top 2 -r "$pcaps/demo.pcap" >"$tmp/top.json"
check "--top 2 prints 2 rows" test "$(json_service_rows run <"$tmp/top.json" | wc -l)" -eq 2
check "--top keeps the totals" test "$(json_totals run packets <"$tmp/top.json")" = "$demo_packets"

# --- -o FILE
pc -F json -o "$tmp/out.json" -r "$pcaps/demo.pcap" >"$tmp/stdout.txt"
check "-o writes the file, not stdout" \
	bash -c "test ! -s '$tmp/stdout.txt' && cmp -s '$tmp/out.json' '$tmp/demo.json'"

# --- intervals of packet time: a one-hour capture with -t 60
if [ -f "$pcaps/hour.pcap" ]; then
	pc -F json -t 60 -r "$pcaps/hour.pcap" >"$tmp/hour.json"
	nint=$(grep -c '"type":"totals","scope":"interval"' "$tmp/hour.json")
	check "one hour at -t 60 gives 60 interval reports ($nint)" test "$nint" -eq 60
	check "and one run report" \
		test "$(grep -c '"type":"totals","scope":"run"' "$tmp/hour.json")" -eq 1
	isum=$(json_totals interval packets <"$tmp/hour.json" | awk '{s += $1} END {print s}')
	check "intervals add up to the run" \
		test "$isum" = "$(json_totals run packets <"$tmp/hour.json")"
	check "intervals are 60 s long and contiguous" bash -c "
		grep '\"type\":\"totals\",\"scope\":\"interval\"' '$tmp/hour.json' |
		sed -E 's/.*\"start\":([0-9]+),\"end\":([0-9]+).*/\1 \2/' |
		awk 'NR > 1 && \$1 != prev {exit 1} \$2 - \$1 != 60 {exit 1} {prev = \$2}'"
else
	echo "FAIL: pcaps/hour.pcap missing"; fail=$((fail + 1))
fi

# --- bad input: one clear line, non-zero exit, counts kept
pc -r "$tmp/does-not-exist.pcap" >"$tmp/o" 2>"$tmp/e"
check "missing file: non-zero exit" test $? -ne 0
check "missing file: one line naming it" \
	bash -c "test \$(wc -l <'$tmp/e') -eq 1 && grep -q 'does-not-exist.pcap' '$tmp/e'"

printf 'this is not a capture file at all\n' >"$tmp/garbage.pcap"
pc -r "$tmp/garbage.pcap" >/dev/null 2>"$tmp/e"
check "garbage file: non-zero exit" test $? -ne 0
check "garbage file: one line naming it" \
	bash -c "test \$(wc -l <'$tmp/e') -eq 1 && grep -q 'garbage.pcap' '$tmp/e'"

size=$(stat -c %s "$pcaps/demo.pcap")
head -c $((size * 2 / 3)) "$pcaps/demo.pcap" >"$tmp/cut.pcap"
pc -F json -r "$tmp/cut.pcap" >"$tmp/cut.json" 2>"$tmp/e"
check "damaged file: non-zero exit" test $? -ne 0
check "damaged file: error names it" grep -q 'cut.pcap' "$tmp/e"
cut_packets=$(json_totals run packets <"$tmp/cut.json")
check "damaged file: what was read is still reported ($cut_packets)" \
	test "${cut_packets:-0}" -gt 0 -a "${cut_packets:-0}" -lt "$demo_packets"
check "damaged file: files_failed is 1" grep -q '"files_failed":1}' "$tmp/cut.json"

pc -F json -r "$tmp/cut.pcap" -r "$pcaps/demo.pcap" >"$tmp/cut2.json" 2>/dev/null
check "a damaged file does not stop the next one" \
	test "$(json_totals run packets <"$tmp/cut2.json")" = $((cut_packets + demo_packets))

printf 'Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\nhttp,80,tcp,World Wide Web,,,,,,,,\r\nbroken,70000,tcp,Out of range,,,,,,,,\r\n' >"$tmp/bad.csv"
pc --registry "$tmp/bad.csv" -r "$pcaps/demo.pcap" >/dev/null 2>"$tmp/e"
check "bad registry line: non-zero exit" test $? -ne 0
check "bad registry line: FILE:LINE: reason" grep -q "bad.csv:3: " "$tmp/e"
check "bad registry line: one line" test "$(wc -l <"$tmp/e")" -eq 1

pc --registry "$tmp/nope.csv" -r "$pcaps/demo.pcap" >/dev/null 2>"$tmp/e"
check "missing registry file named" grep -q 'nope.csv' "$tmp/e"

pc --no-such-option -r "$pcaps/demo.pcap" >/dev/null 2>"$tmp/e"
check "unknown option: exit 2" test $? -eq 2
check "unknown option: usage shown" grep -q '^usage: portclass' "$tmp/e"
pc -t soon -r "$pcaps/demo.pcap" >/dev/null 2>"$tmp/e"
check "bad -t: exit 2" test $? -eq 2
check "bad -t: says why" grep -q -- '-t: "soon" is not a number' "$tmp/e"
pc -F xml -r "$pcaps/demo.pcap" >/dev/null 2>"$tmp/e"
check "unknown format: exit 2" test $? -eq 2
pc >/dev/null 2>"$tmp/e"
check "no input: exit 2" test $? -eq 2

pc --help >"$tmp/help" 2>&1
check "--help exits 0 and documents -r" grep -q -- '-r FILE' "$tmp/help"
check "--version" bash -c "'$PORTCLASS' --version | grep -q '^portclass [0-9]'"

# --- a custom registry replaces the embedded one
printf 'myservice\t443/tcp\n' >"$tmp/services"
pc -F json --registry "$tmp/services" -r "$pcaps/demo.pcap" >"$tmp/custom.json" 2>"$tmp/e"
check "services(5) registry loads" test $? -eq 0
check "services(5) names are used" grep -q '"port":443,"service":"myservice"' "$tmp/custom.json"

check_summary
