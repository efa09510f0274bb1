#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034,SC2030,SC2031  # bats sets output and status; runvm.bash reads LAB; each test is a subshell of its own
# Two VMs at once: each run gives back what it changed, not the value the
# host had when it started, so neither order of stopping leaves the host
# changed or takes from the other VM.

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "it reserves hugepages"
	# No free 2M page to begin with, so that each VM adds pages of its own.
	POOL=/proc/sys/vm/nr_hugepages
	echo $((HUGEPAGES_BEFORE - HUGEPAGES_FREE_BEFORE)) >"$POOL"
	BASE=$(cat "$POOL")
}

teardown() {
	[[ -n ${PID_A:-} ]] && kill -9 "$PID_A" 2>/dev/null
	[[ -n ${PID_B:-} ]] && kill -9 "$PID_B" 2>/dev/null
	pkill -9 -f "qemu-system-x86_64 -name two[ab]," 2>/dev/null
	echo "$HUGEPAGES_BEFORE" >/proc/sys/vm/nr_hugepages
	return 0
}

# start_two SYSFS: VMs twoa and twob, 128M on 2M hugepages each (64 pages),
# governor performance on CPU 1 of the fake cpufreq tree SYSFS.
start_two() {
	local name
	for name in twoa twob; do
		vm "$name" acpi "hugepages = 2M"
		sed -i 's/^size = 256M$/size = 128M/; s/^emulator_pin = 0$/emulator_pin = 0\ngovernor = performance/' "$VM.ini"
	done
	VM=twoa PASSLAUNCH_SYSFS=$1 start_vm
	PID_A=$RUN_PID
	VM=twoa wait_for_log 'lab-guest: ready'
	assert_equal "$(cat "$POOL")" $((BASE + 64))
	VM=twob PASSLAUNCH_SYSFS=$1 start_vm
	PID_B=$RUN_PID
	VM=twob wait_for_log 'lab-guest: ready'
	assert_equal "$(cat "$POOL")" $((BASE + 128))
}

stop_one() {
	local pid=$1
	kill -TERM "$pid"
	RUN_PID=$pid finish_vm
	assert_equal "$RC" 0
}

fake_cpufreq() {
	local sysfs=$TMP/sys cpu
	mkdir -p "$sysfs/devices/system/cpu/cpu0/cpufreq" "$sysfs/devices/system/cpu/cpu1/cpufreq"
	echo 0-1 >"$sysfs/devices/system/cpu/online"
	for cpu in 0 1; do
		echo schedutil >"$sysfs/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor"
		echo "performance schedutil powersave" >"$sysfs/devices/system/cpu/cpu$cpu/cpufreq/scaling_available_governors"
	done
	# The hugepage pool is the real one: the fake tree links to it.
	mkdir -p "$sysfs/kernel/mm"
	ln -s /sys/kernel/mm/hugepages "$sysfs/kernel/mm/hugepages"
	echo "$sysfs"
}

# stop_in_order FIRST SECOND GOVERNOR: both VMs running, FIRST (twoa or
# twob) stops, then SECOND; GOVERNOR is CPU 1's in between. Each stop gives
# back the 64 pages that VM added, and the host ends as it began.
stop_in_order() {
	local sysfs governor pid
	sysfs=$(fake_cpufreq)
	governor=$sysfs/devices/system/cpu/cpu1/cpufreq/scaling_governor
	start_two "$sysfs"
	pid=$([[ $1 == twoa ]] && echo "$PID_A" || echo "$PID_B")
	stop_one "$pid"
	assert_equal "$(cat "$POOL")" $((BASE + 64))
	assert_equal "$(cat "$governor")" "$3"
	pid=$([[ $2 == twoa ]] && echo "$PID_A" || echo "$PID_B")
	stop_one "$pid"
	PID_A=''
	PID_B=''
	assert_equal "$(cat "$POOL")" "$BASE"
	assert_equal "$(cat "$governor")" schedutil
}

@test "two VMs: the first stops first; each gives back its own pages, the governor stays while the second runs" {
	# twoa set it; twob found it set: twoa puts back what it found.
	stop_in_order twoa twob schedutil
}

@test "two VMs: the second stops first; each gives back its own pages" {
	stop_in_order twob twoa performance
}

@test "two VMs: a governor someone changed while the VM ran is left as they set it" {
	sysfs=$(fake_cpufreq)
	governor=$sysfs/devices/system/cpu/cpu1/cpufreq/scaling_governor
	vm twoa acpi
	sed -i 's/^emulator_pin = 0$/emulator_pin = 0\ngovernor = performance/' "$VM.ini"
	PASSLAUNCH_SYSFS=$sysfs start_vm
	wait_for_log 'lab-guest: ready'
	echo powersave >"$governor"
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$(cat "$governor")" powersave
}
