#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output and status
# The suite passes from any checkout: a clone inside a directory only root
# may enter (as a home directory is), where QEMU's user reaches nothing of the
# tree, runs the suites of full runs.

load common

setup() {
	common_setup
	[[ $EUID == 0 ]] || skip "needs root: QEMU runs as nobody only under root"
	PRIVATE=$(mktemp -d /tmp/passlaunch-home.XXXXXX)
	chmod 700 "$PRIVATE"
}

teardown() {
	[[ -n ${PRIVATE:-} ]] && rm -rf "$PRIVATE"
	return 0
}

# The working tree as it is (what git tracks or would track), cloned into
# $PRIVATE/src, with the lab's kernel and the test binaries that the tree
# already built (building them again took 10 s and tests nothing here).
clone_privately() {
	git clone -q "$ROOT" "$PRIVATE/src"
	(cd "$ROOT" && git ls-files -z -c -o --exclude-standard | tar -c --null -T -) |
		tar -x -C "$PRIVATE/src"
	"$ROOT/tests/lab/build" >&2
	mkdir -p "$PRIVATE/src/build"
	cp -a "$ROOT/build/lab" "$PRIVATE/src/build/lab"
	mkdir -p "$PRIVATE/src/build/tests"
	cp -a "$ROOT/passlaunch-test" "$PRIVATE/src/"
	cp -a "$ROOT/build/tests/syscall-probe" "$PRIVATE/src/build/tests/"
}

# The cases of run.bats and faults.bats where QEMU's user must reach what
# the tree gives it (the lab's kernel, the stand-in QEMUs, OVMF, disks):
# what a private checkout could break. The whole suites run in the tree.
private_cases='every vCPU thread on its CPU|tpm = yes starts swtpm|QEMU killed with SIGKILL|unreadable to QEMU|only root may enter'

@test "checkout: run and faults cases where QEMU's user reads the tree pass from a clone inside a directory of mode 0700" {
	clone_privately
	cd "$PRIVATE/src"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$PRIVATE/src/build/lab/vmlinux"
	assert_failure
	run outside_bats PASSLAUNCH_UNDER_TEST="$PRIVATE/src/passlaunch-test" timeout 900 \
		bats --tap -f "$private_cases" tests/bats/run.bats tests/bats/faults.bats
	# bats's own plan line says how many ran; every one must be ok.
	[[ $status == 0 ]] || fail "$(grep -E '^not ok|^#' <<<"$output")"
	assert_line '1..7'
	refute_line --regexp '^not ok'
}
