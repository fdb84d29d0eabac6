#!/usr/bin/env bash
# make-bad-pcaps.sh [DIR] - write the crafted, damaged captures of
# pcaps/bad/ (default DIR: pcaps/bad beside this script).
#
# Each file is built byte by byte with bash's printf, so what is wrong with
# it is visible here and nothing else is needed to make it.  Most files
# start with GOOD_N good frames (UDP 50000 -> 53 over Ethernet and IPv4) and
# the damage comes after them, so a test can check that the frames read
# before the damage are still counted.  What each file must produce is in
# pcaps/bad/expected.tsv; tests/e2e_bad.sh checks it.  The output is
# deterministic: rerunning gives byte-identical files.
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")/.." && pwd)/pcaps/bad"}
mkdir -p "$dir"

GOOD_N=3
TS0=1767225600		# 2026-01-01T00:00:00Z, as pcapgen uses

# hx HEX...: write the bytes spelled by HEX (spaces ignored).
hx() {
	local s
	s=$(printf '%s' "$*" | tr -d ' \n')
	# shellcheck disable=SC2059
	printf "$(printf '%s' "$s" | sed 's/../\\x&/g')"
}
le16() { printf '%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
	$(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
be16() { printf '%04x' $(($1 & 65535)); }
hexlen() { local s=${1// /}; echo $((${#s} / 2)); }

# pcap_hdr [SNAPLEN [LINKTYPE [MAGIC]]]: the 24-byte file header as hex
# (little-endian, microsecond timestamps, version 2.4).
pcap_hdr() {
	printf '%s020004000000000000000000%s%s' "${3:-d4c3b2a1}" \
	    "$(le32 "${1:-65535}")" "$(le32 "${2:-1}")"
}
[ "$(hexlen "$(pcap_hdr)")" -eq 24 ] || { echo "pcap_hdr is not 24 bytes" >&2; exit 1; }

# rec N HEX [CAPLEN [LEN]]: record header + data; timestamp TS0 + N s.
rec() {
	local d=${2// /} n
	n=$(hexlen "$d")
	printf '%s%s%s%s%s' "$(le32 $((TS0 + $1)))" "$(le32 0)" \
	    "$(le32 "${3:-$n}")" "$(le32 "${4:-${3:-$n}}")" "$d"
}

# IPv4 header checksum (RFC 1071) of a header given as hex.
ipsum() {
	local s=${1// /} i sum=0
	for ((i = 0; i < ${#s}; i += 4)); do
		sum=$((sum + 16#${s:i:4}))
	done
	while ((sum >> 16)); do
		sum=$(((sum & 65535) + (sum >> 16)))
	done
	printf '%04x' $((~sum & 65535))
}

ETH="020000000002 020000000001"		# destination, source
eth() { printf '%s %s %s' "$ETH" "$1" "$2"; }	# eth TYPE PAYLOAD

# ipv4 PROTO PAYLOAD [IHL [TOTLEN]]: a header of IHL words (options are
# zero bytes, as far as the frame goes) with a correct checksum.
ipv4() {
	local ihl=${3:-5} plen tot opts="" h i
	plen=$(hexlen "$2")
	tot=${4:-$((ihl * 4 + plen))}
	# Options only when the header claims them and they would fit: an IHL
	# beyond the packet is the point of one of the files.
	if [ "$ihl" -gt 5 ] && [ -z "${4:-}" ]; then
		for ((i = 5; i < ihl; i++)); do opts+="01010101"; done
	fi
	h="4$(printf '%x' $((ihl & 15)))00$(be16 "$tot")00004000 40$(printf '%02x' "$1")0000 c0000201 c6336401"
	h=${h// /}
	printf '%s%s%s%s' "${h:0:20}" "$(ipsum "$h$opts")" "${h:24}" "$opts"
	printf ' %s' "$2"
}
# udp SPORT DPORT PAYLOAD [LEN]
udp() {
	printf '%s%s%s0000 %s' "$(be16 "$1")" "$(be16 "$2")" \
	    "$(be16 "${4:-$((8 + $(hexlen "$3")))}")" "$3"
}
# tcp SPORT DPORT FLAGS [DOFF]: no options, no payload.
tcp() {
	printf '%s%s 00000001 00000000 %x0%s ffff 0000 0000' "$(be16 "$1")" \
	    "$(be16 "$2")" "${4:-5}" "$3"
}

PAYLOAD=0102030405060708
DNS=$(eth 0800 "$(ipv4 17 "$(udp 50000 53 $PAYLOAD)")")	# 50 bytes

# good_recs: the GOOD_N good frames, timestamps 0 .. GOOD_N-1.
good_recs() {
	local i
	for ((i = 0; i < GOOD_N; i++)); do rec $i "$DNS"; done
}

# write FILE HEX...: the file from hex.
write() {
	local f=$1; shift
	hx "$*" >"$dir/$f"
}

# --- file-level damage (the capture reader's errors)

# A record whose data stops 30 bytes short: the file was cut mid-record.
write cut-mid-record.pcap "$(pcap_hdr)" "$(good_recs)" \
    "$(rec 9 "$DNS" | cut -c1-$(((16 + 20) * 2)))"
# Eight of the sixteen bytes of a record header: cut mid-header.
write cut-mid-header.pcap "$(pcap_hdr)" "$(good_recs)" \
    "$(rec 9 "$DNS" | cut -c1-16)"
# Twelve of the 24 bytes of the file header.
write cut-file-header.pcap "$(pcap_hdr | cut -c1-24)"
# A magic number that is neither pcap nor pcapng.
write bad-magic.pcap "$(pcap_hdr 65535 1 deadbeef)" "$(good_recs)"
# An empty file.
: >"$dir/empty.pcap"

# --- record-level lies

# caplen 50 with len 40: more captured than was on the wire.  Then a good
# frame, which must still be read.
write caplen-gt-len.pcap "$(pcap_hdr)" "$(good_recs)" \
    "$(rec 5 "$DNS" 50 40)" "$(rec 6 "$DNS")"
# snaplen 64 in the file header, then a record of 100 bytes: more than the
# capture said it would ever keep.  Then a good frame.
BIG=$(eth 0800 "$(ipv4 17 "$(udp 50000 53 "$PAYLOAD$(printf '%0100d' 0)")")")
write caplen-gt-snaplen.pcap "$(pcap_hdr 64)" "$(good_recs)" \
    "$(rec 5 "$BIG")" "$(rec 6 "$DNS")"
# caplen 262145: beyond anything libpcap accepts (its limit is 262144).
write caplen-huge.pcap "$(pcap_hdr)" "$(good_recs)" "$(rec 5 "$DNS" 262145)"
# Zero-length records: caplen 0 len 0, and caplen 0 len 60.  Then a good
# frame.
write zero-length.pcap "$(pcap_hdr)" "$(good_recs)" \
    "$(rec 5 "" 0 0)" "$(rec 6 "" 0 60)" "$(rec 7 "$DNS")"

# --- header lies inside frames (each: good frames, the bad one, a good one)

one_bad() {	# one_bad FILE BADFRAME [LINKHDR]
	write "$1" "$(pcap_hdr)" "$(good_recs)" "$(rec 5 "$2")" \
	    "$(rec 6 "$DNS")"
}
# IPv4 IHL 4: a header shorter than the minimum of 20 bytes (RFC 791).
one_bad ipv4-ihl-under5.pcap "$(eth 0800 "$(ipv4 17 "$(udp 50000 53 $PAYLOAD)" 4 36)")"
# IPv4 IHL 15 (60 bytes) in a packet whose total length is 36 and of which
# 36 bytes were captured: the header runs past the packet.
one_bad ipv4-ihl-beyond.pcap "$(eth 0800 "$(ipv4 17 "$(udp 50000 53 $PAYLOAD)" 15 36)")"
# TCP data offset 4: a header shorter than its fixed 20 bytes (RFC 9293).
one_bad tcp-doff-under5.pcap "$(eth 0800 "$(ipv4 6 "$(tcp 50000 80 02 4)")")"
# UDP length 4: shorter than the UDP header itself (RFC 768).
one_bad udp-len-short.pcap "$(eth 0800 "$(ipv4 17 "$(udp 50000 53 $PAYLOAD 4)")")"
# UDP length 9000 in a 36-byte IP packet.
one_bad udp-len-long.pcap "$(eth 0800 "$(ipv4 17 "$(udp 50000 53 $PAYLOAD 9000)")")"

# IPv6 extension header chains.  There is no cap on their number: the
# bytes bound them (each header is at least 8).
V6SRC=20010db8000000000000000000000001
V6DST=20010db8000000000000000000000002
# ipv6 NH PAYLOAD [PLEN]: 2001:db8::1 -> 2001:db8::2, hop limit 64.
ipv6() {
	printf '60000000%s%02x40%s%s %s' "$(be16 "${3:-$(hexlen "$2")}")" \
	    "$1" "$V6SRC" "$V6DST" "$2"
}
# udp6 SPORT DPORT PAYLOAD: UDP with its checksum over the IPv6 pseudo
# header (RFC 8200 8.1), which IPv6 makes mandatory.
udp6() {
	local u c
	u=$(udp "$1" "$2" "$3")
	u=${u// /}
	c=$(ipsum "$V6SRC$V6DST$(printf '%08x' $(($(hexlen "$u"))))00000011$u")
	[ "$c" = 0000 ] && c=ffff
	printf '%s%s%s' "${u:0:12}" "$c" "${u:16}"
}
# Destination Options (60) and hop-by-hop (0) headers of 8 bytes: next
# header, length 0, a 4-byte PadN.
opts8() { printf '%02x00010400000000' "$1"; }
# A Segment Routing Header (RFC 8754; routing type 4) of 24 bytes, with
# one segment, the destination, and none left: a node just steps over it.
srh1() { printf '%02x0204000000 0000%s' "$1" "$V6DST"; }
# ext6 N LASTNH: N headers, hop-by-hop first, then routing and
# destination options in turn; each names the next, the last LASTNH.
ext6() {
	local i nh s=""
	for ((i = 0; i < $1; i++)); do
		if ((i + 1 == $1)); then nh=$2
		elif ((i % 2)); then nh=60
		else nh=43; fi
		if ((i % 2)); then s+=$(srh1 "$nh"); else s+=$(opts8 "$nh"); fi
	done
	printf '%s' "$s"
}

# Not bad at all: a valid chain of 100 headers (as libpcap's filter tests
# use) in front of UDP 50000 -> 53.  It counts like the good frames.
one_bad ipv6-ext-100.pcap "$(eth 86dd "$(ipv6 0 "$(ext6 100 17) $(udp6 50000 53 $PAYLOAD)")")"

# A chain that never reaches a transport: 200 Destination Options headers
# filling the payload length and the frame, the last pointing at yet
# another.  The walk stops at the end of the bytes: truncated.
V6EXT=""
for ((i = 0; i < 200; i++)); do V6EXT+=$(opts8 60); done
one_bad ipv6-ext-endless.pcap "$(eth 86dd "$(ipv6 60 "$V6EXT")")"
# The same 200 headers, but the last says it is 16 bytes long where the
# payload length leaves 8: a length that lies.
one_bad ipv6-ext-past-payload.pcap "$(eth 86dd "$(ipv6 60 "${V6EXT%????????????????}3c01010400000000")")"

# 300 stacked 802.1Q tags before IPv4: far beyond any real network.
TAGS=""
for ((i = 0; i < 300; i++)); do TAGS+="00648100"; done
one_bad vlan-300.pcap "$ETH 8100 ${TAGS%8100}0800 $(ipv4 17 "$(udp 50000 53 $PAYLOAD)")"
# 300 MPLS labels (label 100, TTL 64), bottom of stack only on the last.
LABELS=""
for ((i = 0; i < 299; i++)); do LABELS+="00064040"; done
one_bad mpls-300.pcap "$(eth 8847 "${LABELS}00064140 $(ipv4 17 "$(udp 50000 53 $PAYLOAD)")")"
# IPv4 in IPv4 (protocol 4) twelve deep: beyond the tunnel cap of 8.
INNER=$(ipv4 17 "$(udp 50000 53 $PAYLOAD)")
for ((i = 0; i < 12; i++)); do INNER=$(ipv4 4 "$INNER"); done
one_bad tunnels-deep.pcap "$(eth 0800 "$INNER")"

# --- pcapng with a block type nobody defined (0x0bad0bad): a reader must
# skip it by its length (pcapng draft, section 3.1) and go on.
epb() {	# epb N HEX [ORIGLEN]: Enhanced Packet Block, interface 0
	local n pad=""
	n=$(hexlen "$2")
	while (((n + ${#pad} / 2) % 4)); do pad+="00"; done
	local blen=$((32 + n + ${#pad} / 2))
	printf '06000000%s00000000%s%s%s%s%s%s%s' "$(le32 $blen)" \
	    "$(le32 $(((TS0 + $1) * 1000000 >> 32)))" \
	    "$(le32 $(((TS0 + $1) * 1000000 & 0xffffffff)))" \
	    "$(le32 "$n")" "$(le32 "${3:-$n}")" "${2// /}" "$pad" "$(le32 $blen)"
}
SHB="0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000"
idb() { printf '01000000 14000000 0100 0000 %s 14000000' "$(le32 "$1")"; }
IDB=$(idb 65535)
UNK="ad0bad0b 14000000 deadbeef cafebabe 14000000"
write pcapng-unknown-block.pcapng "$SHB" "$IDB" "$(epb 0 "$DNS")" \
    "$(epb 1 "$DNS")" "$(epb 2 "$DNS")" "$UNK" "$(epb 5 "$DNS")"
# The same, with the unknown block's length running past the end of file.
UNKBIG="ad0bad0b 00010000 deadbeef cafebabe"
write pcapng-block-past-eof.pcapng "$SHB" "$IDB" "$(epb 0 "$DNS")" \
    "$(epb 1 "$DNS")" "$(epb 2 "$DNS")" "$UNKBIG"
# pcapng's own reader: captured length 50 > original length 40, then a
# good packet.
write pcapng-caplen-gt-len.pcapng "$SHB" "$IDB" "$(epb 0 "$DNS")" \
    "$(epb 1 "$DNS")" "$(epb 2 "$DNS")" "$(epb 5 "$DNS" 40)" "$(epb 6 "$DNS")"
# Interface snaplen 64, then a 100-byte packet, then a good one.
write pcapng-caplen-gt-snaplen.pcapng "$SHB" "$(idb 64)" "$(epb 0 "$DNS")" \
    "$(epb 1 "$DNS")" "$(epb 2 "$DNS")" "$(epb 5 "$BIG")" "$(epb 6 "$DNS")"
