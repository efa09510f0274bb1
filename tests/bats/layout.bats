#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output and status
# The launcher's layers (README, Layout) as make lint checks them, and the
# test command's way of running part of the suite.

load common

setup() {
	common_setup
	cp -r "$ROOT/launcher" "$TMP/launcher"
}

@test "layout: the launcher's layers include only downwards, with no circle" {
	run "$HELPERS/layers" "$ROOT/launcher"
	assert_success
	assert_output ""
}

@test "layout: an include of a layer above is refused, naming the file" {
	sed -i '1a #include "vm/notify.h"' "$TMP/launcher/base/size.c"
	run "$HELPERS/layers" "$TMP/launcher"
	assert_failure
	assert_output "layers: $TMP/launcher/base/size.c: includes vm/notify.h, a layer above its own"
}

@test "layout: two modules that include each other are refused as a circle" {
	sed -i '1a #include "size.h"' "$TMP/launcher/base/util.c"
	sed -i '1a #include "util.h"' "$TMP/launcher/base/size.c"
	run "$HELPERS/layers" "$TMP/launcher"
	assert_failure
	assert_output --regexp 'circle: base/(size -> base/util -> base/size|util -> base/size -> base/util)'
}

@test "layout: make check BATS=... runs only those suites and ends with the count" {
	printf '%s\n' '#!/usr/bin/env bats' '@test "passes" { true; }' '@test "fails" { false; }' >"$TMP/two.bats"
	run outside_bats make -C "$ROOT" check BATS="$TMP/two.bats"
	assert_failure
	assert_line --partial "ok 1 passes"
	assert_line --partial "not ok 2 fails"
	assert_line "1 passed, 1 failed"
	refute_output --partial "lint:"
	refute_output --partial "# unit"
	refute_output --partial "# fuzz"
}
