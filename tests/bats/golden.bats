#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# Golden argv files: tests/golden/NAME.ini must print exactly NAME.args, with
# the binary under test (the sanitized build in make check).
# After an intended change, run tests/helpers/update-golden and review the diff.

load common

check_golden() {
	local name=$1
	run --separate-stderr env PASSLAUNCH="$PASSLAUNCH" "$HELPERS/golden-print" "$GOLDEN/$name.ini"
	assert_success
	diff -u "$GOLDEN/$name.args" <(printf '%s\n' "$output")
}

@test "golden: minimal" { check_golden minimal; }
@test "golden: win10" { check_golden win10; }
@test "golden: win11" { check_golden win11; }
@test "golden: single-gpu" { check_golden single-gpu; }
@test "golden: looking-glass" { check_golden looking-glass; }
@test "golden: tcg-bios" { check_golden tcg-bios; }
@test "golden: i440fx" { check_golden i440fx; }
@test "golden: cpu-features" { check_golden cpu-features; }
@test "golden: smbios" { check_golden smbios; }
@test "golden: video-virtio" { check_golden video-virtio; }
@test "golden: video-qxl-gpu" { check_golden video-qxl-gpu; }
@test "golden: peripherals" { check_golden peripherals; }
@test "golden: i440fx-sound" { check_golden i440fx-sound; }
@test "golden: audio-jack" { check_golden audio-jack; }
@test "golden: hugepages-1g" { check_golden hugepages-1g; }
@test "golden: disks" { check_golden disks; }
@test "golden: network" { check_golden network; }
@test "golden: usb-input" { check_golden usb-input; }
@test "golden: vnc-pulse" { check_golden vnc-pulse; }
@test "golden: gtk-pipewire" { check_golden gtk-pipewire; }
@test "golden: pci-devices" { check_golden pci-devices; }
@test "golden: amd-smt" { check_golden amd-smt; }
@test "golden: no-kvm" { check_golden no-kvm; }
@test "golden: sandbox-extra" { check_golden sandbox-extra; }
@test "golden: firmware-paths" { check_golden firmware-paths; }
@test "golden: secboot-code" { check_golden secboot-code; }
@test "golden: pin-7950x3d" { check_golden pin-7950x3d; }
@test "golden: pin-7950x3d-frequency" { check_golden pin-7950x3d-frequency; }
@test "golden: pin-5950x" { check_golden pin-5950x; }
@test "golden: pin-3900x" { check_golden pin-3900x; }
@test "golden: pin-1950x" { check_golden pin-1950x; }
@test "golden: pin-13900k" { check_golden pin-13900k; }
@test "golden: pin-epyc-2s" { check_golden pin-epyc-2s; }
@test "golden: apu-roms" { check_golden apu-roms; }
@test "golden: gpu-rombar" { check_golden gpu-rombar; }
@test "golden: rebar" { check_golden rebar; }
@test "golden: looking-glass-kvmfr" { check_golden looking-glass-kvmfr; }

@test "every golden profile has a test above" {
	for ini in "$GOLDEN"/*.ini; do
		name=$(basename "$ini" .ini)
		grep -qF "check_golden $name;" "$BATS_TEST_FILENAME" || fail "no test for $name"
	done
}

@test "every section and key of passlaunch.ini(5) appears in a golden profile" {
	# The keys as the schema lists them, read from the source table.
	# (rom.0 to rom.7 are one key, rom.N.)
	keys=$(grep -oE '^\s*KEY[A-Z_]*\("[a-z0-9_.]+"' "$ROOT/launcher/profile/profile_schema.c" |
		grep -oE '"[a-z0-9_.]+"' | tr -d '"' | sed 's/\.[0-9]$/.N/' | sort -u)
	[[ $(wc -w <<<"$keys") -gt 50 ]] || fail "the schema's keys were not found: $keys"
	for key in $keys; do
		grep -qE "^\s*${key//.N/\\.[0-7]}\s*=" "$GOLDEN"/*.ini || fail "no golden profile sets '$key'"
	done
	for section in vm qemu firmware cpu memory gpu pci disk cdrom net usb input audio display hooks sandbox smbios; do
		grep -qE "^\[${section}[].]" "$GOLDEN"/*.ini || fail "no golden profile has [$section]"
	done
}

@test "a BAR the kernel says is 2^63 bytes gives OVMF's largest window, and print ends" {
	cp -r "$GOLDEN/host/sys" "$BATS_TEST_TMPDIR/sys"
	sed -i '2s/.*/0x0000000000000000 0x8000000000000000 0x000000000014220c/' \
		"$BATS_TEST_TMPDIR/sys/bus/pci/devices/0000:0e:00.0/resource"
	PASSLAUNCH_SYSFS=$BATS_TEST_TMPDIR/sys run --separate-stderr timeout 10 "$PASSLAUNCH" print "$GOLDEN/win11.ini"
	assert_success
	assert_output --partial "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=$(((1 << 46) / (1 << 20)))"
}
