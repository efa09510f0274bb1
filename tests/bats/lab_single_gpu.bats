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
	assert_line --partial "log: passlaunch: hook vfio: vfio: 0000:00:03.0 is on bochs-drm already"
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
