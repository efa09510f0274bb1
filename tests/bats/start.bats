#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034  # bats sets output and status; runvm.bash reads LAB
# Tier 3: `passlaunch start` without systemd: the run goes on in a session of
# its own, logs to /run/passlaunch/NAME/log, and start returns once the guest
# runs, or relays why it did not. (Under systemd: lab_start.bats.)

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "start hands devices over as root"
	[[ ! -d /run/systemd/system ]] || skip "systemd runs here: start uses the unit (lab_start.bats)"
	STOP_TIMEOUT=20
}

teardown() {
	runvm_teardown
}

@test "start: returns once the guest runs; the run lives on in its own session, logging to its file" {
	# Stopped before the guest can answer the power button: 3 s, not 20.
	STOP_TIMEOUT=3 vm detached acpi
	mkdir -p config/passlaunch
	mv detached.ini config/passlaunch/
	run "$PASSLAUNCH" start detached
	assert_success
	assert_output --regexp "^passlaunch: detached: guest running \(launcher PID [0-9]+, in a session of its own\); its log: $PASSLAUNCH_RUNTIME_DIR/detached/log$"
	launcher=$(jq -r .launcher_pid "$PASSLAUNCH_RUNTIME_DIR/detached/state.json")
	assert_equal "$(ps -o sid= -p "$launcher" | tr -d ' ')" "$launcher"
	assert_not_equal "$(ps -o sid= -p "$launcher" | tr -d ' ')" "$(ps -o sid= -p $$ | tr -d ' ')"
	run grep -c 'guest running' "$PASSLAUNCH_RUNTIME_DIR/detached/log"
	assert_output 1
	run "$PASSLAUNCH" start detached
	assert_equal "$status" 3
	assert_output "passlaunch: error: detached runs already (launcher PID $launcher)"
	run "$PASSLAUNCH" stop detached
	assert_success
	run grep -c 'detached: host restored' "$PASSLAUNCH_RUNTIME_DIR/detached/log"
	assert_output 1
	run pgrep -f "qemu-system-x86_64 -name detached,"
	assert_failure
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/detached/journal"
}

@test "start: a run that fails before the guest runs: its log and status come back" {
	VCPU_PIN=64 vm doomed acpi
	run "$PASSLAUNCH" start "$TMP/doomed.ini"
	assert_equal "$status" 2
	assert_line --partial "CPU 64"
	assert_line "passlaunch: error: doomed: the run ended before the guest ran (exit status 2); its log: $PASSLAUNCH_RUNTIME_DIR/doomed/log"
}
