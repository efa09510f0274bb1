#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# In the GPU lab: an evdev keyboard is its QEMU's user's for the run, so any
# process of that user may open it meanwhile. Whatever it opened must not
# outlive the run (a keyboard read after it is every password typed later,
# root's included): the keyboard's driver lets it go and probes it again.

load common
load lab

@test "lab: a descriptor that QEMU's user opened on an evdev keyboard during the run is dead after it; the keyboard comes back" {
	LAB_TIMEOUT=300 lab_run -device virtio-keyboard-pci,addr=08.0 <<-'EOF'
	keyboard() {
		local d
		for d in /sys/class/input/event*; do
			[[ $(cat "$d/device/name") == "QEMU Virtio Keyboard" ]] && echo "/dev/input/${d##*/}"
		done
		return 0
	}
	kbd=$(keyboard)
	echo "keyboard: ${kbd:-none}, $(stat -c '%U' "$kbd")"
	export PASSLAUNCH_RUNTIME_DIR=/run/passlaunch
	# The ACPI power button's driver serves more than its input device:
	# refused, before anything changes.
	for d in /sys/class/input/event*; do
		[[ $(cat "$d/device/name") == "Power Button" ]] && button=/dev/input/${d##*/}
	done
	printf '[vm]\nname = button\nuser = nobody\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[input.button]\nevdev = %s\n' "$button" >/tmp/button.ini
	rc=0
	"$PASSLAUNCH" run /tmp/button.ini 2>&1 || rc=$?
	echo "button: status $rc, $(stat -c '%U' "$button"), $(ls /run/passlaunch/button 2>/dev/null | grep -c journal) journal"
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/in-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 96M\n[input.kbd]\ndevice = evdev\nevdev = %s\n' "$kbd" >/tmp/in.ini
	"$PASSLAUNCH" run /tmp/in.ini >/tmp/in.log 2>&1 &
	run_pid=$!
	for _ in $(seq 600); do grep -qE 'guest running|host restored' /tmp/in.log && break; sleep 0.1; done
	# Another process of QEMU's user, not QEMU, opens the lent node and
	# keeps it; once the run is over it tries to read.
	mkfifo -m 666 /tmp/go
	setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c \
		'exec 3<"$1" && echo "holder: opened as $(id -un)"; read -r _ </tmp/go; timeout 3 cat <&3 >/dev/null; echo "holder: read status $?"' _ "$kbd" &
	holder=$!
	sleep 1
	"$PASSLAUNCH" stop in --force
	wait "$run_pid" || true
	echo go >/tmp/go
	wait "$holder" || true
	kbd=$(keyboard)
	echo "after: keyboard ${kbd:-none}, $(stat -c '%U' "$kbd")"
	cat /tmp/in.log
	EOF
	assert_success
	assert_line --regexp '^keyboard: /dev/input/event[0-9]+, root$'
	assert_line --regexp "^passlaunch: error: /tmp/button.ini:11: evdev = /dev/input/event[0-9]+: the driver that serves it serves more than this input device"
	assert_line "button: status 2, root, 0 journal"
	assert_line "holder: opened as nobody"
	assert_line --partial "cat: -: No such device"
	assert_line "holder: read status 1"
	assert_line --regexp '^after: keyboard /dev/input/event[0-9]+, root$'
	assert_line --partial "in: host restored"
}
