#!/usr/bin/env bash
# deps.sh - install the Debian packages portclass needs, if any is missing.
# Sourced by quickstart.sh and test.sh; uses sudo when not root.
set -euo pipefail

PC_PACKAGES=(build-essential cmake pkg-config libpcap-dev uthash-dev
	libcmocka-dev clang tcpdump libmicrohttpd-dev prometheus curl jq
	iproute2 util-linux bsdutils procps dpkg-dev file tcpreplay
	valgrind wrk time tshark)

pc_install_deps() {
	local missing=() p
	for p in "${PC_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	echo "portclass: installing ${missing[*]}" >&2
	"${sudo[@]}" apt-get update -qq
	# Through env, as sudo drops DEBIAN_FRONTEND from the environment.
	# Non-interactive, wireshark-common (tshark) keeps its default answer
	# "no" to installing dumpcap setuid: the tests only read files.
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}
