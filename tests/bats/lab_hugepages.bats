#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# Hugepages against a real kernel's pool, in the GPU lab guest (2 GiB of RAM),
# so that asking for more than the kernel can give touches no real host.

load common
load lab

@test "lab: hugepages come from the NUMA node's pool during the run and go back after" {
	LAB_TIMEOUT=300 lab_run <<-'EOF'
	pool=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	cat >/tmp/huge.ini <<-INI
	[vm]
	user = nobody
	state_dir = /tmp/huge-state
	[qemu]
	accel = tcg
	[firmware]
	type = bios
	[memory]
	size = 128M
	hugepages = 2M
	node = 0
	INI
	echo "before $(cat "$pool")"
	"$PASSLAUNCH" run /tmp/huge.ini >/tmp/huge.log 2>&1 &
	for _ in $(seq 600); do grep -q 'guest running' /tmp/huge.log && break; sleep 0.1; done
	echo "during $(cat "$pool")"
	"$PASSLAUNCH" stop huge --force
	wait || true
	echo "after $(cat "$pool")"
	cat /tmp/huge.log
	EOF
	assert_success
	assert_line "before 0"
	assert_line "during 64"
	assert_line "after 0"
	assert_line --partial "huge: reserving 64 2M hugepages (on its NUMA node)"
	assert_line --partial "huge: host restored"
}

@test "lab: more hugepages than the kernel can give: the count it gave, and the pool unchanged" {
	LAB_TIMEOUT=300 lab_run <<-'EOF'
	pool=/proc/sys/vm/nr_hugepages
	echo 10 >"$pool"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/big-state\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 8G\nhugepages = 2M\n' >/tmp/big.ini
	rc=0
	"$PASSLAUNCH" run /tmp/big.ini || rc=$?
	echo "status $rc"
	echo "after $(cat "$pool")"
	pgrep -f qemu-system >/dev/null && echo "a QEMU runs" || echo "no QEMU"
	EOF
	assert_success
	assert_line "status 1"
	assert_line "after 10"
	assert_line "no QEMU"
	assert_line --regexp "passlaunch: error: hugepages: the kernel gave [0-9]+ of the 4086 2M pages big needs \(memory is too fragmented or too small\); free memory, or reserve them at boot with hugepages=4096 on the kernel command line"
}
