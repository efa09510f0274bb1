#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034  # bats sets output and status; runvm.bash reads LAB
# Tier 3: `passlaunch run` with the real QEMU (TCG). The guest is the lab's
# kernel and busybox (tests/lab/init): lab.guest=acpi powers off on the ACPI
# power button, lab.guest=deaf ignores it.

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "hugepages, pinning of another user's threads"
}

teardown() {
	runvm_teardown
}

@test "run: every vCPU thread on its CPU, the rest on the emulator CPUs, pinned before the guest ran" {
	CORES=2 VCPU_PIN=1,0 vm pinned acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	pid=$(qemu_pid)
	for task in /proc/"$pid"/task/*; do
		name=$(cat "$task/comm")
		cpus=$(awk '/^Cpus_allowed_list/ {print $2}' "$task/status")
		case $name in
		"CPU 0/TCG") assert_equal "$cpus" 1 ;;
		"CPU 1/TCG") assert_equal "$cpus" 0 ;;
		worker) ;; # made later by whichever thread needs one, with its CPUs
		*) assert_equal "$name: $cpus" "$name: 0" ;;
		esac
	done
	# The guest stayed paused until every thread was pinned.
	grep -nE 'guest (prelaunch|paused); pinning|vCPU [01] .* on CPU|guest running' "$TMP/$VM.log" >order
	run cut -d: -f2- order
	assert_line --index 0 --regexp 'guest (prelaunch|paused); pinning its threads$'
	assert_line --index 3 --regexp 'guest running$'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
}

@test "run: SIGTERM shuts the guest down through ACPI; exit 0 and the host restored" {
	vm graceful acpi
	sed -i 's/^size = 256M$/size = 256M\nhugepages = 2M/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	assert_pool_grown_for 128
	assert_guest_on_hugepages 128
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	run cat "$TMP/$VM.log"
	assert_line --partial "lab-guest: power button pressed, powering off"
	assert_line --partial "guest shut down (guest-shutdown)"
	assert_line --partial "graceful: host restored"
	assert_host_restored
}

@test "stop: passlaunch stop NAME shuts the guest down; status shows it before" {
	vm stopme acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	run "$PASSLAUNCH" status stopme
	assert_success
	assert_line --regexp '^stopme: running, up [0-9]+ s$'
	assert_line --regexp "^  QEMU PID +$(qemu_pid)$"
	assert_line --regexp '^  vCPU CPUs +1$'
	run "$PASSLAUNCH" status stopme --json
	assert_success
	assert_equal "$(jq -r .state <<<"$output")" running
	run "$PASSLAUNCH" stop stopme
	assert_success
	finish_vm
	assert_equal "$RC" 0
	run "$PASSLAUNCH" status stopme
	assert_failure 1
	assert_output "stopme: stopped"
	assert_host_restored
}

@test "run: a guest that ignores ACPI is quit after stop_timeout; exit 5" {
	STOP_TIMEOUT=2 vm deafguest deaf
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 5
	run cat "$TMP/$VM.log"
	assert_line --partial "the guest did not shut down in stop_timeout; telling QEMU to quit"
	assert_host_restored
}

@test "run: a second signal quits at once; stop --force likewise" {
	vm impatient deaf
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	wait_for_log 'asking the guest to shut down'
	kill -INT "$RUN_PID"
	finish_vm
	assert_equal "$RC" 5
	assert_host_restored
	vm forced deaf
	start_vm
	wait_for_log 'lab-guest: ready'
	run "$PASSLAUNCH" stop forced --force
	assert_success
	finish_vm
	assert_equal "$RC" 5
	assert_host_restored
}

@test "run: QEMU killed with SIGKILL: release runs, exit 4" {
	vm killed deaf
	sed -i 's/^size = 256M$/size = 256M\nhugepages = 2M/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -KILL "$(qemu_pid)"
	finish_vm
	assert_equal "$RC" 4
	run cat "$TMP/$VM.log"
	assert_line --partial "QEMU was killed by signal 9"
	assert_host_restored
}

@test "run: a second run of the same VM is refused with the first one's PID; exit 3" {
	vm twice deaf
	start_vm
	wait_for_log 'lab-guest: ready'
	run "$PASSLAUNCH" run twice.ini
	assert_failure 3
	assert_output "passlaunch: error: twice is already running (passlaunch PID $RUN_PID); stop it with: passlaunch stop twice"
	kill -QUIT "$RUN_PID"
	finish_vm
}

@test "recover: after kill -9 of the launcher, run refuses and recover restores the host" {
	vm crashed deaf
	sed -i 's/^size = 256M$/size = 256M\nhugepages = 2M/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	qemu=$(qemu_pid)
	kill -KILL "$RUN_PID"
	finish_vm
	# QEMU follows its launcher (parent-death signal).
	timeout 10 tail --pid="$qemu" -f /dev/null
	assert_exists "$PASSLAUNCH_RUNTIME_DIR/$VM/journal"
	assert_pool_grown_for 128
	run "$PASSLAUNCH" run crashed.ini
	assert_failure 3
	assert_output --partial "crashed: a previous run of crashed did not give the host back completely"
	assert_output --partial "run: passlaunch recover crashed"
	run "$PASSLAUNCH" recover crashed
	assert_success
	assert_output --partial "crashed: host restored"
	assert_host_restored
}

@test "run: QEMU that fails at start: exit 1 with QEMU's words, host restored" {
	vm broken deaf
	sed -i "s|^extra_args = .*|extra_args = -device no-such-device|" "$VM.ini"
	run "$PASSLAUNCH" run broken.ini
	assert_failure 1
	assert_output --partial "'no-such-device' is not a valid device model name"
	assert_output --partial "passlaunch: error: broken: QEMU exited with status 1 before the guest started; its message is above"
	assert_host_restored
}

@test "run: a CPU this host does not have is refused before anything changes" {
	vm nocpu deaf
	sed -i 's/^vcpu_pin = 1$/vcpu_pin = 4000/' "$VM.ini"
	run "$PASSLAUNCH" run nocpu.ini
	assert_failure 2
	assert_output --regexp "nocpu.ini:[0-9]+: vcpu_pin names CPU 4000, but this host's CPUs are"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/nocpu"
}

@test "run: a ROM that is missing or that QEMU's user cannot read is refused before anything changes" {
	mkdir -m 700 private
	head -c 4096 /dev/zero >private/card.rom
	vm roms deaf "[pci.card]" "address = 0000:0f:00.0" "rom = $TMP/gone.rom"
	run "$PASSLAUNCH" run roms.ini
	assert_failure 2
	assert_output --regexp "roms.ini:[0-9]+: \\[pci.card\\] rom = $TMP/gone.rom: no such file; give the path of a ROM dump"
	sed -i "s|^rom = .*|rom = $TMP/private/card.rom|" roms.ini
	run "$PASSLAUNCH" run roms.ini
	assert_failure 2
	assert_output --regexp "roms.ini:[0-9]+: \\[pci.card\\] rom = $TMP/private/card.rom: QEMU runs as nobody, who cannot read it \\(Permission denied\\); make it readable"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/roms"
	# A GPU's other function's ROM (rom.N) under the same rules.
	vm groms deaf "[gpu.apu]" "address = 0000:0f:00.0" "rom.1 = $TMP/private/card.rom"
	run "$PASSLAUNCH" run groms.ini
	assert_failure 2
	assert_output --regexp "groms.ini:[0-9]+: \\[gpu.apu\\] rom.1 = $TMP/private/card.rom: QEMU runs as nobody, who cannot read it"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/groms"
}

@test "run: OVMF NVRAM is created from the template once and never overwritten" {
	vm nvram deaf
	sed -i 's/^type = bios$/type = ovmf/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	kill -QUIT "$RUN_PID"
	finish_vm
	vars=$TMP/state/nvram/OVMF_VARS.fd
	assert_exists "$vars"
	cmp -s "$vars" /usr/share/OVMF/OVMF_VARS_4M.fd
	# A setting the guest saved: it must survive the next start.
	printf 'saved' | dd of="$vars" bs=1 seek=4096 conv=notrunc status=none
	start_vm
	wait_for_log 'guest running'
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_equal "$(dd if="$vars" bs=1 skip=4096 count=5 status=none)" saved
}

@test "run: governor set on the vCPUs' CPUs while running, the old one back after (fake cpufreq tree)" {
	# This machine and the lab guest have no cpufreq: the sysfs root is moved
	# to a tree with the files the kernel's cpufreq would have.
	sysfs=$TMP/sys
	mkdir -p "$sysfs/devices/system/cpu/cpu0/cpufreq" "$sysfs/devices/system/cpu/cpu1/cpufreq"
	echo 0-1 >"$sysfs/devices/system/cpu/online"
	for cpu in 0 1; do
		echo schedutil >"$sysfs/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor"
		echo "performance schedutil powersave" >"$sysfs/devices/system/cpu/cpu$cpu/cpufreq/scaling_available_governors"
	done
	vm gov deaf
	sed -i 's/^emulator_pin = 0$/emulator_pin = 0\ngovernor = performance/' "$VM.ini"
	PASSLAUNCH_SYSFS=$sysfs start_vm
	wait_for_log 'guest running'
	assert_equal "$(cat "$sysfs/devices/system/cpu/cpu1/cpufreq/scaling_governor")" performance
	assert_equal "$(cat "$sysfs/devices/system/cpu/cpu0/cpufreq/scaling_governor")" schedutil
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_equal "$(cat "$sysfs/devices/system/cpu/cpu1/cpufreq/scaling_governor")" schedutil
	assert_host_restored
}

@test "run: vcpu_pin = auto leaves CPU 0's core to the host and puts QEMU's own threads there" {
	vm autopin deaf
	sed -i 's/^vcpu_pin = 1$/vcpu_pin = auto/; /^emulator_pin = 0$/d' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	run grep -E 'vCPU 0 .* on CPU|QEMU thread .* on CPU' "$TMP/$VM.log"
	assert_line --regexp 'vCPU 0 \(thread [0-9]+\) on CPU 1$'
	refute_line --regexp 'QEMU thread .* on CPU 1$'
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
}

@test "run: vcpu_sched = fifo:N makes the vCPU threads real-time, and only them" {
	vm rtvcpu deaf
	sed -i 's/^vcpu_pin = 1$/vcpu_pin = 1\nvcpu_sched = fifo:10/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	qemu=$(qemu_pid)
	for task in /proc/"$qemu"/task/*; do
		echo "$(cat "$task/comm"): $(chrt -p "${task##*/}" | sed -n 's/.*policy: //p')/$(chrt -p "${task##*/}" | sed -n 's/.*priority: //p')"
	done >"$TMP/sched"
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
	run cat "$TMP/sched"
	# Threads a vCPU thread would start are not real-time.
	assert_line "CPU 0/TCG: SCHED_FIFO|SCHED_RESET_ON_FORK/10"
	assert_line --regexp '^qemu-system-x86: SCHED_OTHER/0$'
	refute_line --regexp '^[^C].*SCHED_FIFO'
	run grep -E 'vCPU 0 .* scheduled fifo:10|RT throttling keeps' "$TMP/$VM.log"
	assert_line --regexp 'vCPU 0 \(thread [0-9]+\) scheduled fifo:10$'
	assert_line --partial "the kernel's RT throttling keeps 5% of each CPU for other tasks"
}

@test "run: tpm = yes starts swtpm as the VM's user before QEMU and ends it after; its state is that user's own directory" {
	vm tpm deaf
	sed -i 's/^type = bios$/type = ovmf\ntpm = yes/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	swtpm=$(pgrep -f "swtpm socket --tpm2 --tpmstate dir=$TMP/state/tpm/tpm")
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$swtpm/status")" 65534
	run "$ROOT/tests/helpers/qmp" "$PASSLAUNCH_RUNTIME_DIR/tpm/client.sock" query-tpm
	assert_success
	assert_equal "$(jq -r '.[0].model' <<<"$output")" tpm-crb
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
	run pgrep -f "swtpm socket --tpm2 --tpmstate dir=$TMP/state/tpm/tpm"
	assert_failure
	# state_dir is root's (passed through, not listed), tpm/ swtpm's for good:
	# root never touches what is in it by name.
	assert_equal "$(stat -c %U:%a "$TMP/state/tpm")" root:711
	assert_equal "$(stat -c %U:%a "$TMP/state/tpm/tpm")" nobody:700
}

@test "run: a swtpm that dies while the guest runs is reaped, not left a zombie, and its PID is not signalled at release" {
	vm tpmdies deaf
	sed -i 's/^type = bios$/type = ovmf\ntpm = yes/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	swtpm=$(pgrep -f "swtpm socket --tpm2 --tpmstate dir=$TMP/state/$VM/tpm")
	kill -KILL "$swtpm"
	for _ in $(seq 50); do [[ -e /proc/$swtpm ]] || break; sleep 0.1; done
	assert_not_exists "/proc/$swtpm"
	wait_for_log "swtpm \\(PID $swtpm\\) ended"
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
	run cat "$TMP/$VM.log"
	refute_line --partial "ending swtpm"
}

@test "run: what the guest sees: SMBIOS fields, no hypervisor flag, no HPET, a disk's serial, the MAC" {
	truncate -s 8M "$TMP/seen.img"
	vm seen deaf "[disk.data]" "source = $TMP/seen.img" "format = raw" "cache = writeback" "serial = PL-0042" \
		"[net.lan]" "type = user" "mac = 02:11:22:33:44:55" \
		"[smbios]" "system_manufacturer = ACME, Inc." "system_product = Gamer 9000" "system_serial = SN123" \
		"bios_vendor = ACME BIOS" "bios_version = 1.2.3" "board_manufacturer = ACME" "board_product = B-1"
	sed -i 's/lab.guest=deaf/lab.guest=deaf lab.report=1/; s/^\[cpu\]$/[cpu]\nflags = -hypervisor/; s/^\[vm\]$/[vm]\nhpet = no/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	run cat "$TMP/$VM.log"
	assert_line "lab-guest: smbios: system [ACME, Inc.] [Gamer 9000] [SN123], bios [ACME BIOS] [1.2.3], board [ACME] [B-1]"
	assert_line "lab-guest: cpu: hypervisor flag no"
	assert_line --regexp '^lab-guest: clocksources: '
	refute_line --regexp '^lab-guest: clocksources: .*hpet'
	assert_line "lab-guest: disk vda serial [PL-0042]"
	assert_line "lab-guest: nic 02:11:22:33:44:55"
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
}

@test "run: by default the guest sees QEMU's SMBIOS, the hypervisor flag and an HPET" {
	truncate -s 8M "$TMP/seendefault.img"
	vm seendefault deaf "[disk.data]" "source = $TMP/seendefault.img" "format = raw" "cache = writeback"
	sed -i 's/lab.guest=deaf/lab.guest=deaf lab.report=1/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	run cat "$TMP/$VM.log"
	assert_line --regexp '^lab-guest: smbios: system \[QEMU\] .*, bios \[SeaBIOS\] '
	assert_line "lab-guest: cpu: hypervisor flag yes"
	assert_line --regexp '^lab-guest: clocksources: .*hpet'
	# No S3, a PS/2 controller, 512-byte sectors, none of the small devices.
	refute_line --regexp '^lab-guest: sleep states .*mem_sleep .*deep'
	refute_line "lab-guest: serio ports 0"
	assert_line "lab-guest: disk vda blocks 512/512"
	assert_line "lab-guest: virtio devices [virtio_blk ]"
	assert_line "lab-guest: rng []"
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
}

@test "run: what the guest sees of the devices real VMs add: S3, no PS/2, virtio input, balloon, RNG, 4K sectors" {
	truncate -s 8M "$TMP/devices.img"
	vm devices deaf "[disk.data]" "source = $TMP/devices.img" "format = raw" "cache = writeback" \
		"logical_block_size = 4096" "physical_block_size = 4096" \
		"[input.keyboard]" "device = virtio-keyboard" "[input.tablet]" "device = virtio-tablet"
	sed -i 's/lab.guest=deaf/lab.guest=deaf lab.report=1/; s/^\[vm\]$/[vm]\ns3 = yes\nps2 = no\nballoon = yes\nrng = yes/' "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	run cat "$TMP/$VM.log"
	assert_line --regexp '^lab-guest: sleep states \[.*\] mem_sleep \[.*deep.*\]'
	assert_line "lab-guest: serio ports 0"
	assert_line --regexp '^lab-guest: input \[.*QEMU Virtio Keyboard;.*QEMU Virtio Tablet;'
	assert_line "lab-guest: disk vda blocks 4096/4096"
	assert_line "lab-guest: virtio devices [virtio_balloon virtio_blk virtio_input virtio_input virtio_rng ]"
	assert_line --regexp '^lab-guest: rng \[virtio_rng'
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
}

@test "run: serial = pty and the guest agent under the launcher's sandbox: QEMU's pty, the agent's socket in QEMU's user's directory" {
	vm ptyagent deaf
	sed -i 's/^serial = yes$/serial = pty/; s/^\[vm\]$/[vm]\nguest_agent = yes/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	run cat "$TMP/$VM.log"
	assert_line --regexp '^char device redirected to /dev/pts/[0-9]+ \(label serial0\)$'
	sock=$PASSLAUNCH_RUNTIME_DIR/$VM/qemu/guest-agent.sock
	[[ -S $sock ]] || fail "no socket at $sock"
	assert_equal "$(stat -c '%U %a' "$(dirname "$sock")")" "nobody 700"
	assert_equal "$(stat -c %U "$sock")" nobody
	kill -QUIT "$RUN_PID"
	finish_vm
	assert_host_restored
}

@test "run: looking_glass = kvmfr: refused without the module's device; with it, QEMU's user owns and maps it for the run, root after" {
	STOP_TIMEOUT=2 vm lgk deaf "[display]" "looking_glass = kvmfr" "resolution = 640x480"
	sed -i '0,/^\[display\]$/!{/^\[display\]$/d}' "$VM.ini"
	local dev
	dev=$(mktemp -d /tmp/passlaunch-dev.XXXXXX)
	chmod 755 "$dev"
	PASSLAUNCH_DEVFS=$dev run "$PASSLAUNCH" run "$VM.ini"
	assert_failure 2
	assert_output --regexp "lgk.ini:[0-9]+: looking_glass = kvmfr: $dev/kvmfr0 is not there; load the kvmfr module \\(modprobe kvmfr static_size_mb=16"
	assert_host_restored
	# A stand-in for the kvmfr device: a character device whose pages QEMU
	# can map shared (/dev/zero's numbers).
	mknod -m 600 "$dev/kvmfr0" c 1 5
	PASSLAUNCH_DEVFS=$dev start_vm
	wait_for_log 'guest running'
	assert_equal "$(stat -c %U:%a "$dev/kvmfr0")" nobody:600
	# QEMU opened it as its user and holds it (a shared mapping of these
	# numbers shows in maps as /dev/zero's, whatever the node's name).
	run find "/proc/$(qemu_pid)/fd" -lname "$dev/kvmfr0"
	assert_output --regexp "^/proc/[0-9]+/fd/[0-9]+$"
	kill -TERM "$RUN_PID"
	finish_vm
	assert_host_restored
	assert_equal "$(stat -c %U:%a "$dev/kvmfr0")" root:600
	rm -r "$dev"
}
