#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# The corpus of published passthrough configurations (tests/realworld): each
# one's profile prints against the fake host with its own devices added, and
# the command line carries every setting that its coverage.txt says a profile
# key, a passlaunch default or [qemu] args expresses. The real QEMU starts
# each one in qemu_accepts.bats; tests/README.md's table is made from them.

load common

setup() {
	common_setup
}

CORPUS=$ROOT/tests/realworld

# ini_has FILE SECTION LINE: LINE (blanks around '=' and at the ends
# ignored) is a line of [SECTION] in FILE.
ini_has() {
	awk -v want_section="$2" -v want="$3" '
		function norm(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); sub(/[ \t]*=[ \t]*/, " = ", s); return s }
		/^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); section = s; next }
		section == want_section && norm($0) == norm(want) { found = 1 }
		END { exit !found }' "$1"
}

check_config() {
	local dir=$CORPUS/$1 setting class how expect section line n=0
	for f in README.md settings.txt profile.ini coverage.txt; do
		[[ -f $dir/$f ]] || fail "$1 has no $f"
	done
	# One coverage line a setting, in the order of settings.txt.
	diff <(cat "$dir/settings.txt") <(cut -f1 "$dir/coverage.txt") || fail "coverage.txt does not follow settings.txt"
	awk -F'\t' 'NF != 4 { print FILENAME ":" NR ": " NF " fields"; bad = 1 } END { exit bad }' "$dir/coverage.txt"
	run --separate-stderr env PASSLAUNCH="$PASSLAUNCH" "$HELPERS/realworld-print" "$dir"
	assert_success
	printf '%s\n' "$output" >cmd
	# The args lines' values, one after another, as QEMU gets them.
	sed -nE 's/^[ \t]*(args|extra_args)[ \t]*=[ \t]*//p' "$dir/profile.ini" | tr '\n' ' ' >args
	while IFS=$'\t' read -r setting class how expect; do
		n=$((n + 1))
		[[ -n $how ]] || fail "$1:$n: $setting: no HOW"
		case $class in
		key | default | args)
			[[ $expect == - ]] || grep -qF -- "$expect" cmd ||
				fail "$1:$n: $setting ($class): no '$expect' in the command line"
			;;
		outside | impossible)
			[[ $expect == - ]] || fail "$1:$n: $setting is $class but expects '$expect'"
			;;
		*) fail "$1:$n: $setting: unknown class '$class'" ;;
		esac
		if [[ $class == key ]]; then
			[[ $how =~ ^\[([^]]+)\]\ (.+)$ ]] || fail "$1:$n: HOW '$how' is not '[section] key = value'"
			section=${BASH_REMATCH[1]}
			line=${BASH_REMATCH[2]}
			ini_has "$dir/profile.ini" "$section" "$line" || fail "$1:$n: profile.ini has no [$section] $line"
		fi
		if [[ $class == args ]]; then
			grep -qF -- "$how" args || fail "$1:$n: no [qemu] args holds '$how'"
		fi
	done <"$dir/coverage.txt"
	((n > 0)) || fail "$1: no settings"
}

@test "the corpus: at least 20 published configurations of every kind, each with its source" {
	local n=0 kind
	for dir in "$CORPUS"/*/; do
		n=$((n + 1))
		grep -qE '^Source: ' "$dir/README.md" || fail "$dir: README.md names no source"
		grep -qF "| $(basename "$dir") |" "$CORPUS/SOURCES.md" || fail "$dir: not in SOURCES.md"
	done
	((n >= 20)) || fail "only $n configurations"
	for kind in libvirt proxmox qemu-script single-gpu; do
		compgen -G "$CORPUS/$kind-*" >/dev/null || fail "no $kind configuration"
	done
}

@test "every configuration has a test below" {
	for dir in "$CORPUS"/*/; do
		grep -qF "check_config $(basename "$dir");" "$BATS_TEST_FILENAME" || fail "no test for $(basename "$dir")"
	done
}

@test "tests/README.md's table is the one the coverage files give" {
	run "$HELPERS/realworld-table"
	assert_success
	diff <(printf '%s\n' "$output") <(sed -n "/^| configuration | settings |/,/^| \\*\\*the VMs' own/p" "$ROOT/tests/README.md")
}

@test "realworld: libvirt-bryansteiner-win10" { check_config libvirt-bryansteiner-win10; }
@test "realworld: libvirt-cafreo-win10-looking-glass" { check_config libvirt-cafreo-win10-looking-glass; }
@test "realworld: libvirt-cappyt-g14-laptop-win10" { check_config libvirt-cappyt-g14-laptop-win10; }
@test "realworld: libvirt-darkacid-gtx1650-win10-lg" { check_config libvirt-darkacid-gtx1650-win10-lg; }
@test "realworld: libvirt-justarchi-gtx1080ti-win10-i440fx" { check_config libvirt-justarchi-gtx1080ti-win10-i440fx; }
@test "realworld: libvirt-mingyaoliu-threadripper-numa-win10" { check_config libvirt-mingyaoliu-threadripper-numa-win10; }
@test "realworld: libvirt-renangrothe-acer-nitro-laptop-win11" { check_config libvirt-renangrothe-acer-nitro-laptop-win11; }
@test "realworld: libvirt-snekutaren-9070xt-win11-kvmfr" { check_config libvirt-snekutaren-9070xt-win11-kvmfr; }
@test "realworld: libvirt-sotigr-archlinux-guest" { check_config libvirt-sotigr-archlinux-guest; }
@test "realworld: proxmox-andrei-paul-gtx760-win10" { check_config proxmox-andrei-paul-gtx760-win10; }
@test "realworld: proxmox-ayufan-204-win10-rtx2080s" { check_config proxmox-ayufan-204-win10-rtx2080s; }
@test "realworld: proxmox-ayufan-206-ubuntu-rx560" { check_config proxmox-ayufan-206-ubuntu-rx560; }
@test "realworld: proxmox-halimbo-rtx3050-win11" { check_config proxmox-halimbo-rtx3050-win11; }
@test "realworld: proxmox-iroger-trx40-macos-radeonvii" { check_config proxmox-iroger-trx40-macos-radeonvii; }
@test "realworld: qemu-script-darkacid-wendell-centos" { check_config qemu-script-darkacid-wendell-centos; }
@test "realworld: qemu-script-spaghetti-win10-evdev" { check_config qemu-script-spaghetti-win10-evdev; }
@test "realworld: qemu-script-stqigit-looking-glass-spice" { check_config qemu-script-stqigit-looking-glass-spice; }
@test "realworld: qemu-script-utkarshverma-tuf-laptop-lg" { check_config qemu-script-utkarshverma-tuf-laptop-lg; }
@test "realworld: qemu-script-vgeddes-r9nano-win10" { check_config qemu-script-vgeddes-r9nano-win10; }
@test "realworld: qemu-script-wxianxin-b650-kvmfr-win11" { check_config qemu-script-wxianxin-b650-kvmfr-win11; }
@test "realworld: single-gpu-hthmkhlf-macos-bigsur" { check_config single-gpu-hthmkhlf-macos-bigsur; }
@test "realworld: single-gpu-joxcat-framework-igpu-win11" { check_config single-gpu-joxcat-framework-igpu-win11; }
@test "realworld: single-gpu-qaidvoid-guide-win10" { check_config single-gpu-qaidvoid-guide-win10; }
@test "realworld: single-gpu-stele95-7900xtx-win10" { check_config single-gpu-stele95-7900xtx-win10; }
@test "realworld: single-gpu-zile995-rx580-win10" { check_config single-gpu-zile995-rx580-win10; }
