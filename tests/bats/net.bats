#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031  # bats sets output and status; each test is a subshell
# [net] type = bridge with the real QEMU (TCG), in a network namespace of the
# test's own with a bridge br0 (MTU 9000). The guest is SeaBIOS with no disk:
# it boots from the network, so iPXE's DHCP requests show that the guest's
# NIC reaches the bridge.

load common

setup() {
	common_setup
	[[ $EUID == 0 ]] || skip "needs root: network namespaces, taps"
	open_tmp_to_nobody
	NS=passlaunch-net-$$-$BATS_TEST_NUMBER
	ip netns add "$NS"
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 9000 up
	RUN_PID=
}

teardown() {
	[[ -n $RUN_PID ]] && kill -9 "$RUN_PID" 2>/dev/null
	pkill -9 -f "qemu-system-x86_64 -name bridged," 2>/dev/null
	ip netns delete "$NS" 2>/dev/null
	return 0
}

in_ns() {
	ip netns exec "$NS" "$@"
}

# bridged [LINE...]: bridged.ini, one bridge NIC on br0 and the lines given.
bridged() {
	cat >bridged.ini <<-INI
	[vm]
	user = nobody
	state_dir = $TMP/state
	stop_timeout = 1
	[qemu]
	accel = tcg
	[firmware]
	type = bios
	[memory]
	size = 128M
	[net.lan]
	type = bridge
	bridge = br0
	$(printf '%s\n' "$@")
	INI
}

# ip netns exec executes the command in its own process: RUN_PID is the launcher's.
start_bridged() {
	ip netns exec "$NS" "$PASSLAUNCH" run bridged.ini >run.log 2>&1 &
	RUN_PID=$!
	for _ in $(seq 300); do
		grep -q 'guest running' run.log && return 0
		kill -0 "$RUN_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "the guest did not start: $(cat run.log)"
}

# Ends the run the way a user does, and waits for the launcher.
stop_bridged() {
	"$PASSLAUNCH" stop bridged --force
	wait "$RUN_PID" || true
	RUN_PID=
}

# Kills the launcher outright; what it set up is recover's to undo.
kill_launcher() {
	kill -9 "$RUN_PID"
	wait "$RUN_PID" || true
	RUN_PID=
}

qemu_pid() {
	pgrep -f "qemu-system-x86_64 -name bridged,"
}

# Bounded wait for a condition (a command) to hold.
eventually() {
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

qemu_gone() {
	! pgrep -f "qemu-system-x86_64 -name bridged," >/dev/null
}

tap_gone() {
	! in_ns test -e "/sys/class/net/$1"
}

guest_sent_packets() {
	(($(in_ns cat "/sys/class/net/$1/statistics/rx_packets") > 0))
}

@test "net: a bridge NIC's tap is on the bridge with its MTU, held by QEMU alone, and goes with QEMU" {
	bridged
	start_bridged
	tap=$(in_ns ls /sys/class/net | grep '^pl')
	assert_equal "$(in_ns basename "$(in_ns readlink "/sys/class/net/$tap/master")")" br0
	assert_equal "$(in_ns cat "/sys/class/net/$tap/mtu")" 9000
	assert_equal "$(in_ns cat "/sys/class/net/$tap/operstate")" unknown # up; a tap has no link state
	# Handed over as descriptor 3: QEMU's user needs no access to /dev/net/tun.
	pid=$(qemu_pid)
	assert_equal "$(readlink "/proc/$pid/fd/3")" /dev/net/tun
	run bash -c "ls -l /proc/$RUN_PID/fd | grep -c /dev/net/tun"
	assert_output 0
	eventually guest_sent_packets "$tap" || fail "no packet from the guest on $tap"
	run in_ns "$PASSLAUNCH" check bridged.ini
	assert_line "PASS  bridge NICs: each bridge is there"
	run "$PASSLAUNCH" print bridged.ini
	assert_output --partial "-netdev tap,id=net.lan,fd=3"
	stop_bridged
	tap_gone "$tap" || fail "$tap is still there"
	run cat run.log
	assert_line "passlaunch: bridged: [net.lan] tap $tap on bridge br0"
	assert_line "passlaunch: bridged: host restored"
}

@test "net: the launcher killed with SIGKILL: QEMU ends and its tap with it" {
	bridged
	start_bridged
	tap=$(in_ns ls /sys/class/net | grep '^pl')
	kill_launcher
	eventually tap_gone "$tap" || fail "$tap outlived the launcher"
	run "$PASSLAUNCH" recover bridged
	assert_success
}

@test "net: a tap the user made on the bridge is used as it is, and left" {
	in_ns ip tuntap add vm-lan mode tap
	in_ns ip link set vm-lan master br0 up
	bridged "ifname = vm-lan"
	start_bridged
	eventually guest_sent_packets vm-lan || fail "no packet from the guest on vm-lan"
	stop_bridged
	run in_ns ip -o link show vm-lan
	assert_success
	assert_output --partial "master br0"
	run cat run.log
	assert_line "passlaunch: bridged: [net.lan] tap vm-lan on bridge br0 (the one there already)"
}

@test "net: no such bridge, not a bridge, a tap off the bridge: exit 2, the line and the fix, nothing made" {
	bridged
	sed -i 's/^bridge = br0$/bridge = br9/' bridged.ini
	run in_ns "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:13: [net.lan] bridge = br9: no such network interface on this host; create the bridge (e.g. ip link add br9 type bridge, then ip link set br9 up) or name one that exists"
	run in_ns "$PASSLAUNCH" check bridged.ini
	assert_line "FAIL  bridge NICs: bridged.ini:13: [net.lan] bridge = br9: no such network interface on this host; create the bridge (e.g. ip link add br9 type bridge, then ip link set br9 up) or name one that exists"

	sed -i 's/^bridge = br9$/bridge = lo/' bridged.ini
	run in_ns "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:13: [net.lan] bridge = lo: that interface is not a bridge; name a bridge (ip -d link show type bridge lists them)"

	in_ns ip tuntap add vm-off mode tap
	sed -i 's/^bridge = lo$/bridge = br0/' bridged.ini
	echo "ifname = vm-off" >>bridged.ini
	run in_ns "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:13: [net.lan] the tap vm-off exists and is not on br0; delete it (ip link delete vm-off) and passlaunch makes one for the run, or put it there (ip link set vm-off master br0)"

	sed -i 's/^ifname = vm-off$/ifname = lo/' bridged.ini
	run in_ns "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:13: [net.lan] the network interface lo exists and is not a tap; name another with ifname = NAME"
	run in_ns ip -o link show
	refute_output --regexp ': pl[0-9a-f]{8}[:@]'
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/bridged"
}

@test "net: vhost = yes with no /dev/vhost-net is refused before anything changes; with one, QEMU gets root's descriptor" {
	bridged "model = virtio" "vhost = yes"
	mkdir -p "$TMP/dev/net"
	ln -s /dev/net/tun "$TMP/dev/net/tun"
	run in_ns env PASSLAUNCH_DEVFS="$TMP/dev" "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:15: cannot open $TMP/dev/vhost-net for vhost = yes: No such file or directory; load the vhost_net module (modprobe vhost_net) or set vhost = no"
	run in_ns ip -o link show
	refute_output --regexp ': pl[0-9a-f]{8}[:@]'
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/bridged"
	# A character device that is not vhost-net (this host has none): QEMU,
	# given root's descriptor as vhostfd, tries it and says so.
	mknod -m 600 "$TMP/dev/vhost-net" c 1 3
	run in_ns env PASSLAUNCH_DEVFS="$TMP/dev" "$PASSLAUNCH" run bridged.ini
	assert_failure
	assert_output --partial 'vhostfd=4: warning: vhost-net requested but could not be initialized'
	refute_output --partial "cannot open $TMP/dev/vhost-net"
	run in_ns ip -o link show
	refute_output --regexp ': pl[0-9a-f]{8}[:@]'
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/bridged/journal"
}

@test "net: queues = 2 makes a multiqueue tap, each queue a descriptor QEMU holds, and virtio-net's mq on" {
	bridged "model = virtio" "queues = 2"
	start_bridged
	tap=$(in_ns ls /sys/class/net | grep '^pl')
	# IFF_MULTI_QUEUE (0x0100) among the tap's flags.
	(($(in_ns cat "/sys/class/net/$tap/tun_flags") & 0x0100)) || fail "$tap is not multiqueue"
	pid=$(qemu_pid)
	assert_equal "$(readlink "/proc/$pid/fd/3")" /dev/net/tun
	assert_equal "$(readlink "/proc/$pid/fd/4")" /dev/net/tun
	run grep -h '^iff:' "/proc/$pid/fdinfo/3" "/proc/$pid/fdinfo/4"
	assert_output $'iff:\t'"$tap"$'\niff:\t'"$tap"
	run bash -c "ls -l /proc/$RUN_PID/fd | grep -c /dev/net/tun"
	assert_output 0
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -oE 'fds=3:4|mq=on,vectors=6' | sort | tr '\n' ' ')" "fds=3:4 mq=on,vectors=6 "
	eventually guest_sent_packets "$tap" || fail "no packet from the guest on $tap"
	stop_bridged
	tap_gone "$tap" || fail "$tap is still there"
}

@test "net: create_bridge = yes makes a missing bridge for the run and removes it after, also by recover; one that exists is left" {
	bridged "create_bridge = yes"
	sed -i 's/^bridge = br0$/bridge = brnew/' bridged.ini
	start_bridged
	tap=$(in_ns ls /sys/class/net | grep '^pl')
	in_ns test -e /sys/class/net/brnew/bridge || fail "no bridge brnew"
	assert_equal "$(in_ns basename "$(in_ns readlink "/sys/class/net/$tap/master")")" brnew
	# Up (IFF_UP); its operstate follows its ports and may still be unknown.
	(($(in_ns cat /sys/class/net/brnew/flags) & 0x1)) || fail "brnew is not up"
	stop_bridged
	eventually tap_gone brnew || fail "brnew outlived the run"
	run cat run.log
	assert_line "passlaunch: bridge brnew created for the run"
	# The launcher killed: recover removes the bridge.
	start_bridged
	kill_launcher
	in_ns test -e /sys/class/net/brnew || fail "brnew went before recover"
	eventually tap_gone "$(in_ns ls /sys/class/net | grep '^pl' || echo none)"
	run in_ns "$PASSLAUNCH" recover bridged
	assert_success
	tap_gone brnew || fail "recover left brnew"
	# A bridge that is there already is used and left.
	sed -i 's/^bridge = brnew$/bridge = br0/' bridged.ini
	start_bridged
	stop_bridged
	in_ns test -e /sys/class/net/br0/bridge || fail "br0 was removed"
}

@test "net: type = macvtap makes a macvtap on the host interface with the guest's MAC, hands QEMU its descriptor, and deletes it after, also by recover" {
	in_ns ip link add lan0 type veth peer name lan0peer
	in_ns ip link set lan0 up
	in_ns ip link set lan0peer up
	bridged "mac = 02:aa:bb:cc:dd:ee"
	sed -i 's/^type = bridge$/type = macvtap/; s/^bridge = br0$/link = lan0\nifname = pvtest/' bridged.ini
	start_bridged
	run in_ns ip -d -o link show pvtest
	assert_output --regexp 'pvtest@lan0: .* link/ether 02:aa:bb:cc:dd:ee .* macvtap +mode bridge'
	pid=$(qemu_pid)
	index=$(in_ns cat /sys/class/net/pvtest/ifindex)
	# QEMU holds the macvtap's device; no path to it is left anywhere.
	assert_equal "$(stat -L -c '%t:%T' "/proc/$pid/fd/3")" "$(in_ns cat "/sys/class/net/pvtest/macvtap/tap$index/dev" | awk -F: '{printf "%x:%x", $1, $2}')"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR/bridged/tap$index"
	# The guest's packets (its firmware's PXE) reach the host interface's wire.
	eventually guest_sent_packets lan0peer || fail "no packet from the guest on lan0"
	stop_bridged
	tap_gone pvtest || fail "pvtest outlived the run"
	run cat run.log
	assert_line "passlaunch: bridged: [net.lan] macvtap pvtest on lan0"
	# The launcher killed: the link outlives QEMU; recover deletes it.
	start_bridged
	kill_launcher
	in_ns test -e /sys/class/net/pvtest || fail "pvtest went before recover"
	eventually qemu_gone || fail "QEMU outlived the launcher"
	run in_ns "$PASSLAUNCH" recover bridged
	assert_success
	tap_gone pvtest || fail "recover left pvtest"
	# A parent that is not there: refused before anything changes.
	sed -i 's/^link = lan0$/link = lan9/' bridged.ini
	run in_ns "$PASSLAUNCH" run bridged.ini
	assert_failure 2
	assert_output "passlaunch: error: bridged.ini:13: [net.lan] link = lan9: no such network interface on this host; name the host's interface the guest shares (ip link lists them)"
}
