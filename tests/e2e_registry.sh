#!/usr/bin/env bash
# e2e_registry.sh - registry files on top of the embedded registry
# (--add-registry) or instead of it (--registry), and every source named
# with its own date in the text header, the NDJSON meta record, `portclass
# lookup` and /metrics.
#
# The fixture tests/fixtures/registry/site.services has no ssdp and no
# llmnr, as Debian's /etc/services has not: on top of the embedded
# registry 1900/udp and 5355/udp keep their IANA names while the file's
# own entries apply; instead of it, those two ports become unassigned.
set -u
. "$(dirname "$0")/lib.sh"

fix="$PC_SOURCE_DIR/tests/fixtures/registry"
site="$fix/site.services"
legacy="$fix/legacy-mini.txt"
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"
	rm -rf "$tmp"
}
trap cleanup EXIT

pc() { timeout 20 "$PORTCLASS" "$@"; }

# A classic pcap of raw IPv4 (LINKTYPE_RAW, 101), little-endian: one UDP
# datagram from 192.0.2.1 port 50000 (dynamic, unassigned) to 192.0.2.2
# on each PORT given, one a second from 2026-01-01.
bytes() { local b; for b; do printf "\\x$(printf %02x "$b")"; done; }
le32() { bytes $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
be16() { bytes $(($1 >> 8 & 255)) $(($1 & 255)); }
udp_pcap() {
	local f=$1 port t=1767225600; shift
	{
		le32 $((0xa1b2c3d4)); bytes 2 0 4 0; le32 0; le32 0
		le32 65535; le32 101
		for port; do
			le32 $t; le32 0; le32 28; le32 28
			# IPv4, 28 bytes, TTL 64, UDP; no checksum is checked.
			bytes 0x45 0 0 28 0 0 0 0 64 17 0 0 192 0 2 1 192 0 2 2
			be16 50000; be16 "$port"; be16 8; be16 0
			t=$((t + 1))
		done
	} >"$f"
}

# "service status" of the run report's udp row on PORT, from NDJSON.
row() {
	sed -n 's/^{"type":"service","scope":"run",.*"proto":"udp","port":'"$2"',"service":"\{0,1\}\([^",]*\)"\{0,1\},"status":"\([a-z]*\)".*/\1 \2/p' "$1"
}

cap=$tmp/udp.pcap
udp_pcap "$cap" 1900 1900 5355 4 8080 53
check "the capture reads as 6 UDP datagrams" \
	test "$(tcpdump -nn -r "$cap" udp 2>/dev/null | wc -l)" -eq 6

# --- the embedded registry alone: the baseline
pc -F json -r "$cap" >"$tmp/iana.json" 2>"$tmp/e"
check "embedded: runs" test $? -eq 0
check "embedded: 1900/udp is ssdp" test "$(row "$tmp/iana.json" 1900)" = "ssdp assigned"
check "embedded: 8080/udp is http-alt" test "$(row "$tmp/iana.json" 8080)" = "http-alt assigned"
check "embedded: 4/udp is unassigned" test "$(row "$tmp/iana.json" 4)" = "null unassigned"

# --- --add-registry: the file on top of the embedded registry
pc -F json --add-registry "$site" -r "$cap" >"$tmp/add.json" 2>"$tmp/e"
check "--add-registry: runs" test $? -eq 0 -a ! -s "$tmp/e"
check "--add-registry: 1900/udp stays ssdp" test "$(row "$tmp/add.json" 1900)" = "ssdp assigned"
check "--add-registry: 5355/udp stays llmnr" test "$(row "$tmp/add.json" 5355)" = "llmnr assigned"
check "--add-registry: the file names 4/udp" \
	test "$(row "$tmp/add.json" 4)" = "site-telemetry assigned"
check "--add-registry: the file renames 8080/udp" \
	test "$(row "$tmp/add.json" 8080)" = "site-api assigned"
check "--add-registry: both datagrams to 1900/udp in its row" \
	test "$(json_service_rows run <"$tmp/add.json" | awk '$1 == "udp" && $2 == 1900 { print $3 }')" = 2
meta=$(head -n1 "$tmp/add.json")
check "--add-registry: meta lists both sources, each with its own date" \
	grep -qF "\"registry_sources\":[{\"source\":\"embedded IANA CSV\",\"date\":\"2026-04-09\",\"entries\":12892},{\"source\":\"$site\",\"date\":null,\"entries\":5}]}" <<<"$meta"
check "--add-registry: registry and registry_date are the top file's own" \
	grep -qF "\"registry\":\"$site\",\"registry_date\":null,\"registry_entries\":12897," <<<"$meta"

# --- --registry: instead of the embedded registry, as before
pc -F json --registry "$site" -r "$cap" >"$tmp/repl.json" 2>"$tmp/e"
check "--registry: runs" test $? -eq 0
check "--registry: 1900/udp becomes unassigned" test "$(row "$tmp/repl.json" 1900)" = "null unassigned"
check "--registry: 5355/udp becomes unassigned" test "$(row "$tmp/repl.json" 5355)" = "null unassigned"
check "--registry: the file names 4/udp" \
	test "$(row "$tmp/repl.json" 4)" = "site-telemetry assigned"
check "--registry: one source" \
	grep -qF "\"registry_sources\":[{\"source\":\"$site\",\"date\":null,\"entries\":5}]}" "$tmp/repl.json"

# --- three sources, each with its own date; mixed options keep their order
pc -F json --add-registry "$site" --add-registry "$legacy" -r "$cap" >"$tmp/three.json"
meta=$(head -n1 "$tmp/three.json")
check "three sources in load order with their own dates" \
	grep -qE "\"registry_sources\":\[\{\"source\":\"embedded IANA CSV\",\"date\":\"2026-04-09\",[^]]*\{\"source\":\"[^\"]*site.services\",\"date\":null,[^]]*\{\"source\":\"[^\"]*legacy-mini.txt\",\"date\":\"2005-12-22\"," <<<"$meta"
check "registry_date is the 2005 text's own, not the CSV's" \
	grep -qF "\"registry\":\"$legacy\",\"registry_date\":\"2005-12-22\"," <<<"$meta"
pc -F json --registry "$legacy" --add-registry "$site" -r "$cap" >"$tmp/mixed.json"
check "--registry with --add-registry: no embedded registry underneath" \
	test "$(row "$tmp/mixed.json" 1900)" = "null unassigned"
check "--registry with --add-registry: both files, in the order given" \
	grep -qE "\"registry_sources\":\[\{\"source\":\"[^\"]*legacy-mini.txt\",\"date\":\"2005-12-22\",\"entries\":[0-9]+\},\{\"source\":\"[^\"]*site.services\",\"date\":null,\"entries\":5\}\]" "$tmp/mixed.json"

# --- a bad file given with --add-registry fails as with --registry
printf 'fine\t9/udp\nbroken\t99999/udp\n' >"$tmp/bad.services"
pc --add-registry "$tmp/bad.services" -r "$cap" >"$tmp/o" 2>"$tmp/e"
check "--add-registry bad line: exit 1" test $? -eq 1
check "--add-registry bad line: one line, FILE:LINE: reason" \
	bash -c "grep -q 'bad.services:2: ' '$tmp/e' && test \$(wc -l <'$tmp/e') -eq 1"
check "--add-registry bad line: no report" test ! -s "$tmp/o"

# --- the text header names every source with its own date
pc --add-registry "$site" -r "$cap" >"$tmp/add.txt"
check "text: first line names both sources" \
	test "$(head -n1 "$tmp/add.txt")" = "registry: embedded IANA CSV (data of 2026-04-09, 12892 entries), then $site (no date, 5 entries)"
check "text: the file's name in the table" grep -q '^site-telemetry  *4/udp  *assigned' "$tmp/add.txt"

# --- portclass lookup takes the same options
pc lookup --add-registry "$site" 1900/udp 4/udp >"$tmp/l1"
check "lookup --add-registry: 1900/udp ssdp" grep -q $'^1900/udp\tassigned\tssdp' "$tmp/l1"
check "lookup --add-registry: 4/udp from the file" grep -q $'^4/udp\tassigned\tsite-telemetry' "$tmp/l1"
check "lookup --add-registry: both sources named" \
	grep -qF "registry: embedded IANA CSV (data of 2026-04-09, 12892 entries), then $site (no date, 5 entries)" "$tmp/l1"
pc lookup --registry "$site" 1900/udp >"$tmp/l2"
check "lookup --registry: 1900/udp unassigned" grep -q $'^1900/udp\tunassigned$' "$tmp/l2"

# --- /metrics: one info series per source
if command -v curl >/dev/null; then
	"$PORTCLASS" -v --add-registry "$site" --listen 127.0.0.1:0 -r "$cap" \
	    >/dev/null 2>"$tmp/m.err" </dev/null &
	pid=$!
	addr=
	for i in $(seq 50); do
		addr=$(sed -n 's|.*serving metrics on http://\([^/]*\)/metrics.*|\1|p' "$tmp/m.err")
		[ -n "$addr" ] && grep -q 'serving metrics until SIGTERM' "$tmp/m.err" && break
		sleep 0.1
	done
	curl -s "http://$addr/metrics" >"$tmp/metrics"
	check "metrics: the embedded registry, position 1" \
		grep -qF 'portclass_registry_info{position="1",source="embedded IANA CSV",date="2026-04-09"} 1' "$tmp/metrics"
	check "metrics: the file on top, position 2, no date" \
		grep -qF "portclass_registry_info{position=\"2\",source=\"$site\",date=\"\"} 1" "$tmp/metrics"
	check "metrics: two info series" \
		test "$(grep -c '^portclass_registry_info{' "$tmp/metrics")" -eq 2
	check "metrics: no reload yet" grep -q '^portclass_registry_reloads_total 0$' "$tmp/metrics"
	kill -TERM "$pid"
	wait "$pid"
	check "metrics: exit 0 at SIGTERM" test $? -eq 0
	pid=
else
	echo "FAIL: curl is not installed (scripts/deps.sh installs it)"
	fail=$((fail + 1))
fi

check_summary
