#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031  # bats sets output, stderr and status; each test runs in a subshell of its own
# The command line: usage, exit statuses, finding profiles, print's output.

load common

setup() {
	common_setup
	use_fake_host
}

@test "no arguments: usage on stderr, exit status 2" {
	run --separate-stderr "$PASSLAUNCH"
	assert_failure 2
	assert_output ""
	[[ $stderr == *"usage: passlaunch COMMAND"* ]]
}

@test "--help lists print and exits 0" {
	run "$PASSLAUNCH" --help
	assert_success
	assert_line --partial "print PROFILE"
}

@test "--version prints the version" {
	run "$PASSLAUNCH" --version
	assert_success
	assert_output --regexp '^passlaunch [0-9]+\.[0-9]+'
}

@test "an unknown command is refused with exit status 2" {
	run "$PASSLAUNCH" frobnicate
	assert_failure 2
	assert_output "passlaunch: error: unknown command 'frobnicate'; see passlaunch --help"
}

@test "print without a profile says how to call it" {
	run "$PASSLAUNCH" print
	assert_failure 2
	assert_output "passlaunch: error: usage: passlaunch print PROFILE"
}

@test "a missing profile file is named with the reason" {
	run "$PASSLAUNCH" print ./nothere.ini
	assert_failure 2
	assert_output "passlaunch: error: ./nothere.ini: cannot open the profile: No such file or directory"
}

@test "a profile is found by name in XDG_CONFIG_HOME/passlaunch" {
	mkdir -p "$XDG_CONFIG_HOME/passlaunch"
	printf '[memory]\nsize = 6G\n' >"$XDG_CONFIG_HOME/passlaunch/gamer.ini"
	run "$PASSLAUNCH" print gamer
	assert_success
	assert_line "    -name gamer,debug-threads=on \\"
	assert_line "    -m 6G \\"
}

@test "a name that matches no profile lists where it looked" {
	run "$PASSLAUNCH" print nosuchvm
	assert_failure 2
	assert_output --partial "no profile named 'nosuchvm': looked for $XDG_CONFIG_HOME/passlaunch/nosuchvm.ini and /etc/passlaunch/nosuchvm.ini"
}

@test "a directory is not a profile" {
	mkdir dir.ini
	run "$PASSLAUNCH" print dir.ini
	assert_failure 2
	assert_output "passlaunch: error: dir.ini: the profile is a directory; give a regular file"
}

@test "print's output is a shell command that gives back the exact argv" {
	cat >odd.ini <<-'INI'
	[vm]
	state_dir = /srv/vm's dir/with space
	[qemu]
	extra_args = -device 'virtio-rng-pci,id=rng0' -fw_cfg "name=opt/x,string=a b$c"
	INI
	run --separate-stderr "$PASSLAUNCH" print odd.ini
	assert_success
	# A stand-in binary that prints each argument on its own line.
	# shellcheck disable=SC2016  # the $a is the stand-in's, not ours
	printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done\n' >echo-args
	chmod +x echo-args
	eval "${output/\/usr\/bin\/qemu-system-x86_64/./echo-args}" >argv.txt
	grep -qxF -- "fd=3,set=1,opaque=rw:/srv/vm's dir/with space/OVMF_VARS.fd" argv.txt
	# shellcheck disable=SC2016  # a literal $c, as the profile has it
	grep -qxF -- 'name=opt/x,string=a b$c' argv.txt
	grep -qxF -- 'virtio-rng-pci,id=rng0' argv.txt
}

@test "print changes nothing on the host" {
	cp "$GOLDEN/win11.ini" .
	before=$(tree_state "$TMP")
	run "$PASSLAUNCH" print win11.ini
	assert_success
	assert_equal "$(tree_state "$TMP")" "$before"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR"
	assert_not_exists /srv/vms/win11
}

@test "accel = auto without hardware KVM warns and falls back to TCG" {
	export PASSLAUNCH_DEVFS=$GOLDEN/host/dev-nokvm
	printf '[memory]\nsize = 1G\n' >auto.ini
	run --separate-stderr "$PASSLAUNCH" print auto.ini
	assert_success
	assert_line "    -accel tcg \\"
	[[ $stderr == *"accel = auto: no hardware KVM (/dev/kvm does not exist); using TCG"* ]]
}

@test "/dev/kvm alone is not hardware KVM: kvm_intel or kvm_amd must be loaded" {
	mkdir -p sys/bus/pci/devices
	export PASSLAUNCH_SYSFS=$TMP/sys
	printf '[memory]\nsize = 1G\n' >auto.ini
	run --separate-stderr "$PASSLAUNCH" print auto.ini
	assert_success
	assert_line "    -accel tcg \\"
	[[ $stderr == *"neither kvm_intel nor kvm_amd is loaded"* ]]
}

@test "a GPU not on this host is warned about, and only its own function is shown" {
	printf '[gpu.main]\naddress = 0000:42:00.0\n' >gone.ini
	run --separate-stderr "$PASSLAUNCH" print gone.ini
	assert_success
	assert_line --partial "vfio-pci,host=0000:42:00.0,id=main,bus=rp.main,addr=00.0 \\"
	refute_line --partial "0000:42:00.1"
	[[ $stderr == *"gone.ini:1: [gpu.main] 0000:42:00.0 is not on this host"* ]]
}

@test "a [pci] device not on this host is warned about, as a GPU is" {
	printf '[pci.nic]\naddress = 0000:43:00.0\n' >gonepci.ini
	run --separate-stderr "$PASSLAUNCH" print gonepci.ini
	assert_success
	assert_line --partial "vfio-pci,host=0000:43:00.0,id=nic,bus=rp.nic"
	[[ $stderr == *"gonepci.ini:1: [pci.nic] 0000:43:00.0 is not on this host"* ]] || fail "no warning: $stderr"
}

@test "iothread_pin sharing a CPU with vcpu_pin is warned about, as emulator_pin is" {
	printf '[cpu]\ncores = 2\nvcpu_pin = 2,3\nemulator_pin = 0\niothread_pin = 3\n[disk.d]\nsource = /srv/vms/d.img\n' >io.ini
	run --separate-stderr "$PASSLAUNCH" print io.ini
	assert_success
	[[ $stderr == *"io.ini:5: CPU 3 is in both vcpu_pin and iothread_pin: the disks' I/O threads will compete with vCPU 1"* ]] || fail "no warning: $stderr"
}

@test "no OVMF descriptor: exit status 1 with the package to install" {
	export PASSLAUNCH_FIRMWARE_PATH=$TMP/empty
	printf '[memory]\nsize = 1G\n' >nofw.ini
	run "$PASSLAUNCH" print nofw.ini
	assert_failure 1
	assert_output --partial "nofw.ini: no OVMF firmware for q35: no descriptor in $TMP/empty offers it; install Debian's ovmf package"
}

@test "iommu: without IOMMU groups, says how to turn the IOMMU on; exit 1" {
	mkdir -p sys/kernel
	PASSLAUNCH_SYSFS=$TMP/sys run "$PASSLAUNCH" iommu
	assert_equal "$status" 1
	assert_output "passlaunch: error: no IOMMU groups in $TMP/sys/kernel/iommu_groups: the IOMMU is off; add intel_iommu=on (Intel) or amd_iommu=on (AMD) to the kernel command line and turn on VT-d / AMD-Vi (SVM, IOMMU) in the firmware setup"
	run "$PASSLAUNCH" iommu --profile
	assert_equal "$status" 2
	assert_output "passlaunch: error: usage: passlaunch iommu [--profile PROFILE]"
}

# fake_gpu: a one-function GPU at 0000:0a:00.0 on nouveau, in IOMMU group 7,
# in a sysfs under $TMP/sys of plain files.
fake_gpu() {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	mkdir -p "$dev" sys/bus/pci/drivers/nouveau sys/kernel/iommu_groups/7/devices
	ln -s ../../drivers/nouveau "$dev/driver"
	ln -s ../../../../kernel/iommu_groups/7 "$dev/iommu_group"
	ln -s ../../../../bus/pci/devices/0000:0a:00.0 sys/kernel/iommu_groups/7/devices/
	echo 0x030000 >"$dev/class"
	export PASSLAUNCH_SYSFS=$TMP/sys PASSLAUNCH_RUNTIME_DIR=$TMP/run
}

# vfio-pci as a driver, and /dev/vfio/7 for the group fake_gpu's device is in.
fake_vfio_pci() {
	mkdir -p sys/bus/pci/drivers/vfio-pci dev/vfio
	: >dev/vfio/7
	export PASSLAUNCH_DEVFS=$TMP/dev
}

# exec_done PID COMM: waits (bounded) until the background child PID has
# become COMM: until then it is the shell, holding nothing it will hold.
exec_done() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]] && return 0
		sleep 0.05
	done
	fail "PID $1 never became $2"
}

# memcheck CMD...: CMD under valgrind's memcheck, which fails it (status
# 99) at any read of uninitialised memory; a sanitized build (ASan cannot
# run under valgrind) runs as it is, and aborts on what ASan finds.
memcheck() {
	if ldd "$1" | grep -q libasan; then
		"$@"
	else
		valgrind -q --error-exitcode=99 "$@"
	fi
}

@test "iommu: a device without class, vendor or device files is shown with ?, and nothing unset is read" {
	local fn=sys/bus/pci/devices/0000:0a:00.1
	fake_gpu # 0a:00.0 has a class, no vendor, no device
	mkdir -p "$fn"
	ln -s ../../../../kernel/iommu_groups/7 "$fn/iommu_group"
	ln -s ../../../../bus/pci/devices/0000:0a:00.1 sys/kernel/iommu_groups/7/devices/
	echo 0x10de >"$fn/vendor"
	echo 0x10f0 >"$fn/device"
	printf '10de  NVIDIA Corporation\n\t10f0  GP104 High Definition Audio Controller\n' >pci.ids
	PASSLAUNCH_PCI_IDS=$TMP/pci.ids run memcheck "$PASSLAUNCH" iommu
	assert_success
	assert_output "IOMMU group 7
    0000:0a:00.0  VGA compatible controller [0300]  ?:?  driver: nouveau  reset: none
    0000:0a:00.1  device [?]  10de:10f0  NVIDIA Corporation GP104 High Definition Audio Controller  driver: none  reset: none"
}

@test "iommu: short lines in pci.ids give no name, never one read past the line" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	echo 0x10de >"$dev/vendor"
	echo 0x2204 >"$dev/device"
	# A vendor line cut short at the end of the file.
	printf '10de ' >pci.ids
	PASSLAUNCH_PCI_IDS=$TMP/pci.ids run memcheck "$PASSLAUNCH" iommu
	assert_success
	assert_line "    0000:0a:00.0  VGA compatible controller [0300]  10de:2204  driver: nouveau  reset: none"
	# IDs with no name after them: the built-in class name instead.
	printf '10de\n\t2204\nC 03\n\t00\n' >pci.ids
	PASSLAUNCH_PCI_IDS=$TMP/pci.ids run memcheck "$PASSLAUNCH" iommu
	assert_success
	assert_line "    0000:0a:00.0  VGA compatible controller [0300]  10de:2204  driver: nouveau  reset: none"
}

@test "gpu detach: writes the override, the unbind and the probe and records the driver; one that never binds is reported after 5 s" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	: >sys/bus/pci/drivers_probe
	: >"$dev/driver_override"
	: >sys/bus/pci/drivers/nouveau/unbind
	run "$PASSLAUNCH" gpu detach 0a:00.0
	assert_failure 1
	assert_output "passlaunch: error: vfio: 0000:0a:00.0 did not bind to vfio-pci within 5 s (is the vfio-pci module loaded?)"
	assert_equal "$(cat "$dev/driver_override")" vfio-pci
	assert_equal "$(cat sys/bus/pci/drivers/nouveau/unbind)" 0000:0a:00.0
	assert_equal "$(cat sys/bus/pci/drivers_probe)" 0000:0a:00.0
	assert_equal "$(cat run/devices/0000:0a:00.0)" nouveau
}

@test "gpu detach: processes holding the GPU's DRM and sound nodes are named with their PIDs, and nothing changes" {
	local dev=sys/bus/pci/devices/0000:0a:00.0 card_holder sound_holder
	fake_gpu
	: >sys/bus/pci/drivers_probe
	: >"$dev/driver_override"
	: >sys/bus/pci/drivers/nouveau/unbind
	# The nodes as sysfs describes them, with the numbers of /dev/full and
	# /dev/zero: what a process holding those holds, the kernel says.
	mkdir -p "$dev/drm/card0" "$dev/sound/card1/controlC1"
	echo 1:7 >"$dev/drm/card0/dev"
	echo DEVNAME=dri/card0 >"$dev/drm/card0/uevent"
	echo 1:5 >"$dev/sound/card1/controlC1/dev"
	echo DEVNAME=snd/controlC1 >"$dev/sound/card1/controlC1/uevent"
	sleep 1000 3>/dev/full >/dev/null 2>&1 &
	card_holder=$!
	sleep 1000 4</dev/zero >/dev/null 2>&1 &
	sound_holder=$!
	exec_done "$card_holder" sleep
	exec_done "$sound_holder" sleep
	PASSLAUNCH_PROCFS=/proc run "$PASSLAUNCH" gpu detach 0a:00.0
	kill "$card_holder" "$sound_holder"
	assert_failure 1
	assert_output --regexp "PID $card_holder \(sleep[^)]*\) holds /dev/dri/card0"
	assert_output --regexp "PID $sound_holder \(sleep[^)]*\) holds /dev/snd/controlC1"
	assert_output --partial "Stop these first"
	# A holder's name is its own to choose: an escape sequence in it is
	# shown, never sent to root's terminal.
	cp /bin/sleep "$TMP/$(printf 'x\033[2J')"
	"$TMP/$(printf 'x\033[2J')" 1000 3>/dev/full >/dev/null 2>&1 &
	card_holder=$!
	exec_done "$card_holder" "$(printf 'x\033[2J')"
	PASSLAUNCH_PROCFS=/proc run "$PASSLAUNCH" gpu detach 0a:00.0
	kill "$card_holder"
	assert_failure 1
	assert_output --partial "PID $card_holder (x^[[2J"
	refute_output --partial "$(printf '\033')"
	# gpu users lists them for the gpu-users hook: KIND USER UNIT PID COMMAND NODE.
	sleep 1000 3>/dev/full >/dev/null 2>&1 &
	card_holder=$!
	exec_done "$card_holder" sleep
	PASSLAUNCH_PROCFS=/proc run "$PASSLAUNCH" gpu users 0a:00.0
	kill "$card_holder"
	assert_success
	assert_output --regexp "^(system|user|other)	[^	]+	[^	]+	$card_holder	sleep	/dev/dri/card0\$"
	# Refused before anything changed.
	assert_equal "$(cat "$dev/driver_override")" ""
	assert_equal "$(cat sys/bus/pci/drivers/nouveau/unbind)" ""
	assert_not_exists run/devices/0000:0a:00.0
}

@test "gpu detach: a sysfs write that never returns is given up after 5 s, and its child with it" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	# A FIFO nobody reads: opening it to write blocks, as a driver_override
	# write blocks while an unbind waits for the device's users.
	mkfifo "$dev/driver_override"
	# To a file, not a pipe: a child left behind must not hold up the test.
	run bash -c '"$0" gpu detach 0a:00.0 >detach.log 2>&1' "$PASSLAUNCH"
	assert_failure 1
	run cat detach.log
	assert_output "passlaunch: error: vfio: cannot set the driver_override of 0000:0a:00.0: the device is busy (an unbind that waits for a process using it?)"
	# The child was killed: a reader now finds no writer waiting.
	run timeout 2 cat "$dev/driver_override"
	assert_output ""
	assert_equal "$(readlink "$dev/driver")" ../../drivers/nouveau
}

@test "recover: an entry whose file is gone is done, not kept for ever; one whose file is there is undone" {
	[[ $EUID == 0 ]] || skip "recover runs as root"
	mkdir -p "$PASSLAUNCH_RUNTIME_DIR/gone"
	echo new >"$TMP/setting"
	printf 'write\t%s\told\nwrite\t%s/no-such-dir/setting\told\ngovernor\t%s/no-such-cpu/scaling_governor\tschedutil\tperformance\n' \
		"$TMP/setting" "$TMP" "$TMP" >"$PASSLAUNCH_RUNTIME_DIR/gone/journal"
	run "$PASSLAUNCH" recover gone
	assert_success
	assert_equal "$(cat "$TMP/setting")" old
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/gone/journal"
}

@test "gpu detach in a run: a driver_override set before is journaled ahead of the driver, so it comes back after it" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	: >sys/bus/pci/drivers_probe
	echo nvidia >"$dev/driver_override"
	: >sys/bus/pci/drivers/nouveau/unbind
	mkdir -p run/ovr
	: >run/ovr/journal
	PASSLAUNCH_VM=ovr run "$PASSLAUNCH" gpu detach 0a:00.0
	run cat run/ovr/journal
	assert_line --index 0 "write	$PASSLAUNCH_SYSFS/bus/pci/devices/0000:0a:00.0/driver_override	nvidia"
	assert_line --index 1 "driver	0000:0a:00.0	nouveau"
}

# A stand-in for the kernel's side of a rebind, binding the device to TO.
# The unbind and the probe are FIFOs, whose opens hold the writer until the
# stand-in opens them too. What BAR 1's resource1_resize holds is noted
# while the writer waits at the unbind (after half a second, time for it to
# get there), and again once it changes, up to 5 s, before the stand-in
# lets the probe through: a resize that waited for the probe never comes.
fake_rebind() {
	local from=$1 to=$2 resize=${3:-resize} dev=sys/bus/pci/devices/0000:0a:00.0
	rm -f "sys/bus/pci/drivers/$from/unbind" sys/bus/pci/drivers_probe
	mkfifo "sys/bus/pci/drivers/$from/unbind" sys/bus/pci/drivers_probe
	{
		local before i
		sleep 0.5
		before=$(cat "$dev/resource1_resize" 2>/dev/null || true)
		echo "before the unbind from $from: resize holds $before"
		timeout 10 cat "sys/bus/pci/drivers/$from/unbind" >/dev/null
		rm "$dev/driver"
		for ((i = 0; i < 50; i++)); do
			[[ $resize != resize || $(cat "$dev/resource1_resize" || true) != "$before" ]] && break
			sleep 0.1
		done
		echo "before the probe: resize holds $(cat "$dev/resource1_resize" 2>/dev/null || true)"
		timeout 10 cat sys/bus/pci/drivers_probe >/dev/null
		ln -s "../../drivers/$to" "$dev/driver"
	} >>kernel.log &
}

# fake_resizable_gpu: fake_gpu's device on nouveau, with vfio-pci, and a
# BAR 1 of 256M that can be 64M to 32G (resource1_resize).
fake_resizable_gpu() {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	fake_vfio_pci
	: >"$dev/driver_override"
	printf '0x0000000000000000 0x0000000000000000 0x0000000000000000\n0x0000006000000000 0x000000600fffffff 0x000000000014220c\n' >"$dev/resource"
	printf '%016x\n' 0xffc0 >"$dev/resource1_resize"
}

# assert_resized_and_back: the stand-in kernel saw BAR 1 resized to 32G
# (15) while no driver had the device, on its way to vfio-pci, and its
# size of before (256M: 8) given back the same way, on its way back.
assert_resized_and_back() {
	run cat kernel.log
	assert_output "before the unbind from nouveau: resize holds 000000000000ffc0
before the probe: resize holds 15
before the unbind from vfio-pci: resize holds 15
before the probe: resize holds 8"
}

@test "gpu detach --rebar resizes the BAR between the unbind and vfio-pci's probe; gpu attach gives its size back the same way" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_resizable_gpu
	run "$PASSLAUNCH" gpu detach --rebar 0a:00.0=1:64G 0a:00.0
	assert_failure 2
	assert_output "passlaunch: error: --rebar 0000:0a:00.0: BAR 1 of 0000:0a:00.0 cannot be 64G; it can be 64M, 128M, 256M, 512M, 1G, 2G, 4G, 8G, 16G, 32G"
	assert_equal "$(cat "$dev/driver_override")" ""
	fake_rebind nouveau vfio-pci
	run "$PASSLAUNCH" gpu detach --rebar 0a:00.0=1:32G 0a:00.0
	assert_success
	assert_line --partial "0000:0a:00.0's BARs resized to 1:32G"
	assert_equal "$(cat run/devices/0000:0a:00.0.rebar)" "1:256M"
	fake_rebind vfio-pci nouveau
	run "$PASSLAUNCH" gpu attach 0a:00.0
	assert_success
	wait
	assert_resized_and_back
	assert_not_exists run/devices/0000:0a:00.0.rebar
}

# The fault matrix's case for ReBAR, on this stand-in kernel: a run whose
# launcher is killed after the vfio hook resized a BAR leaves its journal;
# recover gives the device its size back (before its driver's probe) and
# its driver, as gpu attach would.
@test "gpu detach --rebar in a run whose launcher is then killed: recover gives the BAR its size back, then the driver" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_resizable_gpu
	mkdir -p run/crashed
	: >run/crashed/journal
	fake_rebind nouveau vfio-pci
	PASSLAUNCH_VM=crashed run "$PASSLAUNCH" gpu detach --rebar 0a:00.0=1:32G 0a:00.0
	assert_success
	wait
	assert_equal "$(cut -f1-3 run/crashed/journal)" "driver	0000:0a:00.0	nouveau"
	fake_rebind vfio-pci nouveau
	run "$PASSLAUNCH" recover crashed
	assert_success
	wait
	assert_resized_and_back
	assert_equal "$(basename "$(readlink "$dev/driver")")" nouveau
	assert_not_exists run/devices/0000:0a:00.0.rebar
	assert_not_exists run/crashed/journal
}

@test "gpu detach --keep in a run: journaled like any device, and marked kept only once it is on vfio-pci" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	fake_vfio_pci
	mkdir -p run/kept
	: >sys/bus/pci/drivers_probe
	: >sys/bus/pci/drivers/nouveau/unbind
	: >"$dev/driver_override"
	: >run/kept/journal
	run "$PASSLAUNCH" gpu detach --keep 0000:0b:00.0 0a:00.0
	assert_failure 2
	assert_output "passlaunch: error: --keep 0000:0b:00.0: not among the devices to detach"
	# vfio-pci never takes it: the run's journal gives it back, as any other.
	PASSLAUNCH_VM=kept run "$PASSLAUNCH" gpu detach --keep 0000:0a:00.0 0a:00.0
	assert_failure 1
	assert_equal "$(head -n1 run/devices/0000:0a:00.0)" nouveau
	assert_equal "$(cut -f1-3 run/kept/journal)" "driver	0000:0a:00.0	nouveau"
	assert_not_exists run/devices/0000:0a:00.0.kept
	# vfio-pci takes it: kept.
	rm run/devices/0000:0a:00.0
	ln -sfn ../../drivers/nouveau "$dev/driver"
	fake_rebind nouveau vfio-pci noresize
	PASSLAUNCH_VM=kept run "$PASSLAUNCH" gpu detach --keep 0000:0a:00.0 0a:00.0
	assert_success
	wait
	assert_exists run/devices/0000:0a:00.0.kept
}

@test "gpu attach: a BAR the kernel will not resize keeps its size; the device still gets its driver and earlier override, and nothing of it is left" {
	local dev=sys/bus/pci/devices/0000:0a:00.0
	fake_gpu
	fake_vfio_pci
	mkdir -p run/devices
	ln -sfn ../../drivers/vfio-pci "$dev/driver"
	echo vfio-pci >"$dev/driver_override"
	printf 'nouveau\nnvidia\n' >run/devices/0000:0a:00.0
	echo 1:256M >run/devices/0000:0a:00.0.rebar
	: >run/devices/0000:0a:00.0.kept
	mkdir "$dev/resource1_resize" # a write there fails
	fake_rebind vfio-pci nouveau noresize
	run "$PASSLAUNCH" gpu attach 0a:00.0
	assert_failure 1
	assert_output --partial "the kernel could not resize BAR 1 of 0000:0a:00.0"
	wait
	assert_equal "$(basename "$(readlink "$dev/driver")")" nouveau
	assert_equal "$(cat "$dev/driver_override")" nvidia
	assert_not_exists run/devices/0000:0a:00.0
	assert_not_exists run/devices/0000:0a:00.0.rebar
	assert_not_exists run/devices/0000:0a:00.0.kept
}

# private_profile FILE [OWNER]: a profile only OWNER (root) may read, the
# secret in it the VM's name.
private_profile() {
	printf '[vm]\nname = secret-token\n[qemu]\naccel = tcg\n[memory]\nsize = 128M\n' >"$1"
	chown "${2:-root}" "$1"
	chmod 600 "$1"
}

# prints_secret [VAR=VALUE...] FILE: print, with those variables, shows it.
prints_secret() {
	run env "${@:1:$#-1}" "$PASSLAUNCH" print "${@: -1}"
	assert_success
	assert_output --partial "-name secret-token"
}

# Root's profiles that only root may read, the secret a value and a key.
root_only_profile() {
	open_tmp_to_nobody
	private_profile secret.ini
	printf 'secret-token = 1\n' >shadow.ini
	chmod 600 shadow.ini
}

@test "through sudo, a profile only root may read is refused by print, check and run, and none of it is shown" {
	[[ $EUID == 0 ]] || skip "needs root"
	root_only_profile
	local cmd file
	for cmd in print check run; do
		for file in secret.ini shadow.ini; do
			SUDO_UID=65534 run "$PASSLAUNCH" "$cmd" "$file"
			assert_failure 2
			assert_output --partial "$file: nobody may not read it; through sudo or pkexec, passlaunch reads a profile only with the rights of the user behind it as well; make it readable, e.g. chmod 644 $TMP/$file"
			refute_output --partial secret-token
		done
	done
	# Root's own call reads it, and a readable copy is read through sudo.
	prints_secret secret.ini
	chmod 644 secret.ini
	prints_secret SUDO_UID=65534 secret.ini
}

@test "through sudo, a root profile the user may read stays trusted: its [qemu] args are taken" {
	[[ $EUID == 0 ]] || skip "needs root"
	open_tmp_to_nobody
	printf '[qemu]\naccel = tcg\nargs = -no-user-config\n[memory]\nsize = 128M\n' >trusted.ini
	SUDO_UID=65534 run "$PASSLAUNCH" print trusted.ini
	assert_success
	assert_output --partial "-no-user-config"
}

@test "through sudo -E, a PKEXEC_UID kept from the caller's environment does not choose whose rights read a profile" {
	[[ $EUID == 0 ]] || skip "needs root"
	open_tmp_to_nobody
	# Another user's private profile (daemon's): the caller is nobody.
	private_profile theirs.ini daemon
	PKEXEC_UID=$(id -u daemon) SUDO_UID=65534 run "$PASSLAUNCH" print theirs.ini
	assert_failure 2
	refute_output --partial secret-token
	# pkexec's own (no SUDO_UID beside it) is the user behind it.
	prints_secret PKEXEC_UID="$(id -u daemon)" theirs.ini
}

@test "through sudo, the user's rights are the user's alone: root's capabilities do not open another process's /proc files" {
	[[ $EUID == 0 ]] || skip "needs root"
	sleep 60 &
	local pid=$!
	# /proc/PID/maps is guarded by ptrace rights (CAP_SYS_PTRACE), not modes.
	SUDO_UID=65534 run "$PASSLAUNCH" print "/proc/$pid/maps"
	kill "$pid"
	assert_failure 2
	assert_output "passlaunch: error: /proc/$pid/maps: nobody may not read it; through sudo or pkexec, passlaunch reads a profile only with the rights of the user behind it as well; make it readable, e.g. chmod 644 /proc/$pid/maps"
}

@test "through sudo, a SUDO_UID that names no user reads as nobody, never as root" {
	[[ $EUID == 0 ]] || skip "needs root"
	root_only_profile
	local uid
	for uid in -1 4294967295 1500abc ' 1500' 4242424; do
		run env SUDO_UID="$uid" PKEXEC_UID=0 "$PASSLAUNCH" print secret.ini
		assert_failure 2
		refute_output --partial secret-token
	done
	# Root behind sudo (SUDO_UID=0) is root.
	prints_secret SUDO_UID=0 secret.ini
}

@test "through sudo, a profile name is looked up with the user's rights: a profile in a directory only root may enter is not there" {
	[[ $EUID == 0 ]] || skip "needs root"
	open_tmp_to_nobody
	install -d -m 700 private/passlaunch
	private_profile private/passlaunch/hidden.ini
	chmod 644 private/passlaunch/hidden.ini
	run env SUDO_UID=65534 XDG_CONFIG_HOME="$TMP/private" "$PASSLAUNCH" print hidden
	assert_failure 2
	assert_output --partial "no profile named 'hidden': looked for $TMP/private/passlaunch/hidden.ini and "
	# Root's own call finds it.
	prints_secret XDG_CONFIG_HOME="$TMP/private" hidden
}

@test "through sudo, a profile name is looked up in the user's home, not in root's" {
	[[ $EUID == 0 ]] || skip "needs root"
	open_tmp_to_nobody
	local user=pl-cli-$$
	useradd -M -d "$TMP/home" -s /usr/sbin/nologin "$user"
	install -d -o "$user" -m 755 "$TMP/home" "$TMP/home/.config" "$TMP/home/.config/passlaunch"
	private_profile "$TMP/home/.config/passlaunch/mine.ini" "$user"
	# sudo sets HOME to root's; the profile is found as the user finds it.
	run env -u XDG_CONFIG_HOME SUDO_UID="$(id -u "$user")" HOME=/root "$PASSLAUNCH" print mine
	userdel "$user"
	assert_success
	assert_output --partial "-name secret-token"
}

@test "a FIFO swapped in for the profile between its check and its open never hangs the launcher" {
	printf '[qemu]\naccel = tcg\n[memory]\nsize = 128M\n' >reg.ini
	mkfifo fifo
	# Each name in turn: the profile, nothing, a FIFO nobody writes, nothing.
	/usr/bin/python3 -c '
import os
while True:
    for a, b in (("reg.ini", "x.ini"), ("x.ini", "reg.ini"), ("fifo", "x.ini"), ("x.ini", "fifo")):
        os.rename(a, b)' &
	local flipper=$! i hung=0
	# 150 tries: the unfixed open hung in about one of 18.
	for ((i = 0; i < 150; i++)); do
		timeout 5 "$PASSLAUNCH" print x.ini >/dev/null 2>&1 || (($? != 124)) || hung=$((hung + 1))
	done
	kill "$flipper"
	assert_equal "$hung" 0
}

@test "through sudo, check tells nothing of files only root may reach: not a ROM's size, not whether a disk exists" {
	[[ $EUID == 0 ]] || skip "needs root"
	open_tmp_to_nobody
	install -d -m 700 private
	printf '%027d' 0 >private/vbios.rom
	truncate -s 1M private/there.img
	printf '%s\n' '[qemu]' 'accel = tcg' '[memory]' 'size = 128M' '[gpu.main]' 'address = 0b:00.0' \
		"rom = $TMP/private/vbios.rom" '[disk.there]' "source = $TMP/private/there.img" \
		'[disk.gone]' "source = $TMP/private/gone.img" >probe.ini
	SUDO_UID=65534 run "$PASSLAUNCH" check probe.ini
	refute_output --partial "27 bytes"
	assert_output --partial "$TMP/private/vbios.rom is missing, empty or unreadable"
	assert_output --partial "$TMP/private/there.img: Permission denied"
	assert_output --partial "$TMP/private/gone.img: Permission denied"
	# Root's own check sees them.
	run "$PASSLAUNCH" check probe.ini
	assert_output --partial "$TMP/private/vbios.rom (27 bytes)"
	assert_output --partial "$TMP/private/gone.img: No such file or directory"
}
