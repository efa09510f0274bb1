# shellcheck shell=bash disable=SC2034  # the suites use these variables
# Shared by every bats suite: assertion libraries, paths, and a test
# environment that never touches the real /run/passlaunch or the user's config.
bats_require_minimum_version 1.5.0

# bats sources this file again for every test. The libraries' own loaders
# start a dirname process for each of their files: a fifth of a second a
# test here. Their sources hold only functions, so they are read directly.
load_bats_libraries() {
	local dir lib src found dirs
	for lib; do
		found=
		IFS=: read -ra dirs <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
		for dir in "${dirs[@]}"; do
			[[ -d $dir/$lib/src ]] || continue
			for src in "$dir/$lib"/src/*.bash; do
				# shellcheck disable=SC1090  # the libraries' own files
				source "$src" || return 1
			done
			found=1
			break
		done
		[[ -n $found ]] || bats_load_library "$lib" || return 1
	done
}
load_bats_libraries bats-support bats-assert bats-file

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# The binary under test: the test build ./passlaunch-test (it honours the
# PASSLAUNCH_* overrides), or a sanitized build (tests/run).
PASSLAUNCH=${PASSLAUNCH_UNDER_TEST:-$ROOT/passlaunch-test}
GOLDEN=$ROOT/tests/golden
HELPERS=$ROOT/tests/helpers

# Facts from the fake host in tests/golden/host, so results do not depend on
# the machine the tests run on.
use_fake_host() {
	export PASSLAUNCH_SYSFS=$GOLDEN/host/sys
	export PASSLAUNCH_PROCFS=$GOLDEN/host/proc
	export PASSLAUNCH_DEVFS=$GOLDEN/host/dev
	export PASSLAUNCH_FIRMWARE_PATH=$GOLDEN/host/firmware
	export PASSLAUNCH_QEMU_VERSION=8.2
}

common_setup() {
	# A directory of its own: bats keeps files of its own in BATS_TEST_TMPDIR.
	TMP=$BATS_TEST_TMPDIR/work
	mkdir -p "$TMP"
	export PASSLAUNCH_RUNTIME_DIR=$TMP/run
	export XDG_CONFIG_HOME=$TMP/config
	cd "$TMP" || return 1
}

# For tests where QEMU runs as nobody: the test's directories must let it
# through (bats makes them private).
open_tmp_to_nobody() {
	local dir=$TMP
	while [[ $dir != / && $dir != /tmp ]]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
}

# stage_for_qemu FILE...: copies of FILEs, in a directory of the suite's that
# is root's and open to all ($QEMU_STAGE), for QEMU's user (nobody) to read or
# run: the checkout may sit where only root may enter (a home directory), and
# the tests never loosen its permissions. Call from setup_file; teardown_file
# calls unstage_for_qemu.
stage_for_qemu() {
	local f mode
	if [[ -z ${QEMU_STAGE:-} ]]; then
		QEMU_STAGE=$(mktemp -d /tmp/passlaunch-stage.XXXXXX) || return 1
		chmod 755 "$QEMU_STAGE"
		export QEMU_STAGE
	fi
	for f; do
		mode=644
		[[ -x $f ]] && mode=755
		install -m "$mode" "$f" "$QEMU_STAGE/" || return 1
		qemu_user_can_read "$QEMU_STAGE/${f##*/}" || return 1
	done
}

unstage_for_qemu() {
	[[ -n ${QEMU_STAGE:-} && $QEMU_STAGE == /tmp/passlaunch-stage.* ]] && rm -rf "$QEMU_STAGE"
	return 0
}

# qemu_user_can_read FILE: fails, saying why, when QEMU's user (nobody)
# cannot read FILE; a run would fail later with a less clear message.
qemu_user_can_read() {
	if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$1"; then
		echo "QEMU's user (nobody) cannot read $1: a directory above it is closed to it" \
			"(ls -ld each one); tests stage what QEMU needs with stage_for_qemu" >&2
		return 1
	fi
}

# outside_bats CMD...: CMD as a shell would run it, without this bats's
# variables or its PATH (whose first entry is bats's own libexec), for a
# nested make check or bats.
outside_bats() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$HOME" "$@"
}

# A listing of every file under a directory with its size and mode, to prove
# that a command changed nothing there.
tree_state() {
	find "$1" -printf '%p %s %m\n' 2>/dev/null | sort
}
