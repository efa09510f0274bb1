#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034,SC2016  # bats sets output and status; runvm.bash reads LAB and STOP_TIMEOUT; hook bodies expand in the hook
# Tier 3: the hook runner with real processes: order of the phases, the
# environment, output into the log, timeouts, unwinding after a failed
# prepare, release by `recover` after a crash, and the refusal of hooks
# others could change. The VM is the lab kernel under TCG (runvm.bash).

load common
load runvm

setup_file() {
	runvm_setup_file
}

teardown_file() {
	runvm_teardown_file
}

setup() {
	runvm_setup "hooks run as root"
	mkdir -p hooks
	STOP_TIMEOUT=20
}

teardown() {
	runvm_teardown
}

# hook NAME [BODY]: a hook in $TMP/hooks that records each call in
# $TMP/calls, then runs BODY (shell, with $2 the phase).
hook() {
	cat >"hooks/$1" <<-EOF
	#!/bin/sh
	echo "\$(basename "\$0") \$1 \$2 env=\$PASSLAUNCH_PHASE pid=\${PASSLAUNCH_QEMU_PID:-} status=\${PASSLAUNCH_EXIT_STATUS:-} state=\$PASSLAUNCH_STATE_DIR stdin=\$(readlink /proc/self/fd/0)" >>$TMP/calls
	echo "said by \$(basename "\$0") in \$2"
	${2:-}
	EOF
	chmod 755 "hooks/$1"
}

hooked_vm() {
	vm "$1" "$2" "[hooks]" "dir = $TMP/hooks" "timeout = ${HOOK_TIMEOUT:-10}"
}

calls() {
	cut -d' ' -f1-3 "$TMP/calls"
}

@test "hooks: prepare and started in order, stopped and release in reverse, with their environment" {
	hook 10-first
	hook 20-second
	hook 30-third
	hooked_vm ordered acpi
	start_vm
	wait_for_log 'lab-guest: ready'
	wait_for_log 'hook 30-third: said by 30-third in started'
	pid=$(qemu_pid)
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	run calls
	assert_output "10-first ordered prepare
20-second ordered prepare
30-third ordered prepare
10-first ordered started
20-second ordered started
30-third ordered started
30-third ordered stopped
20-second ordered stopped
10-first ordered stopped
30-third ordered release
20-second ordered release
10-first ordered release"
	run grep '^20-second' "$TMP/calls"
	assert_line --index 0 "20-second ordered prepare env=prepare pid= status= state=$PASSLAUNCH_RUNTIME_DIR/ordered/hooks/20-second stdin=/dev/null"
	assert_line --index 1 --partial "started env=started pid=$pid status= "
	assert_line --index 2 --partial "stopped env=stopped pid=$pid status=0 "
	assert_line --index 3 --partial "release env=release pid=$pid status=0 "
	run cat "$TMP/$VM.log"
	assert_line "passlaunch: hook 10-first: said by 10-first in prepare"
	assert_host_restored
}

@test "hooks: a failed prepare at position 2 releases 2 and 1 in reverse, QEMU never starts; exit 1" {
	hook 10-first
	hook 20-second 'if [ "$2" = prepare ]; then exit 3; fi'
	hook 30-third
	hooked_vm failing acpi
	run "$PASSLAUNCH" run failing.ini
	assert_equal "$status" 1
	assert_line "passlaunch: error: hook 20-second failed in prepare (exit status 3)"
	run calls
	assert_output "10-first failing prepare
20-second failing prepare
20-second failing release
10-first failing release"
	run pgrep -f "qemu-system-x86_64 -name failing,"
	assert_failure
	assert_host_restored
}

@test "hooks: a hook past its timeout gets SIGTERM, then SIGKILL, and has failed" {
	hook 10-stuck 'if [ "$2" = prepare ]; then trap "" TERM; while :; do sleep 1; done; fi'
	HOOK_TIMEOUT=1 hooked_vm stuck acpi
	run "$PASSLAUNCH" run stuck.ini
	assert_equal "$status" 1
	assert_line "passlaunch: error: hook 10-stuck: still running after 1 s in prepare; sending SIGTERM"
	assert_line "passlaunch: error: hook 10-stuck: ignored SIGTERM; sending SIGKILL"
	assert_line "passlaunch: error: hook 10-stuck did not finish prepare within 1 s ([hooks] timeout) and was killed"
	run calls
	assert_output "10-stuck stuck prepare
10-stuck stuck release"
	run pgrep -f "hooks/10-stuck"
	assert_failure
	assert_host_restored
}

@test "hooks: a failing release is reported, the others still run, and recover retries it; exit 6" {
	hook 10-first
	hook 20-flaky 'if [ "$2" = release ] && [ ! -e '"$TMP"'/fixed ]; then exit 1; fi'
	hook 30-third
	# The guest's answer to the power button is not the point: 2 s, not 20.
	STOP_TIMEOUT=2 hooked_vm flaky acpi
	start_vm
	wait_for_log 'guest running'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 6
	run grep release "$TMP/calls"
	assert_line --index 0 --partial "30-third flaky release"
	assert_line --index 1 --partial "20-flaky flaky release"
	assert_line --index 2 --partial "10-first flaky release"
	assert_file_exists "$PASSLAUNCH_RUNTIME_DIR/flaky/journal"
	touch fixed
	: >calls
	run "$PASSLAUNCH" recover flaky
	assert_success
	run calls
	assert_output "20-flaky flaky release"
	assert_host_restored
}

@test "hooks: after kill -9 of the launcher, recover runs every release in reverse" {
	hook 10-first
	hook 20-second
	hooked_vm crashed acpi
	start_vm
	wait_for_log 'guest running'
	kill -KILL "$RUN_PID"
	finish_vm
	pkill -9 -f "qemu-system-x86_64 -name crashed," || true
	: >calls
	run "$PASSLAUNCH" recover crashed
	assert_success
	assert_line "passlaunch: hook 20-second: said by 20-second in release"
	run calls
	assert_output "20-second crashed release
10-first crashed release"
	assert_host_restored
}

# A hook that ran while QEMU started is journaled after it; a QEMU that
# outlived its launcher (stopped here, so that it does not act on the
# SIGTERM its launcher's death sends) must end before that hook's release
# gives the devices back.
@test "hooks: recover ends a QEMU left running before it releases the hooks that ran while QEMU started" {
	mkdir -p shipped
	# A stand-in for vtconsole, which records a console in prepare: its
	# release has work to do.
	hook vtconsole 'if [ "$2" = prepare ]; then echo vtcon1 >"$PASSLAUNCH_STATE_DIR/bound"; else echo "release qemu $(pgrep -fc "qemu-system-x86_64 -name $1,")" >>'"$TMP/seen"'; fi'
	mv hooks/vtconsole shipped/
	vm left acpi "[hooks]" "use = vtconsole" "timeout = 10"
	PASSLAUNCH_HOOKS_DIR=$TMP/shipped start_vm
	wait_for_log 'guest running'
	kill -STOP "$(qemu_pid)"
	kill -KILL "$RUN_PID"
	finish_vm
	run "$PASSLAUNCH" recover left
	assert_success
	assert_line --partial "ending QEMU (PID"
	run cat seen
	assert_output "release qemu 0"
	assert_host_restored
}

@test "hooks: as root, a group-writable hook, a hook directory or profile others own are refused before anything runs" {
	hook 10-first
	hook 20-open
	chmod g+w hooks/20-open
	hooked_vm trust acpi
	run "$PASSLAUNCH" run trust.ini
	assert_equal "$status" 2
	assert_output "passlaunch: error: $TMP/hooks/20-open: $TMP/hooks/20-open is writable by group or others; passlaunch runs as root and uses it as a hook, so whoever can change it would own the machine; fix with: chmod go-w $TMP/hooks/20-open"
	assert_not_exists calls
	chmod g-w hooks/20-open
	chown nobody hooks
	run "$PASSLAUNCH" run trust.ini
	assert_equal "$status" 2
	assert_output --partial "its directory $TMP/hooks is owned by uid $(id -u nobody)"
	chown root hooks
	chmod o+w trust.ini
	run "$PASSLAUNCH" run trust.ini
	assert_equal "$status" 2
	assert_output "passlaunch: error: trust.ini: $TMP/trust.ini is writable by group or others; passlaunch runs as root and uses it as the profile, so whoever can change it would own the machine; fix with: chmod go-w $TMP/trust.ini"
	assert_not_exists calls
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/trust"
}

# on_user_mount DIR COMMAND...: COMMAND with DIR mounted nosuid over itself,
# as udisks mounts a user's stick and fusermount a user's FUSE: root-owned
# files there are whoever made the disk's to claim. A mount of its own
# (unshare), gone with COMMAND.
on_user_mount() {
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,nosuid "$1" && shift && exec "$@"' _ "$@"
}

@test "hooks: as root, a hook directory or profile on a filesystem mounted nosuid (a user's stick, a user's FUSE) is not root's: no hook runs, no [qemu] args" {
	hook 10-stick
	hooked_vm stick acpi
	run on_user_mount "$TMP/hooks" timeout -k 5 60 "$PASSLAUNCH" run stick.ini
	assert_equal "$status" 2
	assert_output "passlaunch: error: $TMP/hooks: its directory $TMP/hooks is on a filesystem mounted nosuid, as a user's disk or FUSE is: its owners are whatever the disk says; passlaunch runs as root and uses it as a directory of hooks, so it must be on a filesystem root mounted; move it, e.g. to /etc/passlaunch"
	assert_not_exists calls
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/stick"
	# A profile there is read, but not trusted: its [qemu] args are refused.
	mkdir stick
	printf '[qemu]\naccel = tcg\nargs = -no-user-config\n[memory]\nsize = 128M\n' >stick/args.ini
	cp stick/args.ini args.ini
	run on_user_mount "$TMP/stick" "$PASSLAUNCH" print stick/args.ini
	assert_equal "$status" 2
	assert_output --partial "stick/args.ini:3: args is allowed only in a trusted profile, and this one is not: stick/args.ini: its directory $TMP/stick is on a filesystem mounted nosuid"
	# A tmpfs mounted nosuid is root's own (only root mounts one): trusted.
	run unshare -m sh -c 'mount -t tmpfs -o nosuid,mode=755 tmpfs "$1" && cp "$2" "$1/" && exec "$3" print "$1/args.ini"' _ "$TMP/stick" "$TMP/args.ini" "$PASSLAUNCH"
	assert_success
	assert_output --partial -no-user-config
}

@test "hooks: a shipped hook that is not installed is a clear error; a non-executable file is skipped with a warning" {
	mkdir shipped
	export PASSLAUNCH_HOOKS_DIR=$TMP/shipped
	echo notes >hooks/README
	vm missing acpi "[hooks]" "use = vtconsole" "dir = $TMP/hooks"
	run "$PASSLAUNCH" run missing.ini
	assert_equal "$status" 2
	assert_output "passlaunch: error: missing.ini: [hooks] use names 'vtconsole', but $TMP/shipped/vtconsole is missing or not executable: is passlaunch installed (make install), or PASSLAUNCH_HOOKS_DIR wrong?"
	# Stopped later by a CPU this host lacks: the hooks were looked at first.
	VCPU_PIN=64 hooked_vm skipping acpi
	run "$PASSLAUNCH" run skipping.ini
	assert_equal "$status" 2
	assert_line "passlaunch: warning: $TMP/hooks/README: not executable, so not run as a hook (chmod +x to run it)"
}

@test "hooks: a shipped hook other than looking-glass-client runs in prepare and release only; own hooks in all four phases" {
	# Stand-ins for the shipped hooks, recording their calls like own hooks,
	# and something to undo in their state, as the real ones would.
	mkdir -p shipped
	hook display-manager 'echo done >"$PASSLAUNCH_STATE_DIR/unit"'
	hook vtconsole 'echo done >"$PASSLAUNCH_STATE_DIR/bound"'
	hook looking-glass-client
	mv hooks/display-manager hooks/vtconsole hooks/looking-glass-client shipped/
	hook 50-own
	STOP_TIMEOUT=3 hooked_vm phases acpi
	sed -i 's/^\[hooks\]$/[hooks]\nuse = display-manager vtconsole looking-glass-client/' "$VM.ini"
	PASSLAUNCH_HOOKS_DIR=$TMP/shipped start_vm
	wait_for_log 'lab-guest: ready'
	wait_for_log 'hook 50-own: said by 50-own in started'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	run calls
	assert_output "display-manager phases prepare
vtconsole phases prepare
looking-glass-client phases prepare
50-own phases prepare
looking-glass-client phases started
50-own phases started
50-own phases stopped
looking-glass-client phases stopped
50-own phases release
looking-glass-client phases release
vtconsole phases release
display-manager phases release"
}

# Stand-ins for shipped hooks that record, in prepare, whether this VM's
# QEMU was started already (its state.json, written once QEMU is spawned: a
# QEMU that fails at once still counts); SETUP (ini lines) goes before [hooks],
# QEMU_ARGS after QEMU's other arguments.
qemu_seen_by_hooks() {
	local h
	mkdir -p shipped
	for h in display-manager vtconsole vfio; do
		hook "$h" '[ "$2" != prepare ] || echo "$(basename "$0") qemu $(test -e "$PASSLAUNCH_RUNTIME_DIR/$1/state.json" && echo started || echo "not started")" >>'"$TMP/seen"
		mv "hooks/$h" shipped/
	done
	rm -f seen
	STOP_TIMEOUT=3 vm early acpi "$@" "[hooks]" "use = display-manager vtconsole vfio" \
		"dir = $TMP/hooks" "timeout = 10"
	[[ -z ${QEMU_ARGS:-} ]] || sed -i "s|^extra_args = .*|& $QEMU_ARGS|" "$VM.ini"
	# The last run's log must not answer for this one.
	rm -f "$TMP/$VM.log"
	PASSLAUNCH_HOOKS_DIR=$TMP/shipped start_vm
	wait_for_log 'lab-guest: ready|exited with status'
	kill -TERM "$RUN_PID" 2>/dev/null || true
	finish_vm
}

@test "hooks: the shipped hooks that touch nothing QEMU opens run while it starts; QEMU waits for an own hook, and for the display manager's stop when it plays into the user's sound server" {
	qemu_seen_by_hooks
	assert_equal "$RC" 0
	run cat seen
	assert_output "display-manager qemu started
vtconsole qemu started
vfio qemu started"
	grep -q 'QEMU starts while the hooks hand the devices over' "$TMP/$VM.log"
	# An own hook may prepare what QEMU opens: QEMU starts after it, and so
	# after every hook before it.
	hook 50-own
	qemu_seen_by_hooks
	assert_equal "$RC" 0
	run cat seen
	assert_output "display-manager qemu not started
vtconsole qemu not started
vfio qemu not started"
	rm hooks/50-own
	# A QEMU told to shut down on a reset would end at the reset that
	# follows adding the devices: it starts after every hook.
	QEMU_ARGS=-no-reboot qemu_seen_by_hooks
	assert_equal "$RC" 0
	run cat seen
	assert_output "display-manager qemu not started
vtconsole qemu not started
vfio qemu not started"
	# The user's sound server is what stopping the display manager ends:
	# QEMU starts after it, while the GPU's own hooks run.
	qemu_seen_by_hooks "[audio]" "backend = pulseaudio"
	run cat seen
	assert_output "display-manager qemu not started
vtconsole qemu started
vfio qemu started"
}

# A stand-in for the shipped vtconsole hook that records a console in its
# state directory only when $TMP/record exists; and an own hook.
run_vtconsole_and_own() {
	: >calls
	STOP_TIMEOUT=3 vm noop acpi "[hooks]" "use = vtconsole" "dir = $TMP/hooks" "timeout = 10"
	rm -f "$TMP/$VM.log"
	PASSLAUNCH_HOOKS_DIR=$TMP/shipped start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
}

@test "hooks: a shipped hook whose prepare recorded nothing is not started for its release; one that recorded something is, and an own hook always is" {
	mkdir -p shipped
	hook vtconsole '[ "$2" != prepare ] || [ ! -e '"$TMP"'/record ] || echo vtcon1 >"$PASSLAUNCH_STATE_DIR/bound"'
	mv hooks/vtconsole shipped/
	hook 50-own
	run_vtconsole_and_own
	run calls
	assert_output "vtconsole noop prepare
50-own noop prepare
50-own noop started
50-own noop stopped
50-own noop release"
	grep -q 'hook vtconsole: not started for its release: its prepare recorded nothing to undo' "$TMP/$VM.log"
	touch record
	run_vtconsole_and_own
	run calls
	assert_line --index 4 "50-own noop release"
	assert_line --index 5 "vtconsole noop release"
}

# The shipped gpu-users hook run by itself, with passlaunch gpu users and
# systemctl stand-ins: the holders are the lines of $TMP/holders, and
# stopping a unit ends its holders (its lines go).
gpu_users_hook() {
	mkdir -p stubs state
	cat >stubs/passlaunch <<-'SH'
	#!/bin/sh
	[ "$1 $2" = "gpu users" ] || exit 2
	cat "$TMP/holders"
	SH
	cat >stubs/systemctl <<-'SH'
	#!/bin/sh
	echo "systemctl $*" >>"$TMP/calls"
	for unit; do :; done
	case " $* " in *" stop "*) grep -v "	$unit	" "$TMP/holders" >"$TMP/holders.new" || true; mv "$TMP/holders.new" "$TMP/holders" ;; esac
	SH
	chmod +x stubs/passlaunch stubs/systemctl
	export TMP
	PATH=$TMP/stubs:$PATH PASSLAUNCH_BIN=$TMP/stubs/passlaunch PASSLAUNCH_STATE_DIR=$TMP/state \
		PASSLAUNCH_GPUS="0000:0b:00.0 0000:0b:00.1" run "$ROOT/hooks.d/gpu-users" vm "$1"
}

# Started again: the system's units first, in reverse, waited for; then the
# users' own, queued: a user's unit whose start never ends holds back no
# system service, and no later recover.
@test "gpu-users hook: the units holding the GPU are stopped, system and user alike; started again, the system's first and waited for, the users' queued" {
	printf 'system\t-\tnvidia-persistenced.service\t401\tnvidia-persiste\t/dev/nvidia0\n' >holders
	printf 'user\talice\tpipewire.service\t1201\tpipewire\t/dev/snd/controlC1\n' >>holders
	printf 'user\talice\tpipewire.service\t1202\tpipewire\t/dev/snd/pcmC1D3p\n' >>holders
	gpu_users_hook prepare
	assert_success
	assert_line "stopping nvidia-persistenced.service"
	assert_line "stopping pipewire.service (user alice)"
	assert_line "the GPU's devices are free"
	gpu_users_hook release
	assert_success
	run cat calls
	assert_output "systemctl stop -- nvidia-persistenced.service
systemctl --user --machine=alice@ stop -- pipewire.service
systemctl start -- nvidia-persistenced.service
systemctl --user --machine=alice@ start --no-block -- pipewire.service"
	assert_not_exists state/units
}

@test "gpu-users hook: a holder in no unit it may stop is named, and nothing is stopped" {
	printf 'system\t-\tsddm.service\t300\tXorg\t/dev/dri/card0\n' >holders
	printf 'other\t-\tsession-2.scope\t4242\tgame.exe\t/dev/dri/renderD128\n' >>holders
	printf 'core\t-\tsystemd-logind.service\t250\tsystemd-logind\t/dev/dri/card0\n' >>holders
	gpu_users_hook prepare
	assert_failure
	assert_line "PID 4242 (game.exe) holds /dev/dri/renderD128 in session-2.scope"
	refute_output --partial logind
	assert_not_exists calls
	gpu_users_hook release
	assert_success
	assert_not_exists calls
}

# The shipped vfio hook's release on a stand-in sysfs, with a stand-in
# passlaunch that records its calls: the functions of a GPU and the driver
# each is bound to now.
vfio_stand_ins() {
	mkdir -p stubs state sys/bus/pci/drivers/vfio-pci sys/bus/pci/drivers/amdgpu run/devices
	printf '#!/bin/sh\necho "passlaunch $*" >>"%s/calls"\n' "$TMP" >stubs/passlaunch
	chmod +x stubs/passlaunch
}

vfio_release() {
	PASSLAUNCH_SYSFS=$TMP/sys PASSLAUNCH_RUNTIME_DIR=$TMP/run PASSLAUNCH_BIN=$TMP/stubs/passlaunch \
		PASSLAUNCH_STATE_DIR=$TMP/state PASSLAUNCH_GPUS="0000:0b:00.0 0000:0b:00.1" \
		run "$ROOT/hooks.d/vfio" vm release
}

# The run's journal gives each driver back before the hooks' release: a
# function back on its driver, of which passlaunch keeps nothing, costs no
# process in the dark time; one still on vfio-pci, or with its saved state
# left, goes to passlaunch gpu attach.
@test "vfio hook: release hands to gpu attach only what the journal has not given back" {
	vfio_stand_ins
	touch sys/bus/pci/drivers/amdgpu/0000:0b:00.0 sys/bus/pci/drivers/amdgpu/0000:0b:00.1
	vfio_release
	assert_success
	assert_output "vfio: 0000:0b:00.0 is on amdgpu already
vfio: 0000:0b:00.1 is on amdgpu already"
	assert_not_exists calls
	mv sys/bus/pci/drivers/amdgpu/0000:0b:00.1 sys/bus/pci/drivers/vfio-pci/
	touch run/devices/0000:0b:00.0.rebar
	vfio_release
	assert_success
	run cat calls
	assert_output "passlaunch gpu attach 0000:0b:00.0 0000:0b:00.1"
}

# The shipped framebuffer hook on a stand-in sysfs: the EFI framebuffer's
# platform device, its driver's directory and bind/unbind files that record
# what is written.
framebuffer_hook() {
	PASSLAUNCH_SYSFS=$TMP/sys PASSLAUNCH_STATE_DIR=$TMP/state run "$ROOT/hooks.d/framebuffer" vm "$1"
}

fake_efifb() {
	local sys=$TMP/sys
	mkdir -p "$sys/devices/platform/efi-framebuffer.0" "$sys/bus/platform/devices" \
		"$sys/bus/platform/drivers/efi-framebuffer" "$TMP/state"
	ln -s ../../../devices/platform/efi-framebuffer.0 "$sys/bus/platform/devices/efi-framebuffer.0"
	ln -s ../../../../devices/platform/efi-framebuffer.0 "$sys/bus/platform/drivers/efi-framebuffer/efi-framebuffer.0"
}

@test "framebuffer hook: the boot framebuffer is unbound in prepare and bound again in release" {
	fake_efifb
	framebuffer_hook prepare
	assert_success
	assert_output "unbinding efi-framebuffer.0 from efi-framebuffer"
	assert_equal "$(cat sys/bus/platform/drivers/efi-framebuffer/unbind)" efi-framebuffer.0
	rm sys/bus/platform/drivers/efi-framebuffer/efi-framebuffer.0
	framebuffer_hook release
	assert_success
	assert_output "binding efi-framebuffer.0 to efi-framebuffer"
	assert_equal "$(cat sys/bus/platform/drivers/efi-framebuffer/bind)" efi-framebuffer.0
	assert_not_exists state/bound
}

# Linux 6.0 and later unregister the firmware framebuffer's device once a
# driver (vfio-pci too) takes the GPU: binding it again cannot work, and
# must not fail the release.
# ... and the GPU, back from vfio-pci with no driver (none was loaded
# before), gets its own through modprobe -b and its modalias: a stand-in
# modprobe binds it when told to, or fails as for a blacklisted driver.
@test "framebuffer hook: a framebuffer device the kernel removed meanwhile is reported, and a GPU left with no driver gets its own" {
	local gpu=sys/bus/pci/devices/0000:0b:00.0
	fake_efifb
	mkdir -p "$gpu" sys/bus/pci/drivers/nouveau stubs
	echo 0x030000 >"$gpu/class"
	echo pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00 >"$gpu/modalias"
	cat >stubs/modprobe <<-SH
	#!/bin/sh
	echo "modprobe \$*" >>"$TMP/calls"
	[ -e "$TMP/blacklisted" ] && exit 1
	ln -s ../../drivers/nouveau "$TMP/$gpu/driver"
	SH
	chmod +x stubs/modprobe
	framebuffer_hook prepare
	assert_success
	rm sys/bus/platform/drivers/efi-framebuffer/efi-framebuffer.0 sys/bus/platform/devices/efi-framebuffer.0
	touch blacklisted
	PATH=$TMP/stubs:$PATH PASSLAUNCH_GPUS="0000:0b:00.0" framebuffer_hook release
	assert_success
	assert_line "efi-framebuffer.0 is gone: the kernel removed it when a driver took the GPU; the console comes back with the GPU's own driver"
	assert_line "no driver loaded for 0000:0b:00.0: load it, or reboot, to have a console on it again"
	assert_equal "$(cat sys/bus/pci/drivers_probe)" 0000:0b:00.0
	assert_not_exists sys/bus/platform/drivers/efi-framebuffer/bind
	assert_not_exists state/bound
	rm blacklisted sys/bus/pci/drivers_probe
	fake_efifb
	framebuffer_hook prepare
	rm sys/bus/platform/drivers/efi-framebuffer/efi-framebuffer.0 sys/bus/platform/devices/efi-framebuffer.0
	PATH=$TMP/stubs:$PATH PASSLAUNCH_GPUS="0000:0b:00.0" framebuffer_hook release
	assert_success
	assert_line "loading the driver of 0000:0b:00.0, which has none"
	assert_line "0000:0b:00.0 is on nouveau"
	assert_equal "$(tail -n1 calls)" "modprobe -b pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00"
	assert_not_exists sys/bus/pci/drivers_probe
}

# The shipped sound-server hook with stand-ins: loginctl answers from files
# (linger, sessions), setpriv runs the command it is given, systemctl and
# pactl record their calls, pactl fails while the file no-answer exists.
sound_server_hook() {
	mkdir -p stubs state
	cat >stubs/loginctl <<-'SH'
	#!/bin/sh
	echo "loginctl $*" >>"$TMP/calls"
	case $1 in
	show-user) case $2 in *Linger*) cat "$TMP/linger" ;; *) cat "$TMP/sessions" ;; esac ;;
	enable-linger) echo yes >"$TMP/linger" ;;
	disable-linger) echo no >"$TMP/linger" ;;
	esac
	SH
	cat >stubs/setpriv <<-'SH'
	#!/bin/sh
	while [ "${1#--}" != "$1" ]; do shift; done
	exec "$@"
	SH
	cat >stubs/systemctl <<-'SH'
	#!/bin/sh
	echo "systemctl $*" >>"$TMP/calls"
	for unit; do :; done
	case " $* " in *" is-active "*) grep -qx "$unit" "$TMP/running" ;; esac
	SH
	cat >stubs/pactl <<-'SH'
	#!/bin/sh
	echo "pactl $* as $XDG_RUNTIME_DIR" >>"$TMP/calls"
	[ ! -e "$TMP/no-answer" ]
	SH
	chmod +x stubs/*
	export TMP
	PATH=$TMP/stubs:$PATH PASSLAUNCH_USER=root PASSLAUNCH_STATE_DIR=$TMP/state PASSLAUNCH_SOUND_WAIT=1 \
		run "$ROOT/hooks.d/sound-server" vm "$1"
}

@test "sound-server hook: the user lingers for the run, the server is restarted once the sessions are gone, and lingering is as it was after" {
	echo no >linger
	: >sessions
	printf 'user@0.service\npipewire.service\nwireplumber.service\npipewire-pulse.socket\n' >running
	sound_server_hook prepare
	assert_success
	assert_output "root lingers for the run
restarting pipewire.service wireplumber.service pipewire-pulse.service outside the ended session
the sound server of root answers"
	run grep -E 'enable-linger|restart|pactl' calls
	assert_output "loginctl enable-linger root
systemctl --user restart pipewire.service wireplumber.service pipewire-pulse.service
pactl info as /run/user/0"
	sound_server_hook release
	assert_success
	assert_output "root lingers no more"
	assert_equal "$(cat linger)" no
	# A user who lingered already keeps lingering.
	rm calls
	echo yes >linger
	sound_server_hook prepare
	sound_server_hook release
	assert_success
	refute_output --partial linger
	run grep -c -- '-linger' calls
	assert_output 0
}

@test "sound-server hook: a user still logged in elsewhere keeps the running server; a server that does not answer, or a user manager that does not run, fails the prepare" {
	echo no >linger
	echo 4 >sessions
	printf 'user@0.service\npulseaudio.service\n' >running
	sound_server_hook prepare
	assert_success
	assert_line "root still has sessions (4): their sound server goes on"
	run grep -c restart calls
	assert_output 0
	: >sessions
	touch no-answer
	sound_server_hook prepare
	assert_failure
	assert_line "the sound server of root does not answer after 1 s"
	sound_server_hook release
	assert_equal "$(cat linger)" no
	# No manager for the user, even lingering: nothing to keep serving.
	rm no-answer
	echo pulseaudio.service >running
	sound_server_hook prepare
	assert_failure
	assert_line "the systemd manager of root does not run after 1 s"
}

# The shipped looking-glass-client hook run by itself, with systemd-run and
# systemctl stand-ins that record their arguments.
lg_client_hook() {
	mkdir -p stubs
	printf '#!/bin/sh\necho "$(basename "$0") $*" >>"%s/calls"\n' "$TMP" >stubs/systemd-run
	cp stubs/systemd-run stubs/systemctl
	chmod +x stubs/systemd-run stubs/systemctl
	PATH=$TMP/stubs:$PATH PASSLAUNCH_USER=alice run "$ROOT/hooks.d/looking-glass-client" lg "$1"
}

@test "looking-glass-client hook: started in the user's own manager on the VM's memory and SPICE socket, stopped with the guest" {
	PASSLAUNCH_LOOKING_GLASS=/dev/kvmfr0 PASSLAUNCH_SPICE_SOCKET=/run/passlaunch/lg/qemu/spice.sock lg_client_hook started
	assert_success
	PASSLAUNCH_LOOKING_GLASS=/dev/kvmfr0 lg_client_hook stopped
	assert_success
	run cat calls
	assert_output "systemd-run --user --machine=alice@ --unit=passlaunch-looking-glass-lg --collect --quiet looking-glass-client -f /dev/kvmfr0 spice:host=/run/passlaunch/lg/qemu/spice.sock spice:port=0
systemctl --user --machine=alice@ stop passlaunch-looking-glass-lg.service"
}

@test "hooks: looking_glass_client = yes runs the shipped looking-glass-client hook with the memory's path; its failure in started leaves the guest running" {
	STOP_TIMEOUT=2 hooked_vm lgc deaf
	printf '[display]\nlooking_glass = yes\nlooking_glass_client = yes\nresolution = 640x480\n' >>"$VM.ini"
	sed -i '0,/^\[display\]$/!{/^\[display\]$/d}' "$VM.ini"
	PASSLAUNCH_HOOKS_DIR=$ROOT/hooks.d start_vm
	wait_for_log 'hook looking-glass-client: started'
	wait_for_log 'hook looking-glass-client failed in started'
	kill -0 "$RUN_PID"
	kill -TERM "$RUN_PID"
	finish_vm
	run cat "$TMP/$VM.log"
	assert_line "passlaunch: hook looking-glass-client: starting looking-glass-client for nobody on /dev/shm/passlaunch-lgc-looking-glass"
	assert_line --partial "lgc: hook looking-glass-client: stopped"
	assert_host_restored
}

# A run whose stand-in display-manager hook records what passlaunch told it
# of the display manager, then fails its prepare: the run ends there.
dm_told() {
	rm -f seen
	printf '[vm]\nuser = nobody\nstate_dir = %s/state/dm\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 64M\n[hooks]\nuse = display-manager\ntimeout = 10\n' "$TMP" >dm.ini
	PASSLAUNCH_SYSTEMD_CONFIG=$TMP/etc PASSLAUNCH_SYSFS=$TMP/sys PASSLAUNCH_HOOKS_DIR=$TMP/shipped \
		run "$PASSLAUNCH" run dm.ini
	assert_output --partial "hook display-manager failed in prepare"
	cat seen
}

@test "hooks: passlaunch tells the display-manager hook the unit that runs (the alias's link, processes in its cgroup), sparing a systemctl; else the hook asks systemctl" {
	local cg=sys/fs/cgroup/system.slice
	mkdir -p sys/devices/system/cpu
	echo 0-1 >sys/devices/system/cpu/online
	mkdir -p shipped etc "$cg/gdm.service" "$cg/sddm.service" "$cg/x;y.service"
	hook display-manager '[ "$2" != prepare ] || { echo "dm=${PASSLAUNCH_DISPLAY_MANAGER:-unset}" >>'"$TMP/seen"'; exit 1; }'
	mv hooks/display-manager shipped/
	echo 1234 >"$cg/gdm.service/cgroup.procs"
	: >"$cg/sddm.service/cgroup.procs"
	echo 1234 >"$cg/x;y.service/cgroup.procs"
	ln -s /usr/lib/systemd/system/gdm.service etc/display-manager.service
	run dm_told
	assert_output "dm=gdm.service"
	# Stopped (no process in its cgroup), a name systemd would not make, or
	# no link: systemctl says.
	for target in /usr/lib/systemd/system/sddm.service 'x;y.service' ''; do
		rm etc/display-manager.service
		[[ -z $target ]] || ln -s "$target" etc/display-manager.service
		run dm_told
		assert_output "dm=unset"
	done
}
