#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# passlaunch export --libvirt: every golden and example profile becomes a
# domain that libvirt's schema (virt-xml-validate) and libvirt itself
# (virsh define, in the private libvirtd of tests/helpers/libvirt-private)
# accept; one exported with status 0 comes back from passlaunch import with
# the same `print`; what libvirt cannot hold is named with its line.

load common

profiles() {
	printf '%s\n' "$GOLDEN"/*.ini "$ROOT"/profiles/*.ini
}

# name_of PROFILE: golden-NAME or profiles-NAME (two profiles share a name).
name_of() {
	echo "$(basename "$(dirname "$1")")-$(basename "$1" .ini)"
}

# Each profile exported once on the fake host (its CPUs too, for auto
# pinning), for the tests below: NAME.xml, NAME.err and its status in
# NAME.status, in $EXPORTS.
setup_file() {
	export EXPORTS=$BATS_FILE_TMPDIR/exports
	mkdir -p "$EXPORTS"
	local profile name
	while read -r profile; do
		name=$(name_of "$profile")
		code=0
		GOLDEN_COMMAND="export --libvirt" "$HELPERS/golden-print" "$profile" \
			>"$EXPORTS/$name.xml" 2>"$EXPORTS/$name.err" || code=$?
		echo "$code" >"$EXPORTS/$name.status"
	done < <(profiles)
}

setup() {
	common_setup
}

# exported NAME: its export's status in $status, its XML in NAME.xml here.
exported() {
	status=$(cat "$EXPORTS/$1.status")
	cp "$EXPORTS/$1.xml" "$EXPORTS/$1.err" .
}

# host_env PROFILE: the fake host's roots for PROFILE, as golden-print sets
# them (PROFILE.env may move one).
host_env() {
	local env_file=${1%.ini}.env key value
	echo "PASSLAUNCH_SYSFS=$GOLDEN/host/sys"
	echo "PASSLAUNCH_DEVFS=$GOLDEN/host/dev"
	[[ -f $env_file ]] || return 0
	while IFS='=' read -r key value; do
		[[ $key == PASSLAUNCH_DEVFS || $key == PASSLAUNCH_SYSFS ]] || continue
		echo "$key=$GOLDEN/$value"
	done <"$env_file"
}

# export_as NAME PROFILE: NAME.xml and NAME.err; the status in $status.
export_as() {
	local -a roots
	mapfile -t roots < <(host_env "$2")
	run --separate-stderr env "${roots[@]}" "$PASSLAUNCH" export --libvirt "$2"
	printf '%s\n' "$output" >"$1.xml"
	printf '%s\n' "$stderr" >"$1.err"
}

# Both prints with the properties of -cpu in one order (Hyper-V's come back
# from import in passlaunch's order, whatever order the profile gave).
cpu_sorted() {
	/usr/bin/python3 -c '
import sys
for line in open(sys.argv[1]):
    if line.startswith("    -cpu "):
        model, *props = line.split()[1].strip("\x27").split(",")
        line = "    -cpu " + ",".join([model] + sorted(props)) + "\n"
    sys.stdout.write(line)' "$1"
}

@test "export: every golden and example profile is a domain libvirt's schema accepts" {
	local profile name
	while read -r profile; do
		name=$(name_of "$profile")
		exported "$name"
		((status <= 1)) || fail "export of $profile failed ($status): $(cat "$name.err")"
		run virt-xml-validate "$name.xml" domain
		((status == 0)) || fail "$profile: not a valid domain: $output"
	done < <(profiles)
}

@test "export: libvirt defines every exported domain" {
	local profile name
	while read -r profile; do
		name=$(name_of "$profile")
		exported "$name"
		"$HELPERS/libvirt-tcg-copy" "$name.xml" >"$name.tcg.xml"
	done < <(profiles)
	# Each defined, then undefined by its name (two profiles share one); the
	# NVRAM is kept: it may be a real VM's file on this host.
	# shellcheck disable=SC2016  # expanded by the inner shell
	run "$HELPERS/libvirt-private" bash -c '
		for x; do
			n=$(sed -n "s|^  <name>\(.*\)</name>$|\1|p" "$x")
			virsh define "$x" >/dev/null && virsh undefine --keep-nvram "$n" >/dev/null ||
				echo "refused: $x"
		done' _ "$PWD"/*.tcg.xml
	assert_success
	refute_output --partial "refused"
}

# What libvirt cannot hold travels in passlaunch's own <metadata>, so that
# import gives back the profile it was exported from: every golden and
# example profile comes back with the same print, but those listed in
# tests/libvirt/roundtrip.differences, each with its reason.
@test "export: every profile comes back from import of its export with the same print, what libvirt cannot hold through <metadata>" {
	local profile name same=0 expected unexplained rc
	local -a roots differing=()
	while read -r profile; do
		name=$(name_of "$profile")
		exported "$name"
		mapfile -t roots < <(host_env "$profile")
		rc=0
		env "${roots[@]}" "$PASSLAUNCH" import "$name.xml" >"$name.ini" 2>"$name.import.err" || rc=$?
		((rc <= 1)) || fail "$profile: import of its export failed: $(cat "$name.import.err")"
		[[ ! -f ${profile%.ini}.env ]] || cp "${profile%.ini}.env" "$name.env"
		"$HELPERS/golden-print" "$profile" >"$name.before"
		"$HELPERS/golden-print" "$PWD/$name.ini" >"$name.after" ||
			fail "$profile: print of the import failed"
		if diff -u <(cpu_sorted "$name.before") <(cpu_sorted "$name.after") >"$name.diff"; then
			same=$((same + 1))
		else
			differing+=("$name")
		fi
	done < <(profiles)
	expected=$(grep -vE '^(#|$)' "$ROOT/tests/libvirt/roundtrip.differences" | cut -d' ' -f1 | sort)
	unexplained=$(comm -13 <(echo "$expected") <(printf '%s\n' "${differing[@]}" | sort) | grep . || true)
	for name in $unexplained; do
		echo "$name:"
		cat "$name.diff"
	done
	[[ -z $unexplained ]] || fail "not the same VM back, and not listed in tests/libvirt/roundtrip.differences: $unexplained"
	# A listed profile that now comes back whole is taken off the list.
	for name in $expected; do
		[[ " ${differing[*]} " == *" $name "* ]] || fail "$name comes back whole now: take it off tests/libvirt/roundtrip.differences"
	done
	((same > 0)) || fail "no profile came back whole"
}

@test "export: what libvirt cannot hold is named with the profile's line (exit 1); auto pinning is what it chooses on this host; hooks, isolation and the governor are comments" {
	exported golden-single-gpu
	assert_equal "$status" 1
	run cat golden-single-gpu.err
	assert_line "single-gpu.ini:9: [cpu] vcpu_pin: auto is chosen at each start, and libvirt keeps CPUs fixed: written as what it chooses on this host now (export again when the host changes)"
	refute_line --partial "primary"
	run cat golden-single-gpu.xml
	# x-vga, which libvirt has no element for, as libvirt 8.2 and later
	# pass such a property: by the hostdev's alias.
	assert_output --partial '<qemu:device alias="ua-main">'
	assert_output --partial '<qemu:property name="x-vga" type="bool" value="true"/>'
	# Auto pinning as the fake host's 8 cores (16 threads) give it: each vCPU
	# pair on one core's siblings, QEMU's threads on the core left over.
	assert_output --partial '<vcpupin vcpu="0" cpuset="1"/>'
	assert_output --partial '<vcpupin vcpu="1" cpuset="9"/>'
	assert_output --partial '<emulatorpin cpuset="0,8"/>'
	assert_output --partial "<!--[cpu] auto pinning on this host: vcpu_pin = 1,9,2,10,3,11,4,12,5,13,6,14 (vCPU 0 first)-->"
	assert_output --partial "<!--[hooks] use: passlaunch's, outside QEMU; with libvirt: hook scripts in /etc/libvirt/hooks/qemu.d"
	assert_output --partial "<!--[cpu] isolate: passlaunch's, outside QEMU; with libvirt: a hook that confines host tasks"
	# A Ryzen 3900X: the guest's dies and caches as print gives them.
	exported golden-pin-3900x
	run cat golden-pin-3900x.xml
	assert_output --partial '<topology sockets="1" dies="2" cores="3" threads="2"/>'
	assert_output --partial '<cache mode="passthrough"/>'
}

@test "export: without --libvirt, or with a profile that is not valid, an error and no domain" {
	run --separate-stderr "$PASSLAUNCH" export "$GOLDEN/win10.ini"
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch: error: usage: passlaunch export --libvirt PROFILE"
	printf '[vm]\nname = bad name\n' >bad.ini
	run --separate-stderr "$PASSLAUNCH" export --libvirt bad.ini
	assert_equal "$status" 2
	assert_output ""
	assert_equal "${stderr%%: expected*}" "passlaunch export: bad.ini:2: [vm] name = bad name"
}

@test "export: a profile's path with control bytes, bytes that are not UTF-8 or a non-character still gives well-formed XML" {
	local dir=$TMP/$'odd\x01\x1b[2J\xff--dir-\xef\xbf\xbe'
	mkdir -p "$dir"
	printf '[vm]\nname = odd\n[qemu]\naccel = tcg\n[memory]\nsize = 1G\n' >"$dir/odd.ini"
	run --separate-stderr "$PASSLAUNCH" export --libvirt "$dir/odd.ini"
	assert_success
	printf '%s\n' "$output" >odd.xml
	run xmllint --noout odd.xml
	assert_success
	run grep -c $'\x1b' odd.xml
	assert_output 0
	run grep -F "from $TMP/odd^A^[[2J\\xFF -dir-???/odd.ini-->" odd.xml
	assert_success
}

@test "export: a disk's identity, geometry, queues and I/O thread reach libvirt, on a virtio-scsi controller of its own, and come back from import" {
	printf '%s\n' '[vm]' 'name = disks' '[qemu]' 'accel = tcg' '[memory]' 'size = 1G' \
		'[disk.sys]' "source = $TMP/sys.raw" 'bus = virtio' 'queues = 4' 'detect_zeroes = on' \
		'logical_block_size = 512' 'physical_block_size = 4096' 'serial = SYS1' \
		'[disk.games]' "source = $TMP/games.raw" 'bus = scsi' 'vendor = ATA' \
		'product = WDC WD40EFRX' 'rotation_rate = 5400' 'queues = 2' 'readonly = yes' \
		'[disk.data]' "source = $TMP/data.raw" 'bus = sata' 'rotation_rate = 1' \
		'discard = yes' 'detect_zeroes = unmap' >disks.ini
	truncate -s 1M sys.raw games.raw data.raw
	export_as disks disks.ini
	assert_equal "$status" 0
	assert_equal "$(cat disks.err)" ""
	# libvirt's own command line for it: the controller is virtio-scsi with
	# the disk's I/O thread and queues, and each disk says what it is.
	"$HELPERS/libvirt-tcg-copy" disks.xml >disks.tcg.xml
	run "$HELPERS/libvirt-private" virsh domxml-to-native qemu-argv disks.tcg.xml
	assert_success
	assert_output --regexp '"driver":"virtio-scsi-pci","iothread":"iothread[0-9]","id":"scsi0","num_queues":2'
	assert_output --regexp '"driver":"scsi-hd",[^}]*"rotation_rate":5400,"vendor":"ATA","product":"WDC WD40EFRX"'
	assert_output --regexp '"driver":"virtio-blk-pci","iothread":"iothread[0-9]","num-queues":4,[^}]*"logical_block_size":512,"physical_block_size":4096'
	assert_output --regexp '"detect-zeroes":"on"'
	assert_output --regexp '"discard":"unmap","detect-zeroes":"unmap"'
	assert_output --partial '"read-only":true,"discard":"unmap"'
	assert_output --regexp '"driver":"ide-hd",[^}]*"rotation_rate":1'
	refute_output --partial lsi
	# And back: the same VM.
	run --separate-stderr "$PASSLAUNCH" import disks.xml
	assert_success
	printf '%s\n' "$output" >back.ini
	"$HELPERS/golden-print" "$TMP/disks.ini" >before
	"$HELPERS/golden-print" "$TMP/back.ini" >after
	run diff before after
	assert_success
}
