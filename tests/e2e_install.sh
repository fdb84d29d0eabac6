#!/usr/bin/env bash
# e2e_install.sh - portclass installs and uninstalls like a packaged tool.
#
# Builds the program again in a Release build of its own (never the
# sanitizer build the suite may be running in), then:
#  1. `cmake --install --prefix` into a scratch root: the files land in the
#     GNUInstallDirs places and the unit names the installed binary;
#  2. `cpack -G DEB`: the .deb has the expected fields, Depends worked out
#     by dpkg-shlibdeps, and every file under /usr, owned by root;
#  3. as root, `dpkg -i` on this machine; otherwise `dpkg -x` into a scratch
#     root (said on standard output).  The installed binary's --version
#     and its reports on a capture (embedded registry, and --registry with
#     the installed CSV) must match the build under test; the man page,
#     the completion and the unit must be in place and the unit must pass
#     `systemd-analyze verify` when systemd-analyze is there;
#  4. `dpkg -r`: the package is gone and so is every file and directory
#     it brought.
# A trap purges the package and removes the scratch files whatever fails.
set -euo pipefail
. "$PC_SOURCE_DIR/tests/lib.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

for cmd in dpkg dpkg-deb dpkg-shlibdeps cpack; do
	if ! command -v "$cmd" >/dev/null; then
		echo "SKIP: $cmd not found: not a Debian system, or dpkg-dev" \
		    "missing (scripts/deps.sh installs it)"
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/pc-install.XXXXXX")
installed=0		# 1 once dpkg -i may have touched the system
cleanup() {
	local rc=$?
	if [ "$installed" -eq 1 ] &&
	    dpkg-query -W -f='${db:Status-Status}' portclass 2>/dev/null |
	    grep -qv '^not-installed$'; then
		echo "cleanup: purging portclass from this machine" >&2
		dpkg --purge portclass >/dev/null 2>&1 ||
			echo "cleanup: dpkg --purge portclass failed" >&2
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

version=$(sed -n 's/^project(portclass VERSION \([0-9.]*\).*/\1/p' \
    "$PC_SOURCE_DIR/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"
capture=$PC_SOURCE_DIR/pcaps/demo.pcap

# --- the Release build ---------------------------------------------------
build=$work/build
# The suite's own flags and sanitizer settings stay out of this build.
env -u CFLAGS -u LDFLAGS cmake -S "$PC_SOURCE_DIR" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DCMAKE_INSTALL_PREFIX=/usr >"$work/cmake.log" 2>&1 ||
	{ cat "$work/cmake.log" >&2; fail "cmake configure"; }
cmake --build "$build" -j"$(nproc)" --target portclass \
    >"$work/build.log" 2>&1 ||
	{ tail -40 "$work/build.log" >&2; fail "Release build"; }
objdump -p "$build/portclass" >"$work/objdump" || fail "objdump"
if grep -q 'NEEDED.*lib[au]bsan' "$work/objdump"; then
	fail "the Release build picked up the sanitizers"
fi

# --- 1. cmake --install into a scratch root -------------------------------
root=$work/root
cmake --install "$build" --prefix "$root" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; fail "cmake --install"; }
for f in bin/portclass share/man/man1/portclass.1 \
    share/portclass/service-names-port-numbers.csv share/portclass/README \
    share/bash-completion/completions/portclass \
    share/doc/portclass/copyright lib/systemd/system/portclass@.service; do
	[ -f "$root/$f" ] || fail "cmake --install: no $f"
done
[ -x "$root/bin/portclass" ] || fail "cmake --install: bin/portclass not executable"
cmp -s "$root/share/portclass/service-names-port-numbers.csv" \
    "$PC_SOURCE_DIR/data/service-names-port-numbers.csv" ||
	fail "installed registry CSV differs from data/"
grep -qx "ExecStart=$root/bin/portclass -i %I .*" \
    "$root/lib/systemd/system/portclass@.service" ||
	fail "the installed unit does not run $root/bin/portclass"
# Every file installed is in the manifest, so it can be uninstalled.
(cd "$root" && find . -type f | sed "s|^\.|$root|" | sort) >"$work/found"
sort "$build/install_manifest.txt" >"$work/manifest"
diff -u "$work/manifest" "$work/found" >&2 ||
	fail "install_manifest.txt is not the set of installed files"
echo "ok: cmake --install: $(wc -l <"$work/found") files in place"

# --- 2. the .deb -----------------------------------------------------------
(cd "$build" && cpack -G DEB) >"$work/cpack.log" 2>&1 ||
	{ cat "$work/cpack.log" >&2; fail "cpack -G DEB"; }
debs=("$build"/portclass_"$version"_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no portclass_${version}_*.deb"
deb=${debs[0]}
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = portclass ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] ||
	fail "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
# Depends must name the package of every shared library the binary needs.
depends=$(field Depends)
for lib in $(awk '$1 == "NEEDED" { print $2 }' "$work/objdump"); do
	# Read all of each pipe (no early exit): with pipefail, a writer
	# killed by SIGPIPE would fail the assignment, at random.
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !f { print $NF; f = 1 }')
	[ -n "$path" ] || fail "cannot find $lib"
	# Merged /usr: dpkg may know the file by either name.
	pkg=
	for p in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
		pkg=$(dpkg -S "$p" 2>/dev/null | sed -n '1s/:.*//p') || pkg=
		[ -n "$pkg" ] && break
	done
	[ -n "$pkg" ] || fail "no package owns $path ($lib)"
	case ", $depends" in
	*", $pkg "*|*", $pkg,"*|*", $pkg") ;;
	*) fail "Depends ($depends) lacks $pkg, which provides $lib" ;;
	esac
done
dpkg-deb -c "$deb" >"$work/contents"
awk '$2 != "root/root" { bad = 1; print } END { exit bad }' \
    "$work/contents" >&2 || fail "files in the .deb not owned by root"
awk '{ print $NF }' "$work/contents" | sed 's|^\./|/|; s|/$||' |
    grep -v '^$' >"$work/paths"
grep -v '^/usr\(/\|$\)' "$work/paths" >&2 && fail "the .deb installs outside /usr"
for f in /usr/bin/portclass /usr/share/man/man1/portclass.1 \
    /usr/share/portclass/service-names-port-numbers.csv \
    /usr/share/bash-completion/completions/portclass \
    /usr/lib/systemd/system/portclass@.service; do
	grep -qx "$f" "$work/paths" || fail "the .deb lacks $f"
done
echo "ok: $(basename "$deb"): Depends: $depends"

# --- 3. install it ---------------------------------------------------------
# Where the package is installed: / when dpkg -i is ours to use.
mode=scratch
if [ "$(id -u)" -ne 0 ]; then
	why="not root"
elif dpkg-query -W -f='${db:Status-Status}' portclass 2>/dev/null |
    grep -qv '^not-installed$'; then
	why="a portclass package is already installed here; leaving it alone"
else
	why=""
	# dpkg would silently replace files no package owns: refuse instead.
	while read -r p; do
		if [ -e "$p" ] && [ ! -d "$p" ]; then
			why="$p already exists; leaving it alone"
			break
		fi
	done <"$work/paths"
	[ -n "$why" ] || mode=system
fi

if [ "$mode" = system ]; then
	# Directories present before, so that removal can be checked to take
	# away exactly the ones the package brought.
	while read -r p; do
		[ -d "$p" ] && echo "$p"
	done <"$work/paths" >"$work/dirs-before"
	# Two runs of this test (two build trees) must not install at once.
	exec 9>"${TMPDIR:-/tmp}/portclass-e2e-install.lock"
	flock -w 300 9 || fail "another e2e_install.sh holds the lock"
	installed=1
	# Another dpkg or apt may hold the lock for a while: wait for it.
	for try in $(seq 1 60); do
		if dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
			break
		fi
		grep -qi 'lock' "$work/dpkg.log" && [ "$try" -lt 60 ] ||
			{ cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
		sleep 2
	done
	prefix=
	echo "ok: dpkg -i $(basename "$deb") on this machine"
else
	echo "note: installing with dpkg -x into a scratch root ($why)"
	prefix=$work/deb-root
	dpkg -x "$deb" "$prefix"
fi

bin=$prefix/usr/bin/portclass
[ -x "$bin" ] || fail "$bin is missing"
ver=$("$bin" --version) || fail "$bin --version failed"
echo "$bin --version: $ver"
case $ver in
"portclass $version"|"portclass $version "*|"portclass $version"$'\n'*) ;;
*) fail "--version does not start with \"portclass $version\"" ;;
esac
[ "$ver" = "$("$PORTCLASS" --version)" ] ||
	fail "installed and built --version differ"

# The installed program must count exactly as the build under test does,
# with the embedded registry and with the installed CSV given by name.
"$PORTCLASS" -F json -r "$capture" | json_service_rows run >"$work/want"
[ -s "$work/want" ] || fail "the build under test found no services"
"$bin" -F json -r "$capture" | json_service_rows run >"$work/got"
diff -u "$work/want" "$work/got" >&2 || fail "installed portclass counts differently"
"$bin" -F json -r "$capture" \
    --registry "$prefix/usr/share/portclass/service-names-port-numbers.csv" |
    json_service_rows run >"$work/got-csv"
diff -u "$work/want" "$work/got-csv" >&2 ||
	fail "--registry with the installed CSV counts differently"
"$bin" -r "$capture" >"$work/text" || fail "text report failed"
grep -q '^SERVICE ' "$work/text" || fail "no text table from $bin"
echo "ok: $bin -r $(basename "$capture"): $(wc -l <"$work/got") service rows, as built"

man1=$prefix/usr/share/man/man1/portclass.1
[ -f "$man1" ] || fail "no man page"
if [ "$mode" = system ] && command -v man >/dev/null; then
	[ "$(man -w portclass)" = /usr/share/man/man1/portclass.1 ] ||
		fail "man -w portclass: $(man -w portclass 2>&1)"
fi
comp=$prefix/usr/share/bash-completion/completions/portclass
[ -f "$comp" ] || fail "no bash completion"
bash -c '. "$1" && complete -p portclass' _ "$comp" | grep -- '-F _portclass' >/dev/null ||
	fail "the completion does not register itself for portclass"
unit=$prefix/usr/lib/systemd/system/portclass@.service
grep -qx 'ExecStart=/usr/bin/portclass -i %I .*' "$unit" ||
	fail "the packaged unit does not run /usr/bin/portclass"
if command -v systemd-analyze >/dev/null; then
	if [ "$mode" = system ]; then
		systemd-analyze verify "$unit" >&2 ||
			fail "systemd-analyze verify $unit"
	else
		# Point the unit at the scratch copy, which then must exist.
		sed "s|/usr/bin/portclass|$bin|" "$unit" >"$work/portclass@.service"
		systemd-analyze verify --man=no "$work/portclass@.service" >&2 ||
			fail "systemd-analyze verify"
	fi
	echo "ok: systemd-analyze verify portclass@.service"
else
	echo "note: systemd-analyze not found, unit not verified"
fi
[ -f "$prefix/usr/share/portclass/service-names-port-numbers.csv" ] ||
	fail "no registry CSV"

# --- 4. remove it ----------------------------------------------------------
if [ "$mode" = system ]; then
	dpkg -r portclass >"$work/dpkg.log" 2>&1 ||
		{ cat "$work/dpkg.log" >&2; fail "dpkg -r portclass"; }
	pc_status() {
		dpkg-query -W -f='${db:Status-Status}' portclass 2>/dev/null ||
			echo not-installed
	}
	# A package with a postrm stays known as "config-files" until purged,
	# even with no conffiles; no file of it may remain either way.
	status=$(pc_status)
	case $status in
	not-installed|config-files) ;;
	*) fail "after dpkg -r the package is \"$status\"" ;;
	esac
	left=0
	while read -r p; do
		if [ -d "$p" ]; then
			grep -qxF "$p" "$work/dirs-before" && continue
		elif [ ! -e "$p" ] && [ ! -L "$p" ]; then
			continue
		fi
		echo "left behind: $p" >&2
		left=1
	done <"$work/paths"
	[ "$left" -eq 0 ] || fail "dpkg -r left files behind"
	echo "ok: dpkg -r portclass removed all $(wc -l <"$work/paths") paths"
	dpkg --purge portclass >"$work/dpkg.log" 2>&1 ||
		{ cat "$work/dpkg.log" >&2; fail "dpkg --purge portclass"; }
	[ "$(pc_status)" = not-installed ] ||
		fail "after dpkg --purge the package is \"$(pc_status)\""
	installed=0
	echo "ok: dpkg --purge portclass: the package is gone"
else
	echo "note: nothing installed on this machine, nothing to remove"
fi
echo "PASS"
