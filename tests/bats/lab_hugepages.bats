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

@test "lab: more hugepages than memory holds are refused before the kernel tries; the pool unchanged" {
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
	assert_line --regexp "passlaunch: error: hugepages: big needs 4086 more 2M pages \(8172 MiB\), but the host has [0-9]+ MiB of memory available; give the guest less memory, or free some"
}

@test "lab: a 1G hugepage the kernel cannot find contiguous: the count it gave, and the pool unchanged" {
	LAB_TIMEOUT=300 lab_run <<-'EOF'
	# 2 GiB of RAM with the kernel, its caches and the page cache in it:
	# MemAvailable covers 1 GiB, but no free, aligned 1 GiB run is left.
	pool=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/giga-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 1G\nhugepages = 1G\n' >/tmp/giga.ini
	echo "available $(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo) MiB"
	"$PASSLAUNCH" run /tmp/giga.ini >/tmp/giga.log 2>&1 &
	run_pid=$!
	for _ in $(seq 600); do
		kill -0 "$run_pid" 2>/dev/null || break
		grep -q 'guest running' /tmp/giga.log && "$PASSLAUNCH" stop giga --force
		sleep 0.1
	done
	rc=0
	wait "$run_pid" || rc=$?
	echo "status $rc"
	echo "after $(cat "$pool")"
	cat /tmp/giga.log
	EOF
	assert_success
	assert_line --regexp '^available 1[0-9]{3} MiB$'
	assert_line "status 1"
	assert_line "after 0"
	assert_line "passlaunch: error: hugepages: the kernel gave 0 of the 1 1G pages giga needs (memory is too fragmented or too small); free memory, or reserve them at boot with hugepagesz=1G hugepages=1 on the kernel command line"
}
