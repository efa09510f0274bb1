#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# In the GPU lab, the two-GPU case: `passlaunch run` with the shipped vfio
# hook moves the lab GPU (both functions) to vfio-pci, gives it to a nested
# QEMU that runs as nobody, with no capability (ownership of /dev/vfio/N and
# the memlock limit are enough), and gives both functions back after.

load common
load lab

@test "lab: two-GPU case: the vfio hook hands the GPU to an unprivileged QEMU and back" {
	LAB_TIMEOUT=400 lab_run <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { basename "$(readlink "$dev/$1/driver")"; }
	group=$(basename "$(readlink "$dev/$LAB_GPU/iommu_group")")
	echo "before: drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO"), /dev/vfio/$group $(test -e "/dev/vfio/$group" && echo present || echo absent)"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/vfio-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 128M\n[gpu.main]\naddress = %s\nprimary = yes\n[hooks]\nuse = vfio\n' "$LAB_GPU" >/tmp/gpuvm.ini
	"$PASSLAUNCH" run /tmp/gpuvm.ini >/tmp/gpuvm.log 2>&1 &
	run_pid=$!
	for _ in $(seq 1200); do grep -q 'guest running' /tmp/gpuvm.log && break; sleep 0.1; done
	qemu=$(jq -r .qemu_pid /run/passlaunch/gpuvm/state.json)
	echo "during: QEMU $(awk '/^Uid:/ {print "uid " $2} /^CapEff:/ {print "capeff " $2}' "/proc/$qemu/status" | tr '\n' ' ')"
	echo "during: $(grep 'Max locked memory' "/proc/$qemu/limits" | awk '{print "memlock " $4}')"
	echo "during: /dev/vfio/$group owned by $(stat -c %U "/dev/vfio/$group")"
	echo "during: drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	# SeaBIOS numbers the buses behind the root port; then QMP lists the GPU.
	for _ in $(seq 600); do
		"$ROOT/tests/helpers/qmp" /run/passlaunch/gpuvm/client.sock query-pci >/tmp/pci.json
		jq -r '.. | .class_info?.desc? // empty' /tmp/pci.json | grep -q 'Audio' && break
		sleep 0.2
	done
	jq -r '.. | select(.qdev_id? == "main" or .qdev_id? == "main.1") | "guest device \(.qdev_id): \(.class_info.desc)"' /tmp/pci.json
	# primary = yes: the legacy VGA ranges (x-vga) are the GPU's in the guest.
	"$ROOT/tests/helpers/qmp" /run/passlaunch/gpuvm/client.sock 'human-monitor-command={"command-line": "info mtree"}' |
		grep -o 'vfio-vga-[a-z]*@0x[0-9a-f]*' | sort -u | sed 's/^/legacy VGA: /'
	"$PASSLAUNCH" stop gpuvm --force
	wait "$run_pid" || true
	echo "after: drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO"), /dev/vfio/$group $(test -e "/dev/vfio/$group" && echo present || echo absent)"
	cat /tmp/gpuvm.log
	EOF
	assert_success
	assert_line "before: drivers bochs-drm snd_hda_intel, /dev/vfio/5 absent"
	assert_line "during: drivers vfio-pci vfio-pci"
	assert_line "during: QEMU uid 65534 capeff 0000000000000000 "
	assert_line "during: memlock $(((128 + 1024) * 1024 * 1024))"
	assert_line "during: /dev/vfio/5 owned by nobody"
	assert_line "guest device main: VGA controller"
	assert_line "guest device main.1: Audio controller"
	assert_line "legacy VGA: vfio-vga-mmio@0xa0000"
	assert_line "legacy VGA: vfio-vga-io@0x3c0"
	assert_line "after: drivers bochs-drm snd_hda_intel, /dev/vfio/5 absent"
	assert_line --partial "passlaunch: hook vfio: vfio: 0000:01:00.0 from bochs-drm to vfio-pci"
	# The vfio hook ran while QEMU started; both functions were added to it
	# over QMP, and the guest found them as at a cold start (above).
	assert_line --partial "gpuvm: QEMU starts while the hooks hand the devices over"
	assert_line --partial "gpuvm: 2 passed devices added in"
	assert_line --partial "gpuvm: host restored"
}

# A device behind a PCIe root port, as real GPUs sit: virtio's FLR, power
# management and the port's bus reset all offered, and [gpu] reset_method
# chooses for the run.
@test "lab: reset_method is written for the run, journaled, and the kernel's list is back after" {
	LAB_TIMEOUT=400 lab_run -device pcie-root-port,id=lab-port,chassis=7,addr=07.0 \
		-device virtio-rng-pci,bus=lab-port,addr=00.0 <<-'EOF'
	bdf=0000:02:00.0
	methods() { cat "/sys/bus/pci/devices/$bdf/reset_method"; }
	echo "before: $(methods)"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/rst-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[gpu.dev]\naddress = %s\nprimary = no\nreset_method = %s\n[hooks]\nuse = vfio\n' \
		"$bdf" bus >/tmp/rst.ini
	rc=0
	sed 's/^reset_method = .*/reset_method = acpi/' /tmp/rst.ini >/tmp/rst-bad.ini
	"$PASSLAUNCH" run /tmp/rst-bad.ini >/tmp/rst-bad.log 2>&1 || rc=$?
	echo "not offered: status $rc, $(methods), $(ls /run/passlaunch/rst-bad 2>/dev/null | grep -c journal) journal"
	cat /tmp/rst-bad.log
	"$PASSLAUNCH" run /tmp/rst.ini >/tmp/rst.log 2>&1 &
	run_pid=$!
	for _ in $(seq 1200); do grep -q 'guest running' /tmp/rst.log && break; sleep 0.1; done
	echo "during: $(methods)"
	echo "journaled: $(grep -c "$bdf/reset_method" /run/passlaunch/rst/journal || true)"
	"$PASSLAUNCH" stop rst --force
	wait "$run_pid" || true
	echo "after: $(methods)"
	cat /tmp/rst.log
	EOF
	assert_success
	before=$(sed -n 's/^before: //p' <<<"$output")
	# The kernel offers more than one method here, so the run's choice shows.
	[[ $before == *flr* && $before == *bus* ]] || fail "the device behind the port offers: $before"
	assert_line "not offered: status 1, $before, 0 journal"
	assert_line --partial "rst-bad.ini:14: reset_method names acpi, but the kernel offers 0000:02:00.0 only: $before"
	assert_line "during: bus"
	assert_line "journaled: 1"
	assert_line "after: $before"
	assert_line --partial "0000:02:00.0: reset by bus for the run (was $before)"
	assert_line --partial "rst: host restored"
}

# The lab GPU sits behind a PCIe root port, as real GPUs do. Its audio
# function offers no reset of its own; vfio-pci resets the bus once both
# functions are let go. A second HD audio on the root bus, with no bridge
# above it, gets no reset at all: what check warns of. The HDA's CORB base
# register (BAR 0, 0x40) keeps what is written until the device is reset.
@test "lab: a GPU behind a root port is reset with its bus once vfio-pci lets both functions go; a device on the root bus is not, and check says so" {
	LAB_TIMEOUT=300 lab_run -device intel-hda,addr=06.0 <<-'EOF'
	lone=0000:00:06.0
	corb() { "$ROOT/tests/helpers/bar-word" "$1" 0 0x40 "${@:2}"; }
	hold() {
		rm -f /tmp/held
		"$ROOT/tests/helpers/vfio-hold" /tmp/held "$@" &
		for _ in $(seq 100); do [[ -e /tmp/held ]] && break; sleep 0.1; done
		kill $! && wait $! || true
	}
	echo "methods: gpu '$(cat "/sys/bus/pci/devices/$LAB_GPU_AUDIO/reset_method")' lone '$(cat "/sys/bus/pci/devices/$lone/reset_method")'"
	"$PASSLAUNCH" gpu detach "$LAB_GPU" "$LAB_GPU_AUDIO" "$lone" 2>/dev/null
	corb "$LAB_GPU_AUDIO" 0x12340000 >/dev/null
	corb "$lone" 0x12340000 >/dev/null
	hold "$LAB_GPU" "$LAB_GPU_AUDIO"
	hold "$lone"
	echo "after vfio let go: behind the port $(corb "$LAB_GPU_AUDIO"), on the root bus $(corb "$lone")"
	"$PASSLAUNCH" gpu attach "$LAB_GPU" "$LAB_GPU_AUDIO" "$lone" 2>/dev/null
	printf '[vm]\nname = resets\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[gpu.main]\naddress = %s\n[pci.lone]\naddress = %s\n' "$LAB_GPU" "$lone" >/tmp/resets.ini
	"$PASSLAUNCH" check /tmp/resets.ini | grep -A1 'reset:' || true
	EOF
	assert_success
	assert_line "methods: gpu '' lone ''"
	assert_line "after vfio let go: behind the port 0x0, on the root bus 0x12340000"
	assert_line "PASS  reset: 0000:01:00.1: vfio-pci resets the bus behind 0000:00:03.0 between runs, since every device on it is passed (0000:01:00.0, 0000:01:00.1); the device alone offers 'none'"
	assert_line "WARN  reset: 0000:00:06.0: the kernel offers no reset: a second start will likely fail"
}

# A GPU that cannot come back safely stays on vfio-pci: the end of the run
# leaves it there, the next start finds it there, and gpu attach gives each
# function its driver back.
@test "lab: release = vfio keeps the GPU on vfio-pci after the run, the next start takes it from there, gpu attach gives it back" {
	LAB_TIMEOUT=400 lab_run <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { basename "$(readlink "$dev/$1/driver")"; }
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/keep-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[gpu.main]\naddress = %s\nrelease = vfio\n[hooks]\nuse = vfio\n' "$LAB_GPU" >/tmp/keep.ini
	for start in first second; do
		"$PASSLAUNCH" run /tmp/keep.ini >"/tmp/keep-$start.log" 2>&1 &
		run_pid=$!
		for _ in $(seq 1200); do grep -q 'guest running' "/tmp/keep-$start.log" && break; sleep 0.1; done
		"$PASSLAUNCH" stop keep --force
		wait "$run_pid" || true
		echo "after the $start run: drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO"), journal $(test -e /run/passlaunch/keep/journal && echo left || echo gone)"
		sed "s/^/$start: /" "/tmp/keep-$start.log"
	done
	"$PASSLAUNCH" gpu attach "$LAB_GPU" "$LAB_GPU_AUDIO"
	echo "after gpu attach: drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"
	EOF
	assert_success
	assert_line "after the first run: drivers vfio-pci vfio-pci, journal gone"
	assert_line --partial "first: passlaunch: hook vfio: vfio: 0000:01:00.0 from bochs-drm to vfio-pci"
	assert_line --partial "first: passlaunch: 0000:01:00.0 stays on vfio-pci (release = vfio); passlaunch gpu attach 0000:01:00.0 gives it back"
	assert_line "first: passlaunch: keep: hook vfio: not started for its release: every device it passed is on its driver again, or kept on vfio-pci (release = vfio)"
	assert_line "first: passlaunch: keep: host restored"
	assert_line "after the second run: drivers vfio-pci vfio-pci, journal gone"
	assert_line --partial "second: passlaunch: hook vfio: vfio: 0000:01:00.0 is on vfio-pci already"
	assert_line "second: passlaunch: keep: guest running"
	assert_line "after gpu attach: drivers bochs-drm snd_hda_intel"
}
