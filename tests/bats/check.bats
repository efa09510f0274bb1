#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# `passlaunch check` against fake host trees: every PASS, WARN and FAIL path
# of the host checks and the profile checks, in text and JSON.

load common

setup() {
	common_setup
	fake_host
}

# A host ready for passthrough: KVM, an IOMMU with remapping, vfio, OVMF,
# 2M hugepages, 4 CPUs, and a GPU (0b:00.0 + 0b:00.1) alone in group 7
# while 0c:00.0 shares group 8 with 0c:00.1.
fake_host() {
	local h=$TMP/host dev group
	mkdir -p "$h/dev" "$h/sys/module/kvm_intel" "$h/sys/class/iommu/dmar0" \
		"$h/sys/module/vfio" "$h/sys/module/vfio_iommu_type1" "$h/sys/module/vfio_pci" \
		"$h/sys/kernel/mm/hugepages/hugepages-2048kB" "$h/sys/devices/system/cpu" "$h/proc/self"
	touch "$h/dev/kvm"
	cp "$GOLDEN/host/proc/cpuinfo" "$h/proc/cpuinfo"
	echo "  24:  0  0  IR-PCI-MSI 512000-edge  ahci" >"$h/proc/interrupts"
	echo "MemAvailable:   16777216 kB" >"$h/proc/meminfo"
	: >"$h/proc/self/mounts"
	echo 1024 >"$h/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
	echo 0-3 >"$h/sys/devices/system/cpu/online"
	for dev in 0000:0b:00.0:7:0x030000:0x10de:0x2204 0000:0b:00.1:7:0x040300:0x10de:0x1aef \
		0000:0c:00.0:8:0x030000:0x1002:0x73bf 0000:0c:00.1:8:0x0c0330:0x1002:0x73a6; do
		IFS=: read -r dom bus slotfn group class vendor device <<<"$dev"
		local bdf=$dom:$bus:$slotfn d=$h/sys/bus/pci/devices/$dom:$bus:$slotfn
		mkdir -p "$d" "$h/sys/kernel/iommu_groups/$group/devices"
		echo "$class" >"$d/class"
		echo "$vendor" >"$d/vendor"
		echo "$device" >"$d/device"
		ln -s "../../../../kernel/iommu_groups/$group" "$d/iommu_group"
		ln -s "../../../../bus/pci/devices/$bdf" "$h/sys/kernel/iommu_groups/$group/devices/$bdf"
	done
	touch "$h/sys/bus/pci/devices/0000:0b:00.0/rom"
	export PASSLAUNCH_SYSFS=$h/sys PASSLAUNCH_PROCFS=$h/proc PASSLAUNCH_DEVFS=$h/dev
	export PASSLAUNCH_FIRMWARE_PATH=$GOLDEN/host/firmware PASSLAUNCH_QEMU_VERSION=8.2
}

profile() {
	cat >vm.ini <<-INI
	[vm]
	name = vm
	[memory]
	size = 1G
	hugepages = 2M
	[cpu]
	cores = 2
	vcpu_pin = 2,3
	$(printf '%s\n' "$@")
	INI
}

@test "check: a ready host passes every check; exit 0" {
	run "$PASSLAUNCH" check
	assert_success
	assert_output "PASS  hardware KVM: kvm_intel loaded, /dev/kvm present
PASS  IOMMU: 1 IOMMU unit, 2 groups
PASS  interrupt remapping: on
PASS  vfio modules: vfio, vfio_iommu_type1 and vfio_pci available
PASS  OVMF: /usr/share/OVMF/OVMF_CODE_4M.fd"
}

@test "check: no KVM, no IOMMU, no remapping, no vfio: each fails or warns with its fix; exit 1" {
	rm "$TMP/host/dev/kvm"
	rm -r "$TMP/host/sys/class/iommu/dmar0" "$TMP/host/sys/module/vfio_pci"
	: >"$TMP/host/proc/interrupts"
	run "$PASSLAUNCH" check
	assert_equal "$status" 1
	assert_line "FAIL  hardware KVM: /dev/kvm does not exist"
	assert_line "      fix: turn on VT-x (Intel) or SVM / AMD-V (AMD) in the firmware setup, then modprobe kvm_intel or kvm_amd"
	assert_line "FAIL  IOMMU: no IOMMU is on ($TMP/host/sys/class/iommu is empty)"
	assert_line "      fix: add intel_iommu=on iommu=pt to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and turn on VT-d / AMD-Vi in the firmware setup"
	assert_line "WARN  interrupt remapping: no remapped interrupts in $TMP/host/proc/interrupts"
	if [[ ! -e /lib/modules/$(uname -r)/modules.dep ]] || ! grep -q '/vfio-pci.ko' "/lib/modules/$(uname -r)/modules.dep"; then
		assert_line "FAIL  vfio modules: not available: vfio_pci"
	fi
}

@test "check: an AMD host is told amd_iommu=on" {
	cp "$GOLDEN/host/proc-amd/cpuinfo" "$TMP/host/proc/cpuinfo"
	rm -r "$TMP/host/sys/class/iommu/dmar0"
	run "$PASSLAUNCH" check
	assert_line --partial "fix: add amd_iommu=on iommu=pt to the kernel command line"
}

@test "check PROFILE: a GPU alone in its group, its ROM, CPUs, hugepages and disk pass" {
	truncate -s 1M disk.img
	head -c 65536 /dev/zero >gop.rom
	profile "[gpu.main]" "address = 0b:00.0" "rom.1 = $TMP/gop.rom" "release = vfio" "[disk.system]" "source = $TMP/disk.img" "format = raw"
	run "$PASSLAUNCH" check vm.ini
	assert_success
	assert_line "PASS  release of main: stays on vfio-pci after the guest stops; passlaunch gpu attach 0000:0b:00.0 gives it back"
	assert_line "PASS  ROM of main function 1: $TMP/gop.rom (65536 bytes)"
	assert_line "PASS  hugepages: 1024 free, 512 needed"
	assert_line "PASS  0000:0b:00.0: VGA controller [10de:2204]"
	assert_line "PASS  0000:0b:00.1: audio device [10de:1aef]"
	assert_line "PASS  IOMMU group of 0000:0b:00.0: group 7 holds only passed devices"
	assert_line "PASS  ROM of main: the card exposes its ROM ($TMP/host/sys/bus/pci/devices/0000:0b:00.0/rom)"
	assert_line "PASS  CPU pinning: every CPU named is online"
	assert_line "PASS  disk system: $TMP/disk.img"
	refute_line --partial "FAIL"
}

@test "check PROFILE: a shared group, a missing device, disk and CPU, short hugepages: each FAIL says what to do" {
	echo "MemAvailable:   524288 kB" >"$TMP/host/proc/meminfo"
	echo 10 >"$TMP/host/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
	profile "[gpu.main]" "address = 0c:00.0" "functions = 0" "[pci.nic]" "address = 0000:0f:00.0" \
		"[disk.system]" "source = $TMP/missing.img" "format = raw"
	sed -i 's/^vcpu_pin = 2,3$/vcpu_pin = 2,9/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_equal "$status" 1
	assert_line "FAIL  IOMMU group of 0000:0c:00.0: group 8 also holds 0000:0c:00.1 (USB controller [1002:73a6])"
	assert_line --partial "      fix: pass those too (a [pci] section each), or move the card to a slot with a group of its own"
	assert_line "FAIL  0000:0f:00.0: no such PCI device on this host"
	assert_line "FAIL  disk system: $TMP/missing.img: No such file or directory"
	assert_line --regexp '^FAIL  CPU pinning: .*9'
	assert_line "FAIL  hugepages: 512 needed; 10 free and memory for 256 more"
	assert_line "WARN  ROM of main: 0000:0c:00.0 has no ROM BAR"
}

@test "check PROFILE: each passed device's reset methods and what they mean for a second start" {
	local dev=$TMP/host/sys/bus/pci/devices
	profile "[gpu.main]" "address = 0b:00.0"
	echo "flr bus" >"$dev/0000:0b:00.0/reset_method"
	echo pm >"$dev/0000:0b:00.1/reset_method"
	run "$PASSLAUNCH" check vm.ini
	assert_success
	assert_line "PASS  reset: 0000:0b:00.0: flr bus (the device resets itself)"
	assert_line "WARN  reset: 0000:0b:00.1: only 'pm', a power-state reset many GPUs ignore: a second start may fail"
	: >"$dev/0000:0b:00.1/reset_method"
	run "$PASSLAUNCH" check vm.ini
	assert_line "WARN  reset: 0000:0b:00.1: the kernel offers no reset: a second start will likely fail"
	assert_line --partial "fix: a slot where the card is alone behind its bridge gives it a bus reset"
	# A reset method the device does not offer: what run refuses, with the line.
	sed -i 's/^address = 0b:00.0$/address = 0b:00.0\nreset_method = pm/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_failure 1
	assert_line "FAIL  reset: vm.ini:11: reset_method names pm, but the kernel offers 0000:0b:00.0 only: flr bus; name only those (passlaunch check shows them)"
}

# put_behind_bridge BRIDGE BDF...: the devices' sysfs directories moved under
# the bridge's, as the kernel lays out a secondary bus.
put_behind_bridge() {
	local h=$TMP/host/sys bridge=$1 bdf
	shift
	mkdir -p "$h/devices/pci0000:00/$bridge"
	for bdf; do
		mv "$h/bus/pci/devices/$bdf" "$h/devices/pci0000:00/$bridge/$bdf"
		ln -s "../../../devices/pci0000:00/$bridge/$bdf" "$h/bus/pci/devices/$bdf"
	done
}

@test "check PROFILE: a device with no reset of its own behind a bridge is reset with its bus when all of the bus is passed" {
	local dev=$TMP/host/sys/bus/pci/devices
	profile "[gpu.main]" "address = 0b:00.0"
	put_behind_bridge 0000:00:01.0 0000:0b:00.0 0000:0b:00.1
	# The kernel lists bus on function 0 (probed before function 1 was on
	# the bus) and nothing on function 1.
	echo bus >"$dev/0000:0b:00.0/reset_method"
	: >"$dev/0000:0b:00.1/reset_method"
	run "$PASSLAUNCH" check vm.ini
	assert_success
	assert_line "PASS  reset: 0000:0b:00.0: vfio-pci resets the bus behind 0000:00:01.0 between runs, since every device on it is passed (0000:0b:00.0, 0000:0b:00.1); the device alone offers 'bus'"
	assert_line "PASS  reset: 0000:0b:00.1: vfio-pci resets the bus behind 0000:00:01.0 between runs, since every device on it is passed (0000:0b:00.0, 0000:0b:00.1); the device alone offers 'none'"
	# Only function 0 passed: the bus also holds one that is not.
	sed -i 's/^address = 0b:00.0$/address = 0b:00.0\nfunctions = 0/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_line "WARN  reset: 0000:0b:00.0: a bus reset would also reset 0000:0b:00.1, which is not passed: the kernel will not reset the bus, and a second start may fail"
	assert_line "      fix: pass every device on that bus"
}

@test "check PROFILE: an AMD GPU of the reset bug needs vendor-reset, loaded and chosen; one that may sink into D3cold is warned of" {
	local dev=$TMP/host/sys/bus/pci/devices/0000:0b:00.0
	profile "[gpu.main]" "address = 0b:00.0"
	# An RX 5700 XT (Navi 10), which reports a bus reset that leaves it hung.
	echo 0x1002 >"$dev/vendor"
	echo 0x731f >"$dev/device"
	echo bus >"$dev/reset_method"
	echo 1 >"$dev/d3cold_allowed"
	run "$PASSLAUNCH" check vm.ini
	assert_line "WARN  reset: 0000:0b:00.0 (AMD Navi 10) does not reset without vendor-reset: a second start will likely fail until the host reboots"
	assert_line --partial "fix: install and load the vendor-reset module (DKMS), then set [gpu] reset_method = device_specific"
	assert_line "WARN  power states: 0000:0b:00.0: d3cold_allowed is 1 and vfio-pci lets idle devices sleep: AMD GPUs can stay stuck in D3cold between runs"
	mkdir -p "$TMP/host/sys/module/vendor_reset" "$TMP/host/sys/module/vfio_pci/parameters"
	echo Y >"$TMP/host/sys/module/vfio_pci/parameters/disable_idle_d3"
	run "$PASSLAUNCH" check vm.ini
	assert_line "WARN  reset: 0000:0b:00.0 (AMD Navi 10): vendor-reset is loaded, but the reset method is 'bus': a second start will likely hang the card"
	refute_line --partial "power states"
	echo "device_specific bus" >"$dev/reset_method"
	sed -i 's/^address = 0b:00.0$/address = 0b:00.0\nreset_method = device_specific/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_line "PASS  reset: 0000:0b:00.0 (AMD Navi 10): vendor-reset's device-specific reset is selected"
	refute_line --partial "FAIL  reset"
}

@test "check PROFILE: a process holding the GPU's DRM node is named, as a warning with the fix" {
	local dev=$TMP/host/sys/bus/pci/devices/0000:0b:00.0 holder
	profile "[gpu.main]" "address = 0b:00.0"
	run "$PASSLAUNCH" check vm.ini
	assert_line "PASS  device users: no process holds the passed devices' nodes"
	# /dev/full's numbers as the card's, and its holder seen through the fake
	# /proc (a link to the real process).
	mkdir -p "$dev/drm/card0"
	echo 1:7 >"$dev/drm/card0/dev"
	echo DEVNAME=dri/card0 >"$dev/drm/card0/uevent"
	sleep 1000 3>/dev/full >/dev/null 2>&1 &
	holder=$!
	ln -s "/proc/$holder" "$TMP/host/proc/$holder"
	run "$PASSLAUNCH" check vm.ini
	kill "$holder"
	assert_success
	assert_line --regexp "^WARN  device users: PID $holder \(sleep[^)]*\) holds /dev/dri/card0$"
	assert_line --partial "fix: stop them before the run (a desktop on this GPU: hooks use = display-manager; other services and your own units: use = gpu-users)"
	# The holder names itself: an escape sequence in its name is shown,
	# never sent to root's terminal (check prints what it is given).
	cp /bin/sleep "$TMP/$(printf 'x\033[2J')"
	"$TMP/$(printf 'x\033[2J')" 1000 3>/dev/full >/dev/null 2>&1 &
	holder=$!
	ln -s "/proc/$holder" "$TMP/host/proc/$holder"
	run "$PASSLAUNCH" check vm.ini
	kill "$holder"
	assert_line "WARN  device users: PID $holder (x^[[2J) holds /dev/dri/card0"
	refute_output --partial "$(printf '\033')"
}

@test "check PROFILE: vcpu_pin = auto shows the plan, one line per choice, read from the host's topology" {
	rm -rf "$TMP/host/sys/devices/system/cpu"
	"$ROOT/tests/helpers/fake-cpu-sysfs" "$GOLDEN/host-7950x3d.topo" "$TMP/host/sys"
	profile "[gpu.main]" "address = 0b:00.0"
	sed -i 's/^cores = 2$/cores = 6\nthreads = 2/; s/^vcpu_pin = 2,3$/vcpu_pin = auto/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_success
	assert_line "PASS  CPU pinning: vcpu_pin = 1,17,2,18,3,19,4,20,5,21,6,22 (vCPU 0 first)"
	assert_line --regexp '^PASS  CPU pinning: L3: every vCPU in one L3 domain \(CPUs 0-7,16-23, 96 MiB of L3\): the largest L3'
	assert_line "PASS  CPU pinning: QEMU's own threads: CPUs 0,16, a whole core the vCPUs leave to the host"
	# The same profile on a host that has no such cores.
	sed -i 's/^cores = 6$/cores = 16/' vm.ini
	run "$PASSLAUNCH" check vm.ini
	assert_equal "$status" 1
	assert_line "FAIL  CPU pinning: vm.ini:9: vcpu_pin = auto needs 16 cores and one more for the host, but this host has 16; lower cores or threads, or list the CPUs"
}

@test "check --json: the same results as JSON" {
	rm "$TMP/host/dev/kvm"
	run "$PASSLAUNCH" check --json
	assert_equal "$status" 1
	run jq -r '.[] | "\(.result) \(.check) \(.fix != null)"' <<<"$output"
	assert_line "FAIL hardware KVM true"
	assert_line "PASS IOMMU false"
}

@test "check PROFILE: a block device mounted on the host fails" {
	mknod "$TMP/blk" b 7 0 2>/dev/null || skip "cannot make a block device node here"
	echo "$TMP/blk /mnt/games ext4 rw,relatime 0 0" >"$TMP/host/proc/self/mounts"
	profile "[disk.games]" "source = $TMP/blk" "format = raw"
	run "$PASSLAUNCH" check vm.ini
	assert_equal "$status" 1
	assert_line "FAIL  disk games: $TMP/blk is mounted: $TMP/blk on /mnt/games"
	assert_line "      fix: unmount it on the host: a disk used by both the host and the guest is corrupted"
}

@test "check PROFILE: a disk is mounted when it or a partition of it (its child in sysfs) is, not when a mounted device's name only begins with the disk's" {
	mknod "$TMP/sd" b 8 0 2>/dev/null || skip "cannot make a block device node here"
	# Another device (loop1), its path the disk's and more.
	mknod "$TMP/sdx1" b 7 1
	echo "$TMP/sdx1 /mnt/other ext4 rw,relatime 0 0" >"$TMP/host/proc/self/mounts"
	profile "[disk.games]" "source = $TMP/sd" "format = raw"
	run "$PASSLAUNCH" check vm.ini
	assert_line "PASS  disk games: $TMP/sd"
	# A partition of the disk (its parent in sysfs) mounted: the disk is.
	mknod "$TMP/sd1" b 8 1
	local sys=$TMP/host/sys
	mkdir -p "$sys/devices/sd/sd1" "$sys/dev/block"
	echo 8:0 >"$sys/devices/sd/dev"
	echo 1 >"$sys/devices/sd/sd1/partition"
	ln -s ../../devices/sd/sd1 "$sys/dev/block/8:1"
	echo "$TMP/sd1 /mnt/games ext4 rw,relatime 0 0" >>"$TMP/host/proc/self/mounts"
	run "$PASSLAUNCH" check vm.ini
	assert_line "FAIL  disk games: $TMP/sd is mounted: $TMP/sd1 on /mnt/games"
}

@test "check PROFILE: release = vfio on the GPU the display manager was stopped for is warned of" {
	profile "[gpu.main]" "address = 0b:00.0" "release = vfio" "[hooks]" "use = display-manager vfio"
	run "$PASSLAUNCH" check vm.ini
	assert_line "WARN  release of main: release = vfio keeps the GPU the display manager stopped for on vfio-pci: the desktop comes back without it until passlaunch gpu attach 0000:0b:00.0"
	assert_line "      fix: release = host, unless another GPU drives the desktop"
}

@test "check PROFILE: Looking Glass on kvmfr: the module not loaded, its device too small, then ready" {
	profile "[display]" "looking_glass = kvmfr" "resolution = 2560x1440"
	run "$PASSLAUNCH" check vm.ini
	assert_line "FAIL  Looking Glass: $TMP/host/dev/kvmfr0 is not there"
	assert_line "      fix: load Looking Glass's kvmfr module: modprobe kvmfr static_size_mb=64"
	mknod "$TMP/host/dev/kvmfr0" c 1 5
	mkdir -p "$TMP/host/sys/module/kvmfr/parameters"
	echo 32 >"$TMP/host/sys/module/kvmfr/parameters/static_size_mb"
	run "$PASSLAUNCH" check vm.ini
	assert_line "FAIL  Looking Glass: kvmfr0 holds 32M; 2560x1440 needs 64M"
	assert_line "      fix: reload Looking Glass's kvmfr module: modprobe -r kvmfr; modprobe kvmfr static_size_mb=64"
	echo 64 >"$TMP/host/sys/module/kvmfr/parameters/static_size_mb"
	run "$PASSLAUNCH" check vm.ini
	assert_line "PASS  Looking Glass: $TMP/host/dev/kvmfr0, 64M for 2560x1440"
}
