#!/bin/sh
# make-pcaps.sh - regenerate the small synthetic captures in pcaps/ and their
# .truth.tsv files with the built generator (tools/pcapgen.c).  The output is
# deterministic: running this twice gives byte-identical files.
#
# Usage: scripts/make-pcaps.sh [PCAPGEN]
#   PCAPGEN defaults to $PCAPGEN, then build/pcapgen.
# The bench scenarios are not kept in pcaps/; tests make them as needed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-${PCAPGEN:-$top/build/pcapgen}}
out=${PCAPS_OUT:-$top/pcaps}	# PCAPS_OUT: write elsewhere (tests)

if [ ! -x "$gen" ]; then
	echo "make-pcaps.sh: $gen: no such generator (build target pcapgen)" >&2
	exit 1
fi

# One line per capture: output file name, scenario, options.
while read -r file scenario opts; do
	case $file in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	"$gen" "$scenario" "$out/$file" $opts
done <<'LIST'
demo.pcap		demo
trap3306.pcap		trap3306
trap3306-be-ns.pcapng	trap3306	--pcapng --big-endian --nanosecond
unassigned.pcap		unassigned
listeners.pcap		listeners
eth.pcap		eth
eth-be.pcap		eth		--big-endian
eth-ns.pcap		eth		--nanosecond
eth.pcapng		eth		--pcapng
vlan.pcap		vlan
qinq.pcap		qinq
mpls.pcap		mpls
pppoe.pcap		pppoe
sll.pcap		sll
sll2.pcap		sll2
raw.pcap		raw
ipv4.pcap		ipv4
ipv6.pcap		ipv6
null.pcap		null
null-be.pcap		null		--big-endian
loop.pcap		loop
ppp.pcap		ppp
nflog.pcap		nflog
nflog-be.pcap		nflog		--big-endian
tunnels.pcap		tunnels
ipv6ext.pcap		ipv6ext
frags.pcap		frags
transports.pcap		transports
snaplen.pcap		snaplen
snaplen-68.pcap		snaplen		--snaplen 68
icmp.pcap		icmp
bad.pcap		bad
unsupported.pcap	unsupported
multilink.pcapng	multilink
hour.pcap		hour
LIST
