#!/usr/bin/env bash
# e2e_unassigned.sh - traffic on unassigned ports as a user meets it: the
# --unassigned report, alerts, --fail-on-unassigned's exit status, site
# names from --map, and `portclass lookup`.  pcaps/unassigned.pcap is the
# generator's capture whose rows and reasons e2e_pcaps.sh checks exactly;
# here the ports it puts on unassigned and reserved numbers are known:
# tcp 10012 10013 10014, udp 47 (reserved) 1005 10015.
set -u
. "$(dirname "$0")/lib.sh"

cap=$PC_SOURCE_DIR/pcaps/unassigned.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PORTCLASS" -F json --unassigned -r "$cap" >"$tmp/u.json"
got=$(grep '"type":"unassigned"' "$tmp/u.json" |
	sed -E 's/.*"proto":"([a-z]+)","port":([0-9]+),"status":"([a-z]+)".*/\1 \2 \3/' | sort)
want=$(printf '%s\n' "tcp 10012 unassigned" "tcp 10013 unassigned" \
	"tcp 10014 unassigned" "udp 1005 unassigned" "udp 10015 unassigned" \
	"udp 47 reserved" | sort)
check "--unassigned lists exactly the unassigned and reserved ports" \
	test "$got" = "$want"
check "an unassigned record carries the service row's counts" \
	grep -q '"proto":"tcp","port":10012,"status":"unassigned","packets":20,"bytes":3640,' "$tmp/u.json"
check "distinct peers and examples" \
	grep -q '"port":10012,.*"peers":2,"peers_capped":false,"examples":\[{"client":"10.7.0.10","client_port":51000,"server":"10.7.0.20","server_port":10012}' "$tmp/u.json"
check "the totals say how many ports were tracked" \
	grep -q '"unassigned_ports":6,"unassigned_evicted":0' "$tmp/u.json"
check "no unassigned records without --unassigned" \
	bash -c "! '$PORTCLASS' -F json -r '$cap' | grep -q '\"type\":\"unassigned\"'"
"$PORTCLASS" --unassigned --top 2 -r "$cap" >"$tmp/u.txt"
rows=$(sed -n '/^PORT  *STATUS/,$p' "$tmp/u.txt" | grep -E '^[0-9]' | awk '{print $1}' | tr '\n' ' ')
check "text section, sorted by bytes, cut by --top ($rows)" \
	test "$rows" = "10012/tcp 10013/tcp "
check "text section says what --top left out" \
	grep -q '^(4 more ports not shown; see --top)' "$tmp/u.txt"

# Alerts: one per new port, with the 5-tuple that triggered it.
"$PORTCLASS" -F json --alert unassigned -r "$cap" >"$tmp/a.json"
n=$(grep -c '"type":"alert"' "$tmp/a.json")
s=$(json_totals run alerts_suppressed <"$tmp/a.json")
check "one alert per unassigned port, or counted as suppressed ($n + $s)" \
	test $((n + s)) -eq 6
check "the alert names the flow" \
	grep -q '"type":"alert","alert":"unassigned",.*"proto":"tcp","port":10013,"status":"unassigned","client":"10.7.0.12","client_port":3306,"server":"10.7.0.21","server_port":10013' "$tmp/a.json"
"$PORTCLASS" --alert unassigned -r "$cap" >"$tmp/a.txt" 2>"$tmp/a.err"
check "text mode: alerts on standard error" \
	grep -q '^portclass: alert: traffic on reserved port 47/udp' "$tmp/a.err"
check "text mode: no alert in the report" bash -c "! grep -q alert: '$tmp/a.txt'"

# A script can check a capture.
"$PORTCLASS" --fail-on-unassigned -r "$cap" >/dev/null
check "--fail-on-unassigned: exit 3 when such traffic was seen" test $? -eq 3
"$PORTCLASS" --fail-on-unassigned -r "$PC_SOURCE_DIR/pcaps/trap3306.pcap" >/dev/null
check "--fail-on-unassigned: exit 0 on assigned and dynamic ports only" test $? -eq 0

# Site names: status local, a row of its own name.
printf '# site services\n10012/tcp my-app "internal API"\n' >"$tmp/map"
"$PORTCLASS" -F json --map "$tmp/map" -r "$cap" >"$tmp/m.json"
check "--map names the port, status local" \
	grep -q '"proto":"tcp","port":10012,"service":"my-app","status":"local","packets":20' "$tmp/m.json"
printf '10012/tcp\n' >"$tmp/badmap"
"$PORTCLASS" --map "$tmp/badmap" -r "$cap" >/dev/null 2>"$tmp/e"
check "a bad --map line: non-zero exit" test $? -ne 0
check "a bad --map line: FILE:LINE: reason" grep -q 'badmap:1: ' "$tmp/e"

# lookup, like getent services but with the IANA status.
"$PORTCLASS" lookup 3306/tcp >"$tmp/l1"
check "lookup 3306/tcp" grep -q $'^3306/tcp\tassigned\tmysql' "$tmp/l1"
check "lookup names the data's date" grep -q 'data of 2026-04-09' "$tmp/l1"
"$PORTCLASS" lookup mysql >"$tmp/l2"
check "lookup by name finds every protocol" \
	bash -c "grep -q \$'^3306/tcp' '$tmp/l2' && grep -q \$'^3306/udp' '$tmp/l2'"
"$PORTCLASS" lookup 49152-49160/udp >"$tmp/l3"
check "lookup of a range: one line per port, dynamic" \
	test "$(grep -c $'/udp\tdynamic' "$tmp/l3")" -eq 9
"$PORTCLASS" lookup 4/tcp 47/udp >"$tmp/l4"
check "lookup: unassigned and reserved" \
	bash -c "grep -q \$'^4/tcp\tunassigned' '$tmp/l4' && grep -q \$'^47/udp\treserved' '$tmp/l4'"
"$PORTCLASS" lookup no-such-service >/dev/null 2>&1
check "lookup of an unknown name: non-zero exit" test $? -ne 0
check_summary
