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
	grep -E 'hook [a-z0-9-]+: (prepare|release|not started for its release: .*)$|error' /tmp/failed.log | sed 's/^/failed: /'
	EOF
	assert_success
	assert_line "before: dm active holder active consoles dummy_device=0 frame_buffer_device=1 drivers bochs-drm snd_hda_intel"
	assert_line "dm holds card0: 1"
	assert_line "during: dm inactive holder inactive consoles dummy_device=1 drivers vfio-pci vfio-pci"
	assert_line "after: dm active holder active consoles dummy_device=0 frame_buffer_device=1 drivers bochs-drm snd_hda_intel"
	assert_line --partial "log: passlaunch: hook display-manager: stopping lab-dm.service (running, as its cgroup shows)"
	assert_line --partial "log: passlaunch: hook gpu-users: stopping lab-holder.service"
	assert_line --partial "log: passlaunch: hook gpu-users: the GPU's devices are free"
	assert_line --partial "log: passlaunch: hook vtconsole: unbinding vtcon1 ((M) frame buffer device)"
	# The journal gave the GPU back: the vfio hook has nothing left to do.
	assert_line --partial "log: passlaunch: single: hook vfio: not started for its release: every device it passed is on its driver again"
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
failed: passlaunch: single: hook vfio: not started for its release: every device it passed is on its driver again, or kept on vfio-pci (release = vfio)
failed: passlaunch: single: hook framebuffer: not started for its release: its prepare recorded nothing to undo
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

# Sound across the single-GPU handoff: QEMU plays into the desktop user's
# PulseAudio, or PipeWire (through pipewire-pulse: QEMU before 8.1). Stopping
# the display manager ends the user's last session: without lingering,
# logind takes the user's manager, its sound server and runtime directory
# away, and PulseAudio quits with the session even so. The sound-server
# hook, right after display-manager, makes the user linger for the run and
# restarts the server outside the ended session: QEMU plays into it, and a
# session that comes and goes meanwhile does not end it.
@test "lab: sound across the single-GPU handoff: the sound-server hook keeps the user's PulseAudio or PipeWire serving QEMU after the session ends, and recover ends the lingering of a killed launcher's run" {
	LAB_TIMEOUT=600 lab_run --systemd <<-'EOF'
	# logind stops a user's manager this long after their last session ends
	# (10 s by default); what matters is that it does, not how late.
	mkdir -p /etc/systemd/logind.conf.d
	printf '[Login]\nUserStopDelaySec=2\n' >/etc/systemd/logind.conf.d/stop-delay.conf
	systemctl start dbus.socket systemd-logind.service
	useradd -m -u 1500 alice
	chmod 666 /dev/dri/card0
	printf '%s\n' '[Unit]' 'Description=Stand-in display manager, with a session for alice' '[Service]' \
		'User=alice' 'PAMName=login' 'TTYPath=/dev/tty7' \
		"ExecStart=/bin/sh -c 'exec 3<>/dev/dri/card0; exec sleep infinity'" >/etc/systemd/system/lab-dm.service
	ln -s lab-dm.service /etc/systemd/system/display-manager.service
	as_alice() { setpriv --reuid=1500 --regid=1500 --init-groups env HOME=/home/alice XDG_RUNTIME_DIR=/run/user/1500 "$@"; }
	# The desktop is up and its sound server runs (socket-activated).
	desktop() {
		systemctl start display-manager.service
		for _ in $(seq 100); do [ -n "$(loginctl show-user -P Sessions alice 2>/dev/null)" ] && break; sleep 0.1; done
		for _ in $(seq 100); do as_alice pactl info >/dev/null 2>&1 && break; sleep 0.1; done
	}
	streams() { as_alice timeout 5 pactl list short sink-inputs 2>/dev/null | wc -l; }
	clients() { as_alice timeout 5 pactl list short clients 2>/dev/null | cut -f3 | grep -c qemu || true; }
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	mkdir -p /etc/passlaunch
	pipewire_units="pipewire.socket pipewire-pulse.socket pipewire.service pipewire-pulse.service"
	for server in pulseaudio pipewire; do
		# Debian installs both; a desktop has one.
		if [ "$server" = pulseaudio ]; then
			systemctl --global -q disable $pipewire_units
			systemctl --global -q enable pulseaudio.socket pulseaudio.service
		else
			systemctl --global -q disable pulseaudio.socket pulseaudio.service
			systemctl --global -q enable $pipewire_units
		fi
		systemctl daemon-reload
		# Without the hook, PipeWire's case alone: what ends the sound is the
		# same for PulseAudio (the user's manager stopped with the session).
		hook_sets=("display-manager sound-server")
		[ "$server" = pipewire ] && hook_sets=("display-manager" "display-manager sound-server")
		for hooks in "${hook_sets[@]}"; do
			case=$server/${hooks// /+}
			desktop
			echo "$case: before: linger $(test -e /var/lib/systemd/linger/alice && echo yes || echo no), server: $(as_alice pactl info 2>/dev/null | sed -n 's/^Server Name: //p')"
			printf '[vm]\nuser = alice\nstate_dir = /tmp/snd-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[audio]\nbackend = %s\n[hooks]\nuse = %s\n' "$server" "$hooks" >/etc/passlaunch/snd.ini
			"$PASSLAUNCH" run /etc/passlaunch/snd.ini >/tmp/snd.log 2>&1 &
			run_pid=$!
			for _ in $(seq 600); do grep -qE 'guest running|host restored' /tmp/snd.log && break; sleep 0.1; done
			if grep -q 'guest running' /tmp/snd.log; then
				runuser -l alice -c true
				# Past logind's stop delay for a user without sessions (2 s, above).
				sleep 4
				echo "$case: during: sessions [$(loginctl show-user -P Sessions alice 2>/dev/null)] $(loginctl show-user -P State alice 2>/dev/null || echo gone), QEMU playing $(streams) stream(s) as $(clients) client(s)"
				"$PASSLAUNCH" stop snd --force
			fi
			wait "$run_pid" || echo "$case: run status $?"
			echo "$case: after: linger $(test -e /var/lib/systemd/linger/alice && echo yes || echo no), display manager $(systemctl is-active display-manager.service)"
			sed "s|^|$case: |" /tmp/snd.log
			systemctl stop display-manager.service
			# The next case logs in afresh: once logind has stopped alice's manager.
			for _ in $(seq 100); do loginctl show-user alice >/dev/null 2>&1 || break; sleep 0.1; done
		done
	done
	# The fault: the launcher killed with SIGKILL while alice lingers for
	# the run; recover releases the hooks it prepared.
	desktop
	printf '[vm]\nuser = alice\nstate_dir = /tmp/snd-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[audio]\nbackend = pipewire\n[hooks]\nuse = display-manager sound-server\n' >/etc/passlaunch/snd.ini
	"$PASSLAUNCH" run /etc/passlaunch/snd.ini >/tmp/snd.log 2>&1 &
	run_pid=$!
	for _ in $(seq 600); do grep -qE 'guest running|host restored' /tmp/snd.log && break; sleep 0.1; done
	echo "killed: during: linger $(test -e /var/lib/systemd/linger/alice && echo yes || echo no)"
	kill -KILL "$run_pid"
	wait "$run_pid" || true
	# QEMU gets SIGTERM when its launcher dies (PR_SET_PDEATHSIG).
	for _ in $(seq 100); do pgrep qemu-system >/dev/null || break; sleep 0.1; done
	rc=0
	"$PASSLAUNCH" recover snd >>/tmp/snd.log 2>&1 || rc=$?
	echo "killed: recover status $rc"
	echo "killed: after: linger $(test -e /var/lib/systemd/linger/alice && echo yes || echo no), display manager $(systemctl is-active display-manager.service)"
	sed "s|^|killed: |" /tmp/snd.log
	EOF
	assert_success
	for server in pulseaudio pipewire; do
		assert_line --regexp "^$server/display-manager\+sound-server: before: linger no, server: .*(PulseAudio|pulseaudio)"
		assert_line --partial "$server/display-manager+sound-server: passlaunch: hook sound-server: alice lingers for the run"
		assert_line "$server/display-manager+sound-server: during: sessions [] lingering, QEMU playing 1 stream(s) as 1 client(s)"
		assert_line --partial "$server/display-manager+sound-server: passlaunch: hook sound-server: alice lingers no more"
		assert_line "$server/display-manager+sound-server: after: linger no, display manager active"
		assert_line "$server/display-manager+sound-server: passlaunch: snd: host restored"
	done
	# Without the hook, PipeWire goes with the user's manager, and QEMU's
	# sound with it.
	assert_line "pipewire/display-manager: during: sessions [] gone, QEMU playing 0 stream(s) as 0 client(s)"
	assert_line --partial "pulseaudio/display-manager+sound-server: passlaunch: hook sound-server: restarting pulseaudio.service outside"
	assert_line --partial "pipewire/display-manager+sound-server: passlaunch: hook sound-server: restarting pipewire.service wireplumber.service pipewire-pulse.service outside"
	# The launcher killed during the run: recover gives lingering and the
	# desktop back.
	assert_line "killed: during: linger yes"
	assert_line "killed: recover status 0"
	assert_line "killed: after: linger no, display manager active"
	assert_line "killed: passlaunch: hook sound-server: alice lingers no more"
}
