#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# In the GPU lab under systemd: `passlaunch start`, called from inside the
# display manager's cgroup as a desktop shortcut would be, hands the run to
# passlaunch@NAME.service (contrib/); the single-GPU handoff then stops the
# display manager, and with it the caller, while the run goes on in the unit.
# `systemctl stop` shuts the guest down and gives the host back.

load common
load lab

@test "lab: start under systemd survives the display manager's session; systemctl stop restores the host" {
	LAB_TIMEOUT=500 lab_run --systemd <<-'EOF'
	dev=/sys/bus/pci/devices
	driver() { basename "$(readlink "$dev/$1/driver")"; }
	host() { echo "$1: dm $(systemctl is-active lab-dm.service) unit $(systemctl is-active passlaunch@single.service) drivers $(driver "$LAB_GPU") $(driver "$LAB_GPU_AUDIO")"; }

	printf '%s\n' '[Unit]' 'Description=Stand-in display manager' '[Service]' \
		"ExecStart=/bin/sh -c 'exec 3<>/dev/dri/card0; exec sleep infinity'" >/etc/systemd/system/lab-dm.service
	ln -s lab-dm.service /etc/systemd/system/display-manager.service
	sed "s|@BINDIR@|$ROOT|g" "$ROOT/contrib/passlaunch@.service" >/etc/systemd/system/passlaunch@.service
	systemctl daemon-reload
	systemctl start display-manager.service
	mkdir -p /etc/passlaunch
	printf '[vm]\nuser = nobody\nstate_dir = /tmp/single-state\nstop_timeout = 2\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 128M\n[gpu.main]\naddress = %s\n[hooks]\nuse = display-manager vtconsole vfio\n' "$LAB_GPU" >/etc/passlaunch/single.ini
	host before

	# The "desktop shortcut": a process of the display manager's cgroup.
	(
		echo "$BASHPID" >/sys/fs/cgroup/system.slice/lab-dm.service/cgroup.procs
		exec "$PASSLAUNCH" start single
	) >/tmp/start.log 2>&1 &
	caller=$!
	for _ in $(seq 1200); do
		[ "$(systemctl is-active passlaunch@single.service)" = active ] && break
		sleep 0.1
	done
	host during
	wait "$caller" && echo "caller: exited 0" || echo "caller: ended with status $?"
	sed 's/^/caller says: /' /tmp/start.log
	qemu=$(jq -r .qemu_pid /run/passlaunch/single/state.json)
	echo "qemu cgroup: $(cut -d: -f3 "/proc/$qemu/cgroup")"

	systemctl stop passlaunch@single.service
	host after
	echo "journal left: $(test -e /run/passlaunch/single/journal && echo yes || echo no)"
	journalctl -u passlaunch@single.service -o cat --no-pager | sed 's/^/unit log: /'
	EOF
	assert_success
	assert_line "before: dm active unit inactive drivers bochs-drm snd_hda_intel"
	assert_line "during: dm inactive unit active drivers vfio-pci vfio-pci"
	assert_line --regexp '^caller: ended with status (143|15)$'
	assert_line "qemu cgroup: /system.slice/system-passlaunch.slice/passlaunch@single.service"
	assert_line "after: dm active unit inactive drivers bochs-drm snd_hda_intel"
	assert_line "journal left: no"
	assert_line --partial "unit log: passlaunch: single: host restored"
	assert_line --partial "unit log: passlaunch: single: nothing to recover"
}
