#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# isolate = yes against a real kernel's cgroup v2 cpuset controller, in the
# GPU lab guest (4 CPUs): host tasks confined to the CPUs the vCPUs leave,
# QEMU in a cgroup of its own, everything given back after the run.

load common
load lab

@test "lab: isolate = yes confines host tasks to the other CPUs while the VM runs, then restores" {
	LAB_TIMEOUT=200 lab_run <<-'EOF'
	cg=/sys/fs/cgroup
	mount -t cgroup2 none "$cg"
	mkdir "$cg/user.slice" "$cg/system.slice"
	sleep 1000 &
	host_task=$!
	echo "$host_task" >"$cg/user.slice/cgroup.procs"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/iso-state\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 128M\n[cpu]\ncores = 1\nvcpu_pin = 3\nemulator_pin = 0\nisolate = yes\n' >/tmp/iso.ini
	cpus() { awk '/Cpus_allowed_list/ {print $2}' "/proc/$1/status"; }
	irqs() { for i in /proc/irq/[0-9]*; do echo "${i##*/}:$(cat "$i/smp_affinity_list")"; done; }
	on_cpu3() { irqs | grep -cE '[:,-]3$' || true; }
	masks() { echo "default $(cat /proc/irq/default_smp_affinity), workqueue $(cat /sys/devices/virtual/workqueue/cpumask)"; }
	state() { awk '{print $3}' "/proc/$1/stat"; }
	# A stand-in irqbalance: root's process by that name. Another user's
	# process of the same name, started first, is not the one to stop.
	cp /bin/sleep /tmp/irqbalance
	setpriv --reuid=nobody --regid=nogroup --clear-groups /tmp/irqbalance 1000 &
	impostor=$!
	/tmp/irqbalance 1000 &
	irqbalance=$!
	irqs >/tmp/irqs.before
	echo "before: $(masks), irqs on CPU 3: $(on_cpu3)"

	run_vm() {
		"$PASSLAUNCH" run /tmp/iso.ini >>/tmp/iso.log 2>&1 &
		run_pid=$!
		for _ in $(seq 600); do grep -q 'guest running' /tmp/iso.log && break; sleep 0.1; done
		qemu=$(jq -r .qemu_pid /run/passlaunch/iso/state.json)
		echo "during: user.slice $(cat "$cg/user.slice/cpuset.cpus.effective"), system.slice $(cat "$cg/system.slice/cpuset.cpus.effective")"
		echo "during: host task on $(cpus "$host_task")"
		echo "during: $(masks), irqbalance $(state "$irqbalance"), nobody's $(state "$impostor")"
		echo "during: irqs on CPU 3: $(on_cpu3)"
		echo "during: QEMU in $(cut -d: -f3 "/proc/$qemu/cgroup"), its cgroup has $(cat "$cg/passlaunch.iso/cpuset.cpus.effective")"
		for t in /proc/"$qemu"/task/*; do
			[ "$(cat "$t/comm")" = "CPU 0/TCG" ] && echo "during: vCPU 0 on $(cpus "${t#/proc/}")"
		done
		"$PASSLAUNCH" stop iso --force
		wait "$run_pid" || true
		sed -i 's/guest running/guest was running/' /tmp/iso.log
		[ -d "$cg/passlaunch.iso" ] && echo "after: VM cgroup left" || echo "after: VM cgroup gone"
		echo "after: host task on $(cpus "$host_task")"
		echo "after: $(masks), irqbalance $(state "$irqbalance")"
		irqs | diff /tmp/irqs.before - && echo "after: every interrupt's CPUs as before"
	}

	echo "1: subtree before [$(cat "$cg/cgroup.subtree_control")]"
	run_vm | sed 's/^/1: /'
	echo "1: subtree after [$(cat "$cg/cgroup.subtree_control")]"

	echo +cpuset >"$cg/cgroup.subtree_control"
	echo 0-3 >"$cg/system.slice/cpuset.cpus"
	echo "2: before: user.slice [$(cat "$cg/user.slice/cpuset.cpus")] system.slice [$(cat "$cg/system.slice/cpuset.cpus")]"
	run_vm | sed 's/^/2: /'
	echo "2: after: user.slice [$(cat "$cg/user.slice/cpuset.cpus")] system.slice [$(cat "$cg/system.slice/cpuset.cpus")] subtree [$(cat "$cg/cgroup.subtree_control")]"
	cat /tmp/iso.log
	EOF
	assert_success
	# passlaunch turned the cpuset controller on, and off again.
	assert_line "1: subtree before []"
	assert_line "1: during: user.slice 0-2, system.slice 0-2"
	assert_line "1: during: host task on 0-2"
	assert_line "1: during: QEMU in /passlaunch.iso, its cgroup has 0-3"
	assert_line "1: during: vCPU 0 on 3"
	assert_line "1: after: VM cgroup gone"
	assert_line "1: after: host task on 0-3"
	assert_line "1: subtree after []"
	# Interrupts, new ones' default and the unbound workqueues kept off CPU 3
	# while the guest runs, irqbalance stopped; each back afterwards.
	assert_line --regexp "^before: default f, workqueue f, irqs on CPU 3: [1-9][0-9]*$"
	for n in 1 2; do
		assert_line "$n: during: default 7, workqueue 7, irqbalance T, nobody's S"
		assert_line "$n: after: default f, workqueue f, irqbalance S"
		assert_line "$n: after: every interrupt's CPUs as before"
	done
	# Every interrupt on CPU 3 during the run is one the kernel would not move.
	kept=$(grep -oE 'interrupts: [0-9]+ moved to CPUs 0-2, [0-9]+ the kernel keeps' <<<"$output" | head -1 | awk '{print $7}')
	[[ -n $kept ]] || fail "passlaunch did not report the interrupts it moved"
	assert_line "1: during: irqs on CPU 3: $kept"
	# The controller was on already: each cgroup gets its own list back.
	assert_line "2: before: user.slice [] system.slice [0-3]"
	assert_line "2: during: user.slice 0-2, system.slice 0-2"
	assert_line "2: after: host task on 0-3"
	# "As the parent" where the kernel allows it for a cgroup with tasks,
	# else the parent's CPUs: the same set.
	assert_line --regexp '^2: after: user.slice \[(|0-3)\] system.slice \[0-3\] subtree \[cpuset\]$'
	assert_line --partial "iso: host tasks confined to CPUs 0-2"
	refute_line --partial "error: could not undo"
}

# Two VMs with isolate = yes at once, stopped in both orders: the host keeps
# away from every running VM's vCPUs, neither VM's cgroup is confined by the
# other, and the host gets its own lists back only when the last one stops.
@test "lab: isolate = yes with two VMs at once, stopped in both orders" {
	LAB_TIMEOUT=400 lab_run <<-'EOF'
	cg=/sys/fs/cgroup
	mount -t cgroup2 none "$cg"
	mkdir "$cg/user.slice" "$cg/system.slice"
	echo +cpuset >"$cg/cgroup.subtree_control"
	echo 0-3 >"$cg/system.slice/cpuset.cpus"
	sleep 1000 &
	echo $! >"$cg/user.slice/cgroup.procs"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	for vm in a:3 b:2; do
		printf '[vm]\nuser = nobody\nstate_dir = /tmp/iso-%s\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[cpu]\ncores = 1\nvcpu_pin = %s\nemulator_pin = 0\nisolate = yes\n' \
			"${vm%:*}" "${vm#*:}" >"/tmp/iso${vm%:*}.ini"
	done
	lists() { echo "user.slice [$(cat "$cg/user.slice/cpuset.cpus")] system.slice [$(cat "$cg/system.slice/cpuset.cpus")] irqs $(cat /proc/irq/default_smp_affinity)/$(cat /sys/devices/virtual/workqueue/cpumask)"; }
	irqs() { for i in /proc/irq/[0-9]*; do echo "${i##*/}:$(cat "$i/smp_affinity_list")"; done; }
	irqs >/tmp/irqs.before
	declare -A run_pid
	start() {
		"$PASSLAUNCH" run "/tmp/iso$1.ini" >"/tmp/iso$1.log" 2>&1 &
		run_pid[$1]=$!
		for _ in $(seq 900); do grep -q 'guest running' "/tmp/iso$1.log" && return; sleep 0.1; done
		echo "iso$1 did not start"; cat "/tmp/iso$1.log"
	}
	stop() {
		"$PASSLAUNCH" stop "iso$1" --force
		wait "${run_pid[$1]}" || true
	}
	for order in "a b" "b a"; do
		set -- $order
		echo "$order: before: $(lists)"
		start a
		start b
		echo "$order: both: $(lists), isoa's cgroup $(cat "$cg/passlaunch.isoa/cpuset.cpus.effective"), isob's $(cat "$cg/passlaunch.isob/cpuset.cpus.effective")"
		stop "$1"
		echo "$order: $2 left: $(lists)"
		stop "$2"
		echo "$order: none left: $(lists) subtree [$(cat "$cg/cgroup.subtree_control")]"
		irqs | diff /tmp/irqs.before - && echo "$order: every interrupt's CPUs as before"
		grep -h 'could not' /tmp/isoa.log /tmp/isob.log || true
	done
	EOF
	assert_success
	assert_line "a b: before: user.slice [] system.slice [0-3] irqs f/f"
	assert_line --regexp '^b a: before: user.slice \[(|0-3)\] system.slice \[0-3\] irqs f/f$'
	for order in "a b" "b a"; do
		assert_line "$order: both: user.slice [0-1] system.slice [0-1] irqs 3/3, isoa's cgroup 0-3, isob's 0-3"
		assert_line "$order: every interrupt's CPUs as before"
	done
	# isoa holds CPU 3, isob CPU 2: the one still running keeps its own.
	assert_line "a b: b left: user.slice [0-1,3] system.slice [0-1,3] irqs b/b"
	assert_line "b a: a left: user.slice [0-2] system.slice [0-2] irqs 7/7"
	assert_line --regexp '^a b: none left: user.slice \[(|0-3)\] system.slice \[0-3\] irqs f/f subtree \[cpuset\]$'
	assert_line --regexp '^b a: none left: user.slice \[(|0-3)\] system.slice \[0-3\] irqs f/f subtree \[cpuset\]$'
	refute_line --partial "could not undo"
}
