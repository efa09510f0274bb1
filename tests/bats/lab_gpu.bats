#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# passlaunch gpu detach|attach against the lab kernel's real PCI driver core.

load common
load lab

@test "lab: gpu detach moves the whole GPU to vfio-pci, attach gives each function its driver back, and an override set before" {
	LAB_TIMEOUT=200 lab_run <<-'EOF'
	driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null || echo none; }
	group=$(basename "$(readlink "/sys/bus/pci/devices/$LAB_GPU/iommu_group")")
	# The user keeps every other driver off the audio function.
	echo snd_hda_intel >"/sys/bus/pci/devices/$LAB_GPU_AUDIO/driver_override"
	"$PASSLAUNCH" gpu detach "$LAB_GPU" "$LAB_GPU_AUDIO"
	echo "detached: $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO"), node $( [ -c "/dev/vfio/$group" ] && echo present)"
	# A second detach changes nothing and forgets nothing.
	"$PASSLAUNCH" gpu detach "$LAB_GPU" "$LAB_GPU_AUDIO"
	"$PASSLAUNCH" gpu attach "$LAB_GPU" "$LAB_GPU_AUDIO"
	for _ in $(seq 100); do [ -e "/dev/vfio/$group" ] || break; sleep 0.05; done
	echo "attached: $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO"), node $( [ -e "/dev/vfio/$group" ] && echo present || echo gone)"
	echo "overrides: [$(cat "/sys/bus/pci/devices/$LAB_GPU/driver_override")] [$(cat "/sys/bus/pci/devices/$LAB_GPU_AUDIO/driver_override")]"
	EOF
	assert_success
	assert_line "detached: vfio-pci vfio-pci, node present"
	assert_line "attached: bochs-drm snd_hda_intel, node gone"
	assert_line "overrides: [(null)] [snd_hda_intel]"
	assert_line --regexp "passlaunch: vfio: 0000:01:00.0 from bochs-drm to vfio-pci in [0-9]+ ms"
}

@test "lab: one function of a two-function group, or a GPU whose nodes a process holds, is refused before anything changes" {
	LAB_TIMEOUT=200 lab_run <<-'EOF'
	driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; }
	rc=0
	"$PASSLAUNCH" gpu detach 01:00.0 || rc=$?
	echo "status $rc, drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	# A desktop's compositor on the card (the lab's HDA function makes no
	# sound card: cli.bats covers /dev/snd nodes on a fake sysfs).
	sleep 1000 3<>/dev/dri/card0 &
	echo "card holder $!"
	rc=0
	"$PASSLAUNCH" gpu detach "$LAB_GPU" "$LAB_GPU_AUDIO" || rc=$?
	echo "held: status $rc, drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	EOF
	assert_success
	assert_line "status 2, drivers bochs-drm snd_hda_intel"
	assert_line --regexp "^passlaunch: error: vfio: IOMMU group [0-9]+ of 0000:01:00.0 also holds 0000:01:00.1 \(audio device \[8086:2668\]\), which is not passed; pass it too"
	assert_line "held: status 1, drivers bochs-drm snd_hda_intel"
	card=$(sed -n 's/^card holder //p' <<<"$output")
	assert_output --regexp "PID $card \(sleep[^)]*\) holds /dev/dri/card0\. Stop these first"
}

@test "lab: a device held through vfio is reported after a bounded wait, and comes back once let go" {
	LAB_TIMEOUT=300 lab_run <<-'EOF'
	driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null || echo none; }
	"$PASSLAUNCH" gpu detach "$LAB_GPU" "$LAB_GPU_AUDIO"
	qemu-system-x86_64 -S -nodefaults -display none -accel tcg -machine q35 -m 128M \
		-device vfio-pci,host="$LAB_GPU",addr=04.0,multifunction=on \
		-device vfio-pci,host="$LAB_GPU_AUDIO",addr=04.1 -qmp unix:/tmp/hold.qmp,server=on,wait=off &
	holder=$!
	# QMP answers once QEMU has realized its devices: then it holds them.
	for _ in $(seq 300); do [ -S /tmp/hold.qmp ] && break; sleep 0.1; done
	"$ROOT/tests/helpers/qmp" /tmp/hold.qmp query-status >/dev/null
	start=$(date +%s)
	rc=0
	"$PASSLAUNCH" gpu attach "$LAB_GPU" "$LAB_GPU_AUDIO" || rc=$?
	echo "attach while held: status $rc after $(($(date +%s) - start)) s"
	kill -9 "$holder"
	wait "$holder" || true
	"$PASSLAUNCH" gpu attach "$LAB_GPU" "$LAB_GPU_AUDIO"
	echo "after release: $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	EOF
	assert_success
	# Each function waited its 5 s, neither forever.
	assert_line --regexp '^attach while held: status 1 after (9|1[0-9]) s$'
	assert_line --partial "vfio: 0000:01:00.0 is still held through vfio after 5 s; is a process using it? (fuser -v /dev/vfio/5)"
	assert_line --partial "vfio: 0000:01:00.1 is still held through vfio after 5 s; is a process using it? (fuser -v /dev/vfio/5)"
	assert_line "after release: bochs-drm snd_hda_intel"
}

@test "lab: iommu lists every group with class, ids, name, driver and reset method; --profile marks the GPU's" {
	lab_run <<-'EOF'
	"$PASSLAUNCH" iommu | sed 's/^/all: /'
	printf '[vm]\nname = marked\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[gpu.main]\naddress = %s\nfunctions = 0\n' "$LAB_GPU" >/tmp/marked.ini
	"$PASSLAUNCH" iommu --profile /tmp/marked.ini | sed 's/^/marked: /'
	"$PASSLAUNCH" check /tmp/marked.ini | sed 's/^/check one: /' || true
	sed -i '/^functions = 0$/d' /tmp/marked.ini
	"$PASSLAUNCH" check /tmp/marked.ini | sed 's/^/check both: /' || true
	printf '[pci.nic]\naddress = 00:05.0\n' >>/tmp/marked.ini
	"$PASSLAUNCH" check /tmp/marked.ini | sed 's/^/check nic: /' || true
	EOF
	assert_success
	assert_line "all: IOMMU group 5"
	# QEMU's VGA (1234:1111) has no name in pci.ids.
	assert_line "all:     0000:01:00.0  VGA compatible controller [0300]  1234:1111  driver: bochs-drm  reset: bus"
	assert_line "all:     0000:01:00.1  Audio device [0403]  8086:2668  Intel Corporation 82801FB/FBM/FR/FW/FRW (ICH6 Family) High Definition Audio Controller  driver: snd_hda_intel  reset: none"
	assert_line "all:     0000:00:05.0  Ethernet controller [0200]  8086:100e  Intel Corporation 82540EM Gigabit Ethernet Controller  driver: e1000  reset: none"
	assert_line "marked: IOMMU group 5  <- passed by marked"
	assert_line --regexp '^marked:   \* 0000:01:00\.0  VGA compatible controller'
	assert_line --regexp '^marked:   ! 0000:01:00\.1  Audio device'
	assert_line --regexp '^marked:     0000:00:05\.0  Ethernet controller'
	# passlaunch check against the real kernel: the IOMMU is on, remapping
	# too, the group of the GPU is complete only with both functions.
	assert_line --regexp '^check one: PASS  IOMMU: 1 IOMMU unit, [0-9]+ groups$'
	assert_line "check one: PASS  interrupt remapping: on"
	assert_line "check one: PASS  vfio modules: vfio, vfio_iommu_type1 and vfio_pci available"
	assert_line "check one: FAIL  IOMMU group of 0000:01:00.0: group 5 also holds 0000:01:00.1 (audio device [8086:2668])"
	assert_line "check both: PASS  IOMMU group of 0000:01:00.0: group 5 holds only passed devices"
	assert_line "check both: PASS  IOMMU group of 0000:01:00.1: group 5 holds only passed devices"
	# The GPU sits behind a root port: function 0 lists a bus reset (the
	# kernel probed it before function 1 joined the bus), function 1 none;
	# vfio-pci resets the bus once both are let go.
	assert_line "check one: WARN  reset: 0000:01:00.0: a bus reset would also reset 0000:01:00.1, which is not passed: the kernel will not reset the bus, and a second start may fail"
	assert_line "check both: PASS  reset: 0000:01:00.0: vfio-pci resets the bus behind 0000:00:03.0 between runs, since every device on it is passed (0000:01:00.0, 0000:01:00.1); the device alone offers 'bus'"
	assert_line "check both: PASS  reset: 0000:01:00.1: vfio-pci resets the bus behind 0000:00:03.0 between runs, since every device on it is passed (0000:01:00.0, 0000:01:00.1); the device alone offers 'none'"
	# A device on the root bus with no FLR and no power-management reset:
	# the kernel offers it none, and check says what that means.
	assert_line "check nic: WARN  reset: 0000:00:05.0: the kernel offers no reset: a second start will likely fail"
	assert_line "check nic:       fix: a slot where the card is alone behind its bridge gives it a bus reset; otherwise reboot the host between runs"
}
