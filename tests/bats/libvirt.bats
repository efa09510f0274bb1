#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# libvirt is the oracle of passlaunch import (issue 17). For each domain of
# tests/libvirt, libvirt's own libvirtd (started here, private: see
# tests/helpers/libvirt-private) says what QEMU command line the domain
# means (virsh domxml-to-native); passlaunch imports the same domain and
# prints its command line. tests/helpers/argv-facts reduces both to what
# the guest gets (devices and host addresses, CPU model and flags, Hyper-V,
# memory and its backing, disks and their options, boot order...), and the
# facts must be equal but for the differences listed in CASE.differences,
# each with its reason. libvirt here has no KVM: it is given the domain as
# type qemu with CPU mode maximum, passlaunch the domain as type kvm; what
# that changes is listed once, in transform.differences.

load common

setup_file() {
	[[ $(id -u) == 0 ]] || skip "needs root for a libvirtd of its own"
	local xml name dir
	for xml in "$ROOT"/tests/libvirt/*.xml; do
		name=$(basename "$xml" .xml)
		dir=$BATS_FILE_TMPDIR/$name
		mkdir -p "$dir"
		# The domain's files where the test may make them.
		sed "s|/var/lib/libvirt/images|$dir|g; s|/var/lib/libvirt/qemu/nvram|$dir|g" "$xml" |
			sed -E "s/<domain type=(['\"])qemu/<domain type=\1kvm/" >"$dir/domain.xml"
		"$HELPERS/libvirt-tcg-copy" "$dir/domain.xml" >"$dir/libvirt.xml"
	done
	# shellcheck disable=SC2016  # expanded by the inner shell
	"$HELPERS/libvirt-private" bash -c \
		'for d; do virsh domxml-to-native qemu-argv "$d/libvirt.xml" >"$d/libvirt.argv" 2>"$d/libvirt.err"; done' \
		_ "$BATS_FILE_TMPDIR"/*/ >"$BATS_FILE_TMPDIR/libvirtd.log" 2>&1
}

setup() {
	common_setup
	use_fake_host
	# libvirt asks the real QEMU and firmware: so does passlaunch here.
	unset PASSLAUNCH_QEMU_VERSION PASSLAUNCH_FIRMWARE_PATH
}

# facts FILE DIR: the facts of the command line in FILE, sorted, DIR written
# @DIR@; fails when argv-facts does or finds none.
facts() {
	local out
	if ! out=$("$HELPERS/argv-facts" "$1") || [[ -z $out ]]; then
		echo "argv-facts found no facts in $1" >&2
		return 1
	fi
	printf '%s\n' "${out//"$2"/@DIR@}" | sort
}

# listed FILE: the differences FILE lists, without comments and reasons.
listed() {
	[[ -e $1 ]] || return 0
	grep -vE '^(#|$)' "$1" | sed -E 's/[[:space:]]+#.*$//'
}

# compare_with_libvirt CASE PROFILE: PROFILE's print against libvirt's argv.
compare_with_libvirt() {
	local name=$1 profile=$2 dir=$BATS_FILE_TMPDIR/$1 differences unexplained missing
	[[ -s $dir/libvirt.argv ]] || fail "libvirt gave no command line: $(cat "$dir/libvirt.err")"
	run --separate-stderr "$PASSLAUNCH" print "$profile"
	((status == 0)) || {
		fail "print of the import failed ($status): $stderr"
		return 1
	}
	printf '%s\n' "$output" >passlaunch.argv
	facts "$dir/libvirt.argv" "$dir" >libvirt.facts || return 1
	facts passlaunch.argv "$dir" >passlaunch.facts || return 1
	differences=$(comm -3 libvirt.facts passlaunch.facts | sed -E 's/^\t/passlaunch: /; t; s/^/libvirt: /')
	unexplained=$(grep -vxF -f <(listed "$ROOT/tests/libvirt/$name.differences"
		listed "$ROOT/tests/libvirt/transform.differences") <<<"$differences" || true)
	missing=$(listed "$ROOT/tests/libvirt/$name.differences" | grep -vxF -f <(echo "$differences") || true)
	[[ -z $unexplained && -z $missing ]] || {
		fail "differences from libvirt not listed in tests/libvirt/$name.differences:
${unexplained:-none}
listed there but not found (fixed? then remove them):
${missing:-none}"
		return 1
	}
}

# import_case CASE: the imported profile in $TMP/CASE.ini; status 0 or 1.
import_case() {
	local dir=$BATS_FILE_TMPDIR/$1 f
	grep -oE "$dir/[^<\"']+" "$dir/domain.xml" | grep -v '_VARS.fd$' | while read -r f; do
		truncate -s 1M "$f"
	done
	run --separate-stderr "$PASSLAUNCH" import "$dir/domain.xml"
	((status <= 1)) || fail "import failed ($status): $stderr"
	printf '%s\n' "$output" >"$1.ini"
}

# judge CASE: CASE.xml imported, then compared with libvirt's command line.
judge() {
	import_case "$1"
	compare_with_libvirt "$1" "$1.ini"
}

@test "libvirt oracle: handmade-win10 imported means what libvirt runs" { judge handmade-win10; }
@test "libvirt oracle: handmade-disks imported means what libvirt runs" { judge handmade-disks; }
@test "libvirt oracle: virt-install-win11-gpu imported means what libvirt runs" { judge virt-install-win11-gpu; }
@test "libvirt oracle: virt-install-win10-pinned imported means what libvirt runs" { judge virt-install-win10-pinned; }
@test "libvirt oracle: virt-install-linux-i440fx imported means what libvirt runs" { judge virt-install-linux-i440fx; }
@test "libvirt oracle: realworld-bryansteiner-win10 imported means what libvirt runs" { judge realworld-bryansteiner-win10; }
@test "libvirt oracle: realworld-cafreo-win10-looking-glass imported means what libvirt runs" { judge realworld-cafreo-win10-looking-glass; }
@test "libvirt oracle: realworld-cappyt-g14-laptop-win10 imported means what libvirt runs" { judge realworld-cappyt-g14-laptop-win10; }
@test "libvirt oracle: realworld-darkacid-gtx1650-win10-lg imported means what libvirt runs" { judge realworld-darkacid-gtx1650-win10-lg; }
@test "libvirt oracle: realworld-justarchi-gtx1080ti-win10-i440fx imported means what libvirt runs" { judge realworld-justarchi-gtx1080ti-win10-i440fx; }
@test "libvirt oracle: realworld-mingyaoliu-threadripper-numa-win10 imported means what libvirt runs" { judge realworld-mingyaoliu-threadripper-numa-win10; }
@test "libvirt oracle: realworld-renangrothe-acer-nitro-laptop-win11 imported means what libvirt runs" { judge realworld-renangrothe-acer-nitro-laptop-win11; }
@test "libvirt oracle: realworld-snekutaren-9070xt-win11-kvmfr imported means what libvirt runs" { judge realworld-snekutaren-9070xt-win11-kvmfr; }
@test "libvirt oracle: realworld-sotigr-archlinux-guest imported means what libvirt runs" { judge realworld-sotigr-archlinux-guest; }

@test "libvirt oracle: every domain of tests/libvirt is judged above" {
	local xml
	for xml in "$ROOT"/tests/libvirt/*.xml; do
		grep -qF "judge $(basename "$xml" .xml);" "$BATS_TEST_FILENAME" || fail "no test for $xml"
	done
}

@test "libvirt oracle: a profile that differs from the domain is caught (a disk's cache, a passed device)" {
	import_case virt-install-linux-i440fx
	sed -e 's/^cache = writeback/cache = none/' -e '/^\[gpu\./,/^$/s/^functions = 0,1/functions = 0/' \
		-e '/^rombar.1 = no$/d' virt-install-linux-i440fx.ini >changed.ini
	run compare_with_libvirt virt-install-linux-i440fx changed.ini
	assert_failure
	assert_line "passlaunch: disk @DIR@/debian.img ide-hd bootindex=1 format=raw cache=none aio=threads discard=unmap readonly=off detect-zeroes=off serial=DEB0001"
	assert_line "libvirt: disk @DIR@/debian.img ide-hd bootindex=1 format=raw cache=writeback aio=threads discard=unmap readonly=off detect-zeroes=off serial=DEB0001"
	# The second function is gone.
	assert_line "libvirt: hostdev 0000:0b:00.1 rombar=0"
}

@test "libvirt oracle: the virt-install domains are what virt-install makes from their .args" {
	local args
	# One libvirtd for all: each .args file made into NAME.made.xml here.
	# shellcheck disable=SC2016  # expanded by the inner shell
	"$HELPERS/libvirt-private" bash -c '
		for args; do
			mapfile -t words <"$args"
			name=${args##*/}
			virt-install --print-xml --virt-type=qemu --check=all=off --noautoconsole \
				"${words[@]}" >"${name%.args}.made.xml"
		done' _ "$ROOT"/tests/libvirt/virt-install-*.args
	for args in "$ROOT"/tests/libvirt/virt-install-*.args; do
		name=${args##*/}
		diff -u "${args%.args}.xml" "${name%.args}.made.xml" ||
			fail "virt-install made another domain from $args"
	done
}
