# shellcheck shell=bash
# GPU lab scenarios as ordinary bats tests: the body of lab_run runs inside the
# lab guest (tests/lab/run), against its real kernel, IOMMU and PCI devices.

LAB_GPU=0000:01:00.0
LAB_GPU_AUDIO=0000:01:00.1
export LAB_GPU LAB_GPU_AUDIO

# lab_run [--systemd] [--uefi] [QEMU-OPTIONS...] <<'EOF' ... EOF: runs stdin as
# a bash script in the guest (booted by the host's systemd with --systemd, by
# OVMF with --uefi); output and status land in bats' $output and $status.
lab_run() {
	local script=$BATS_TEST_TMPDIR/lab-script mode=()
	while [[ ${1-} == --systemd || ${1-} == --uefi ]]; do
		mode+=("$1")
		shift
	done
	{
		echo '#!/usr/bin/env bash'
		echo 'set -euo pipefail'
		printf 'ROOT=%q PASSLAUNCH=%q\n' "$ROOT" "$PASSLAUNCH"
		# rebind DRIVER BDF...: by hand, the way `gpu detach|attach` does
		# it (an empty DRIVER: back to the driver the kernel picks).
		# shellcheck disable=SC2016  # expanded in the guest, not here
		echo 'rebind() { local drv=$1 fn; shift; for fn; do echo "$drv" >"/sys/bus/pci/devices/$fn/driver_override"; echo "$fn" >"/sys/bus/pci/devices/$fn/driver/unbind"; echo "$fn" >/sys/bus/pci/drivers_probe; done; }'
		cat
	} >"$script"
	chmod +x "$script"
	run "$ROOT/tests/lab/run" "${mode[@]}" "$script" "$@"
}
