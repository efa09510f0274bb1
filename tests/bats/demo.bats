#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# README's first command: make demo boots OVMF to its UEFI shell on the
# terminal, and Ctrl-C (SIGINT to the terminal's process group) stops it.

load common

@test "make demo: OVMF's UEFI shell on the terminal, Ctrl-C stops it and restores the host" {
	cd "$ROOT"
	setsid make -s demo >"$BATS_TEST_TMPDIR/demo.log" 2>&1 &
	make_pid=$!
	for ((i = 0; i < 900; i++)); do
		grep -q 'Shell>' "$BATS_TEST_TMPDIR/demo.log" && break
		kill -0 "$make_pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'Shell>' "$BATS_TEST_TMPDIR/demo.log" || fail "no UEFI shell: $(cat "$BATS_TEST_TMPDIR/demo.log")"
	# What a terminal does on Ctrl-C: SIGINT to the whole foreground group.
	kill -INT -- "-$make_pid"
	rc=0
	wait "$make_pid" || rc=$?
	assert_equal "$rc" 0
	run cat "$BATS_TEST_TMPDIR/demo.log"
	assert_line --partial "demo: asking the guest to shut down (ACPI power button)"
	assert_line --partial "demo: host restored"
	if ((EUID == 0)); then
		# As root with nobody behind it: QEMU ran as nobody, and the NVRAM
		# it used is root's again.
		assert_not_exists /run/passlaunch/demo
		assert_equal "$(stat -c %U /var/lib/passlaunch/demo/OVMF_VARS.fd)" root
	else
		assert_not_exists "$ROOT/build/demo/run/demo"
		assert_exists "$ROOT/build/demo/state/OVMF_VARS.fd"
	fi
}
