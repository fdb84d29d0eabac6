#!/usr/bin/env bash
# e2e_pcaps.sh - portclass on the project's generated captures (pcaps/)
# against what the generator put in them, by construction (*.truth.tsv):
# every service row, every named counter and the totals, exactly.
set -u
. "$(dirname "$0")/lib.sh"

# portclass NDJSON (run scope) -> the generator's truth format, sorted.
to_truth() {
	awk '
	function field(name,   m) {
		if (match($0, "\"" name "\":(\"[^\"]*\"|[^,}]*)")) {
			m = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
			gsub(/^"|"$/, "", m)
			return m
		}
		return ""
	}
	/"type":"service","scope":"run"/ {
		port = field("port"); if (port == "null") port = "-"
		print "service\t" field("proto") "\t" port "\t" field("packets") "\t" field("bytes")
		# "reasons":{...}: one reason line per reason with packets
		if (match($0, "\"reasons\":\\{[^}]*\\}")) {
			rs = substr($0, RSTART + 11, RLENGTH - 12)
			n = split(rs, kv, ",")
			for (i = 1; i <= n; i++) {
				split(kv[i], p2, ":")
				gsub(/"/, "", p2[1])
				if (p2[2] != "0")
					print "reason\t" field("proto") "\t" port "\t" p2[1] "\t" p2[2]
			}
		}
	}
	/"type":"totals","scope":"run"/ {
		n = split("icmp icmpv6 other_ip non_ip fragment truncated malformed unsupported_link", k, " ")
		for (i = 1; i <= n; i++) {
			p = field(k[i])
			match($0, "\"counter_bytes\":\\{[^}]*\\}")
			cb = substr($0, RSTART, RLENGTH)
			match(cb, "\"" k[i] "\":[0-9]+")
			b = substr(cb, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3)
			if (p != "0") print "counter\t" k[i] "\t-\t" p "\t" b
		}
		print "total\t-\t-\t" field("packets") "\t" field("bytes")
	}' | sort
}

n=0 fail=0 nreason=0
for truth in "$PC_SOURCE_DIR"/pcaps/*.truth.tsv; do
	cap=${truth%.truth.tsv}
	name=$(basename "$cap")
	n=$((n + 1))
	got=$("$PORTCLASS" -F json -r "$cap" 2>&1 | to_truth)
	want=$(grep -v '^#' "$truth" | sort)
	# Reasons are compared where the generator knew them (reason lines).
	if ! grep -q '^reason' "$truth"; then
		got=$(printf '%s\n' "$got" | grep -v '^reason')
		nreason=$((nreason + 0))
	else
		nreason=$((nreason + 1))
	fi
	if [ "$got" != "$want" ]; then
		echo "FAIL $name"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/  /'
		fail=$((fail + 1))
	fi
done
echo "generated captures: $n checked ($nreason with reasons), $fail failures"
[ "$n" -gt 10 ] && [ "$nreason" -ge 1 ] && [ "$fail" -eq 0 ]
