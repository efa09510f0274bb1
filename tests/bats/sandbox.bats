#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# Least privilege: QEMU as an unprivileged user, no capabilities, no_new_privs,
# seccomp; checked on every thread of a real QEMU, and by a probe started
# through the very same child path in QEMU's place.

load common

setup_file() {
	[[ $EUID == 0 ]] || return 0
	stage_for_qemu "$ROOT/build/tests/syscall-probe"
}

teardown_file() {
	unstage_for_qemu
}

setup() {
	common_setup
	[[ $EUID == 0 ]] || skip "needs root: it is about dropping root"
	open_tmp_to_nobody
	PROBE=$QEMU_STAGE/syscall-probe
}

teardown() {
	[[ -n ${RUN_PID:-} ]] && kill -9 "$RUN_PID" 2>/dev/null
	return 0
}

# profile NAME [LINE...]: NAME.ini, a TCG guest of nothing; BINARY replaces QEMU.
profile() {
	VM=$1
	shift
	{
		printf '[vm]\nstate_dir = %s/state/%s\nstop_timeout = 5\n' "$TMP" "$VM"
		printf '[qemu]\naccel = tcg\n%s\n' "${BINARY:+binary = $BINARY}"
		printf '[firmware]\ntype = bios\n[memory]\nsize = 128M\n'
		printf '%s\n' "$@"
	} >"$VM.ini"
}

@test "sandbox: every QEMU thread runs as the user, no capabilities, no_new_privs, seccomp" {
	profile confined
	sed -i 's/^\[vm\]$/[vm]\nuser = nobody/' confined.ini
	"$PASSLAUNCH" run confined.ini >run.log 2>&1 &
	RUN_PID=$!
	for ((i = 0; i < 300; i++)); do grep -q 'guest running' run.log && break; sleep 0.1; done
	pid=$(jq -r .qemu_pid "$PASSLAUNCH_RUNTIME_DIR/confined/state.json")
	threads=0
	for status in /proc/"$pid"/task/*/status; do
		threads=$((threads + 1))
		run grep -E '^(Uid|Gid|Groups|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "$status"
		assert_line --regexp '^Uid:\s+65534\s+65534\s+65534\s+65534$'
		assert_line --regexp '^Gid:\s+65534\s+65534\s+65534\s+65534$'
		assert_line --regexp '^Groups:\s*$'
		assert_line --regexp '^CapPrm:\s+0000000000000000$'
		assert_line --regexp '^CapEff:\s+0000000000000000$'
		assert_line --regexp '^CapBnd:\s+0000000000000000$'
		assert_line --regexp '^CapAmb:\s+0000000000000000$'
		assert_line --regexp '^NoNewPrivs:\s+1$'
		assert_line --regexp '^Seccomp:\s+2$'
	done
	((threads >= 3))
	# A clean environment: nothing of the launcher's leaks into QEMU.
	run bash -c "tr '\\0' '\\n' </proc/$pid/environ"
	assert_line "USER=nobody"
	refute_line --partial "PASSLAUNCH_"
	refute_line --partial "BATS_"
	# The state stays root's: nothing is given to QEMU's user by chown.
	assert_equal "$(stat -c %U:%a "$TMP/state/confined")" root:700
	"$PASSLAUNCH" stop confined --force
	wait "$RUN_PID" || true
	RUN_PID=
	assert_equal "$(stat -c %U "$TMP/state/confined")" root
}

@test "sandbox: each denied system call returns EPERM under the filter, and allowed ones work" {
	BINARY=$PROBE profile probe
	sed -i 's/^\[vm\]$/[vm]\nuser = nobody/' probe.ini
	run "$PASSLAUNCH" run probe.ini
	assert_failure 1
	assert_line --regexp '^status Seccomp:\s+2$'
	assert_line --regexp '^status NoNewPrivs:\s+1$'
	assert_line --regexp '^status CapBnd:\s+0000000000000000$'
	denied=$(grep -c '^call [a-z_0-9]\+: ' <<<"$output")
	((denied >= 30))
	while read -r line; do
		[[ $line == "call allowed "* ]] && continue
		[[ $line == *": EPERM" ]] || fail "not denied: $line"
	done < <(grep '^call ' <<<"$output")
	assert_line --regexp '^(call unshare \(i386 ABI\): EPERM|ia32 unshare \(i386 ABI\): no IA-32 emulation in this kernel)$'
	assert_line "call getpid (x32 ABI): EPERM"
	assert_line "call ioctl TIOCSTI: EPERM"
	assert_line "call ioctl TIOCLINUX: EPERM"
	assert_line "session own"
	assert_line "controlling terminal ENXIO"
	assert_line "call allowed personality query: ok"
	assert_line "call allowed getpid: ok"
	assert_line "call allowed open /dev/null: ok"
}

@test "sandbox: without the filter the same calls do not all fail: the EPERMs above are the filter's" {
	BINARY=$PROBE profile control '[sandbox]' 'seccomp = no'
	sed -i 's/^\[vm\]$/[vm]\nuser = nobody/' control.ini
	run "$PASSLAUNCH" run control.ini
	assert_failure 1
	assert_line --partial "SECCOMP IS OFF ([sandbox] seccomp = no)"
	assert_line --regexp '^status Seccomp:\s+0$'
	# Calls an unprivileged process may make, so only a filter can refuse them.
	assert_line "call unshare: ok"
	assert_line "call personality: ok"
	assert_line "call ptrace: ESRCH"
	assert_line "call setns: EBADF"
	assert_line "call process_vm_readv: ok"
	assert_line --regexp '^call getpid \(x32 ABI\): (ok|ENOSYS)$'
}

@test "sandbox: QEMU as root is refused unless the profile says qemu_as_root" {
	profile asroot
	run "$PASSLAUNCH" run asroot.ini
	assert_failure 2
	assert_output "passlaunch: error: asroot.ini: QEMU would run as root; name its user with [vm] user = NAME, or start passlaunch through sudo or pkexec so it knows who you are (or, against all advice, set [sandbox] qemu_as_root = yes)"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/asroot"
	BINARY=$PROBE profile rootok '[sandbox]' 'qemu_as_root = yes'
	run "$PASSLAUNCH" run rootok.ini
	assert_line --regexp '^status Uid:\s+0\s+0\s+0\s+0$'
	assert_line --regexp '^status CapEff:\s+0000000000000000$'
}

@test "sandbox: the user behind sudo is QEMU's user when the profile names none" {
	BINARY=$PROBE profile sudoer
	SUDO_UID=65534 run "$PASSLAUNCH" run sudoer.ini
	assert_line --regexp '^status Uid:\s+65534\s+65534\s+65534\s+65534$'
}

@test "sandbox: a user that does not exist is refused before anything changes" {
	profile ghost
	sed -i 's/^\[vm\]$/[vm]\nuser = nosuchuser/' ghost.ini
	run "$PASSLAUNCH" run ghost.ini
	assert_failure 2
	assert_output "passlaunch: error: ghost.ini:2: [vm] user = nosuchuser: no such user on this host"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/ghost"
	assert_not_exists "$TMP/state/ghost"
}

@test "sandbox: a failure in the child before exec comes back as a message; the host is restored" {
	touch not-executable
	BINARY=$TMP/not-executable profile childfail
	sed -i 's/^\[vm\]$/[vm]\nuser = nobody/' childfail.ini
	run "$PASSLAUNCH" run childfail.ini
	assert_failure 1
	assert_line "passlaunch: error: cannot start $TMP/not-executable: exec failed: Permission denied"
	assert_line --partial "childfail: host restored"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/childfail"
	assert_equal "$(stat -c %U "$TMP/state/childfail")" root
}
