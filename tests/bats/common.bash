# shellcheck shell=bash disable=SC2034  # the suites use these variables
# Shared by every bats suite: assertion libraries, paths, and a test
# environment that never touches the real /run/passlaunch or the user's config.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# The binary under test: ./passlaunch, or a sanitized build (tests/run).
PASSLAUNCH=${PASSLAUNCH_UNDER_TEST:-$ROOT/passlaunch}
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

# A listing of every file under a directory with its size and mode, to prove
# that a command changed nothing there.
tree_state() {
	find "$1" -printf '%p %s %m\n' 2>/dev/null | sort
}
