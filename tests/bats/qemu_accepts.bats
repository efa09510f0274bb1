#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# Tier 3: the real qemu-system-x86_64 accepts what the builder emits. Each
# golden and example profile, and each published configuration's
# (tests/realworld), made runnable here by tests/helpers/tcg-variant
# (TCG, host hardware left out), is started paused from `passlaunch print`'s
# output, answers on its QMP socket with the expected devices, and quits cleanly.

load common

GIGA_POOL=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages

setup_file() {
	# 600 free 2M hugepages for the memory backends, added to what the host
	# has free (never taken from it); the pool is given back in teardown_file.
	local pool free
	pool=$(cat /proc/sys/vm/nr_hugepages)
	free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
	echo "$pool" >"$BATS_FILE_TMPDIR/hugepages"
	((free >= 600)) || echo $((pool + 600 - free)) >/proc/sys/vm/nr_hugepages || true
	# And a 1G page where the kernel has that size and can find one
	# (tcg-variant falls back to 2M when none is free).
	if [[ -w $GIGA_POOL ]]; then
		cat "$GIGA_POOL" >"$BATS_FILE_TMPDIR/giga"
		echo 1 >"$GIGA_POOL" 2>/dev/null || true
	fi
	# A sound server for -audiodev pa, private to this suite.
	export XDG_RUNTIME_DIR=$BATS_FILE_TMPDIR/xdg HOME=$BATS_FILE_TMPDIR/xdg
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	pulseaudio -n --daemonize=yes --exit-idle-time=-1 --use-pid-file=yes \
		--load=module-null-sink --load=module-native-protocol-unix 2>/dev/null
}

teardown_file() {
	pulseaudio --kill 2>/dev/null || true
	cat "$BATS_FILE_TMPDIR/hugepages" >/proc/sys/vm/nr_hugepages
	[[ ! -e $BATS_FILE_TMPDIR/giga ]] || cat "$BATS_FILE_TMPDIR/giga" >"$GIGA_POOL"
	rm -f /dev/shm/passlaunch-*-looking-glass
}

setup() {
	common_setup
	unset PASSLAUNCH_QEMU_VERSION
	[[ -w /proc/sys/vm/nr_hugepages ]] || skip "needs root for hugepages and tap devices"
}

teardown() {
	[[ -n ${QEMU_PID:-} ]] && kill -9 "$QEMU_PID" 2>/dev/null
	[[ -n ${SWTPM_PID:-} ]] && kill "$SWTPM_PID" 2>/dev/null
	return 0
}

# The word after "id=" of every -device line whose driver is a PCI device.
expected_pci_ids() {
	grep -oE -- '-device (pcie-root-port|virtio-blk-pci|virtio-scsi-pci|nvme|virtio-net-pci|e1000e|e1000|rtl8139|qemu-xhci|ich9-intel-hda|intel-hda|AC97|virtio-sound-pci|VGA|secondary-vga|qxl-vga|qxl|virtio-vga|virtio-gpu-pci|bochs-display|ivshmem-plain|virtio-serial-pci|virtio-balloon-pci|virtio-rng-pci|i6300esb|virtio-keyboard-pci|virtio-mouse-pci|virtio-tablet-pci)[^ ]*' cmd |
		grep -oE 'id=[^, ]+' | cut -d= -f2
}

make_images() {
	local src
	grep -oE '^source = .*' variant.ini | cut -d' ' -f3 | while read -r src; do
		if [[ $src == *.qcow2 ]]; then
			qemu-img create -q -f qcow2 "$src" 64M
		else
			qemu-img create -q -f raw "$src" 64M
		fi
	done
}

# The VARS template that goes with the code the builder chose.
copy_vars() {
	local code vars template
	code=$(grep -oE 'if=pflash,unit=0,[^ ]*' cmd | sed 's/.*file=//')
	[[ -n $code ]] || return 0
	vars=$(grep -oE 'set=[0-9]+,opaque=rw:[^ ]*OVMF_VARS[^ ]*' cmd | sed 's/.*opaque=rw://')
	template=$(jq -r --arg code "$code" \
		'select(.mapping.executable.filename == $code) | .mapping["nvram-template"].filename' \
		/usr/share/qemu/firmware/*.json | head -n1)
	[[ -n $template ]] || template=/usr/share/OVMF/OVMF_VARS_4M.fd
	mkdir -p "$(dirname "$vars")"
	cp "$template" "$vars"
}

start_swtpm() {
	local sock=$1
	mkdir -p "$TMP/tpm"
	swtpm socket --tpm2 --tpmstate dir="$TMP/tpm" --ctrl type=unixio,path="$sock" \
		--flags not-need-init,startup-clear &
	SWTPM_PID=$!
	wait_for_socket "$sock"
}

wait_for_socket() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ -S $1 ]] && return 0
		kill -0 "${QEMU_PID:-$$}" 2>/dev/null || break
		sleep 0.1
	done
	fail "no socket at $1; QEMU said: $(cat "$TMP/qemu.log" 2>/dev/null)"
}

accepts() {
	local profile=$1 name qmp ids
	name=$(basename "$profile" .ini)
	"$HELPERS/tcg-variant" "$profile" "$TMP/disks" >"$name.ini"
	cp "$name.ini" variant.ini
	mkdir -p "$TMP/disks"
	make_images
	run --separate-stderr "$PASSLAUNCH" print "$name.ini"
	assert_success
	printf '%s\n' "$output" >cmd
	copy_vars
	# What `passlaunch run` prepares: the monitors' sockets (here in $TMP),
	# the directories QEMU's own sockets go in, its TPM.
	qmp=$TMP/sock/qmp-client.sock
	mkdir -p "$TMP/sock"
	grep -oE '(path=|unix=on,addr=|-vnc unix:)[^, ]+' cmd | sed -E 's/^(path=|unix=on,addr=|-vnc unix:)//' |
		while read -r path; do mkdir -p "$(dirname "$path")"; done
	if grep -q -- '-tpmdev' cmd; then
		start_swtpm "$(grep -oE 'socket,id=swtpm,path=[^ ,]+' cmd | sed 's/.*path=//')"
	fi
	# The taps, files and sockets `passlaunch run` would hand over as descriptors.
	local launcher
	launcher=("$HELPERS/with-fds" "qa$BATS_TEST_NUMBER." cmd "$TMP/sock")
	# A desktop for the GTK window. With no session bus GLib would fork
	# dbus-launch, which the sandbox (spawn=deny) answers with SIGSYS; a
	# desktop session has a bus, and here there is none to use.
	grep -q -- '-display gtk' cmd && launcher+=(env DBUS_SESSION_BUS_ADDRESS=disabled: xvfb-run -a)
	# shellcheck disable=SC2294  # the printed command is shell-quoted on purpose
	"${launcher[@]}" bash -c "exec $(cat cmd)" >"$TMP/qemu.log" 2>&1 &
	QEMU_PID=$!
	wait_for_socket "$qmp"

	run "$HELPERS/qmp" "$qmp" 'human-monitor-command={"command-line": "info qom-tree"}'
	((status == 0)) || fail "QMP failed: $output; QEMU said: $(cat "$TMP/qemu.log")"
	# Sleep states as the profile asks (off unless s3/s4 = yes), on the
	# machine's own power management (ICH9-LPC on q35, PIIX4_PM on pc): a
	# global for a device the machine lacks is lost.
	local pm s3=1 s4=1
	grep -qE '^s3 = yes' variant.ini && s3=0
	grep -qE '^s4 = yes' variant.ini && s4=0
	pm=$(jq -r . <<<"$output" | grep -oE '/device\[[0-9]+\] \((ICH9-LPC|PIIX4_PM)\)' | cut -d' ' -f1)
	[[ -n $pm ]] || fail "no ICH9-LPC or PIIX4_PM in QEMU's tree"
	run "$HELPERS/qmp" "$qmp" \
		"qom-get={\"path\": \"/machine/unattached$pm\", \"property\": \"disable_s3\"}" \
		"qom-get={\"path\": \"/machine/unattached$pm\", \"property\": \"disable_s4\"}"
	assert_equal "$output" "$s3"$'\n'"$s4"
	# A PCIe root port belongs on PCIe: none on the conventional PCI of pc.
	if grep -qE -- '-machine pc[,-]' cmd && grep -q pcie-root-port cmd; then
		fail "pcie-root-port on machine pc: $(grep -o 'pcie-root-port[^ ]*' cmd)"
	fi
	run "$HELPERS/qmp" "$qmp" query-status query-pci query-block quit
	((status == 0)) || fail "QMP failed: $output; QEMU said: $(cat "$TMP/qemu.log")"
	# Paused: the guest has not run a single instruction.
	assert_equal "$(sed -n 1p <<<"$output" | jq -r .status)" prelaunch
	ids=$(sed -n 2p <<<"$output" | jq -r '.. | .qdev_id? // empty')
	for id in $(expected_pci_ids); do
		grep -qxF "$id" <<<"$ids" || fail "QEMU has no PCI device $id; it has: $ids"
	done
	local blocks drive
	blocks=$(sed -n 3p <<<"$output")
	while read -r drive; do
		jq -e --arg d "$drive" 'any(.[]; .device == $d and .inserted != null)' <<<"$blocks" >/dev/null ||
			fail "QEMU has no medium in $drive"
	done < <(grep -E -- '-drive file=' cmd | grep -oE 'id=drive\.[^,]+' | cut -d= -f2)
	# A [cdrom] with no source: the drive is there, its tray empty.
	while read -r drive; do
		jq -e --arg d "$drive" 'any(.[]; .device == $d and .removable and .inserted == null)' \
			<<<"$blocks" >/dev/null || fail "no empty drive $drive: $blocks"
	done < <(grep -E -- '-drive if=none' cmd | grep -oE 'id=drive\.[^,]+' | cut -d= -f2)
	wait "$QEMU_PID"
	local status=$?
	QEMU_PID=
	assert_equal "$status" 0
}

@test "QEMU accepts golden: minimal" { accepts "$GOLDEN/minimal.ini"; }
@test "QEMU accepts golden: win10" { accepts "$GOLDEN/win10.ini"; }
@test "QEMU accepts golden: win11" { accepts "$GOLDEN/win11.ini"; }
@test "QEMU accepts golden: single-gpu" { accepts "$GOLDEN/single-gpu.ini"; }
@test "QEMU accepts golden: looking-glass" { accepts "$GOLDEN/looking-glass.ini"; }
@test "QEMU accepts golden: tcg-bios" { accepts "$GOLDEN/tcg-bios.ini"; }
@test "QEMU accepts golden: i440fx" { accepts "$GOLDEN/i440fx.ini"; }
@test "QEMU accepts golden: cpu-features" { accepts "$GOLDEN/cpu-features.ini"; }
@test "QEMU accepts golden: smbios" { accepts "$GOLDEN/smbios.ini"; }
@test "QEMU accepts golden: video-virtio" { accepts "$GOLDEN/video-virtio.ini"; }
@test "QEMU accepts golden: video-qxl-gpu" { accepts "$GOLDEN/video-qxl-gpu.ini"; }
@test "QEMU accepts golden: peripherals" { accepts "$GOLDEN/peripherals.ini"; }
@test "QEMU accepts golden: i440fx-sound" { accepts "$GOLDEN/i440fx-sound.ini"; }
@test "QEMU accepts golden: audio-jack" { accepts "$GOLDEN/audio-jack.ini"; }
@test "QEMU accepts golden: hugepages-1g" { accepts "$GOLDEN/hugepages-1g.ini"; }
@test "QEMU accepts golden: disks" { accepts "$GOLDEN/disks.ini"; }
@test "QEMU accepts golden: network" { accepts "$GOLDEN/network.ini"; }
@test "QEMU accepts golden: usb-input" { accepts "$GOLDEN/usb-input.ini"; }
@test "QEMU accepts golden: vnc-pulse" { accepts "$GOLDEN/vnc-pulse.ini"; }
@test "QEMU accepts golden: gtk-pipewire" { accepts "$GOLDEN/gtk-pipewire.ini"; }
@test "QEMU accepts golden: pci-devices" { accepts "$GOLDEN/pci-devices.ini"; }
@test "QEMU accepts golden: amd-smt" { accepts "$GOLDEN/amd-smt.ini"; }
@test "QEMU accepts golden: no-kvm" { accepts "$GOLDEN/no-kvm.ini"; }
@test "QEMU accepts golden: sandbox-extra" { accepts "$GOLDEN/sandbox-extra.ini"; }
@test "QEMU accepts golden: firmware-paths" { accepts "$GOLDEN/firmware-paths.ini"; }
@test "QEMU accepts golden: secboot-code" { accepts "$GOLDEN/secboot-code.ini"; }
@test "QEMU accepts golden: pin-7950x3d" { accepts "$GOLDEN/pin-7950x3d.ini"; }
@test "QEMU accepts golden: pin-7950x3d-frequency" { accepts "$GOLDEN/pin-7950x3d-frequency.ini"; }
@test "QEMU accepts golden: pin-5950x" { accepts "$GOLDEN/pin-5950x.ini"; }
@test "QEMU accepts golden: pin-3900x" { accepts "$GOLDEN/pin-3900x.ini"; }
@test "QEMU accepts golden: pin-1950x" { accepts "$GOLDEN/pin-1950x.ini"; }
@test "QEMU accepts golden: pin-13900k" { accepts "$GOLDEN/pin-13900k.ini"; }
@test "QEMU accepts golden: pin-epyc-2s" { accepts "$GOLDEN/pin-epyc-2s.ini"; }
@test "QEMU accepts golden: apu-roms" { accepts "$GOLDEN/apu-roms.ini"; }
@test "QEMU accepts golden: gpu-rombar" { accepts "$GOLDEN/gpu-rombar.ini"; }
@test "QEMU accepts golden: rebar" { accepts "$GOLDEN/rebar.ini"; }
@test "QEMU accepts golden: looking-glass-kvmfr" { accepts "$GOLDEN/looking-glass-kvmfr.ini"; }

@test "QEMU accepts example: demo" { accepts "$ROOT/profiles/demo.ini"; }
@test "QEMU accepts example: win10" { accepts "$ROOT/profiles/win10.ini"; }
@test "QEMU accepts example: win11" { accepts "$ROOT/profiles/win11.ini"; }
@test "QEMU accepts example: single-gpu" { accepts "$ROOT/profiles/single-gpu.ini"; }
@test "QEMU accepts example: looking-glass" { accepts "$ROOT/profiles/looking-glass.ini"; }

@test "QEMU accepts realworld: libvirt-bryansteiner-win10" { accepts "$ROOT/tests/realworld/libvirt-bryansteiner-win10/profile.ini"; }
@test "QEMU accepts realworld: libvirt-cafreo-win10-looking-glass" { accepts "$ROOT/tests/realworld/libvirt-cafreo-win10-looking-glass/profile.ini"; }
@test "QEMU accepts realworld: libvirt-cappyt-g14-laptop-win10" { accepts "$ROOT/tests/realworld/libvirt-cappyt-g14-laptop-win10/profile.ini"; }
@test "QEMU accepts realworld: libvirt-darkacid-gtx1650-win10-lg" { accepts "$ROOT/tests/realworld/libvirt-darkacid-gtx1650-win10-lg/profile.ini"; }
@test "QEMU accepts realworld: libvirt-justarchi-gtx1080ti-win10-i440fx" { accepts "$ROOT/tests/realworld/libvirt-justarchi-gtx1080ti-win10-i440fx/profile.ini"; }
@test "QEMU accepts realworld: libvirt-mingyaoliu-threadripper-numa-win10" { accepts "$ROOT/tests/realworld/libvirt-mingyaoliu-threadripper-numa-win10/profile.ini"; }
@test "QEMU accepts realworld: libvirt-renangrothe-acer-nitro-laptop-win11" { accepts "$ROOT/tests/realworld/libvirt-renangrothe-acer-nitro-laptop-win11/profile.ini"; }
@test "QEMU accepts realworld: libvirt-snekutaren-9070xt-win11-kvmfr" { accepts "$ROOT/tests/realworld/libvirt-snekutaren-9070xt-win11-kvmfr/profile.ini"; }
@test "QEMU accepts realworld: libvirt-sotigr-archlinux-guest" { accepts "$ROOT/tests/realworld/libvirt-sotigr-archlinux-guest/profile.ini"; }
@test "QEMU accepts realworld: proxmox-andrei-paul-gtx760-win10" { accepts "$ROOT/tests/realworld/proxmox-andrei-paul-gtx760-win10/profile.ini"; }
@test "QEMU accepts realworld: proxmox-ayufan-204-win10-rtx2080s" { accepts "$ROOT/tests/realworld/proxmox-ayufan-204-win10-rtx2080s/profile.ini"; }
@test "QEMU accepts realworld: proxmox-ayufan-206-ubuntu-rx560" { accepts "$ROOT/tests/realworld/proxmox-ayufan-206-ubuntu-rx560/profile.ini"; }
@test "QEMU accepts realworld: proxmox-halimbo-rtx3050-win11" { accepts "$ROOT/tests/realworld/proxmox-halimbo-rtx3050-win11/profile.ini"; }
@test "QEMU accepts realworld: proxmox-iroger-trx40-macos-radeonvii" { accepts "$ROOT/tests/realworld/proxmox-iroger-trx40-macos-radeonvii/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-darkacid-wendell-centos" { accepts "$ROOT/tests/realworld/qemu-script-darkacid-wendell-centos/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-spaghetti-win10-evdev" { accepts "$ROOT/tests/realworld/qemu-script-spaghetti-win10-evdev/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-stqigit-looking-glass-spice" { accepts "$ROOT/tests/realworld/qemu-script-stqigit-looking-glass-spice/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-utkarshverma-tuf-laptop-lg" { accepts "$ROOT/tests/realworld/qemu-script-utkarshverma-tuf-laptop-lg/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-vgeddes-r9nano-win10" { accepts "$ROOT/tests/realworld/qemu-script-vgeddes-r9nano-win10/profile.ini"; }
@test "QEMU accepts realworld: qemu-script-wxianxin-b650-kvmfr-win11" { accepts "$ROOT/tests/realworld/qemu-script-wxianxin-b650-kvmfr-win11/profile.ini"; }
@test "QEMU accepts realworld: single-gpu-hthmkhlf-macos-bigsur" { accepts "$ROOT/tests/realworld/single-gpu-hthmkhlf-macos-bigsur/profile.ini"; }
@test "QEMU accepts realworld: single-gpu-joxcat-framework-igpu-win11" { accepts "$ROOT/tests/realworld/single-gpu-joxcat-framework-igpu-win11/profile.ini"; }
@test "QEMU accepts realworld: single-gpu-qaidvoid-guide-win10" { accepts "$ROOT/tests/realworld/single-gpu-qaidvoid-guide-win10/profile.ini"; }
@test "QEMU accepts realworld: single-gpu-stele95-7900xtx-win10" { accepts "$ROOT/tests/realworld/single-gpu-stele95-7900xtx-win10/profile.ini"; }
@test "QEMU accepts realworld: single-gpu-zile995-rx580-win10" { accepts "$ROOT/tests/realworld/single-gpu-zile995-rx580-win10/profile.ini"; }

@test "every published configuration of tests/realworld is started by the real QEMU above" {
	for dir in "$ROOT"/tests/realworld/*/; do
		grep -qF "realworld/$(basename "$dir")/profile.ini" "$BATS_TEST_FILENAME" || fail "no test for $dir"
	done
}

@test "every golden and example profile is started by the real QEMU above" {
	for ini in "$ROOT"/profiles/*.ini; do
		name=$(basename "$ini" .ini)
		grep -qF "accepts \"\$ROOT/profiles/$name.ini\"" "$BATS_TEST_FILENAME" || fail "no test for $name"
	done
	for ini in "$GOLDEN"/*.ini; do
		name=$(basename "$ini" .ini)
		grep -qF "accepts \"\$GOLDEN/$name.ini\"" "$BATS_TEST_FILENAME" || fail "no test for $name"
	done
}
