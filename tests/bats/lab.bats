#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# Tier 4: the GPU lab is real. Inside the guest: the two-function "GPU" sits in
# one IOMMU group on bochs-drm and snd_hda_intel, moves to vfio-pci by
# driver_override + unbind + drivers_probe, is realized by a nested QEMU with
# vfio-pci, and goes back to its drivers.

load common
load lab

@test "lab: the bed is a real kernel with an IOMMU and a two-function GPU" {
	lab_run <<-'EOF'
	dev=/sys/bus/pci/devices
	group() { basename "$(readlink "$dev/$1/iommu_group")"; }
	driver() { basename "$(readlink "$dev/$1/driver")"; }
	echo "kernel $(uname -r)"
	echo "gpu group $(group "$LAB_GPU") audio group $(group "$LAB_GPU_AUDIO") nic group $(group 0000:00:05.0)"
	echo "drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	ls "/sys/kernel/iommu_groups/$(group "$LAB_GPU")/devices" | tr '\n' ' '
	echo
	cat /sys/class/graphics/fbcon/cursor_blink >/dev/null && echo "fbcon present"
	EOF
	assert_success
	assert_line --regexp '^kernel [0-9.]+-[0-9]+-amd64$'
	assert_line --regexp '^gpu group ([0-9]+) audio group \1 nic group [0-9]+$'
	refute_line --regexp '^gpu group ([0-9]+) audio group \1 nic group \1$'
	assert_line "drivers bochs-drm snd_hda_intel"
	assert_line "0000:01:00.0 0000:01:00.1 "
}

@test "lab: the GPU goes to vfio-pci, a nested QEMU realizes it, and it comes back" {
	LAB_TIMEOUT=300 lab_run <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { basename "$(readlink "$dev/$1/driver" 2>/dev/null)" 2>/dev/null || echo none; }
	wait_for() { for _ in $(seq 100); do eval "$1" && return 0; sleep 0.1; done; echo "timed out: $1"; return 1; }
	group=$(basename "$(readlink "$dev/$LAB_GPU/iommu_group")")
	rebind vfio-pci "$LAB_GPU" "$LAB_GPU_AUDIO"
	echo "detached: $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	wait_for "[ -c /dev/vfio/$group ]" && echo "vfio node /dev/vfio/$group"

	# On the root bus: QEMU lists devices behind a root port only once the
	# guest's firmware has numbered the buses, and this one stays paused.
	qemu-system-x86_64 -S -nodefaults -no-user-config -display none -accel tcg -machine q35 -m 256M \
		-device vfio-pci,host="$LAB_GPU",addr=04.0,multifunction=on \
		-device vfio-pci,host="$LAB_GPU_AUDIO",addr=04.1 \
		-qmp unix:/tmp/nested.qmp,server=on,wait=off &
	wait_for "[ -S /tmp/nested.qmp ]"
	"$ROOT/tests/helpers/qmp" /tmp/nested.qmp query-pci quit | jq -r '.. | .class_info?.desc? // empty' | sort | sed 's/^/nested: /'
	wait

	rebind "" "$LAB_GPU" "$LAB_GPU_AUDIO"
	echo "attached: $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	wait_for "[ ! -e /dev/vfio/$group ]" && echo "vfio node gone"
	EOF
	assert_success
	assert_line "detached: vfio-pci vfio-pci"
	assert_line --regexp '^vfio node /dev/vfio/[0-9]+$'
	assert_line "nested: VGA controller"
	assert_line "nested: Audio controller"
	assert_line "attached: bochs-drm snd_hda_intel"
	assert_line "vfio node gone"
}

@test "lab: the systemd mode boots the host's systemd as PID 1 with cgroup v2" {
	lab_run --systemd <<-'EOF'
	echo "pid1 $(cat /proc/1/comm) virt $(systemd-detect-virt)"
	echo "cgroup $(stat -fc %T /sys/fs/cgroup) $(cat /proc/self/cgroup)"
	printf '%s\n' '[Service]' 'Type=oneshot' 'AllowedCPUs=1' 'StandardOutput=file:/tmp/probe.out' \
		'ExecStart=/bin/grep Cpus_allowed_list /proc/self/status' >/etc/systemd/system/lab-probe.service
	systemctl daemon-reload
	systemctl start lab-probe.service
	sed 's/^/unit: /' /tmp/probe.out
	# That unit pulled in sysinit.target; /tmp (where CI may clone) is intact.
	test -e "$0" && echo "tmp intact"
	systemctl list-units --state=running --type=service --no-legend --plain | awk '{print "running " $1}'
	EOF
	assert_success
	assert_line "pid1 systemd virt qemu"
	assert_line "cgroup cgroup2fs 0::/system.slice/lab-job.service"
	assert_line --regexp '^unit: Cpus_allowed_list:\s+1$'
	assert_line "tmp intact"
	assert_line "running systemd-journald.service"
	refute_line --regexp '^running (getty|serial-getty|systemd-logind|cron)'
}

@test "lab: a guest that has not started the job within the boot limit is booted once more, then given up (status 125)" {
	# No guest reaches its job in 2 s: both boots count as hung.
	LAB_BOOT_LIMIT=2 LAB_TIMEOUT=300 lab_run <<-'EOF'
	echo "the job ran"
	EOF
	assert_equal "$status" 125
	assert_output --partial "lab: the guest did not start the job within 2 s; stopping it"
	assert_output --partial "lab: booting the guest once more"
	assert_output --partial "lab: the guest hung on the way up twice"
	refute_output --partial "the job ran"
}

@test "lab: a guest still up after it reported its status is killed within seconds, its status kept" {
	# The job reports as init would, then hangs as a power-off that never
	# completes: the runner must not wait out LAB_TIMEOUT (status 124).
	LAB_EXIT_GRACE=3 LAB_TIMEOUT=300 lab_run <<-'EOF'
	echo "LAB-EXIT: 7"
	sleep 1000
	EOF
	assert_equal "$status" 7
	assert_output --partial "lab: the guest reported its status but is still up after 3 s; killing it"
	refute_output --partial "did not finish within"
}
