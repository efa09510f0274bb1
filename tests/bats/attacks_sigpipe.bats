#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034,SC2016  # bats sets output and status; runvm.bash reads LAB, STOP_TIMEOUT; the hook's body expands in the hook
# SIGPIPE: the root launcher's output piped into a reader that goes away
# (`passlaunch run p.ini 2>&1 | head -1`). Every later line, the guest's
# serial output, a hook's output and the release's own lines, is written to
# a pipe nobody reads: the launcher must go on, give the host back, and
# leave SIGPIPE as it found it for what it runs.

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "a real run with hugepages"
	mkdir -p hooks
}

teardown() {
	runvm_teardown
}

# wait_for_file FILE: bounded; gives up early when the launcher is gone.
wait_for_file() {
	local i pid
	for ((i = 0; i < 600; i++)); do
		[[ -e $1 ]] && return 0
		pid=$(cat "$TMP/launcher.pid" 2>/dev/null) || pid=
		[[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# wait_for_ready: bounded, until the guest's console says it is ready.
wait_for_ready() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q 'lab-guest: ready' "$GUEST_LOG" && return 0
		kill -0 "$(cat "$TMP/launcher.pid")" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

@test "sigpipe: a run piped into head -1 goes on after the reader left, and SIGTERM still gives the host back (exit 0)" {
	# The hook says when the guest runs (started), and what SIGPIPE is
	# to it: a hook must not inherit an ignored SIGPIPE.
	printf '#!/bin/sh\necho "hook says $2"\n[ "$2" = started ] && grep "^SigIgn:" /proc/$$/status >%s/hook-sigign && touch %s/started\nexit 0\n' \
		"$TMP" "$TMP" >hooks/10-watch
	chmod 755 hooks/10-watch
	vm sigpipe acpi "hugepages = 2M" "[hooks]" "dir = $TMP/hooks"
	# The guest's console goes to its second serial port (console=ttyS1), a
	# file in the stage (a short path: a profile's line holds 198
	# characters), where the test sees it is ready for the power button.
	GUEST_LOG=$LAB/g.log
	install -m 666 /dev/null "$GUEST_LOG"
	sed -i "s|^extra_args = .*|extra_args = -kernel $LAB/vmlinuz -initrd $LAB/initramfs.gz -append 'console=ttyS1 lab.guest=acpi' -serial file:$GUEST_LOG|" "$VM.ini"
	# SIGPIPE as a shell at a terminal leaves it, whatever bats left it as;
	# the subshell waits for both ends of the pipe.
	(
		{
			local rc=0
			bash -c 'echo $$ >"$1/launcher.pid"; exec env --default-signal=PIPE "$0" run "$2" 2>&1' \
				"$PASSLAUNCH" "$TMP" "$VM.ini" || rc=$?
			echo "$rc" >"$TMP/rc"
		} | head -1 >"$TMP/first"
	) 3>&- &
	local pipeline=$!
	run wait_for_file "$TMP/started"
	[[ $status != 0 ]] || run wait_for_ready
	if [[ $status != 0 ]]; then
		kill -TERM "$(cat "$TMP/launcher.pid")" 2>/dev/null || true
		wait "$pipeline"
		fail "the launcher ended before the guest ran (exit status $(cat "$TMP/rc" 2>/dev/null)$(
			[[ -e $PASSLAUNCH_RUNTIME_DIR/$VM/journal ]] && echo ", its undo journal left")), after one line: $(cat "$TMP/first")"
	fi
	RUN_PID=$(cat "$TMP/launcher.pid") # for teardown, should the test fail
	# The hook's lines and the launcher's were written since head left.
	kill -0 "$(cat "$TMP/launcher.pid")" || fail "the launcher died while the guest ran (exit status $(cat "$TMP/rc"))"
	kill -TERM "$(cat "$TMP/launcher.pid")"
	wait "$pipeline"
	RUN_PID=
	assert_equal "$(cat "$TMP/rc")" 0
	assert_equal "$(wc -l <"$TMP/first")" 1
	assert_host_restored
	# Bit 13 (SIGPIPE, mask 0x1000) is not ignored in the hook.
	run cat "$TMP/hook-sigign"
	assert_output --regexp '^SigIgn:	[0-9a-f]*[02468ace][0-9a-f]{3}$'
}
