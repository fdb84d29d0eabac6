# lib.sh - helpers shared by the end-to-end tests (sourced, not run).
# ctest sets PC_SOURCE_DIR, PC_BINARY_DIR, PORTCLASS and PCAPGEN.
: "${PC_SOURCE_DIR:?run through ctest}"
: "${PORTCLASS:?run through ctest}"

# NDJSON service rows of one scope -> "proto<TAB>port<TAB>packets<TAB>bytes
# <TAB>service<TAB>status" ("null" for a null port or service).  portclass
# writes one flat object per line with a fixed key order, which is all the
# parsing this needs.  Fields are read from ',"proto":"' on: the keys
# before it ("reasons", whose counts include one named "status", and
# "unofficial") are not the row's own (src/sink_json.c keeps added keys
# there), and inside a JSON string a quote is always escaped, so ',"' can
# only be the row's own structure.
json_service_rows() {
	awk -v scope="$1" '
	function field(name,   m) {
		if (match(row, "\"" name "\":(\"[^\"]*\"|[^,}]*)")) {
			m = substr(row, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
			gsub(/^"|"$/, "", m)
			return m
		}
		return ""
	}
	/"type":"service"/ && index($0, "\"scope\":\"" scope "\"") {
		row = substr($0, index($0, ",\"proto\":\""))
		print field("proto") "\t" field("port") "\t" field("packets") "\t" \
		    field("bytes") "\t" field("service") "\t" field("status")
	}'
}

# One numeric field of the totals record(s) of a scope, one line each.
json_totals() {
	awk -v scope="$1" -v name="$2" '
	/"type":"totals"/ && index($0, "\"scope\":\"" scope "\"") {
		if (match($0, "\"" name "\":[0-9]+"))
			print substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
	}'
}

# check NAME COMMAND...: run COMMAND, count a pass or a failure (printing
# NAME).  End a script with check_summary.
pass=0 fail=0
check() {
	local name=$1; shift
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name"
		fail=$((fail + 1))
	fi
}

# The closing line ctest shows, and the exit status.
check_summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
