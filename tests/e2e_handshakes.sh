#!/usr/bin/env bash
# e2e_handshakes.sh - portclass's per-port rows on the real captures of
# ../shared/pcaps/real/ against the handshakes tshark shows in them.
#
# tshark reads each capture with the oracle's settings (a private empty
# profile, no reassembly; ../shared/tools/oracle.sh) and the oracle's
# counting rule: a frame counts under its outermost TCP, UDP or SCTP
# header, unless an ICMP error quotes it.  A connection is a tcp.stream,
# or an SCTP association (sctp.assoc_index and the two ports).  Its handshake is a counted
# TCP SYN without ACK or SCTP INIT (server: the destination) or a SYN+ACK
# or INIT ACK (server: the source); the other port is the client port.
# Every counted packet of such a connection, both directions, belongs to
# the server port.  So for each (proto, port), with
#   S  packets of connections whose handshake names it the server port,
#   C  packets of connections where it is the client port (and the server
#      port is another),
#   T  packets that carry it at all (tshark's per-port total),
# the run row must hold S <= row <= T - C, in packets and in bytes: all of
# S, and none of C.  A port that is only ever a client port of handshakes
# gets no row.  T is also checked against the stored .truth.ports.tsv, so
# the rule applied here is the oracle's.  Where no other traffic carries
# a server port, its row is pinned: S == row.  Connections whose handshake
# packets name two server ports say nothing and are left out.
#
# Each capture's check is run once more on its rows with every handshake
# connection moved to its client port (or off its port, when both are the
# same): that must fail, or the check could not tell.
#
# tshark is a test dependency (scripts/deps.sh): missing, the test fails.
set -u
. "$(dirname "$0")/lib.sh"

real="$PC_SOURCE_DIR/../shared/pcaps/real"
if [ ! -f "$real/MANIFEST.tsv" ]; then
	echo "SKIP: $real/MANIFEST.tsv not found (../shared is absent)"
	exit 77
fi
if ! command -v tshark >/dev/null; then
	echo "FAIL: tshark not found: run scripts/deps.sh (Debian package tshark)"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A private, empty profile: personal preferences cannot change the result.
mkdir "$tmp/profile"
export WIRESHARK_CONFIG_DIR="$tmp/profile"

# handshake_facts FILE: tshark's view of FILE as lines of
#   port  PROTO PORT T_pk T_by S_pk S_by C_pk C_by
#   conn  KEY PROTO SERVER CLIENT packets bytes FRAMES  (handshake frames)
#   ambiguous KEY FRAMES
# -E occurrence=f gives the outermost header's fields; the first
# sctp.chunk_type is the first chunk's, which is what portclass reads.
handshake_facts() {
	local raw rc=0
	raw=$(tshark -n -r "$1" \
	    -o ip.defragment:FALSE \
	    -o ipv6.defragment:FALSE \
	    -o tcp.desegment_tcp_streams:FALSE \
	    -o tcp.analyze_sequence_numbers:FALSE \
	    -o tcp.try_heuristic_first:FALSE \
	    -o udp.try_heuristic_first:FALSE \
	    -o sctp.association_index:TRUE \
	    -T fields -E separator=/t -E occurrence=f \
	    -e frame.number -e frame.len -e frame.protocols \
	    -e tcp.srcport -e tcp.dstport -e tcp.stream \
	    -e tcp.flags.syn -e tcp.flags.ack \
	    -e udp.srcport -e udp.dstport \
	    -e sctp.srcport -e sctp.dstport -e sctp.assoc_index \
	    -e sctp.chunk_type 2>"$tmp/tshark.err") || rc=$?
	# A capture cut short mid-record: tshark prints every whole record
	# and exits non-zero, as oracle.sh allows for.
	if [ "$rc" -ne 0 ] && [ -z "$raw" ]; then
		echo "tshark failed (rc=$rc): $(grep -v '^Running as user' \
		    "$tmp/tshark.err")" >&2
		return 1
	fi
	printf '%s\n' "$raw" | awk -F'\t' -v OFS='\t' '
	function yes(v) { return v == "1" || v == "True" }
	function add(a, b, k, n, len) { a[k] += n; b[k] += len }
	NF < 3 { next }
	{
		n = split($3, chain, ":")
		proto = ""; quoted = 0
		for (i = 1; i <= n; i++) {
			if (chain[i] == "tcp" || chain[i] == "udp" ||
			    chain[i] == "sctp") { proto = chain[i]; break }
			if (chain[i] == "icmp" || chain[i] == "icmpv6")
				quoted = 1
		}
		if (proto == "" || quoted)
			next
		frame = $1; len = $2; key = ""; hs = ""
		if (proto == "tcp") {
			sp = $4; dp = $5
			if ($6 != "")
				key = "tcp stream " $6
			if (yes($7))
				hs = yes($8) ? "accept" : "open"
		} else if (proto == "udp") {
			sp = $9; dp = $10
		} else {
			sp = $11; dp = $12
			# With the ports: should tshark give packets it cannot
			# match one index, associations still stay apart.
			if ($13 != "")
				key = "sctp association " $13 " ports " \
				    (sp < dp ? sp "," dp : dp "," sp)
			if ($14 == "1")
				hs = "open"
			else if ($14 == "2")
				hs = "accept"
		}
		if (sp == "" || dp == "")
			next		# no ports: the oracle does not count it
		add(tp, tb, proto SUBSEP sp, 1, len)
		if (dp != sp)
			add(tp, tb, proto SUBSEP dp, 1, len)
		if (key == "" && hs != "")
			key = proto " frame " frame
		if (key == "")
			next
		add(kp, kb, key, 1, len)
		if (hs == "")
			next
		server = hs == "open" ? dp : sp
		if (key in srv && srv[key] != server)
			amb[key] = 1
		srv[key] = server
		cli[key] = hs == "open" ? sp : dp
		kproto[key] = proto
		frames[key] = frames[key] (key in frames ? "," : "") frame
	}
	END {
		for (key in srv) {
			if (key in amb) {
				print "ambiguous", key, frames[key]
				continue
			}
			p = kproto[key]
			print "conn", key, p, srv[key], cli[key], kp[key], \
			    kb[key], frames[key]
			add(sp_, sb_, p SUBSEP srv[key], kp[key], kb[key])
			if (cli[key] != srv[key])
				add(cp_, cb_, p SUBSEP cli[key], kp[key], kb[key])
		}
		for (k in tp) {
			split(k, f, SUBSEP)
			print "port", f[1], f[2], tp[k], tb[k], sp_[k] + 0, \
			    sb_[k] + 0, cp_[k] + 0, cb_[k] + 0
		}
	}'
}

# check_rows ROWS FACTS: the bounds, with one line per broken one, then a
# closing "summary" line; exit status 1 if any bound is broken.  ROWS is
# "proto port packets bytes" per run row.
check_rows() {
	awk -F'\t' '
	FILENAME == ARGV[1] { rp[$1 SUBSEP $2] = $3; rb[$1 SUBSEP $2] = $4; next }
	$1 == "conn" { nconn[$3]++; checked += $6; next }
	$1 == "ambiguous" { namb++; next }
	$1 != "port" { next }
	{
		k = $2 SUBSEP $3; name = $3 "/" $2; seen[k] = 1
		tp = $4; tb = $5; sp = $6; sb = $7; cp = $8; cb = $9
		# Test before reading: reading rp[k] would create it.
		row = k in rp
		gp = row ? rp[k] : 0; gb = row ? rb[k] : 0; ports++
		if (sp > 0)
			servers++
		if (cp > 0)
			clients++
		if (sp > 0 && sp == tp - cp && sb == tb - cb)
			exact++
		if (sp > 0 && !row) {
			printf "  %s: handshakes name it the server of %d packets " \
			    "(%d bytes), but it has no row\n", name, sp, sb
			bad++
		} else if (gp < sp || gb < sb) {
			printf "  %s: row has %d packets (%d bytes), its " \
			    "handshake connections alone %d (%d)\n",
			    name, gp, gb, sp, sb
			bad++
		}
		if (tp == cp && row) {
			printf "  %s: only a client port of handshakes, yet " \
			    "has a row of %d packets (%d bytes)\n", name, gp, gb
			bad++
		} else if (gp > tp - cp || gb > tb - cb) {
			printf "  %s: row has %d packets (%d bytes); of the %d " \
			    "(%d) carrying it, %d (%d) are connections where " \
			    "it is the client port\n", name, gp, gb, tp, tb,
			    cp, cb
			bad++
		}
	}
	END {
		for (k in rp) {
			if (k in seen)
				continue
			split(k, f, SUBSEP)
			printf "  %s/%s: row of %d packets, tshark counts none " \
			    "on that port\n", f[2], f[1], rp[k]
			bad++
		}
		printf "summary\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", \
		    nconn["tcp"] + nconn["sctp"], nconn["tcp"], \
		    nconn["sctp"], namb, servers, clients, checked, ports
		printf "exact\t%d\n", exact
		exit (bad > 0)
	}' "$1" "$2"
}

check_fails() {
	! check_rows "$@" >/dev/null
}

# The rows with every handshake connection moved off its server port.
misattribute() {
	awk -F'\t' -v OFS='\t' '
	FILENAME == ARGV[1] { if ($1 == "conn") {
		k = $3 SUBSEP $4; p[k] -= $6; b[k] -= $7
		if ($5 != $4) { k = $3 SUBSEP $5; p[k] += $6; b[k] += $7 }
	} next }
	{ k = $1 SUBSEP $2; p[k] += $3; b[k] += $4 }
	END { for (k in p) { split(k, f, SUBSEP); print f[1], f[2], p[k], b[k] } }
	' "$1" "$2"
}

n=0 sum_conn=0 sum_servers=0 sum_clients=0 sum_packets=0 sum_ports=0
while IFS=$'\t' read -r file _; do
	[ "$file" = file ] && continue
	n=$((n + 1))
	cap="$real/$file"
	if ! "$PORTCLASS" -F json -r "$cap" >"$tmp/out" 2>"$tmp/err"; then
		check "$file: portclass runs" false
		cat "$tmp/err"
		continue
	fi
	json_service_rows run <"$tmp/out" | awk -F'\t' -v OFS='\t' \
	    '$1 ~ /^(tcp|udp|sctp)$/ && $2 != "null" { print $1, $2, $3, $4 }' \
	    >"$tmp/rows"
	if ! handshake_facts "$cap" >"$tmp/facts"; then
		check "$file: tshark reads it" false
		continue
	fi
	check "$file: tshark's per-port totals are the stored truth's" \
	    diff <(awk -F'\t' -v OFS='\t' '$1 == "port" { print $2, $3, $4, $5 }' \
	    "$tmp/facts" | sort) <(tail -n +2 "$cap.truth.ports.tsv" | sort)
	check_rows "$tmp/rows" "$tmp/facts" >"$tmp/verdict"
	check "$file: rows agree with tshark's handshakes" test $? -eq 0
	grep -v '^summary	\|^exact	' "$tmp/verdict"
	IFS=$'\t' read -r _ conns tcp sctp amb servers clients packets ports \
	    < <(grep '^summary	' "$tmp/verdict")
	exact=$(awk -F'\t' '$1 == "exact" { print $2 }' "$tmp/verdict")
	if [ "$conns" -eq 0 ]; then
		echo "$file: no handshakes ($ports ports within tshark's totals)"
	else
		echo "$file: $conns connections with handshakes ($tcp tcp," \
		    "$sctp sctp), $servers server ports, $clients client ports," \
		    "$packets packets checked; $exact server ports pinned" \
		    "exactly; $ports ports within tshark's totals"
		misattribute "$tmp/facts" "$tmp/rows" >"$tmp/wrong"
		check "$file: the check fails on misattributed rows" \
		    check_fails "$tmp/wrong" "$tmp/facts"
	fi
	[ "$amb" -eq 0 ] ||
		echo "$file: $amb connections left out: their handshakes name two server ports"
	sum_conn=$((sum_conn + conns))
	sum_servers=$((sum_servers + servers))
	sum_clients=$((sum_clients + clients))
	sum_ports=$((sum_ports + ports))
	sum_packets=$((sum_packets + packets))
done <"$real/MANIFEST.tsv"

echo "handshakes: $n captures, $sum_conn connections, $sum_servers server" \
    "ports, $sum_clients client ports, $sum_packets packets checked;" \
    "$sum_ports ports within tshark's totals"
check "some capture has handshakes" test "$sum_conn" -gt 0
check_summary
