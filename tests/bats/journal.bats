#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output and status
# `passlaunch recover` replaying undo journals written by hand: the entries
# a run writes, and damaged ones. Run with the sanitized binary (make check
# does), a memory error in the replay aborts it.

load common

setup() {
	common_setup
	VM=replay
	mkdir -p "$PASSLAUNCH_RUNTIME_DIR/$VM"
	JOURNAL=$PASSLAUNCH_RUNTIME_DIR/$VM/journal
}

# entry ACTION FIELD...: one journal line, fields as given (already escaped).
entry() {
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$JOURNAL"
}

@test "recover: an empty cpuset the kernel refuses, of a short top-level cgroup (lxc, docker), is reported without overrunning the parent's path" {
	# A top-level cgroup with a short name (lxc, docker): the parent's
	# path is longer than the cgroup's own. /dev/full refuses every write
	# with ENOSPC, as the kernel refuses an empty cpuset.cpus to a cgroup
	# with tasks, so the fallback to the parent's cpuset.cpus.effective runs.
	local cg=$TMP/sys/fs/cgroup
	mkdir -p "$cg/lxc" "$cg/docker"
	echo 0-3 >"$cg/cpuset.cpus.effective"
	ln -s /dev/full "$cg/lxc/cpuset.cpus"
	ln -s /dev/full "$cg/docker/cpuset.cpus"
	entry cpuset "$cg/lxc/cpuset.cpus" ""
	entry cpuset "$cg/docker/cpuset.cpus" ""
	export PASSLAUNCH_SYSFS=$TMP/sys
	run "$PASSLAUNCH" recover "$VM"
	refute_output --partial "Sanitizer"
	assert_equal "$status" 6
	assert_line "passlaunch: error: could not undo: cpuset $cg/docker/cpuset.cpus : No space left on device"
	assert_line "passlaunch: error: could not undo: cpuset $cg/lxc/cpuset.cpus : No space left on device"
	# Both stay in the journal for the next recover, as written.
	assert_equal "$(cat "$JOURNAL")" "$(printf 'cpuset\t%s\t\ncpuset\t%s\t' "$cg/lxc/cpuset.cpus" "$cg/docker/cpuset.cpus")"
}

@test "recover: a cpuset entry whose path has no parent cgroup is reported, not replayed past its end" {
	ln -s /dev/full cpuset.cpus
	entry cpuset cpuset.cpus ""
	run "$PASSLAUNCH" recover "$VM"
	refute_output --partial "Sanitizer"
	assert_equal "$status" 6
	assert_line "passlaunch: error: could not undo: cpuset cpuset.cpus : No space left on device"
}

@test "recover: a malformed % escape at a line's end or before non-hex digits is read as it is" {
	local name
	for name in 'end%' 'end%A' 'end%4' 'mid%GGx' '%'; do
		: >"$TMP/$name"
		entry created "$TMP/$name"
	done
	# An escape that is whole: %25 is '%', %09 a tab.
	: >"$TMP/whole%"$'\t'x
	entry created "$TMP/whole%25%09x"
	run "$PASSLAUNCH" recover "$VM"
	refute_output --partial "Sanitizer"
	assert_success
	assert_line "passlaunch: $VM: host restored"
	for name in 'end%' 'end%A' 'end%4' 'mid%GGx' '%' "whole%"$'\t'x; do
		assert_not_exists "$TMP/$name"
	done
	assert_not_exists "$JOURNAL"
}

@test "recover: with standard error closed, the log goes nowhere, not into the lock or the journal, and the host is restored" {
	: >made
	entry created "$TMP/made"
	run bash -c 'exec 2>&-; exec "$0" recover "$1"' "$PASSLAUNCH" "$VM"
	assert_success
	assert_not_exists "$TMP/made"
	assert_not_exists "$JOURNAL"
	# The lock holds its holder's PID and start time, and nothing else.
	run cat "$PASSLAUNCH_RUNTIME_DIR/$VM.lock"
	assert_output --regexp '^[0-9]+ [0-9]+$'
}

# A stand-in for the shipped vfio hook that records its calls, and one GPU
# function in a stand-in sysfs bound to DRIVER.
vfio_release_entry() {
	mkdir -p shipped "sys/bus/pci/devices/0000:0b:00.0" sys/bus/pci/drivers/{amdgpu,vfio-pci} \
		"$PASSLAUNCH_RUNTIME_DIR/devices" "$PASSLAUNCH_RUNTIME_DIR/$VM"
	printf '#!/bin/sh\necho "vfio $*" >>"%s/calls"\n' "$TMP" >shipped/vfio
	chmod 755 shipped/vfio
	ln -sfn "../../drivers/$1" sys/bus/pci/devices/0000:0b:00.0/driver
	: >"$JOURNAL"
	entry hook vfio "${2:-$TMP/shipped/vfio}" "$VM" 10 "PASSLAUNCH_GPUS=0000:0b:00.0" \
		"PASSLAUNCH_GPUS_KEPT=${3:-}" "PASSLAUNCH_STATE_DIR=$TMP/state"
	rm -f calls
	PASSLAUNCH_SYSFS=$TMP/sys PASSLAUNCH_HOOKS_DIR=$TMP/shipped run "$PASSLAUNCH" recover "$VM"
	assert_success
}

@test "recover: the vfio hook's release is started only while a device it passed is not back on its driver, or passlaunch keeps something of it" {
	# Back on amdgpu, nothing kept: no process in the dark time.
	vfio_release_entry amdgpu
	assert_line "passlaunch: $VM: hook vfio: not started for its release: every device it passed is on its driver again, or kept on vfio-pci (release = vfio)"
	assert_not_exists calls
	# Still on vfio-pci: gpu attach has work to do.
	vfio_release_entry vfio-pci
	assert_line "passlaunch: $VM: hook vfio: release"
	assert_equal "$(cat calls)" "vfio $VM release"
	# A BAR's size or a driver still kept for it: likewise.
	for kept in 0000:0b:00.0.rebar 0000:0b:00.0; do
		: >"$PASSLAUNCH_RUNTIME_DIR/devices/$kept"
		vfio_release_entry amdgpu
		assert_equal "$(cat calls)" "vfio $VM release"
		rm "$PASSLAUNCH_RUNTIME_DIR/devices/$kept"
	done
	# Kept on vfio-pci by release = vfio: nothing to do.
	vfio_release_entry vfio-pci "" 0000:0b:00.0
	assert_not_exists calls
	# An own hook of the same name always runs.
	mkdir -p own
	cp shipped/vfio own/vfio
	vfio_release_entry amdgpu "$TMP/own/vfio"
	assert_equal "$(cat calls)" "vfio $VM release"
}

# A stand-in sysfs with a keyboard at 13:67 (event3 of input3) on a serio
# port whose driver is atkbd, and a node 13:68 of a virtual device.
input_sysfs() {
	local sys=$TMP/sys dev=$TMP/sys/devices/platform/i8042/serio0
	mkdir -p "$dev/input/input3/event3" "$sys/bus/serio/drivers/atkbd" "$sys/dev/char" \
		"$sys/devices/virtual/input/input4/event4"
	: >"$sys/bus/serio/drivers/atkbd/unbind"
	: >"$sys/bus/serio/drivers/atkbd/bind"
	ln -s ../../../../bus/serio/drivers/atkbd "$dev/driver"
	ln -s ../../devices/platform/i8042/serio0/input/input3/event3 "$sys/dev/char/13:67"
	ln -s ../../devices/virtual/input/input4/event4 "$sys/dev/char/13:68"
}

@test "recover: a lent input device's driver lets it go and probes it again, only while its node is still that device's" {
	input_sysfs
	entry reprobe 13:67 devices/platform/i8042/serio0
	run env PASSLAUNCH_SYSFS="$TMP/sys" "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_equal "$(cat "$TMP/sys/bus/serio/drivers/atkbd/unbind")" serio0
	assert_equal "$(cat "$TMP/sys/bus/serio/drivers/atkbd/bind")" serio0
	# The node now belongs to another device: nothing is probed.
	: >"$TMP/sys/bus/serio/drivers/atkbd/unbind"
	mkdir -p "${JOURNAL%/*}"
	entry reprobe 13:68 devices/platform/i8042/serio0
	run env PASSLAUNCH_SYSFS="$TMP/sys" "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_equal "$(cat "$TMP/sys/bus/serio/drivers/atkbd/unbind")" ""
	# A bind that failed in an earlier replay left the device with no
	# driver, and its node gone: its bus probes it.
	rm "$TMP/sys/dev/char/13:67" "$TMP/sys/devices/platform/i8042/serio0/driver"
	ln -s ../../../../bus/serio "$TMP/sys/devices/platform/i8042/serio0/subsystem"
	: >"$TMP/sys/bus/serio/drivers_probe"
	mkdir -p "${JOURNAL%/*}"
	entry reprobe 13:67 devices/platform/i8042/serio0
	run env PASSLAUNCH_SYSFS="$TMP/sys" "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_equal "$(cat "$TMP/sys/bus/serio/drivers_probe")" serio0
	# A path that climbs out of sysfs is refused.
	mkdir -p "${JOURNAL%/*}"
	entry reprobe 13:67 devices/../../../etc
	run env PASSLAUNCH_SYSFS="$TMP/sys" "$PASSLAUNCH" recover "$VM"
	assert_equal "$status" 6
	assert_line --partial "could not undo: reprobe 13:67 devices/../../../etc"
}
