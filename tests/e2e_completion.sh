#!/usr/bin/env bash
# e2e_completion.sh - contrib/bash-completion/portclass offers what the
# program under test accepts: its options and formats (from its --help),
# the interfaces in /sys/class/net, clock names, files, and nothing once
# the filter expression has started.  Runs without the bash-completion
# package's helpers, as a bare "source" does.
set -euo pipefail
. "$PC_SOURCE_DIR/tests/lib.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
. "$PC_SOURCE_DIR/contrib/bash-completion/portclass"
complete -p portclass | grep -- '-F _portclass' >/dev/null ||
	fail "the completion is not registered for portclass"

# Complete the last word of "$@" (the program is the build under test).
comp() {
	COMP_WORDS=("$PORTCLASS" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_portclass
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
has() { grep -qxF -- "$2" <<<"$1" || fail "completing [$3] lacks \"$2\": $1"; }
hasnt() { ! grep -qxF -- "$2" <<<"$1" || fail "completing [$3] offers \"$2\""; }

help=$("$PORTCLASS" --help)
# Every option the help text lists is offered, and only options.
opts=$(comp '')
for o in $(grep -oE '^ +-[A-Za-z](, --[a-z-]+)?|^ +--[a-z-]+' <<<"$help" |
    tr -d ' ' | tr ',' '\n'); do
	has "$opts" "$o" "portclass ''"
done
grep -qv '^-' <<<"$opts" && fail "non-options offered: $opts"
[ "$(comp --reg)" = --registry ] || fail "--reg does not complete to --registry"
[ "$(comp --add)" = --add-registry ] || fail "--add does not complete to --add-registry"

# -F: exactly the formats the help names.
formats=$(sed -n 's/.*output format: *\([^(]*\).*/\1/p' <<<"$help" |
    tr -d , | tr ' ' '\n' | grep -v '^$' | sort)
[ -n "$formats" ] || fail "no formats in --help"
[ "$(comp -F '')" = "$formats" ] || fail "-F offers $(comp -F '' | xargs)"
[ "$(comp --format = '')" = "$formats" ] || fail "--format= offers wrong formats"
[ "$(comp -F j)" = json ] || fail "-F j does not complete to json"

[ "$(comp --clock '')" = "$(printf 'packet\nwall')" ] || fail "--clock"

# -i: every interface of this machine, and "any".  Other tests create and
# delete veth interfaces meanwhile: check those present before and after.
before=$(ls /sys/class/net)
ifs=$(comp -i '')
for i in $(comm -12 <(sort <<<"$before") <(ls /sys/class/net | sort)); do
	has "$ifs" "$i" "-i ''"
done
has "$ifs" lo "-i ''"
has "$ifs" any "-i ''"

# Files for -r, -o, --registry and --add-registry.
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
touch "$d/one.pcap" "$d/two.pcapng" "$d/other.csv"
[ "$(comp -r "$d/t")" = "$d/two.pcapng" ] || fail "-r file: $(comp -r "$d/t")"
[ "$(comp --registry "$d/oth")" = "$d/other.csv" ] || fail "--registry file"
[ "$(comp --add-registry "$d/oth")" = "$d/other.csv" ] || fail "--add-registry file"
has "$(comp --add-registry x.csv -)" -F "--add-registry x.csv -"
[ "$(comp -o "$d/on")" = "$d/one.pcap" ] || fail "-o file"

# After the filter starts, nothing; before it, options still come.
[ -z "$(comp -r x.pcap port '')" ] || fail "completes inside the filter"
has "$(comp -r x.pcap -)" -F "-r x.pcap -"
hasnt "$(comp -t '')" -F "-t ''"
echo PASS
