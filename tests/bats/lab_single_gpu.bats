#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# In the GPU lab under systemd, the single-GPU case: the lab GPU drives the
# framebuffer console and a stand-in display manager (holding /dev/dri/card0
# open) runs as display-manager.service. With the shipped hooks
# display-manager, gpu-users, vtconsole, framebuffer and vfio, a run stops
# the display manager and another service holding the card (gpu-users),
# unbinds the console, hands the GPU over and gives everything back; a hook
# that fails in prepare unwinds those before it.

load common
load lab

@test "lab: single-GPU handoff stops the display manager, a service holding the card and the console, and gives all back" {
	LAB_TIMEOUT=500 lab_run --systemd <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { basename "$(readlink "$dev/$1/driver")"; }
	fbcons() { for vt in /sys/class/vtconsole/vtcon*; do echo "$(sed 's/^([^)]*) //; s/ /_/g' "$vt/name")=$(cat "$vt/bind")"; done | tr '\n' ' '; }
	host() { echo "$1: dm $(systemctl is-active lab-dm.service) holder $(systemctl is-active lab-holder.service) consoles $(fbcons)drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"; }
	wait_log() { for _ in $(seq 1200); do grep -q "$1" "$2" && return 0; sleep 0.1; done; cat "$2"; return 1; }

	printf '%s\n' '[Unit]' 'Description=Stand-in display manager' '[Service]' \
		"ExecStart=/bin/sh -c 'exec 3<>/dev/dri/card0; exec sleep infinity'" >/etc/systemd/system/lab-dm.service
	ln -s lab-dm.service /etc/systemd/system/display-manager.service
	# Another service on the card, which the display manager's stop leaves.
	printf '%s\n' '[Unit]' 'Description=Stand-in for a service holding the GPU' '[Service]' \
		"ExecStart=/bin/sh -c 'exec 3</dev/dri/card0; exec sleep infinity'" >/etc/systemd/system/lab-holder.service
	systemctl daemon-reload
	systemctl start display-manager.service lab-holder.service
	host before
	echo "dm holds card0: $(ls -l "/proc/$(systemctl show -P MainPID lab-dm.service)/fd" | grep -c /dev/dri/card0)"

	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	mkdir -p /etc/passlaunch/hooks
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/single-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 128M\n[gpu.main]\naddress = %s\n[hooks]\nuse = display-manager gpu-users vtconsole framebuffer vfio\ndir = /etc/passlaunch/hooks\n' "$LAB_GPU" >/etc/passlaunch/single.ini
	"$PASSLAUNCH" run single >/tmp/single.log 2>&1 &
	run_pid=$!
	wait_log 'guest running' /tmp/single.log
	host during
	"$PASSLAUNCH" stop single --force
	wait "$run_pid" || echo "run status $?"
	host after
	sed 's/^/log: /' /tmp/single.log

	# A hook of the user's that fails in prepare, after the shipped four.
	printf '#!/bin/sh\n[ "$2" != prepare ] || exit 7\n' >/etc/passlaunch/hooks/50-fails
	chmod 755 /etc/passlaunch/hooks/50-fails
	"$PASSLAUNCH" run single >/tmp/failed.log 2>&1 || echo "failed run status $?"
	host "after failed prepare"
	grep -E 'hook [a-z0-9-]+: (prepare|release)$|error' /tmp/failed.log | sed 's/^/failed: /'
	EOF
	assert_success
	assert_line "before: dm active holder active consoles dummy_device=0 frame_buffer_device=1 drivers bochs-drm snd_hda_intel"
	assert_line "dm holds card0: 1"
	assert_line "during: dm inactive holder inactive consoles dummy_device=1 drivers vfio-pci vfio-pci"
	assert_line "after: dm active holder active consoles dummy_device=0 frame_buffer_device=1 drivers bochs-drm snd_hda_intel"
	assert_line --partial "log: passlaunch: hook display-manager: stopping lab-dm.service"
	assert_line --partial "log: passlaunch: hook gpu-users: stopping lab-holder.service"
	assert_line --partial "log: passlaunch: hook gpu-users: the GPU's devices are free"
	assert_line --partial "log: passlaunch: hook vtconsole: unbinding vtcon1 ((M) frame buffer device)"
	assert_line --partial "log: passlaunch: hook vfio: vfio: 0000:01:00.0 is on bochs-drm already"
	assert_line --partial "log: passlaunch: single: host restored"
	assert_line "failed run status 1"
	assert_line "after failed prepare: dm active holder active consoles dummy_device=0 frame_buffer_device=1 drivers bochs-drm snd_hda_intel"
	run grep '^failed: ' <<<"$output"
	assert_output "failed: passlaunch: single: hook display-manager: prepare
failed: passlaunch: single: hook gpu-users: prepare
failed: passlaunch: single: hook vtconsole: prepare
failed: passlaunch: single: hook framebuffer: prepare
failed: passlaunch: single: hook vfio: prepare
failed: passlaunch: single: hook 50-fails: prepare
failed: passlaunch: single: hook 50-fails: release
failed: passlaunch: single: hook vfio: release
failed: passlaunch: single: hook framebuffer: release
failed: passlaunch: single: hook vtconsole: release
failed: passlaunch: single: hook gpu-users: release
failed: passlaunch: single: hook display-manager: release
failed: passlaunch: error: hook 50-fails failed in prepare (exit status 7)"
}

# A UEFI host whose GPU has no driver loaded: OVMF put a framebuffer on the
# GPU, and the kernel's efifb holds the GPU's memory and carries the console
# (the "BAR 0: can't reserve" of single-GPU guides). vtconsole, framebuffer
# and vfio hand it over: the nested QEMU gets every memory BAR (vfio-pci's in
# /proc/iomem, no efifb left). The kernel removes the firmware framebuffer
# once vfio-pci takes the GPU, so release brings the console back through
# the GPU's own driver (bochs-drm here), loaded by its modalias.
@test "lab: UEFI boot framebuffer: the hooks free every BAR of the GPU for the guest, and release gives a framebuffer and the console back" {
	LAB_APPEND=lab.skip=bochs LAB_TIMEOUT=300 lab_run --uefi <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { local link; link=$(readlink "$dev/$1/driver") && basename "$link" || echo none; }
	host() {
		echo "$1: fb [$(tr '\n' ';' </proc/fb)] efi-framebuffer.0 $(test -e /sys/bus/platform/devices/efi-framebuffer.0 && echo present || echo gone), GPU on $(driver "$LAB_GPU")"
		echo "$1: consoles $(for vt in /sys/class/vtconsole/vtcon*; do printf '%s=%s ' "$(sed 's/^([^)]*) //; s/ /_/g' "$vt/name")" "$(cat "$vt/bind")"; done)"
	}
	# Who claims each memory BAR of the GPU's functions: the line nested
	# right under the BAR in /proc/iomem, or none.
	claims() {
		awk -F' : ' '{ match($1, /^ */); indent = RLENGTH; range = substr($1, indent + 1) }
			bar != "" { printf "%s=%s ", bar, (indent > bar_indent ? $2 : "none"); bar = "" }
			$2 == "0000:01:00.0" || $2 == "0000:01:00.1" { bar = range; bar_indent = indent }' /proc/iomem
	}
	host before
	echo "before: claims $(claims)"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	mkdir -p /etc/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/fb-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[gpu.main]\naddress = %s\n[hooks]\nuse = vtconsole framebuffer vfio\n' "$LAB_GPU" >/etc/passlaunch/fb.ini
	"$PASSLAUNCH" run /etc/passlaunch/fb.ini >/tmp/fb.log 2>&1 &
	run_pid=$!
	for _ in $(seq 1200); do grep -q 'guest running' /tmp/fb.log && break; sleep 0.1; done
	# SeaBIOS in the nested guest has mapped the BARs once it lists the GPU.
	for _ in $(seq 600); do
		"$ROOT/tests/helpers/qmp" /run/passlaunch/fb/client.sock query-pci >/tmp/pci.json
		jq -r '.. | .class_info?.desc? // empty' /tmp/pci.json | grep -q 'Audio' && break
		sleep 0.2
	done
	host during
	echo "during: claims $(claims)"
	"$PASSLAUNCH" stop fb --force
	wait "$run_pid" || true
	host after
	echo "kernel complaints: $(dmesg | grep -c "can't reserve" || true)"
	cat /tmp/fb.log
	EOF
	assert_success
	assert_line "before: fb [0 EFI VGA;] efi-framebuffer.0 present, GPU on none"
	assert_line "before: consoles dummy_device=0 frame_buffer_device=1 "
	assert_line --regexp '^before: claims [0-9a-f]+-[0-9a-f]+=efifb [0-9a-f]+-[0-9a-f]+=ICH HD audio [0-9a-f]+-[0-9a-f]+=none $'
	assert_line "during: fb [] efi-framebuffer.0 gone, GPU on vfio-pci"
	assert_line --regexp '^during: claims ([0-9a-f]+-[0-9a-f]+=vfio-pci ){3}$'
	assert_line "kernel complaints: 0"
	assert_line --partial "hook framebuffer: efi-framebuffer.0 is gone: the kernel removed it when a driver took the GPU"
	assert_line --partial "hook framebuffer: loading the driver of 0000:01:00.0, which has none"
	assert_line --partial "hook framebuffer: 0000:01:00.0 is on bochs-drm"
	assert_line --regexp '^after: fb \[0 bochs-drmdrmfb;\] efi-framebuffer.0 gone, GPU on bochs-drm$'
	assert_line "after: consoles dummy_device=0 frame_buffer_device=1 "
	assert_line --partial "fb: host restored"
}
