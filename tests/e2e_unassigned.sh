#!/usr/bin/env bash
# e2e_unassigned.sh - traffic on unassigned ports as a user meets it: the
# --unassigned report, alerts, --fail-on-unassigned's exit status, site
# names from --map, the unofficial uses reports show (and the ones they do
# not), UTF-8 text on a terminal, and `portclass lookup`.
# pcaps/unassigned.pcap is the generator's capture whose rows and reasons
# e2e_pcaps.sh checks exactly; here the ports it puts on unassigned and
# reserved numbers are known: tcp 10012 10013 10014, udp 47 (reserved)
# 1005 10015.
set -u
. "$(dirname "$0")/lib.sh"

cap=$PC_SOURCE_DIR/pcaps/unassigned.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bin HEX...: write the bytes spelt by hex pairs ("d4c3b2a1 0200").
bin() {
	printf "$(printf '%s' "$*" | tr -d ' ' | sed 's/../\\x&/g')"
}

# mkpcap OUT PROTO SPORT DPORT...: a classic pcap (LINKTYPE_RAW, 101) of
# one IPv4 packet per triple, 10.0.0.1 -> 10.0.0.2, a TCP SYN or a UDP
# datagram without payload.  Checksums stay zero: portclass ignores them.
mkpcap() {
	local out=$1 t=0 len ip ports
	shift
	bin d4c3b2a1 0200 0400 00000000 00000000 ffff0000 65000000 >"$out"
	while [ $# -ge 3 ]; do
		t=$((t + 1))
		ports=$(printf %04x%04x "$2" "$3")
		if [ "$1" = tcp ]; then
			len=28
			ip="45000028 00004000 4006 0000 0a000001 0a000002 $ports"
			ip="$ip 00000000 00000000 5002ffff 00000000"
		else
			len=1c
			ip="4500001c 00004000 4011 0000 0a000001 0a000002 $ports"
			ip="$ip 0008 0000"
		fi
		# seconds, microseconds, captured and wire length (little-endian)
		bin "$(printf %02x $t)000069" 00000000 "${len}000000" \
		    "${len}000000" "$ip" >>"$out"
		shift 3
	done
}

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

# Unofficial uses: only the specific ones (docs/unassigned.md), with the
# ports they name.  League of Legends claims 5000-5500/udp and something
# 49152-65535/tcp: neither may reach a report; Minecraft on 25565/tcp,
# Elasticsearch on 9200/tcp (IANA assigned) and BitTorrent's 6902-6968 on
# the unassigned 6950/udp do.
mkpcap "$tmp/uo.pcap" udp 50000 5060 udp 50000 5353 udp 50000 5355 \
	tcp 50001 61000 tcp 50002 25565 tcp 50003 9200 udp 50000 6950 \
	udp 50000 3478 udp 50000 10015
"$PORTCLASS" -F json --unassigned -r "$tmp/uo.pcap" >"$tmp/uo.json" 2>"$tmp/uo.err"
check "the hand-made capture reads cleanly" \
	test "$(json_service_rows run <"$tmp/uo.json" | wc -l)" -eq 9
for p in udp:5060 udp:5353 udp:5355 tcp:61000 udp:3478 udp:10015; do
	check "no unofficial use on ${p#*:}/${p%:*} (a wide range, or a range on an assigned port)" \
		bash -c "grep '\"type\":\"service\"' '$tmp/uo.json' | grep '\"proto\":\"${p%:*}\",\"port\":${p#*:},' | grep -vq unofficial"
done
check "Minecraft on 25565/tcp, a port of its own" \
	grep -q '"unofficial":"Minecraft (Java Edition) multiplayer server","unofficial_lo":25565,"unofficial_hi":25565,"proto":"tcp","port":25565,' "$tmp/uo.json"
check "Elasticsearch next to the IANA name on 9200/tcp, in UTF-8" \
	grep -q $'"unofficial":"Elasticsearch\xe2\x80\x94default Elasticsearch port","unofficial_lo":9200,"unofficial_hi":9200,"proto":"tcp","port":9200,"service":"wap-wsp"' "$tmp/uo.json"
check "a narrow range on an unassigned port, with its range" \
	grep -q '"unofficial_lo":6902,"unofficial_hi":6968,"proto":"udp","port":6950,' "$tmp/uo.json"
check "the unassigned record carries the use and its range" \
	grep -q '"type":"unassigned",.*"proto":"udp","port":6950,.*"unofficial":"BitTorrent[^"]*","unofficial_lo":6902,"unofficial_hi":6968}' "$tmp/uo.json"
check "no unofficial use on the unassigned record of 10015/udp" \
	bash -c "grep '\"type\":\"unassigned\",.*\"port\":10015,' '$tmp/uo.json' | grep -vq unofficial"
"$PORTCLASS" -F csv -r "$tmp/uo.pcap" >"$tmp/uo.csv"
check "CSV: the use and its range in the last three columns" \
	grep -q $'^service,run,[0-9]*,[0-9]*,tcp,25565,,unassigned,1,40,Minecraft (Java Edition) multiplayer server,25565,25565\r$' "$tmp/uo.csv"
check "CSV: no use, three empty columns" \
	grep -q $'^service,run,[0-9]*,[0-9]*,udp,5060,sip,assigned,1,28,,,\r$' "$tmp/uo.csv"
LC_ALL=C.UTF-8 "$PORTCLASS" --explain --unassigned -r "$tmp/uo.pcap" >"$tmp/uo.txt"
check "--explain: the use and its port, UTF-8 as UTF-8" \
	grep -q $'^    why: .*; unofficial 9200: Elasticsearch\xe2\x80\x94default Elasticsearch port$' "$tmp/uo.txt"
check "--explain: a range" \
	grep -q '^    why: .*; unofficial 6902-6968: BitTorrent' "$tmp/uo.txt"
check "--explain: nothing for 5060/udp" \
	bash -c "grep -A1 '^sip ' '$tmp/uo.txt' | grep '^    why: ' | grep -vq unofficial"
check "--unassigned section: the use and its range" \
	grep -q '^    unassigned (unofficial 6902-6968: BitTorrent' "$tmp/uo.txt"
LC_ALL=C "$PORTCLASS" --explain -r "$tmp/uo.pcap" >"$tmp/uo-c.txt"
check "--explain in the C locale: '?' for the dash" \
	grep -q '^    why: .*; unofficial 9200: Elasticsearch?default Elasticsearch port$' "$tmp/uo-c.txt"

# lookup lists every use, with its ports and whether reports show it.
LC_ALL=C.UTF-8 "$PORTCLASS" lookup 4444/udp 5060/udp 3478/udp 6950/udp >"$tmp/l5"
check "lookup 4444/udp: UTF-8 as UTF-8 in a UTF-8 locale" \
	grep -q $'^\tunofficial 4444 (in reports): Oracle WebCenter Content: Content Server\xe2\x80\x94Intradoc' "$tmp/l5"
check "lookup: a wide range, not in reports" \
	grep -q $'^\tunofficial 5000-5500 (not in reports: 501 ports): League of Legends' "$tmp/l5"
check "lookup: a range on an assigned port, not in reports" \
	grep -q $'^\tunofficial 3478-3481 (not in reports: a range on an assigned port): Microsoft Teams' "$tmp/l5"
check "lookup: a narrow range on an unassigned port, in reports" \
	grep -q $'^\tunofficial 6902-6968 (in reports): BitTorrent' "$tmp/l5"
LC_ALL=C "$PORTCLASS" lookup 4444/udp >"$tmp/l6"
check "lookup 4444/udp: '?' in the C locale, one per character" \
	grep -q $'Content Server?Intradoc Socket' "$tmp/l6"
check "lookup: nothing but printable ASCII in the C locale" \
	bash -c "! LC_ALL=C grep -q '[^[:print:][:space:]]' '$tmp/l6'"
LC_ALL=xx_YY.UTF-8 LANG= "$PORTCLASS" lookup 4444/udp >"$tmp/l7" 2>&1
check "lookup: a locale that is not installed counts as not UTF-8" \
	grep -q 'Content Server?Intradoc' "$tmp/l7"

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
