#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034,SC2016  # bats sets output and status; runvm.bash reads LAB, STOP_TIMEOUT; hook bodies expand in the hook
# The fault matrix (host tier; the GPU lab's faults are in lab_*.bats): each
# case injects one fault into a real run, then checks that the host is
# exactly as before: hugepages, the owner of the disk QEMU was given, the
# effect of a hook, no QEMU, no journal, the lock free. Each case's result
# goes to build/fault-matrix.md, the table tests/README.md quotes.

load common
load runvm

setup_file() {
	runvm_setup_file
	mkdir -p "$ROOT/build"
	printf '| fault | result |\n|---|---|\n' >"$ROOT/build/fault-matrix.md"
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "faults on a root run"
	STOP_TIMEOUT=20
	mkdir -p hooks
	truncate -s 1M disk.img
	# The hook's effect on the host: a file that exists only between its
	# prepare and its release.
	hook 10-marker 'case $2 in prepare) touch '"$TMP"'/marker ;; release) rm -f '"$TMP"'/marker ;; esac'
	BEFORE=$(host_snapshot)
}

teardown() {
	local result="host restored"
	mountpoint -q "$TMP/full" 2>/dev/null && umount "$TMP/full"
	[[ -n ${RUN_PID:-} ]] && kill -9 "$RUN_PID" 2>/dev/null
	pkill -9 -f "qemu-system-x86_64 -name ${VM:-none}," 2>/dev/null
	[[ ${BATS_TEST_COMPLETED:-} == 1 ]] || result="FAILED"
	[[ -n ${BATS_TEST_SKIPPED:-} ]] && result="skipped: $BATS_TEST_SKIPPED"
	echo "| ${BATS_TEST_DESCRIPTION#fault: } | $result |" >>"$ROOT/build/fault-matrix.md"
	return 0
}

hook() {
	printf '#!/bin/sh\n%s\n' "${2:-}" >"hooks/$1"
	chmod 755 "hooks/$1"
}

# What a run may change, in one text: compared before and after.
host_snapshot() {
	echo "hugepages $(cat /proc/sys/vm/nr_hugepages)"
	echo "disk owner $(stat -c %U:%G "$TMP/disk.img")"
	echo "marker $([[ -e $TMP/marker ]] && echo present || echo absent)"
	echo "qemu $(pgrep -fc "qemu-system-x86_64 -name ${VM:-none}," || true)"
	echo "journal $([[ -e $PASSLAUNCH_RUNTIME_DIR/${VM:-none}/journal ]] && echo present || echo absent)"
	local lock=$PASSLAUNCH_RUNTIME_DIR/${VM:-none}.lock
	echo "lock $([[ ! -e $lock ]] || flock -n "$lock" true && echo free || echo held)"
}

assert_host_as_before() {
	assert_equal "$(host_snapshot)" "$BEFORE"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/$VM/journal"
}

faulty_vm() {
	local guest=$2
	vm "$1" "$guest" "hugepages = 2M" "[disk.data]" "source = $TMP/disk.img" "format = raw" \
		"[hooks]" "dir = $TMP/hooks" "timeout = ${HOOK_TIMEOUT:-10}"
	BEFORE=$(host_snapshot)
}

@test "fault: QEMU killed with SIGKILL" {
	faulty_vm sigkill deaf
	start_vm
	wait_for_log 'guest running'
	# QEMU has the disk as a descriptor; its owner is as it was.
	[[ -e $TMP/marker ]] && [[ $(stat -c %U "$TMP/disk.img") == root ]]
	local fd held=
	for fd in "/proc/$(qemu_pid)/fd/"*; do
		[[ $(readlink "$fd") == "$TMP/disk.img" ]] && held=yes
	done
	[[ $held == yes ]]
	kill -KILL "$(qemu_pid)"
	finish_vm
	assert_equal "$RC" 4
	assert_host_as_before
}

@test "fault: QEMU exits at once with an error" {
	faulty_vm qemufails deaf
	sed -i "s|^extra_args = .*|extra_args = -device no-such-device|" "$VM.ini"
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 1
	assert_host_as_before
}

@test "fault: the guest ignores the ACPI power button" {
	STOP_TIMEOUT=2 faulty_vm deaf deaf
	start_vm
	wait_for_log 'guest running'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 5
	assert_host_as_before
}

@test "fault: QEMU does not quit when told: killed after its grace, still a forced stop" {
	STOP_TIMEOUT=2 faulty_vm frozen deaf
	start_vm
	wait_for_log 'guest running'
	kill -STOP "$(qemu_pid)"
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 5
	run cat "$TMP/$VM.log"
	assert_output --partial "QEMU did not quit within 10 s; killing it"
	assert_host_as_before
}

@test "fault: the launcher gets SIGTERM" {
	faulty_vm sigterm acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: the launcher gets SIGINT" {
	faulty_vm sigint acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -INT "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: the launcher gets SIGHUP (its terminal closed)" {
	faulty_vm sighup acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -HUP "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: the launcher is killed with SIGKILL, then recover" {
	faulty_vm crash deaf
	start_vm
	wait_for_log 'guest running'
	kill -KILL "$RUN_PID"
	finish_vm
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 3
	run "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_host_as_before
}

# Looking Glass's kvmfr device is QEMU's user's for the run: a launcher
# killed meanwhile leaves it so, and recover gives it back to root. A
# stand-in for the device: /dev/zero's numbers, which QEMU can map shared.
@test "fault: the launcher is killed with SIGKILL while the kvmfr device is lent, then recover" {
	local dev
	dev=$(mktemp -d /tmp/passlaunch-dev.XXXXXX)
	chmod 755 "$dev"
	mknod -m 600 "$dev/kvmfr0" c 1 5
	faulty_vm lgcrash deaf
	printf '%s\n' "looking_glass = kvmfr" "resolution = 640x480" >>"$VM.ini"
	PASSLAUNCH_DEVFS=$dev start_vm
	wait_for_log 'guest running'
	local during
	during=$(stat -c %U:%a "$dev/kvmfr0")
	kill -KILL "$RUN_PID"
	finish_vm
	PASSLAUNCH_DEVFS=$dev run "$PASSLAUNCH" recover "$VM"
	local after
	after=$(stat -c %U:%a "$dev/kvmfr0")
	rm -r "$dev"
	assert_success
	assert_equal "$during" nobody:600
	assert_equal "$after" root:600
	assert_host_as_before
}

# hook_fault PHASE ACTION: the hook 20-faulty fails (exit 1), hangs (past a
# 1 s timeout, ignoring SIGTERM) or is killed (SIGKILL) in PHASE.
hook_fault() {
	local body
	case $2 in
	fails) body='exit 1' ;;
	hangs) body='trap "" TERM; while :; do sleep 1; done' ;;
	killed) body='kill -KILL $$' ;;
	esac
	hook 20-faulty "if [ \"\$2\" = $1 ]; then $body; fi"
	HOOK_TIMEOUT=1 faulty_vm "hook-$1-$2" acpi
	start_vm
	if [[ $1 != prepare ]]; then
		wait_for_log 'lab-guest: ready'
		kill -TERM "$RUN_PID"
	fi
	finish_vm
}

@test "fault: a hook fails in prepare" {
	hook_fault prepare fails
	assert_equal "$RC" 1
	assert_host_as_before
}

@test "fault: a hook hangs in prepare" {
	hook_fault prepare hangs
	assert_equal "$RC" 1
	assert_host_as_before
}

@test "fault: a hook is killed in prepare" {
	hook_fault prepare killed
	assert_equal "$RC" 1
	assert_host_as_before
}

@test "fault: a hook fails in started" {
	hook_fault started fails
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook hangs in started" {
	hook_fault started hangs
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook is killed in started" {
	hook_fault started killed
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook fails in stopped" {
	hook_fault stopped fails
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook is killed in stopped" {
	hook_fault stopped killed
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook hangs in stopped" {
	hook_fault stopped hangs
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: a hook is killed in release, then recover once it is fixed" {
	hook_fault release killed
	assert_equal "$RC" 6
	hook 20-faulty
	run "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_host_as_before
}

@test "fault: a hook fails in release, then recover once it is fixed" {
	hook_fault release fails
	assert_equal "$RC" 6
	rm hooks/20-faulty
	hook 20-faulty
	run "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_host_as_before
}

@test "fault: a hook hangs in release, then recover once it is fixed" {
	hook_fault release hangs
	assert_equal "$RC" 6
	hook 20-faulty
	run "$PASSLAUNCH" recover "$VM"
	assert_success
	assert_host_as_before
}

@test "fault: hugepages short" {
	faulty_vm short deaf
	sed -i 's/^size = 256M$/size = 1024G/' "$VM.ini"
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 1
	assert_output --partial "hugepages"
	assert_host_as_before
}

@test "fault: OVMF missing" {
	faulty_vm noovmf deaf
	sed -i 's/^type = bios$/type = ovmf/' "$VM.ini"
	mkdir empty-firmware
	PASSLAUNCH_FIRMWARE_PATH=$TMP/empty-firmware run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 1
	assert_host_as_before
}

@test "fault: OVMF unreadable to QEMU's user" {
	faulty_vm lockedovmf deaf
	sed -i 's/^type = bios$/type = ovmf/' "$VM.ini"
	mkdir firmware private
	chmod 700 private
	cp /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd private/
	sed "s|/usr/share/OVMF/|$TMP/private/|" /usr/share/qemu/firmware/60-edk2-x86_64.json \
		>firmware/60-edk2-x86_64.json
	PASSLAUNCH_FIRMWARE_PATH=$TMP/firmware run timeout -k 5 120 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "[firmware] the code $TMP/private/OVMF_CODE_4M.fd: QEMU runs as nobody, who cannot read it (Permission denied); make it readable, e.g. chmod 644 $TMP/private/OVMF_CODE_4M.fd"
	assert_host_as_before
	assert_not_exists "$TMP/state/$VM"
}

@test "fault: the disk is missing" {
	faulty_vm nodisk deaf
	sed -i "s|^source = .*|source = $TMP/gone.img|" "$VM.ini"
	run timeout -k 5 120 "$PASSLAUNCH" run "$VM.ini"
	# Opened by the launcher before anything changes: bad input.
	assert_equal "$status" 2
	assert_output --regexp "nodisk.ini:[0-9]+: $TMP/gone.img: cannot open \[disk.data\] source: No such file or directory"
	assert_host_as_before
}

@test "fault: the disk is unreadable to QEMU's user" {
	# In a directory QEMU's user owns, so opened with that user's rights
	# alone, which do not reach root's private file.
	faulty_vm lockeddisk deaf
	install -d -o nobody -m 755 userdir
	truncate -s 1M userdir/disk.img
	chmod 600 userdir/disk.img
	sed -i "s|^source = .*|source = $TMP/userdir/disk.img|" "$VM.ini"
	run timeout -k 5 120 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "QEMU runs as nobody, who may not open it"
	assert_host_as_before
	assert_equal "$(stat -c %U:%a userdir/disk.img)" root:600
}

@test "fault: a disk where only root may enter is handed to QEMU by root, and stays root's" {
	faulty_vm privatedisk acpi
	mkdir private
	chmod 700 private
	truncate -s 1M private/disk.img
	sed -i "s|^source = .*|source = $TMP/private/disk.img|" "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	assert_equal "$(stat -c %U:%a private/disk.img)" root:644
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	assert_host_as_before
}

@test "fault: /run is full while the journal is written" {
	mkdir full
	mount -t tmpfs -o size=64k tmpfs full 2>/dev/null || skip "cannot mount a tmpfs here"
	export PASSLAUNCH_RUNTIME_DIR=$TMP/full/run
	mkdir -p "$PASSLAUNCH_RUNTIME_DIR"
	faulty_vm fullrun deaf
	# The lock keeps the page it has; the journal finds none.
	echo 1 >"$PASSLAUNCH_RUNTIME_DIR/fullrun.lock"
	head -c 1M /dev/zero >full/filler 2>/dev/null || true
	run "$PASSLAUNCH" run "$VM.ini"
	rm -f full/filler
	assert_equal "$status" 1
	assert_output --partial "cannot write the undo journal"
	assert_host_as_before
}

@test "fault: a second launcher for the same VM" {
	STOP_TIMEOUT=2 faulty_vm twice deaf
	start_vm
	wait_for_log 'guest running'
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 3
	kill -TERM "$RUN_PID"
	finish_vm
	assert_host_as_before
}

@test "fault: swtpm dies while the guest runs" {
	# QEMU may wait on the dead TPM and not power off: 3 s, not 20.
	STOP_TIMEOUT=3 faulty_vm tpmdies acpi
	sed -i 's/^type = bios$/type = bios\ntpm = yes/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	pkill -KILL -f "swtpm socket.*$TMP/state/tpmdies" || pkill -KILL -f "swtpm.*tpmdies"
	kill -TERM "$RUN_PID"
	finish_vm
	[[ $RC == 0 || $RC == 4 || $RC == 5 ]]
	assert_host_as_before
}
