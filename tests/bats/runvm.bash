# shellcheck shell=bash
# shellcheck disable=SC2034  # the suites read RC, VM and RUN_PID
# Full runs of `passlaunch run` with the real QEMU (TCG), whose guest is the
# lab's kernel and busybox (tests/lab/init): lab.guest=acpi powers off on the
# ACPI power button, lab.guest=deaf ignores it. $LAB holds the lab's kernel
# and initramfs, staged where QEMU's user can read them.

runvm_setup_file() {
	"$ROOT/tests/lab/build" >&2
	[[ $EUID == 0 ]] || return 0
	stage_for_qemu "$ROOT/build/lab/vmlinux" "$ROOT/build/lab/initramfs.gz"
}

runvm_teardown_file() {
	unstage_for_qemu
}

# runvm_setup WHY: the common set-up for a suite of full runs as root (WHY
# says what needs root); QEMU runs as nobody, so the test's directories
# open to it.
runvm_setup() {
	common_setup
	[[ $EUID == 0 ]] || skip "needs root: $1"
	LAB=$QEMU_STAGE
	open_tmp_to_nobody
	HUGEPAGES_BEFORE=$(cat /proc/sys/vm/nr_hugepages)
	HUGEPAGES_FREE_BEFORE=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
}

# assert_pool_grown_for NEED: the 2M pool grew by what NEED pages lacked
# beyond the free pages the host already had (passlaunch uses those first),
# so the suite holds on a host whose pool is not empty.
assert_pool_grown_for() {
	local short=$(($1 - HUGEPAGES_FREE_BEFORE))
	((short > 0)) || short=0
	assert_equal "$(cat /proc/sys/vm/nr_hugepages)" "$((HUGEPAGES_BEFORE + short))"
}

# assert_guest_on_hugepages NEED: NEED more 2M pages are in use than before.
assert_guest_on_hugepages() {
	local dir=/sys/kernel/mm/hugepages/hugepages-2048kB
	local in_use=$(($(cat $dir/nr_hugepages) - $(cat $dir/free_hugepages)))
	local before=$((HUGEPAGES_BEFORE - HUGEPAGES_FREE_BEFORE))
	((in_use - before >= $1)) || fail "$((in_use - before)) 2M pages in use by the guest, not $1"
}

# Ends what a failed test left running.
runvm_teardown() {
	[[ -n ${RUN_PID:-} ]] && kill -9 "$RUN_PID" 2>/dev/null
	pkill -9 -f "qemu-system-x86_64 -name ${VM:-none}," 2>/dev/null
	return 0
}

# vm NAME GUEST [LINE...]: writes NAME.ini for a TCG guest that boots the lab
# kernel in GUEST mode (acpi or deaf): one vCPU on CPU 1, QEMU's other
# threads on CPU 0 (CORES and VCPU_PIN change that).
vm() {
	VM=$1
	local guest=$2
	shift 2
	cat >"$VM.ini" <<-INI
	[vm]
	user = nobody
	state_dir = $TMP/state/$VM
	stop_timeout = ${STOP_TIMEOUT:-60}
	[qemu]
	accel = tcg
	extra_args = -kernel $LAB/vmlinux -initrd $LAB/initramfs.gz -append 'console=ttyS0 quiet lpj=4000000 no_timer_check lab.guest=$guest'
	[firmware]
	type = bios
	[cpu]
	cores = ${CORES:-1}
	vcpu_pin = ${VCPU_PIN:-1}
	emulator_pin = 0
	[memory]
	size = 256M
	$(printf '%s\n' "$@")
	[display]
	serial = yes
	INI
}

start_vm() {
	"$PASSLAUNCH" run "$VM.ini" >"$TMP/$VM.log" 2>&1 &
	RUN_PID=$!
}

# Waits (bounded) until the run's log has a line matching the pattern.
wait_for_log() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -qE "$1" "$TMP/$VM.log" && return 0
		kill -0 "$RUN_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "no '$1' in the log: $(cat "$TMP/$VM.log")"
}

# Waits for the run to end; its exit status lands in RC.
finish_vm() {
	RC=0
	wait "$RUN_PID" || RC=$?
	RUN_PID=
}

qemu_pid() {
	jq -r .qemu_pid "$PASSLAUNCH_RUNTIME_DIR/$VM/state.json"
}


# The host as it was: no journal, no run directory, hugepages back
# ($HUGEPAGES_BEFORE), no QEMU of $VM left.
assert_host_restored() {
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/$VM/journal"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/$VM"
	assert_equal "$(cat /proc/sys/vm/nr_hugepages)" "$HUGEPAGES_BEFORE"
	run pgrep -f "qemu-system-x86_64 -name $VM,"
	assert_failure
}
