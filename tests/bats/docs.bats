#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# The man pages: built from source, rendered without warnings, complete.

load common

@test "every man page renders without warnings" {
	for page in "$ROOT"/build/man/*; do
		run bash -c "MANWIDTH=80 man --warnings -l '$page' 2>&1 >/dev/null"
		assert_success
		assert_output ""
	done
	assert_exists "$ROOT/build/man/passlaunch.1"
	assert_exists "$ROOT/build/man/passlaunch.ini.5"
}

@test "passlaunch.ini(5) documents every section and key the parser knows" {
	man5=$ROOT/man/passlaunch.ini.5.scd
	keys=$(grep -oE '^\s*KEY[A-Z_]*\("[a-z_.0-9]+"' "$ROOT/launcher/profile/profile_schema.c" |
		grep -oE '"[a-z_.0-9]+"' | tr -d '"' | sed 's/\.[0-9]$/.N/' | sort -u)
	(($(wc -w <<<"$keys") > 50)) || fail "read only $(wc -w <<<"$keys") keys from the schema"
	for key in $keys; do
		grep -qE "^(\*[a-z0-9_.N]+\*( = _[^_]+_)?, )*\*${key//./\\.}\*( =|,)" "$man5" ||
			fail "passlaunch.ini(5) lacks '$key'"
	done
	sections=$(grep -oE '^\s*\{"[a-z]+", (true|false)' "$ROOT/launcher/profile/profile_schema.c" | grep -oE '"[a-z]+"' | tr -d '"')
	(($(wc -w <<<"$sections") > 10)) || fail "read only $(wc -w <<<"$sections") sections from the schema"
	for section in $sections; do
		grep -qE "^# \[$section(\.LABEL)?\]" "$man5" || fail "passlaunch.ini(5) lacks [$section]"
	done
}

@test "passlaunch(1) documents every command --help lists" {
	run "$PASSLAUNCH" --help
	while read -r cmd; do
		grep -qE "^\*${cmd}[* ]" "$ROOT/man/passlaunch.1.scd" || fail "passlaunch(1) lacks $cmd"
	done < <(sed -n 's/^  \([a-z]\+\) .*/\1/p' <<<"$output")
}

@test "tests/README.md's fault matrix names every case of faults.bats and lab_faults.bats" {
	run grep -ohP '^@test "(lab )?fault: \K[^"]+' "$ROOT/tests/bats/faults.bats" "$ROOT/tests/bats/lab_faults.bats"
	assert_success
	local case
	while read -r case; do
		grep -qF "| $case | host restored |" "$ROOT/tests/README.md" || fail "tests/README.md lacks: $case"
	done <<<"$output"
}
