#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031  # bats sets output and status; runvm.bash reads LAB; scripts expand where they run; each test is a subshell of its own
# Attacks on a real run (real QEMU, TCG), as QEMU's own user (plattack: it
# runs what a guest that escaped into QEMU runs) and as another local user
# (plother). Each test is one class of the threat model (passlaunch(1),
# SECURITY) and proves the attack fails: the decoys and the host unchanged.

load common
load runvm

ATTACKER=plattack
OTHER=plother

setup_file() {
	runvm_setup_file
	[[ $EUID == 0 ]] || return 0
	local u
	for u in "$ATTACKER" "$OTHER"; do
		id "$u" >/dev/null 2>&1 || useradd -M -r -d /nonexistent -s /usr/sbin/nologin "$u"
	done
}

teardown_file() {
	runvm_teardown_file
	[[ $EUID == 0 ]] || return 0
	userdel "$ATTACKER" 2>/dev/null || true
	userdel "$OTHER" 2>/dev/null || true
}

setup() {
	runvm_setup "the attacks are on a launcher running as root"
	# The attacker's own directory, as a home directory is.
	install -d -o "$ATTACKER" -m 755 "$TMP/home"
	# What an attack would reach: root's, private.
	printf 'root-secret\n' >"$TMP/decoy"
	chmod 600 "$TMP/decoy"
	DECOY_BEFORE=$(decoy_state)
	mkdir -p hooks
}

teardown() {
	[[ -n ${FLIPPER:-} ]] && kill "$FLIPPER" 2>/dev/null
	[[ -n ${HOLDER:-} ]] && kill "$HOLDER" 2>/dev/null
	pkill -u "$ATTACKER" 2>/dev/null
	pkill -u "$OTHER" 2>/dev/null
	runvm_teardown
}

as_attacker() {
	setpriv --reuid="$ATTACKER" --regid="$ATTACKER" --clear-groups "$@"
}

as_other() {
	setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups "$@"
}

decoy_state() {
	stat -c '%U:%G %a %s' "$TMP/decoy"
	sha256sum <"$TMP/decoy"
}

assert_decoy_unchanged() {
	assert_equal "$(decoy_state)" "$DECOY_BEFORE"
}

# attack_vm NAME GUEST [LINE...]: vm (runvm.bash), with QEMU as the attacker.
# The deaf guest never answers the power button: a short stop_timeout
# ends each run seconds after its SIGTERM, not a minute.
attack_vm() {
	STOP_TIMEOUT=${STOP_TIMEOUT:-3} vm "$@"
	sed -i "s/^user = nobody$/user = $ATTACKER/" "$VM.ini"
}

@test "attack: a disk in QEMU's user's directory swapped for a link to root's file; root follows nothing" {
	truncate -s 1M "$TMP/home/disk.img"
	chown "$ATTACKER" "$TMP/home/disk.img"
	attack_vm disklink deaf "[disk.data]" "source = $TMP/home/disk.img" "format = raw" "cache = writeback"
	as_attacker ln -sfn "$TMP/decoy" "$TMP/home/disk.img.new"
	as_attacker mv -T "$TMP/home/disk.img.new" "$TMP/home/disk.img"
	STOP_TIMEOUT=5 start_vm
	for ((i = 0; i < 100; i++)); do
		grep -qE 'guest running|error' "$TMP/$VM.log" && break
		sleep 0.1
	done
	# Whatever the launcher did, QEMU's user got nothing of root's.
	run as_attacker cat "$TMP/decoy"
	assert_failure
	if [[ -e /proc/$RUN_PID ]]; then "$PASSLAUNCH" stop disklink --force; fi
	finish_vm
	assert_decoy_unchanged
	refute_output --partial root-secret
	# The attacker's link was opened with the attacker's rights, which
	# do not reach root's file.
	run cat "$TMP/$VM.log"
	assert_output --partial "Permission denied"
	assert_equal "$RC" 2
}

@test "attack: [firmware] vars in QEMU's user's directory; root makes nothing there and follows no link" {
	attack_vm varsdir deaf
	sed -i "s|^type = bios$|type = ovmf\nvars = $TMP/home/VARS.fd|" "$VM.ini"
	# Missing: root would copy the template in beside a name the attacker
	# can predict; it refuses, and nothing appears there.
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "vars = $TMP/home/VARS.fd does not exist, and root will not create it there"
	assert_equal "$(ls -A "$TMP/home")" ""
	# A link to root's file: opened with the attacker's rights, which do
	# not reach it.
	as_attacker ln -s "$TMP/decoy" "$TMP/home/VARS.fd"
	run "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "Permission denied"
	assert_decoy_unchanged
	assert_equal "$(stat -c %U "$TMP/home/VARS.fd")" "$ATTACKER"
}

@test "attack: [firmware] vars_template a link to root's file, or a FIFO as the firmware's code; root copies nothing, never hangs" {
	attack_vm template deaf
	as_attacker ln -s "$TMP/decoy" "$TMP/home/VARS.fd"
	sed -i "s|^type = bios$|type = ovmf\nvars_template = $TMP/home/VARS.fd|" "$VM.ini"
	run timeout -k 5 30 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "its directory $TMP/home is owned by uid $(id -u "$ATTACKER")"
	assert_not_exists "$TMP/state/template/OVMF_VARS.fd"
	assert_decoy_unchanged
	# The firmware's code a FIFO nobody writes: checked, not waited on.
	as_attacker mkfifo "$TMP/home/CODE.fd"
	sed -i "s|^vars_template = .*|code = $TMP/home/CODE.fd|" "$VM.ini"
	run timeout -k 5 30 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "CODE.fd"
	assert_host_restored
}

@test "attack: QEMU's user cannot write in state_dir during the run, nor make root chown through it after" {
	attack_vm statedir deaf
	sed -i 's/^type = bios$/type = ovmf\ntpm = yes/' "$VM.ini"
	chown "$OTHER" "$TMP/decoy"
	DECOY_BEFORE=$(decoy_state)
	start_vm
	wait_for_log 'guest running'
	run as_attacker touch "$TMP/state/$VM/planted"
	assert_failure
	run as_attacker ln -sfn "$TMP/decoy" "$TMP/state/$VM/OVMF_VARS.fd"
	assert_failure
	# tpm/ is swtpm's (QEMU's user's): links planted there are the user's
	# business; root never acts on what is in it by name.
	as_attacker ln -sfn "$TMP/decoy" "$TMP/state/$VM/tpm/planted"
	as_attacker ln -sfn "$TMP/decoy" "$TMP/state/$VM/tpm/.hidden"
	kill -TERM "$RUN_PID"
	finish_vm
	assert_decoy_unchanged
	assert_equal "$(stat -c %U "$TMP/state/$VM")" root
	assert_equal "$(stat -c %U "$TMP/state/$VM/OVMF_VARS.fd")" root
}

@test "attack: a profile link flipped between root's profile and the attacker's; root never reads the attacker's" {
	install -d -m 755 "$TMP/etc"
	printf '[vm]\nrootprofile = 1\n' >"$TMP/etc/root.ini"
	printf '[vm]\npwned = 1\n' >"$TMP/home/evil.ini"
	chown "$ATTACKER" "$TMP/home/evil.ini"
	as_attacker ln -sfn "$TMP/etc/root.ini" "$TMP/home/p.ini"
	as_attacker bash -c 'while :; do
		ln -sfn "$1/etc/root.ini" "$1/home/p.tmp" && mv -T "$1/home/p.tmp" "$1/home/p.ini"
		ln -sfn "$1/home/evil.ini" "$1/home/p.tmp" && mv -T "$1/home/p.tmp" "$1/home/p.ini"
	done' flip "$TMP" &
	FLIPPER=$!
	# The race is in the launcher's logic, not its memory: the release
	# build tries 600 times in a fraction of the sanitized one's time.
	local read_evil=0 tries launcher=$ROOT/passlaunch-test
	[[ -x $launcher ]] || launcher=$PASSLAUNCH
	for ((tries = 0; tries < 600; tries++)); do
		if "$launcher" run "$TMP/home/p.ini" 2>&1 | grep -q "pwned"; then
			read_evil=$((read_evil + 1))
		fi
	done
	kill "$FLIPPER"
	FLIPPER=
	assert_equal "$read_evil of $tries" "0 of 600"
	run "$PASSLAUNCH" run "$TMP/home/p.ini"
	assert_equal "$status" 2
	assert_output --partial "is owned by uid $(id -u "$ATTACKER")"
}

@test "attack: QEMU pushes input into root's terminal (TIOCSTI); nothing arrives" {
	stage_injector
	attack_vm inject deaf
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = $QEMU_STAGE/inject|" "$VM.ini"
	# The launcher on a terminal of its own; after it, whatever input the
	# terminal holds is read and shown.
	run script -qec "'$PASSLAUNCH' run '$TMP/$VM.ini'; read -r -t 2 line; echo \"read:\$line\"" /dev/null
	assert_output --partial "injector: ran"
	refute_output --regexp 'TIOCSTI on .*: ok'
	refute_output --regexp 'read:.*PWNED'
	assert_output --partial "TIOCSTI on /dev/tty: ENXIO"
	assert_output --regexp 'TIOCSTI on fd 2: (EPERM|ENOTTY)'
}

# A stand-in for QEMU that tries to push "echo PWNED" into every terminal it
# can reach, root's included.
stage_injector() {
	cat >"$TMP/inject" <<-'PERL'
	#!/usr/bin/perl
	use POSIX qw(strerror);
	use Errno;
	my %names = (1 => "EPERM", 5 => "EIO", 6 => "ENXIO", 9 => "EBADF", 25 => "ENOTTY");
	sub push_into { my ($fh, $what) = @_; my $ok = 1;
		for my $c (split //, "echo PWNED\n") { $ok = 0 unless ioctl($fh, 0x5412, $c); }
		printf STDERR "TIOCSTI on %s: %s\n", $what, $ok ? "ok" : ($names{$!+0} // $!); }
	print STDERR "injector: ran\n";
	if (open(my $tty, "+<", "/dev/tty")) { push_into($tty, "/dev/tty"); }
	else { printf STDERR "TIOCSTI on /dev/tty: %s\n", $names{$!+0} // $!; }
	push_into(\*STDERR, "fd 2");
	exit 1;
	PERL
	chmod 755 "$TMP/inject"
	stage_for_qemu "$TMP/inject"
}

@test "attack: another local user holds the VM's lock; start and recover are not blocked" {
	attack_vm lockvm deaf
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = /bin/false|" "$VM.ini"
	run "$PASSLAUNCH" run "$VM.ini"
	local lock=$PASSLAUNCH_RUNTIME_DIR/lockvm.lock
	assert_exists "$lock"
	as_other flock -n "$lock" sleep 60 &
	HOLDER=$!
	sleep 0.5
	run "$PASSLAUNCH" run "$VM.ini"
	refute_output --partial "is already running"
	[[ $status != 3 ]] || fail "the run was refused as busy: $output"
	assert_equal "$(stat -c %a "$lock")" 600
	assert_equal "$(stat -c %a "$PASSLAUNCH_RUNTIME_DIR")" 711
}

@test "attack: stop does not signal a PID that the launcher held once and another process holds now" {
	attack_vm stalepid deaf
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = /bin/false|" "$VM.ini"
	run "$PASSLAUNCH" run "$VM.ini"
	local lock=$PASSLAUNCH_RUNTIME_DIR/stalepid.lock
	# A lock still held (a child that kept it) that names a PID now used by
	# an innocent process.
	sleep 60 &
	local innocent=$!
	printf '%d 1\n' "$innocent" >"$lock"
	flock -n "$lock" sleep 60 &
	HOLDER=$!
	sleep 0.5
	run "$PASSLAUNCH" stop stalepid
	kill -0 "$innocent" || fail "stop signalled PID $innocent, which is not the launcher"
	kill "$innocent"
}

@test "attack: a FIFO as a disk; the launcher neither hangs nor opens it" {
	mkfifo "$TMP/home/fifo"
	attack_vm fifo deaf "[disk.data]" "source = $TMP/home/fifo" "format = raw"
	run timeout -k 5 20 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --regexp "fifo.ini:[0-9]+: $TMP/home/fifo: \[disk.data\] source is a FIFO; give a regular file or a block device"
	assert_host_restored
}

@test "attack: a device node as a disk (as /dev/watchdog would be) is refused before it is opened" {
	# /dev/null's numbers under another name: harmless if opened, but a
	# character device like a watchdog, which an open alone would arm.
	mknod -m 666 "$TMP/home/watchdog" c 1 3
	attack_vm chardev deaf "[disk.data]" "source = $TMP/home/watchdog" "format = raw"
	run timeout -k 5 20 "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_output --partial "is a character device; give a regular file or a block device"
	assert_equal "$(stat -c %U "$TMP/home/watchdog")" root
	assert_host_restored
}

@test "attack: through pkexec, start, stop and status reach nothing but a profile named in /etc/passlaunch" {
	attack_vm pkx deaf
	export PKEXEC_UID
	PKEXEC_UID=$(id -u "$ATTACKER")
	run "$PASSLAUNCH" start "$TMP/pkx.ini"
	assert_equal "$status" 2
	assert_output --partial "through pkexec, '$TMP/pkx.ini' is not the name of a profile in /etc/passlaunch"
	run "$PASSLAUNCH" start no-such-profile-here
	assert_equal "$status" 2
	assert_output --partial "through pkexec, 'no-such-profile-here' is not the name"
	run "$PASSLAUNCH" stop --timeout 1 pkx
	assert_equal "$status" 2
	assert_output --partial "through pkexec, stop takes no option --timeout"
	run "$PASSLAUNCH" status
	assert_success
	unset PKEXEC_UID
}

@test "attack: the installed binary ignores the PASSLAUNCH_* overrides an environment kept by sudo -E brings" {
	# The attacker's firmware descriptor, pointing root at the attacker's code.
	install -d -o "$ATTACKER" "$TMP/home/fw"
	printf 'evil' >"$TMP/home/evil-code.fd"
	jq -n --arg code "$TMP/home/evil-code.fd" '{"interface-types":["uefi"],
		mapping:{device:"flash","mode":"split",executable:{filename:$code,format:"raw"},
		"nvram-template":{filename:$code,format:"raw"}},
		targets:[{architecture:"x86_64",machines:["pc-q35-*"]}],features:[]}' >"$TMP/home/fw/10-evil.json"
	printf '[qemu]\naccel = tcg\n[memory]\nsize = 128M\n' >ovmf.ini
	PASSLAUNCH_FIRMWARE_PATH=$TMP/home/fw run "$ROOT/passlaunch" print ovmf.ini
	assert_success
	refute_output --partial evil-code.fd
	# The test build does honour it: the override is real, and only there.
	PASSLAUNCH_FIRMWARE_PATH=$TMP/home/fw run "$ROOT/passlaunch-test" print ovmf.ini
	assert_output --partial evil-code.fd
}

# A root shipped hook writes where these roots lead (framebuffer's unbind,
# vtconsole's bind): the installed binary gives its hooks its own.
@test "attack: through sudo -E, hooks get the installed binary's own roots, never the PASSLAUNCH_* roots the environment brings" {
	install -d -m 755 hooks
	printf '#!/bin/sh\n[ "$2" = prepare ] || exit 0\nenv | grep -E "^PASSLAUNCH_(SYSFS|PROCFS|DEVFS|RUNTIME_DIR|HOOKS_DIR)=" | sort >"%s/hook.env"\nexit 1\n' "$TMP" >hooks/10-env
	chmod 755 hooks/10-env
	printf '[vm]\nuser = %s\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n[memory]\nsize = 64M\n[hooks]\ndir = %s/hooks\n' "$ATTACKER" "$TMP" >henv.ini
	local kind
	for kind in SYSFS PROCFS DEVFS RUNTIME_DIR HOOKS_DIR; do
		export "PASSLAUNCH_$kind=$TMP/home/$kind"
	done
	run "$ROOT/passlaunch" run henv.ini
	unset PASSLAUNCH_SYSFS PASSLAUNCH_PROCFS PASSLAUNCH_DEVFS PASSLAUNCH_RUNTIME_DIR PASSLAUNCH_HOOKS_DIR
	assert_output --partial "hook 10-env failed in prepare"
	assert_output --partial "henv: host restored"
	run cat hook.env
	assert_line "PASSLAUNCH_SYSFS=/sys"
	assert_line "PASSLAUNCH_PROCFS=/proc"
	assert_line "PASSLAUNCH_DEVFS=/dev"
	assert_line "PASSLAUNCH_RUNTIME_DIR=/run/passlaunch"
	assert_line "PASSLAUNCH_HOOKS_DIR=$ROOT/hooks.d"
	refute_output --partial "$TMP/home"
}

# passlaunch start hands its detached run a pipe as descriptor 3 and names
# it in PASSLAUNCH_READY_FD; sudo -E brings the caller's value instead. The
# run's own lock is its descriptor 4, its journal 5: "ready" written into
# the journal, or the lock closed, would leave the host not given back, or
# the VM beyond stop and status.
@test "attack: through sudo -E, PASSLAUNCH_READY_FD naming the launcher's own lock or journal spoils neither" {
	local fd
	for fd in 4 5; do
		attack_vm readyfd deaf
		PASSLAUNCH_READY_FD=$fd start_vm
		wait_for_log 'guest running'
		run "$PASSLAUNCH" status readyfd
		assert_output --partial "readyfd: running"
		"$PASSLAUNCH" stop readyfd --force
		finish_vm
		run cat "$TMP/$VM.log"
		refute_output --partial "could not undo"
		assert_output --partial "readyfd: host restored"
		assert_host_restored
	done
}

# gpu detach, run by the vfio hook, journals into the run named by
# PASSLAUNCH_VM; sudo -E brings the caller's value instead.
@test "attack: through sudo -E, PASSLAUNCH_VM leads gpu detach to no journal outside root's run directory" {
	install -d -o "$ATTACKER" "$TMP/home/x"
	as_attacker mkfifo "$TMP/home/x/journal"
	SUDO_UID=$(id -u "$ATTACKER") SUDO_GID=$(id -g "$ATTACKER") SUDO_USER=$ATTACKER \
		PASSLAUNCH_VM=../..$TMP/home/x run timeout 10 "$ROOT/passlaunch" gpu detach 0000:00:02.0
	((status != 124)) || fail "gpu detach hung on the FIFO the caller named"
	refute_output --partial "$TMP/home/x"
}

@test "attack: through sudo -E, NOTIFY_SOCKET sends root's READY=1 to no socket of the caller's" {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(30)
try: print("received:", s.recv(256).decode().splitlines()[0])
except OSError: print("received nothing")' "$TMP/home/notify" >"$TMP/notified" &
	local listener=$! i
	for ((i = 0; i < 50; i++)); do [[ -S $TMP/home/notify ]] && break; sleep 0.1; done
	attack_vm notifyvm deaf
	NOTIFY_SOCKET=$TMP/home/notify start_vm
	wait_for_log 'guest running'
	"$PASSLAUNCH" stop notifyvm --force
	finish_vm
	kill "$listener" 2>/dev/null || true
	wait "$listener" || true
	run cat "$TMP/notified"
	refute_output --partial "READY=1"
}

# connects_to PATH: a line the server sent on a unix socket, or the error.
connects_to() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.settimeout(5); s.connect(sys.argv[1]); print(s.recv(12).decode())
except OSError as e:
    print(type(e).__name__); sys.exit(1)' "$1"
}

@test "attack: another local user cannot reach the VM's display; QEMU's user can" {
	attack_vm display deaf "[display]" "type = vnc"
	sed -i '0,/^\[display\]$/!{/^\[display\]$/d}' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	local sock=$PASSLAUNCH_RUNTIME_DIR/$VM/qemu/vnc.sock
	run as_attacker bash -c "$(declare -f connects_to); connects_to '$sock'"
	assert_success
	assert_output --partial "RFB 003.008"
	run as_other bash -c "$(declare -f connects_to); connects_to '$sock'"
	assert_failure
	assert_output --partial PermissionError
	# No display on a TCP port that every local user could reach.
	run ss -Hltnp
	refute_output --partial "pid=$(qemu_pid),"
	kill -TERM "$RUN_PID"
	finish_vm
}

@test "attack: Looking Glass memory made first by another user is refused, never shared" {
	attack_vm lg deaf "[display]" "looking_glass = yes" "resolution = 640x480"
	sed -i '0,/^\[display\]$/!{/^\[display\]$/d}' "$VM.ini"
	local shm=/dev/shm/passlaunch-lg-looking-glass
	as_other touch "$shm"
	run "$PASSLAUNCH" run "$VM.ini"
	assert_failure
	assert_output --partial "$shm exists and belongs to uid $(id -u "$OTHER"): another user made it first"
	assert_equal "$(stat -c %U "$shm")" "$OTHER"
	rm -f "$shm"
	assert_host_restored
	# Free, it is made for this run alone: QEMU's user's, 0600, gone after.
	start_vm
	wait_for_log 'guest running'
	assert_equal "$(stat -c %U:%a "$shm")" "$ATTACKER:600"
	assert_not_exists /dev/shm/looking-glass
	kill -TERM "$RUN_PID"
	finish_vm
	assert_not_exists "$shm"
}

@test "attack: a link planted where shortcut writes its entry leads root nowhere" {
	install -d -o "$ATTACKER" "$TMP/home/applications"
	printf '[vm]\nname = shortcutvm\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n' >"$TMP/sc.ini"
	as_attacker ln -s "$TMP/decoy" "$TMP/home/applications/passlaunch-shortcutvm.desktop.new"
	XDG_DATA_HOME=$TMP/home run "$PASSLAUNCH" shortcut "$TMP/sc.ini"
	assert_success
	assert_decoy_unchanged
	assert_file_contains "$TMP/home/applications/passlaunch-shortcutvm.desktop" "Exec=pkexec "
}

@test "attack: through sudo -E, the installed binary writes a --system shortcut only where it is installed, never where PASSLAUNCH_SYSTEM_APPLICATIONS leads" {
	install -d -m 700 "$TMP/rootonly"
	printf '[vm]\nname = sysappsvm\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n' >"$TMP/home/sys.ini"
	chown "$ATTACKER" "$TMP/home/sys.ini"
	SUDO_UID=$(id -u "$ATTACKER") SUDO_GID=$(id -g "$ATTACKER") SUDO_USER=$ATTACKER \
		PASSLAUNCH_SYSTEM_APPLICATIONS=$TMP/rootonly/autostart run "$ROOT/passlaunch" shortcut "$TMP/home/sys.ini" --system
	rm -f /usr/local/share/applications/passlaunch-sysappsvm.desktop
	assert_success
	refute_output --partial "$TMP/rootonly"
	assert_not_exists "$TMP/rootonly/autostart"
}

@test "attack: through sudo -E, shortcut writes the user's entry with the user's rights, never where a kept XDG_DATA_HOME leads root" {
	install -d -m 700 "$TMP/private"
	install -d -o "$ATTACKER" "$TMP/home/data"
	as_attacker ln -s "$TMP/private" "$TMP/home/data/applications"
	printf '[vm]\nname = shortcutvm\n[qemu]\naccel = tcg\n[firmware]\ntype = bios\n' >"$TMP/sc.ini"
	SUDO_UID=$(id -u "$OTHER") XDG_DATA_HOME=$TMP/home/data run "$PASSLAUNCH" shortcut "$TMP/sc.ini"
	assert_failure
	assert_output "passlaunch: error: cannot write $TMP/home/data/applications/passlaunch-shortcutvm.desktop.new: Permission denied"
	assert_equal "$(ls -A "$TMP/private")" ""
}

@test "attack: QEMU's user can neither reach nor replace the launcher's monitor sockets" {
	attack_vm qmpswap deaf
	start_vm
	wait_for_log 'guest running'
	local dir=$PASSLAUNCH_RUNTIME_DIR/$VM sock
	for sock in "$dir/qmp.sock" "$dir/client.sock" "$dir/qemu/qmp.sock" "$dir/qemu/client.sock"; do
		run as_attacker bash -c "$(declare -f connects_to); connects_to '$sock'"
		assert_failure
		refute_output --partial QMP
	done
	run as_attacker rm -f "$dir/qmp.sock"
	assert_failure
	assert_exists "$dir/qmp.sock"
	run as_attacker /usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$dir/qmp.sock.evil"
	assert_failure
	# The launcher still has its monitor: stop works through it.
	"$PASSLAUNCH" stop "$VM" --force
	finish_vm
	assert_host_restored
}

# SIGPIPE: the root launcher's output piped into a reader that goes away
# (`passlaunch run p.ini 2>&1 | head -1`): the launcher must go on, give the
# host back, and leave SIGPIPE as it found it for what it runs.

# wait_for_file FILE: bounded; gives up early when the launcher is gone.
wait_for_file() {
	local i pid
	for ((i = 0; i < 600; i++)); do
		[[ -e $1 ]] && return 0
		pid=$(cat "$TMP/launcher.pid" 2>/dev/null) || pid=
		[[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# wait_for_ready: bounded, until the guest's console says it is ready.
wait_for_ready() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q 'lab-guest: ready' "$GUEST_LOG" && return 0
		kill -0 "$(cat "$TMP/launcher.pid")" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

@test "attack: SIGPIPE: a run piped into head -1 goes on after the reader left, and SIGTERM still gives the host back (exit 0)" {
	# The hook says when the guest runs (started), and what SIGPIPE is
	# to it: a hook must not inherit an ignored SIGPIPE.
	printf '#!/bin/sh\necho "hook says $2"\n[ "$2" = started ] && grep "^SigIgn:" /proc/$$/status >%s/hook-sigign && touch %s/started\nexit 0\n' \
		"$TMP" "$TMP" >hooks/10-watch
	chmod 755 hooks/10-watch
	vm sigpipe acpi "hugepages = 2M" "[hooks]" "dir = $TMP/hooks"
	# The guest's console goes to its second serial port (console=ttyS1), a
	# file in the stage (a short path: a profile's line holds 198
	# characters), where the test sees it is ready for the power button.
	GUEST_LOG=$LAB/g.log
	install -m 666 /dev/null "$GUEST_LOG"
	sed -i "s|^extra_args = .*|extra_args = -kernel $LAB/vmlinux -initrd $LAB/initramfs.gz -append 'console=ttyS1 lpj=4000000 no_timer_check lab.guest=acpi' -serial file:$GUEST_LOG|" "$VM.ini"
	# SIGPIPE as a shell at a terminal leaves it, whatever bats left it as;
	# the subshell waits for both ends of the pipe.
	(
		{
			local rc=0
			bash -c 'echo $$ >"$1/launcher.pid"; exec env --default-signal=PIPE "$0" run "$2" 2>&1' \
				"$PASSLAUNCH" "$TMP" "$VM.ini" || rc=$?
			echo "$rc" >"$TMP/rc"
		} | head -1 >"$TMP/first"
	) 3>&- &
	local pipeline=$!
	run wait_for_file "$TMP/started"
	[[ $status != 0 ]] || run wait_for_ready
	if [[ $status != 0 ]]; then
		kill -TERM "$(cat "$TMP/launcher.pid")" 2>/dev/null || true
		wait "$pipeline"
		fail "the launcher ended before the guest ran (exit status $(cat "$TMP/rc" 2>/dev/null)$(
			[[ -e $PASSLAUNCH_RUNTIME_DIR/$VM/journal ]] && echo ", its undo journal left")), after one line: $(cat "$TMP/first")"
	fi
	RUN_PID=$(cat "$TMP/launcher.pid") # for teardown, should the test fail
	# The hook's lines and the launcher's were written since head left.
	kill -0 "$(cat "$TMP/launcher.pid")" || fail "the launcher died while the guest ran (exit status $(cat "$TMP/rc"))"
	kill -TERM "$(cat "$TMP/launcher.pid")"
	wait "$pipeline"
	RUN_PID=
	assert_equal "$(cat "$TMP/rc")" 0
	assert_equal "$(wc -l <"$TMP/first")" 1
	assert_host_restored
	# Bit 13 (SIGPIPE, mask 0x1000) is not ignored in the hook.
	run cat "$TMP/hook-sigign"
	assert_output --regexp '^SigIgn:	[0-9a-f]*[02468ace][0-9a-f]{3}$'
}

# Terminal escapes: what the guest or QEMU writes reaches root's terminal
# shown, never as escapes.

@test "attack: terminal escapes: the guest's escape sequences on its serial console reach the launcher's output shown, not as escapes" {
	vm escapes acpi
	sed -i "s|lab.guest=acpi'|lab.guest=acpi lab.escapes=1'|" "$VM.ini"
	start_vm
	wait_for_log 'lab-guest: ready'
	kill -TERM "$RUN_PID"
	finish_vm
	assert_equal "$RC" 0
	# ESC, BEL and the 8-bit CSI (0x9b) are nowhere in what the launcher wrote.
	run grep -c $'[\x1b\x07]' "$TMP/$VM.log"
	assert_output 0
	LC_ALL=C run grep -c -a $'\x9b' "$TMP/$VM.log"
	assert_output 0
	run grep -F 'lab-guest: escapes' "$TMP/$VM.log"
	assert_output 'lab-guest: escapes ^[[2J^[]0;owned^G\x9B31m done'
	assert_host_restored
}

@test "attack: terminal escapes: a log line shows the control bytes of what it quotes (a file name, QEMU's messages, a hook's output)" {
	run "$PASSLAUNCH" print $'x\e]0;owned\ay\nz.ini'
	assert_failure 2
	assert_output 'passlaunch: error: x^[]0;owned^Gy^Jz.ini: cannot open the profile: No such file or directory'
}

# An evdev node is QEMU's user's for the run. As its owner, that user can
# change its mode and ACL, which the owner's return alone would keep: a
# keyboard every user could read after the run.
@test "attack: a device node QEMU's user owned for the run comes back with its mode and ACL, not the ones that user gave it" {
	install -d -m 755 "$TMP/dev"
	mknod -m 640 "$TMP/dev/event-kbd" c 1 3
	chgrp "$(id -g nobody)" "$TMP/dev/event-kbd"
	cat >"$TMP/opener" <<-SH
	#!/bin/sh
	# As QEMU's user, the node's owner now: open to all, and an ACL entry.
	chmod 666 "$TMP/dev/event-kbd"
	/usr/bin/python3 -c 'import os, struct, sys
	entry = lambda tag, perm, who=0xffffffff: struct.pack("<HHI", tag, perm, who)
	os.setxattr(sys.argv[1], "system.posix_acl_access", struct.pack("<I", 2) + entry(1, 6)
	    + entry(2, 6, int(sys.argv[2])) + entry(4, 6) + entry(0x10, 6) + entry(0x20, 6))' "$TMP/dev/event-kbd" "\$(id -u)"
	echo "opener: \$(stat -c '%a %U' "$TMP/dev/event-kbd") acl \$(getfattr -n system.posix_acl_access "$TMP/dev/event-kbd" >/dev/null 2>&1 && echo set || echo none)" >&2
	exit 1
	SH
	chmod 755 "$TMP/opener"
	stage_for_qemu "$TMP/opener"
	# A stand-in node (that of /dev/null): no driver can take it back, so
	# it is lent only as the profile allows (below).
	attack_vm nodemode deaf "[input.kbd]" "evdev = $TMP/dev/event-kbd" "allow_unrevocable = yes"
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = $QEMU_STAGE/opener|" "$VM.ini"
	run "$PASSLAUNCH" run "$VM.ini"
	assert_output --partial "opener: 666 $ATTACKER"
	assert_equal "$(stat -c '%a %U:%G' "$TMP/dev/event-kbd")" "640 root:$(id -gn nobody)"
	run /usr/bin/python3 -c 'import os, sys; print(os.listxattr(sys.argv[1]))' "$TMP/dev/event-kbd"
	assert_output "[]"
	# A node with an ACL of its own (logind's uaccess gives the seat's user
	# one) gets exactly that one back.
	local acl='import os, struct, sys
entry = lambda tag, perm, who=0xffffffff: struct.pack("<HHI", tag, perm, who)
if len(sys.argv) > 2:
    os.setxattr(sys.argv[1], "system.posix_acl_access", struct.pack("<I", 2) + entry(1, 6)
        + entry(2, 4, 1000) + entry(4, 4) + entry(0x10, 4) + entry(0x20, 0))
print(os.getxattr(sys.argv[1], "system.posix_acl_access").hex(), oct(os.stat(sys.argv[1]).st_mode))'
	local before
	before=$(/usr/bin/python3 -c "$acl" "$TMP/dev/event-kbd" set)
	run "$PASSLAUNCH" run "$VM.ini"
	assert_output --partial "opener: 666 $ATTACKER"
	assert_equal "$(/usr/bin/python3 -c "$acl" "$TMP/dev/event-kbd")" "$before"
}

# A seat's device (a gamepad, say) carries an ACL entry for the seat's
# user, which logind moves when another user's session takes the seat. One
# that moved while the node was lent must not come back with the node's old
# ACL: once it is restored, udev is asked to apply its rules again (a
# "change" uevent; its uaccess rule sets the ACL of the seat's user now).
@test "attack: a lent node's seat ACL is not the one of the user before: udev applies the seat as it is after the run" {
	install -d -m 755 "$TMP/dev"
	# A stand-in node (that of /dev/null), its seat's user uid 1000.
	mknod -m 640 "$TMP/dev/event-pad" c 1 3
	/usr/bin/python3 -c 'import os, struct, sys
entry = lambda tag, perm, who=0xffffffff: struct.pack("<HHI", tag, perm, who)
os.setxattr(sys.argv[1], "system.posix_acl_access", struct.pack("<I", 2) + entry(1, 6)
    + entry(2, 6, 1000) + entry(4, 4) + entry(0x10, 6) + entry(0x20, 0))' "$TMP/dev/event-pad"
	printf '#!/bin/sh\nexit 1\n' >"$TMP/quits"
	chmod 755 "$TMP/quits"
	stage_for_qemu "$TMP/quits"
	attack_vm seat deaf "[input.pad]" "evdev = $TMP/dev/event-pad" "allow_unrevocable = yes"
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = $QEMU_STAGE/quits|" "$VM.ini"
	# The kernel's uevents, as udev reads them.
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
print("listening", flush=True)
while True:
    print(s.recv(65536).split(b"\0")[0].decode(), flush=True)' >"$TMP/uevents" &
	HOLDER=$!
	until grep -q listening "$TMP/uevents"; do sleep 0.05; done
	run "$PASSLAUNCH" run "$VM.ini"
	assert_output --partial "$VM: host restored"
	sleep 0.5
	run cat "$TMP/uevents"
	assert_line "change@/devices/virtual/mem/null"
}

# What QEMU's user opens on a lent evdev node must end with the run: its
# driver probes it again (lab_input.bats shows it on a real keyboard). A node
# no driver serves (a uinput device, or no input device at all) could not be
# taken back: refused, unless the profile allows it.
@test "attack: an evdev node passlaunch could not take back after the run is refused before anything changes" {
	install -d -m 755 "$TMP/dev"
	mknod -m 600 "$TMP/dev/event-kbd" c 1 3
	attack_vm unrevocable deaf "[input.kbd]" "evdev = $TMP/dev/event-kbd"
	run --separate-stderr "$PASSLAUNCH" run "$VM.ini"
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch: error: $VM.ini:$(grep -n '^evdev' "$VM.ini" | cut -d: -f1): evdev = $TMP/dev/event-kbd: it is not an input device's node (/dev/input/eventN), so what QEMU's user opens on it during the run could outlive the run (a keyboard read after it); pass the physical device, or set allow_unrevocable = yes in [input.kbd] to lend it all the same"
	assert_equal "$(stat -c '%a %U' "$TMP/dev/event-kbd")" "600 root"
	[[ ! -e $PASSLAUNCH_RUNTIME_DIR/$VM/journal ]] || fail "a journal was left: $(cat "$PASSLAUNCH_RUNTIME_DIR/$VM/journal")"
}

@test "attack: swtpm, QEMU's user's too, holds no descriptor of root's terminal or log" {
	attack_vm tpmfds deaf
	sed -i 's/^type = bios$/type = bios\ntpm = yes/' "$VM.ini"
	start_vm
	wait_for_log 'guest running'
	local swtpm
	swtpm=$(pgrep -f "swtpm socket .*/tpmfds/" | head -1)
	[[ -n $swtpm ]] || fail "no swtpm: $(cat "$TMP/$VM.log")"
	run readlink "/proc/$swtpm/fd/1" "/proc/$swtpm/fd/2"
	refute_output --partial "$TMP/$VM.log"
	assert_output "/dev/null
/dev/null"
	"$PASSLAUNCH" stop tpmfds --force
	finish_vm
	assert_host_restored
}

@test "attack: QEMU holds no descriptor of root's terminal or log; what it writes arrives escaped" {
	cat >"$TMP/writer" <<-'PERL'
	#!/usr/bin/perl
	printf STDERR "stderr is %s\n", readlink("/proc/self/fd/2");
	printf STDOUT "stdout is %s\n", readlink("/proc/self/fd/1");
	print STDERR "\e]0;owned\a\e[2Jcleared\n";
	exit 1;
	PERL
	chmod 755 "$TMP/writer"
	stage_for_qemu "$TMP/writer"
	attack_vm writer deaf
	sed -i "s|^accel = tcg$|accel = tcg\nbinary = $QEMU_STAGE/writer|" "$VM.ini"
	"$PASSLAUNCH" run "$VM.ini" >"$TMP/out.log" 2>&1 || true
	run cat "$TMP/out.log"
	assert_line --regexp '^stderr is pipe:\[[0-9]+\]$'
	assert_line --regexp '^stdout is pipe:\[[0-9]+\]$'
	assert_line '^[]0;owned^G^[[2Jcleared'
	run grep -c $'\e' "$TMP/out.log"
	assert_output 0
}
