#!/bin/sh
# make-unofficial.sh - derive data/unofficial-ports.tsv, the compact list of
# well-known unofficial port uses that portclass compiles in, from the
# Wikipedia scrape in ../shared/registry/ (see data/README for its origin
# and licence, CC BY-SA 4.0).
#
# Usage: scripts/make-unofficial.sh [WIKIPEDIA-JSON] [OUT]
#
# Keeps only the protocol cells marked "unofficial" (uses without an IANA
# assignment), strips the wiki markup from the descriptions (references,
# templates, links, emphasis, HTML tags), cuts each to a short phrase, and
# merges rows with the same protocol and port range into one line, their
# phrases joined with "; ".  Every range is kept, however wide: which uses
# a report shows is decided when portclass runs (unofficial_judge,
# docs/unassigned.md), and `portclass lookup` lists them all.  Text stays
# UTF-8; the cut counts characters, not bytes.  Output lines are
#	proto<TAB>port-or-lo-hi<TAB>text
# sorted by protocol, then first port, then last port.  The output is
# deterministic: the committed file is what this script prints (jq 1.6).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
in=${1:-$top/../shared/registry/wikipedia-ports-2026-08-02.json}
out=${2:-$top/data/unofficial-ports.tsv}

jq -r '
def strip:
  gsub("\n"; " ")
  | gsub("<ref[^>]*/>"; "")
  | gsub("<ref[^>]*>.*?</ref>"; "")
  | gsub("<ref[^>]*>.*$"; "")
  | reduce range(4) as $i (.; gsub("\\{\\{[^{}]*\\}\\}"; ""))
  | gsub("\\[\\[[^]|]*\\|(?<t>[^]]*)\\]\\]"; "\(.t)")
  | gsub("\\[\\[(?<t>[^]]*)\\]\\]"; "\(.t)")
  | gsub("\\[https?://[^ \\]]* (?<t>[^]]*)\\]"; "\(.t)")
  | gsub("<[^>]*>"; "")
  | gsub("\u0027\u0027+"; "")
  | gsub("&nbsp;"; " ")
  | gsub("[\t ]+"; " ")
  | gsub("^ | $"; "")
  | gsub(" (?<p>[,.;:)])"; "\(.p)")
  ;
def short:
  if length > 72 then .[0:69] | sub(" [^ ]*$"; "") + "..." else . end;
def portkey:
  gsub("<ref.*$"; "") | gsub("\\{\\{.*$"; "")
  | gsub("\\[\\[[^|]*\\|(?<t>[^]]*)\\]\\]"; "\(.t)")
  | gsub("[^0-9-]"; "");
[ .[] as $r
  | ($r.ports | portkey) as $p
  | select($p | test("^[0-9]+(-[0-9]+)?$"))
  | ($p | split("-") | map(tonumber)) as $lh
  | select(($lh | length) == 1 or $lh[0] <= $lh[1])
  | select($lh[-1] <= 65535)
  | ($r.description | strip | gsub(" ?\\([^()]*\\)$"; "") | short) as $d
  | select($d != "")
  | ("tcp", "udp", "sctp", "dccp") as $proto
  | select($r[$proto] == "unofficial")
  | { proto: $proto, lo: $lh[0], hi: $lh[-1], d: $d } ]
| group_by([.proto, .lo, .hi])
| .[]
| { proto: .[0].proto, lo: .[0].lo, hi: .[0].hi,
    d: (map(.d) | reduce .[] as $x ([]; if index([$x]) then . else . + [$x] end) | join("; ")) }
| [ .proto, (if .lo == .hi then "\(.lo)" else "\(.lo)-\(.hi)" end), .d ]
| @tsv
' "$in" | LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2n -s >"$out.tmp"
mv "$out.tmp" "$out"
