#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# vcpu_pin = auto against a real kernel's view of a topology: the lab guest
# booted with three dies (QEMU gives each its own L3) of one core with two
# threads, each die its own NUMA node; the plan read back from /proc while a
# nested QEMU runs.

load common
load lab

# 6 CPUs: die N holds core N, CPUs 2N and 2N+1.
# shellcheck disable=SC2054  # QEMU options, commas and all
TOPOLOGY=(-cpu max,vendor=GenuineIntel -smp 6,sockets=1,dies=3,cores=1,threads=2
	-object memory-backend-ram,id=m0,size=768M -object memory-backend-ram,id=m1,size=768M
	-object memory-backend-ram,id=m2,size=512M
	-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1
	-numa node,nodeid=2,cpus=4-5,memdev=m2)

@test "lab: vcpu_pin = auto on three dies and NUMA nodes: one node's L3 when the vCPUs fit, equal shares and guest dies when not" {
	LAB_TIMEOUT=400 lab_run "${TOPOLOGY[@]}" <<-'EOF'
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	echo "topology: L3 $(cat /sys/devices/system/cpu/cpu{0,2,4}/cache/index3/shared_cpu_list | tr '\n' ' ')nodes $(cat /sys/devices/system/node/node*/cpulist | tr '\n' ' ')"
	cpus() { awk '/Cpus_allowed_list/ {print $2}' "/proc/$1/status"; }
	run_vm() {
		local name=$1 cores=$2
		printf '[vm]\nname = %s\nuser = nobody\nstate_dir = /tmp/%s-state\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[cpu]\ncores = %s\nthreads = 2\nvcpu_pin = auto\n' \
			"$name" "$name" "$cores" >"/tmp/$name.ini"
		"$PASSLAUNCH" print "/tmp/$name.ini" | sed -n "s/^# pinning: /$name: plan: /p"
		"$PASSLAUNCH" run "/tmp/$name.ini" >"/tmp/$name.log" 2>&1 &
		local run_pid=$! qemu t
		for _ in $(seq 900); do grep -q 'guest running' "/tmp/$name.log" && break; sleep 0.1; done
		qemu=$(jq -r .qemu_pid "/run/passlaunch/$name/state.json")
		echo "$name: smp $(tr '\0' '\n' <"/proc/$qemu/cmdline" | grep -A1 -x -- -smp | tail -1)"
		for t in /proc/"$qemu"/task/*; do
			case $(cat "$t/comm") in
			"CPU "*) echo "$name: $(cat "$t/comm") on $(cpus "${t#/proc/}")" ;;
			qemu-system-*) echo "$name: QEMU's main thread on $(cpus "${t#/proc/}")" ;;
			esac
		done | sort -u
		"$PASSLAUNCH" stop "$name" --force
		wait "$run_pid" || true
	}
	run_vm fits 1
	run_vm spans 2
	EOF
	assert_success
	# The kernel sees what QEMU was asked for.
	assert_line "topology: L3 0-1 2-3 4-5 nodes 0-1 2-3 4-5 "
	# One core fits a die: a node's whole L3, not CPU 0's node; QEMU's own
	# threads on CPU 0's core.
	assert_line "fits: plan: vcpu_pin = 2,3 (vCPU 0 first)"
	assert_line "fits: plan: NUMA: node 1 holds every vCPU"
	assert_line "fits: smp 2,sockets=1,cores=1,threads=2"
	for n in 0 1; do assert_line "fits: CPU $n/TCG on $((n + 2))"; done
	assert_line "fits: QEMU's main thread on 0-1"
	# Two cores fit no node: one on each of the two dies without CPU 0, and
	# the guest gets two dies to match.
	assert_line "spans: plan: vcpu_pin = 2-5 (vCPU 0 first)"
	assert_line "spans: plan: guest topology: 2 dies of 1 core, one per host L3 domain, so that the guest's caches match the host's"
	assert_line "spans: smp 4,sockets=1,dies=2,cores=1,threads=2"
	for n in 0 1 2 3; do assert_line "spans: CPU $n/TCG on $((n + 2))"; done
	assert_line "spans: QEMU's main thread on 0-1"
}
