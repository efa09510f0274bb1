#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034  # bats sets output and status; runvm.bash reads LAB, STOP_TIMEOUT
# Terminal escape sequences from the guest: its serial console is relayed to
# the launcher's standard output, root's terminal. Every control byte but
# newlines and tabs must arrive shown ("^[", "\x9B"), never as itself.

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	if [[ $BATS_TEST_DESCRIPTION == *"a log line"* ]]; then
		common_setup
	else
		runvm_setup "a real run"
	fi
}

teardown() {
	runvm_teardown
}

@test "terminal: the guest's escape sequences on its serial console reach the launcher's output shown, not as escapes" {
	vm escapes acpi
	sed -i "s|lab.guest=acpi'|lab.guest=acpi lab.escapes=1'|" "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	# ESC, BEL and the 8-bit CSI (0x9b) are nowhere in what the launcher wrote.
	run grep -c $'[\x1b\x07]' "$TMP/$VM.log"
	assert_output 0
	LC_ALL=C run grep -c -a $'\x9b' "$TMP/$VM.log"
	assert_output 0
	run grep -F 'lab-guest: escapes' "$TMP/$VM.log"
	assert_output 'lab-guest: escapes ^[[2J^[]0;owned^G\x9B31m done'
	assert_host_restored
}

@test "terminal: a log line shows the control bytes of what it quotes (a file name, QEMU's messages, a hook's output)" {
	run "$PASSLAUNCH" print $'x\e]0;owned\ay\nz.ini'
	assert_failure 2
	assert_output 'passlaunch: error: x^[]0;owned^Gy^Jz.ini: cannot open the profile: No such file or directory'
}
