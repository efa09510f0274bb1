#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# One case per profile error: the exact FILE:LINE message, exit status 2, no
# output on stdout, and nothing created or changed anywhere.

load common

setup() {
	common_setup
	use_fake_host
}

# profile [FILE]: the profile's text from stdin (default file bad.ini).
profile() {
	PROFILE=${1:-bad.ini}
	cat >"$PROFILE"
}

expect_error() {
	local before
	before=$(tree_state "$TMP")
	run --separate-stderr "$PASSLAUNCH" print "$PROFILE"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "passlaunch: error: $1"
	assert_equal "$(tree_state "$TMP")" "$before"
	assert_not_exists "$PASSLAUNCH_RUNTIME_DIR"
	assert_not_exists "/var/lib/passlaunch/${PROFILE%.ini}"
}

# --- the file's shape ---

@test "unknown section, with the close name suggested" {
	profile <<-'EOF'
	[cpus]
	cores = 2
	EOF
	expect_error "bad.ini:1: unknown section [cpus]; did you mean [cpu]?"
}

@test "unknown section, with the sections listed" {
	profile <<-'EOF'
	[gamepad]
	EOF
	expect_error "bad.ini:1: unknown section [gamepad]; sections are vm, qemu, firmware, cpu, memory, audio, display, hooks, sandbox, smbios and labelled gpu.NAME, pci.NAME, disk.NAME, cdrom.NAME, net.NAME, usb.NAME, input.NAME"
}

@test "unknown key, with the close name suggested" {
	profile <<-'EOF'
	[cpu]
	; four cores
	corse = 4
	EOF
	expect_error "bad.ini:3: unknown key 'corse' in [cpu]; did you mean 'cores'?"
}

@test "a key in the wrong section says where it belongs" {
	profile <<-'EOF'
	[cpu]
	hugepages = 2M
	EOF
	expect_error "bad.ini:2: unknown key 'hugepages' in [cpu]; it belongs in [memory]"
}

@test "unknown key with nothing close points at the man page" {
	profile <<-'EOF'
	[display]
	framerate = 144
	EOF
	expect_error "bad.ini:2: unknown key 'framerate' in [display]; see passlaunch.ini(5) for the keys of [display]"
}

@test "duplicate key names the first line" {
	profile <<-'EOF'
	[cpu]
	cores = 4
	threads = 2
	cores = 6
	EOF
	expect_error "bad.ini:4: duplicate key 'cores' in [cpu] (first set on line 2)"
}

@test "duplicate section names the first line" {
	profile <<-'EOF'
	[cpu]
	cores = 4
	[cpu]
	threads = 2
	EOF
	expect_error "bad.ini:3: duplicate section [cpu] (first on line 1); merge the two"
}

@test "a device section without a label" {
	profile <<-'EOF'
	[gpu]
	address = 0000:0b:00.0
	EOF
	expect_error "bad.ini:1: [gpu] needs a label, e.g. [gpu.main]"
}

@test "a label on a section that takes none" {
	profile <<-'EOF'
	[vm.main]
	EOF
	expect_error "bad.ini:1: [vm] takes no label; write [vm]"
}

@test "a label that cannot be a QEMU device id" {
	profile <<-'EOF'
	[disk.1st]
	source = /srv/a.img
	EOF
	expect_error "bad.ini:1: label '1st' is not valid: labels become QEMU device ids: a letter, then letters, digits, '_' or '-', at most 24 characters"
}

@test "a label used by two sections" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	[disk.main]
	source = /srv/a.img
	EOF
	expect_error "bad.ini:3: label 'main' is already used by [gpu.main] on line 1; labels become QEMU device ids and must be unique"
}

@test "a key before any section" {
	profile <<-'EOF'
	name = win10
	[vm]
	EOF
	expect_error "bad.ini:1: 'name' is outside any section; put it under its section, e.g. [vm]"
}

@test "a line that is not ini" {
	profile <<-'EOF'
	[vm]
	name win10
	EOF
	expect_error "bad.ini:2: expected 'key = value', a [section] or a comment (';' or '#')"
}

@test "a section header without its closing bracket" {
	profile <<-'EOF'
	[vm
	name = win10
	EOF
	expect_error "bad.ini:1: a section header needs a closing ']', e.g. [cpu]"
}

@test "libvirt's CPU modes as a model: QEMU's name for each is given" {
	profile <<-'EOF'
	[cpu]
	model = host-model
	EOF
	expect_error "bad.ini:2: [cpu] model = host-model is libvirt's mode, not a QEMU CPU model; write model = host (libvirt's host-passthrough) or a named model such as Skylake-Client (qemu-system-x86_64 -cpu help)"
	profile <<-'EOF'
	[cpu]
	model = host-passthrough
	EOF
	expect_error "bad.ini:2: [cpu] model = host-passthrough is libvirt's mode, not a QEMU CPU model; write model = host"
}

@test "hyperv as a list: unknown names, missing dependencies and bad values are refused" {
	profile <<-'EOF'
	[cpu]
	hyperv = relaxed, vapik
	EOF
	expect_error "bad.ini:2: [cpu] hyperv = relaxed, vapik: unknown enlightenment 'vapik'; known: relaxed, vapic, spinlocks=N, vpindex, runtime, synic, stimer, stimer-direct, reset, frequencies, reenlightenment, tlbflush, tlbflush-ext, ipi, evmcs, avic, time, crash, vendor_id=NAME"
	profile <<-'EOF'
	[cpu]
	hyperv = relaxed, synic, stimer
	EOF
	expect_error "bad.ini:2: [cpu] hyperv = relaxed, synic, stimer: synic needs vpindex in the list too"
	profile <<-'EOF'
	[cpu]
	hyperv = spinlocks=12
	EOF
	expect_error "bad.ini:2: [cpu] hyperv = spinlocks=12: spinlocks=12: a retry count of at least 0xfff"
	profile <<-'EOF'
	[cpu]
	hyperv = vendor_id=ThirteenChars
	EOF
	expect_error "bad.ini:2: [cpu] hyperv = vendor_id=ThirteenChars: vendor_id=ThirteenChars: at most 12 characters, no ',', '=' or blank"
}

@test "the Hyper-V vendor id given twice, and CPU flags that are not properties" {
	profile <<-'EOF'
	[cpu]
	hyperv = relaxed, vendor_id=AuthenticAMD
	hyperv_vendor_id = GenuineIntel
	EOF
	expect_error "bad.ini:3: the Hyper-V vendor id is given twice: in hyperv (line 2) and in hyperv_vendor_id; keep one"
	profile <<-'EOF'
	[cpu]
	flags = +invtsc, host-cache-info=on,+in/vtsc
	EOF
	expect_error "bad.ini:2: [cpu] flags = +invtsc, host-cache-info=on,+in/vtsc: '+in/vtsc' is not a CPU property: +FLAG, -FLAG or NAME=VALUE, e.g. +invtsc, -hypervisor, l3-cache=on"
	profile <<-'EOF'
	[vm]
	pit_tick = merge
	EOF
	expect_error "bad.ini:2: [vm] pit_tick = merge: expected one of discard, delay"
}

@test "[qemu] args: repeatable, one or more options a line, kept in order with extra_args" {
	profile ok.ini <<-EOF
	[qemu]
	args = -device virtio-rng-pci,id=rng0
	extra_args = -global ICH9-LPC.noreboot=off
	args = -smbios 'type=1,manufacturer=ACME Inc' $(printf -- '-global a.b=%d ' $(seq 1000))
	args = -device 'virtio-balloon-pci,id=balloon0'
	EOF
	run --separate-stderr "$PASSLAUNCH" print ok.ini
	assert_success
	tail=$(grep -A2004 -- '-sandbox on' <<<"$output" | tail -n +2 | tr -d "\\" | xargs)
	[[ $tail == "-device virtio-rng-pci,id=rng0 -global ICH9-LPC.noreboot=off -smbios type=1,manufacturer=ACME Inc -global a.b=1 "* ]] || fail "order: ${tail:0:200}"
	[[ $tail == *" -global a.b=1000 -device virtio-balloon-pci,id=balloon0" ]] || fail "order: ${tail: -200}"
	profile <<-'EOF'
	[qemu]
	args = -device virtio-rng-pci
	args = -runas nobody
	EOF
	expect_error "bad.ini:3: [qemu] args = -runas nobody: -runas is never allowed: passlaunch must watch QEMU and drops privileges itself"
}

@test "[qemu] args in a profile others can write" {
	profile <<-'EOF'
	[qemu]
	args = -device virtio-rng-pci
	EOF
	chmod 666 bad.ini
	run --separate-stderr "$PASSLAUNCH" print bad.ini
	assert_failure 2
	[[ $stderr == *"bad.ini:2: args is allowed only in a trusted profile"* ]] || fail "$stderr"
}

@test "[smbios] and disk serials: what firmware tables and disks can hold" {
	profile <<-EOF
	[smbios]
	system_product = $(printf 'x%.0s' $(seq 65))
	EOF
	expect_error "bad.ini:2: [smbios] system_product = $(printf 'x%.0s' $(seq 65)): at most 64 characters"
	profile <<-'EOF'
	[smbios]
	source = guest
	EOF
	expect_error "bad.ini:2: [smbios] source = guest: expected one of none, host"
	profile <<-'EOF'
	[disk.d]
	source = /srv/vms/d.img
	serial = has space
	EOF
	expect_error "bad.ini:3: [disk.d] serial = has space: expected at most 20 letters, digits, '.', '_' or '-', as disks report them, e.g. WD-WX12A3456789"
}

@test "a line of 10,000 characters is read whole: a value, a comment" {
	local arg
	arg=$(printf -- '-global ICH9-LPC.noreboot=off %.0s' $(seq 400))
	profile ok.ini <<-EOF
	; $(printf '%09999d' 0)
	[qemu]
	extra_args  =  ${arg}  ; what follows is a comment
	EOF
	[[ $(sed -n 3p ok.ini | wc -c) -gt 10000 ]]
	run --separate-stderr "$PASSLAUNCH" print ok.ini
	assert_equal "$stderr" ""
	assert_success
	assert_equal "$(grep -c -- '-global ICH9-LPC.noreboot=off' <<<"$output")" 400
	refute_output --partial "comment"
}

@test "a long line is held to the same rules as a short one" {
	profile < <(echo "[vm]" && printf 'state_dir = /%0250d\nstate_dir = /x\n' 0)
	expect_error "bad.ini:3: duplicate key 'state_dir' in [vm] (first set on line 2)"
	profile < <(echo "[vm]" && printf 'no_such_key = /%0250d\n' 0)
	expect_error "bad.ini:2: unknown key 'no_such_key' in [vm]; see passlaunch.ini(5) for the keys of [vm]"
	profile < <(echo "[vm]" && printf 'just words %0250d\n' 0)
	expect_error "bad.ini:2: expected 'key = value', a [section] or a comment (';' or '#')"
}

@test "a profile that is not text: a NUL byte, bytes that are not UTF-8 (overlong forms, surrogates), a control character (C1 too), a non-character, a bidirectional override" {
	profile < <(printf '[vm]\nname = a\0b\n')
	expect_error "bad.ini:2: a NUL byte: a profile is text; save it as UTF-8 text"
	profile < <(printf '[vm]\n; caf\xe9\nname = a\n')
	expect_error "bad.ini:2: byte 0xe9 at column 6 is not UTF-8; save the profile as UTF-8 text"
	profile < <(printf '[vm]\nname = a\x01\n')
	expect_error "bad.ini:2: control character 0x01 at column 9; a profile is text"
	# Not the shortest form: '.' in three bytes, which a decoder that takes
	# it (libxml2 for the exported domain) reads as '.', so "/srv/../etc"
	# that no check saw; and the surrogate halves, which are not characters.
	profile < <(printf '[disk.a]\nsource = /srv/\xe0\x80\xae\xe0\x80\xae/etc\n')
	expect_error "bad.ini:2: byte 0xe0 at column 15 is not UTF-8; save the profile as UTF-8 text"
	profile < <(printf '[vm]\n; \xf0\x80\x80\xaf\n')
	expect_error "bad.ini:2: byte 0xf0 at column 3 is not UTF-8; save the profile as UTF-8 text"
	profile < <(printf '[vm]\n; \xed\xa0\x80\n')
	expect_error "bad.ini:2: byte 0xed at column 3 is not UTF-8; save the profile as UTF-8 text"
	# Control characters past ASCII: DEL, and C1's CSI (U+009B), which a
	# terminal takes as ESC [; U+FFFE, which is no character (XML refuses it).
	profile < <(printf '[vm]\nname = a\x7f\n')
	expect_error "bad.ini:2: control character 0x7f at column 9; a profile is text"
	profile < <(printf '[vm]\n; \xc2\x9b2J\n')
	expect_error "bad.ini:2: control character U+009B at column 3; a profile is text"
	profile < <(printf '[vm]\n; \xef\xbf\xbe\n')
	expect_error "bad.ini:2: U+FFFE at column 3 is not a character; a profile is text"
	# A bidirectional override or isolate shows the line in another order
	# than passlaunch reads it ("Trojan Source"): a path that looks harmless.
	profile < <(printf '[disk.a]\nsource = /srv/\xe2\x80\xaegmi.ksid\n')
	expect_error "bad.ini:2: U+202E at column 15 reorders how the line is shown, not how it is read; a profile is text"
	profile < <(printf '[vm]\n; \xe2\x81\xa6x\n')
	expect_error "bad.ini:2: U+2066 at column 3 reorders how the line is shown, not how it is read; a profile is text"
	# UTF-8 itself, tabs and CRLF line ends are text; so are the last
	# characters of each length.
	profile ok.ini < <(printf '[vm]\r\n; caf\xc3\xa9 \xe2\x82\xac \xdf\xbf \xef\xbf\xbd \xf4\x8f\xbf\xbd\r\nname\t= ok\r\n')
	run "$PASSLAUNCH" print ok.ini
	assert_success
	assert_output --partial "-name ok,"
}

@test "a file name that is not a VM name, with no [vm] name" {
	profile "my vm.ini" <<-'EOF'
	[memory]
	size = 2G
	EOF
	expect_error "my vm.ini: the file name 'my vm' is not a valid VM name; set [vm] name (letters, digits, '_', '-', '.')"
}

# --- single values ---

@test "an empty value where one is needed" {
	profile <<-'EOF'
	[cpu]
	cores =
	EOF
	expect_error "bad.ini:2: [cpu] cores is empty: expected a whole number from 1 to 256"
}

@test "yes/no" {
	profile <<-'EOF'
	[cpu]
	isolate = maybe
	EOF
	expect_error "bad.ini:2: [cpu] isolate = maybe: expected yes or no"
}

@test "a number out of range" {
	profile <<-'EOF'
	[vm]
	stop_timeout = 7200
	EOF
	expect_error "bad.ini:2: [vm] stop_timeout = 7200: expected a whole number from 1 to 3600"
}

@test "a choice, with the close one suggested" {
	profile <<-'EOF'
	[qemu]
	accel = kmv
	EOF
	expect_error "bad.ini:2: [qemu] accel = kmv: expected one of auto, kvm, tcg; did you mean 'kvm'?"
}

@test "a size without a unit" {
	profile <<-'EOF'
	[memory]
	size = 16384
	EOF
	expect_error "bad.ini:2: [memory] size = 16384: no unit; expected a whole number with a unit K, M, G or T, e.g. 16G"
}

@test "a size with an unknown unit" {
	profile <<-'EOF'
	[memory]
	size = 16Q
	EOF
	expect_error "bad.ini:2: [memory] size = 16Q: unknown unit; expected a whole number with a unit K, M, G or T, e.g. 16G"
}

@test "a CPU range that goes backwards" {
	profile <<-'EOF'
	[cpu]
	vcpu_pin = 5-2
	EOF
	expect_error "bad.ini:2: [cpu] vcpu_pin = 5-2: range 5-2 goes backwards; expected host CPU numbers such as 2-5,8,10, or auto"
}

@test "a CPU listed twice" {
	profile <<-'EOF'
	[cpu]
	emulator_pin = 0,1,1
	EOF
	expect_error "bad.ini:2: [cpu] emulator_pin = 0,1,1: CPU 1 is listed twice; expected host CPU numbers such as 2-5,8,10, or auto"
}

@test "vcpu_sched: a policy that is not one, a priority out of range" {
	profile <<-'EOF'
	[cpu]
	vcpu_sched = batch
	EOF
	expect_error "bad.ini:2: [cpu] vcpu_sched = batch: expected fifo:PRIORITY, rr:PRIORITY or other"
	profile <<-'EOF'
	[cpu]
	vcpu_sched = fifo:100
	EOF
	expect_error "bad.ini:2: [cpu] vcpu_sched = fifo:100: the real-time priority is a number from 1 to 99"
	profile <<-'EOF'
	[cpu]
	vcpu_sched = rr:
	EOF
	expect_error "bad.ini:2: [cpu] vcpu_sched = rr:: the real-time priority is a number from 1 to 99"
}

@test "reset_method: a method the kernel does not know, or one named twice" {
	profile <<-'EOF'
	[gpu.main]
	address = 0b:00.0
	reset_method = flr, warm
	EOF
	expect_error "bad.ini:3: [gpu.main] reset_method = flr, warm: no reset method 'warm'; expected auto or methods in the order to try, of device_specific, acpi, flr, af_flr, pm, bus, cxl_bus"
	profile <<-'EOF'
	[gpu.main]
	address = 0b:00.0
	reset_method = bus bus
	EOF
	expect_error "bad.ini:3: [gpu.main] reset_method = bus bus: 'bus' named twice; expected auto or methods in the order to try, of device_specific, acpi, flr, af_flr, pm, bus, cxl_bus"
}

@test "prefer is cache or frequency" {
	profile <<-'EOF'
	[cpu]
	prefer = speed
	EOF
	expect_error "bad.ini:2: [cpu] prefer = speed: expected one of cache, frequency"
}

@test "a PCI address that is cut short" {
	profile <<-'EOF'
	[gpu.main]
	address = 0b:00
	EOF
	expect_error "bad.ini:2: [gpu.main] address = 0b:00: not a PCI address; expected DOMAIN:BUS:SLOT.FUNCTION as lspci -D shows it, e.g. 0000:0b:00.0"
}

@test "a PCI slot past 1f" {
	profile <<-'EOF'
	[pci.nic]
	address = 0000:0b:20.0
	EOF
	expect_error "bad.ini:2: [pci.nic] address = 0000:0b:20.0: the slot goes up to 1f; expected DOMAIN:BUS:SLOT.FUNCTION as lspci -D shows it, e.g. 0000:0b:00.0"
}

@test "a GPU function that cannot exist" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	functions = 0,9
	EOF
	expect_error "bad.ini:3: [gpu.main] functions = 0,9: function 9 does not exist; functions go from 0 to 7"
}

@test "a MAC address cut short" {
	profile <<-'EOF'
	[net.lan]
	mac = 52:54:00:12:34
	EOF
	expect_error "bad.ini:2: [net.lan] mac = 52:54:00:12:34: expected a MAC address such as 52:54:00:12:34:56, or a vendor's prefix such as 00:1b:21"
}

@test "a multicast MAC address" {
	profile <<-'EOF'
	[net.lan]
	mac = 01:00:5e:00:00:01
	EOF
	expect_error "bad.ini:2: [net.lan] mac = 01:00:5e:00:00:01: a multicast address cannot name a NIC; the first byte must be even, e.g. 52:54:00:12:34:56"
}

@test "a USB id not in lsusb's form" {
	profile <<-'EOF'
	[usb.mouse]
	device = 46d:c52b
	EOF
	expect_error "bad.ini:2: [usb.mouse] device = 46d:c52b: expected VENDOR:PRODUCT as lsusb shows it, e.g. 046d:c52b"
}

@test "a resolution not WIDTHxHEIGHT" {
	profile <<-'EOF'
	[display]
	resolution = 2560*1440
	EOF
	expect_error "bad.ini:2: [display] resolution = 2560*1440: expected WIDTHxHEIGHT between 320x200 and 16384x16384, e.g. 2560x1440"
}

@test "a NUMA node that is not a number" {
	profile <<-'EOF'
	[memory]
	hugepages = 2M
	node = first
	EOF
	expect_error "bad.ini:3: [memory] node = first: expected any or a NUMA node number from 0 to 1023"
}

@test "a governor name that could escape sysfs" {
	profile <<-'EOF'
	[cpu]
	governor = ../performance
	EOF
	expect_error "bad.ini:2: [cpu] governor = ../performance: expected keep or a cpufreq governor name such as performance"
}

@test "a user name that is not one" {
	profile <<-'EOF'
	[vm]
	user = 0alice
	EOF
	expect_error "bad.ini:2: [vm] user = 0alice: expected a user name such as alice"
}

@test "a VM name that is a path" {
	profile <<-'EOF'
	[vm]
	name = ../etc
	EOF
	expect_error "bad.ini:2: [vm] name = ../etc: expected 1 to 64 letters, digits, '_', '-' or '.', not starting with '.' or '-'"
}

@test "an interface name longer than the kernel allows" {
	profile <<-'EOF'
	[net.lan]
	type = tap
	ifname = averyverylongtapname
	EOF
	expect_error "bad.ini:3: [net.lan] ifname = averyverylongtapname: expected a network interface name of at most 15 characters"
}

@test "a hook that is not shipped, with the close one suggested" {
	profile <<-'EOF'
	[hooks]
	use = display-manager vfoi
	EOF
	expect_error "bad.ini:2: [hooks] use = display-manager vfoi: no shipped hook is named 'vfoi'; did you mean 'vfio'?"
}

@test "a hook that is not shipped and like none: every shipped hook is listed" {
	profile <<-'EOF'
	[hooks]
	use = xyzzyq
	EOF
	expect_error "bad.ini:2: [hooks] use = xyzzyq: no shipped hook is named 'xyzzyq'; the shipped hooks are display-manager, gpu-users, vtconsole, framebuffer, gpu-driver, vfio, sound-server and looking-glass-client (own hooks go in [hooks] dir)"
	# Every file of hooks.d is in that list.
	local hook
	for hook in "$ROOT"/hooks.d/*; do
		[[ $stderr == *" ${hook##*/}"[,\ ]* ]] || fail "${hook##*/} is not in the list"
	done
}

@test "a hook named twice" {
	profile <<-'EOF'
	[hooks]
	use = vfio vtconsole vfio
	EOF
	expect_error "bad.ini:2: [hooks] use = vfio vtconsole vfio: hook 'vfio' is named twice"
}

@test "extra_args cannot daemonize QEMU" {
	profile <<-'EOF'
	[qemu]
	extra_args = -daemonize
	EOF
	expect_error "bad.ini:2: [qemu] extra_args = -daemonize: -daemonize is never allowed: passlaunch must watch QEMU and drops privileges itself"
	# QEMU takes two dashes too; -run-with user= and -chroot drop privileges,
	# -sandbox would replace passlaunch's.
	local arg
	for arg in --daemonize --runas -chroot --run-with -run-with -sandbox --sandbox; do
		printf '[qemu]\nextra_args = %s x\n' "$arg" >bad.ini
		expect_error "bad.ini:2: [qemu] extra_args = $arg x: $arg is never allowed: passlaunch must watch QEMU and drops privileges itself"
	done
}

@test "extra_args with a quote left open" {
	profile <<-'EOF'
	[qemu]
	extra_args = -device 'virtio-rng-pci
	EOF
	expect_error "bad.ini:2: [qemu] extra_args = -device 'virtio-rng-pci: a ' quote is not closed"
}

@test "a relative path" {
	profile <<-'EOF'
	[disk.system]
	source = images/win.img
	EOF
	expect_error "bad.ini:2: [disk.system] source = images/win.img: expected an absolute path (starting with /)"
}

@test "a path with a comma, which QEMU would read as an option" {
	profile <<-'EOF'
	[disk.system]
	source = /srv/a.img,format=qcow2
	EOF
	expect_error "bad.ini:2: [disk.system] source = /srv/a.img,format=qcow2: a path here must not hold ',' or control characters"
}

# --- how keys fit together ---

@test "a device section without its required key" {
	profile <<-'EOF'
	[vm]
	name = x

	[gpu.main]
	primary = yes
	EOF
	expect_error "bad.ini:4: [gpu.main] has no address; add e.g. address = 0000:0b:00.0"
}

@test "vcpu_pin that does not match the vCPU count" {
	profile <<-'EOF'
	[cpu]
	cores = 4
	threads = 2
	vcpu_pin = 2-7
	EOF
	expect_error "bad.ini:4: vcpu_pin names 6 CPUs but the guest has 8 vCPUs (sockets 1 × cores 4 × threads 2); name one host CPU per vCPU"
}

@test "isolate without vcpu_pin" {
	profile <<-'EOF'
	[cpu]
	isolate = yes
	EOF
	expect_error "bad.ini:2: isolate = yes needs vcpu_pin: the host CPUs to keep for the guest"
}

@test "a governor without vcpu_pin" {
	profile <<-'EOF'
	[cpu]
	governor = performance
	EOF
	expect_error "bad.ini:2: governor = performance needs vcpu_pin: the governor is set on the vCPUs' host CPUs"
}

@test "hugepages with a size that is not a whole number of pages: rounded up, with a warning" {
	profile ok.ini <<-'EOF'
	[memory]
	size = 12800M
	hugepages = 1G
	EOF
	run --separate-stderr "$PASSLAUNCH" print ok.ini
	assert_success
	assert_line "    -m 13G \\"
	assert_line --partial "size=13G,hugetlb=on,hugetlbsize=1G"
	assert_equal "$stderr" "passlaunch: warning: ok.ini:2: size = 12800M is not a whole number of 1G hugepages; the guest gets 13G"
}

@test "a NUMA node without hugepages" {
	profile <<-'EOF'
	[memory]
	node = 0
	EOF
	expect_error "bad.ini:2: node applies to memory passlaunch allocates: set hugepages = 2M or 1G, or prealloc = yes, or remove node"
}

@test "memory too small to boot" {
	profile <<-'EOF'
	[memory]
	size = 32M
	EOF
	expect_error "bad.ini:2: size = 32M is too small; a guest needs at least 64M"
}

@test "two primary GPUs" {
	profile <<-'EOF'
	[gpu.one]
	address = 0000:0b:00.0
	primary = yes
	[gpu.two]
	address = 0000:0e:00.0
	primary = yes
	EOF
	expect_error "bad.ini:6: primary = yes is set on [gpu.one] (line 3) too; only one GPU can be the guest's primary display"
}

@test "GPU functions that leave out the address's own" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	functions = 1
	EOF
	expect_error "bad.ini:3: functions of [gpu.main] leave out the function of its address (0); add it"
}

@test "rom.N for a function the GPU leaves out, or naming the function rom names" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	functions = 0
	rom.1 = /usr/share/vgabios/gop.rom
	EOF
	expect_error "bad.ini:4: rom.1 is for function 1, which functions leaves out; add 1 to functions or remove rom.1"
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	rom = /usr/share/vgabios/a.rom
	rom.0 = /usr/share/vgabios/b.rom
	EOF
	expect_error "bad.ini:4: rom and rom.0 both name the ROM of function 0 (the address's); keep one"
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	rom.8 = /usr/share/vgabios/b.rom
	EOF
	expect_error "bad.ini:3: unknown key 'rom.8' in [gpu.main]; did you mean 'rom.0'?"
}

@test "rebar: a size that is no power of two, a BAR that cannot be resized, a size the card does not offer" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0e:00.0
	rebar = 1:24G
	EOF
	expect_error "bad.ini:3: [gpu.main] rebar = 1:24G: BAR 1: '24G' is not a size a BAR can have: a power of two from 1M, e.g. 256M or 16G"
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0e:00.0
	rebar = 0:256M
	EOF
	expect_error "bad.ini:3: [gpu.main] rebar: BAR 0 of 0000:0e:00.0 cannot be resized (no resource0_resize: it needs Linux 6.1 or later, a card with the Resizable BAR capability, and Above 4G decoding on in the firmware setup)"
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0e:00.0
	rebar = 1:64G
	EOF
	expect_error "bad.ini:3: [gpu.main] rebar: BAR 1 of 0000:0e:00.0 cannot be 64G; it can be 64M, 128M, 256M, 512M, 1G, 2G, 4G, 8G, 16G, 32G"
}

@test "looking_glass_device that is no kvmfr device, or without kvmfr; looking_glass_hdr without Looking Glass" {
	profile <<-'EOF'
	[display]
	looking_glass = kvmfr
	looking_glass_device = /dev/shm/lg
	EOF
	expect_error "bad.ini:3: [display] looking_glass_device = /dev/shm/lg: expected kvmfrN, the kvmfr module's device /dev/kvmfrN"
	profile <<-'EOF'
	[display]
	looking_glass = yes
	looking_glass_device = kvmfr1
	EOF
	expect_error "bad.ini:3: looking_glass_device applies to looking_glass = kvmfr"
	profile <<-'EOF'
	[display]
	looking_glass_hdr = yes
	EOF
	expect_error "bad.ini:2: looking_glass_hdr applies to looking_glass = shm or kvmfr"
	profile <<-'EOF'
	[display]
	looking_glass_client = yes
	EOF
	expect_error "bad.ini:2: looking_glass_client = yes needs looking_glass = shm or kvmfr"
}

@test "a GPU's slot passed again as a PCI device" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	[pci.audio]
	address = 0000:0b:00.1
	EOF
	expect_error "bad.ini:3: [pci.audio] passes 0000:0b:00.1, which [gpu.main] (line 1) already passes (a GPU takes every function of its slot)"
}

@test "aio = native without O_DIRECT" {
	profile <<-'EOF'
	[disk.system]
	source = /srv/a.img
	cache = writeback
	aio = native
	EOF
	expect_error "bad.ini:4: aio = native needs cache = none or directsync (O_DIRECT); use aio = io_uring or threads with this cache"
}

@test "an iothread on a SATA disk" {
	profile <<-'EOF'
	[disk.system]
	source = /srv/a.img
	bus = sata
	iothread = yes
	EOF
	expect_error "bad.ini:4: iothread = yes needs bus = virtio or scsi; QEMU's SATA emulation has no iothread"
}

@test "a read-only SATA disk, which QEMU cannot make" {
	profile <<-'EOF'
	[disk.system]
	source = /srv/a.img
	bus = sata
	readonly = yes
	EOF
	expect_error "bad.ini:4: readonly = yes needs bus = virtio, scsi or nvme: QEMU's SATA disks cannot be read-only (a [cdrom] can)"
}

@test "one disk image given to two devices" {
	profile <<-'EOF'
	[disk.a]
	source = /srv/same.img
	[disk.b]
	source = /srv/same.img
	EOF
	expect_error "bad.ini:3: /srv/same.img is also the source of [a] (line 1); two devices writing one disk corrupt it"
}

@test "one boot index given twice" {
	profile <<-'EOF'
	[disk.a]
	source = /srv/a.img
	boot = 1
	[cdrom.b]
	source = /srv/b.iso
	boot = 1
	EOF
	expect_error "bad.ini:4: boot = 1 is also given to [a] (line 1); each boot device needs its own number"
}

@test "more SATA devices than q35 has ports" {
	profile <<-'EOF'
	[cdrom.a]
	source = /srv/a.iso
	[cdrom.b]
	source = /srv/b.iso
	[cdrom.c]
	source = /srv/c.iso
	[cdrom.d]
	source = /srv/d.iso
	[cdrom.e]
	source = /srv/e.iso
	[disk.f]
	source = /srv/f.img
	bus = sata
	[disk.g]
	source = /srv/g.img
	bus = sata
	EOF
	expect_error "bad.ini: 7 SATA devices (cdroms and bus = sata disks) but q35 has 6 SATA ports; put disks on virtio, scsi or nvme"
}

@test "a bridged NIC without its bridge" {
	profile <<-'EOF'
	[net.lan]
	type = bridge
	EOF
	expect_error "bad.ini:1: [net.lan] has type = bridge but no bridge; add e.g. bridge = br0"
}

@test "a bridge on a NIC that is not bridged" {
	profile <<-'EOF'
	[net.lan]
	type = user
	bridge = br0
	EOF
	expect_error "bad.ini:3: bridge applies to type = bridge; set type = bridge or remove bridge"
}

@test "a tap NIC without its tap device" {
	profile <<-'EOF'
	[net.lan]
	type = tap
	EOF
	expect_error "bad.ini:1: [net.lan] has type = tap but no ifname; add the tap device, e.g. ifname = tap0"
}

@test "OVMF paths with SeaBIOS" {
	profile <<-'EOF'
	[firmware]
	type = bios
	code = /usr/share/OVMF/OVMF_CODE_4M.fd
	EOF
	expect_error "bad.ini:3: code applies to OVMF; with type = bios remove it"
}

@test "OVMF code whose VARS template no descriptor names" {
	profile <<-'EOF'
	[firmware]
	code = /opt/custom/OVMF_CODE.fd
	EOF
	expect_error "bad.ini:2: vars_template = auto, but no firmware descriptor in $PASSLAUNCH_FIRMWARE_PATH names code /opt/custom/OVMF_CODE.fd; set [firmware] vars_template to its VARS file"
}

@test "a VNC port below 5900" {
	profile <<-'EOF'
	[display]
	type = vnc
	port = 5800
	password_file = /etc/passlaunch/vnc.password
	EOF
	expect_error "bad.ini:3: port = 5800: VNC ports start at 5900 (display :0)"
}

@test "a VNC or SPICE display on a TCP port without a password" {
	profile <<-'EOF'
	[display]
	type = spice
	port = 5930
	EOF
	expect_error "bad.ini:3: port = 5930: a display on a TCP port needs password_file (a file only root may read, holding the password); or leave port out for a unix socket only QEMU's user can reach"
}

@test "extra_args in a profile others can write" {
	profile <<-'EOF'
	[qemu]
	extra_args = -device virtio-rng-pci
	EOF
	chmod 666 bad.ini
	expect_error "bad.ini:2: extra_args is allowed only in a trusted profile (owned by root, or by you when not running as root, and not writable by group or others); fix with: chmod go-w bad.ini"
}

# --- devices real VMs use: what each key applies to ---

@test "a disk's identity on a bus that has no such property" {
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	model = Samsung SSD
	EOF
	expect_error "bad.ini:3: model applies to bus = sata (an ATA disk's model); on scsi use vendor and product"
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	bus = sata
	vendor = ATA
	EOF
	expect_error "bad.ini:4: vendor applies to bus = scsi; on sata use model"
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	bus = nvme
	rotation_rate = 1
	EOF
	expect_error "bad.ini:4: rotation_rate needs bus = sata or scsi: QEMU's NVMe disks do not report one"
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	bus = sata
	queues = 4
	EOF
	expect_error "bad.ini:4: queues needs bus = virtio or scsi"
}

@test "a disk's block sizes and zero detection that cannot work" {
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	logical_block_size = 4096
	physical_block_size = 512
	EOF
	expect_error "bad.ini:4: physical_block_size 512 is smaller than logical_block_size 4096"
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	logical_block_size = 1000
	EOF
	expect_error "bad.ini:3: [disk.system] logical_block_size = 1000: expected a power of two from 512 to 32768, e.g. 4096"
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	discard = no
	detect_zeroes = unmap
	EOF
	expect_error "bad.ini:4: detect_zeroes = unmap needs discard = yes; use on, or set discard = yes"
}

@test "sound options that belong to another backend or device" {
	profile <<-'EOF'
	[audio]
	backend = spice
	EOF
	expect_error "bad.ini:2: backend = spice sends sound to the SPICE client; set [display] type = spice, or choose another backend"
	profile <<-'EOF'
	[audio]
	backend = alsa
	latency = 20000
	EOF
	expect_error "bad.ini:3: latency applies to backend = pipewire or pulseaudio"
	profile <<-'EOF'
	[audio]
	backend = pipewire
	server = unix:/run/pulse
	EOF
	expect_error "bad.ini:3: server applies to backend = pulseaudio"
	profile <<-'EOF'
	[audio]
	backend = pipewire
	device = usb
	codec = micro
	EOF
	expect_error "bad.ini:4: codec applies to device = hda, ich6 or ich9"
}

@test "virtio-sound on a QEMU older than 8.2 is refused with its version" {
	export PASSLAUNCH_QEMU_VERSION=7.2
	profile <<-'EOF'
	[audio]
	backend = pipewire
	device = virtio
	EOF
	expect_error "bad.ini:3: device = virtio needs QEMU 8.2 or later (virtio-sound); /usr/bin/qemu-system-x86_64 is 7.2: use device = hda"
}

@test "evdev keys on emulated input, and a device with no evdev" {
	profile <<-'EOF'
	[input.tablet]
	device = usb-tablet
	repeat = no
	EOF
	expect_error "bad.ini:3: repeat applies to device = evdev (a host input device); remove it or set device = evdev"
	profile <<-'EOF'
	[input.keyboard]
	repeat = no
	EOF
	expect_error "bad.ini:1: [input.keyboard] has no evdev; add e.g. evdev = /dev/input/by-id/usb-XXXX-event-kbd"
}

@test "watchdog, NVRAM, NUMA policy and preallocation where they cannot apply" {
	profile <<-'EOF'
	[qemu]
	machine = pc
	[vm]
	watchdog = itco
	EOF
	expect_error "bad.ini:4: watchdog = itco is q35's own (ICH9); on machine pc use i6300esb"
	profile <<-'EOF'
	[firmware]
	type = bios
	vars = /var/lib/vms/VARS.fd
	EOF
	expect_error "bad.ini:3: vars applies to OVMF; with type = bios remove it"
	profile <<-'EOF'
	[memory]
	hugepages = 2M
	policy = preferred
	EOF
	expect_error "bad.ini:3: policy applies to a NUMA node; set node, or remove policy"
	profile <<-'EOF'
	[memory]
	prealloc_threads = 4
	EOF
	expect_error "bad.ini:2: prealloc_threads needs preallocated memory; set prealloc = yes or hugepages"
}

@test "a passed device's boot number taken by a disk, or by another passed device" {
	profile <<-'EOF'
	[disk.system]
	source = /dev/sda
	boot = 1
	[pci.nvme]
	address = 0000:0c:00.3
	boot = 1
	EOF
	expect_error "bad.ini:4: boot = 1 is also given to [system] (line 1); each boot device needs its own number"
	profile <<-'EOF'
	[pci.nvme]
	address = 0000:0c:00.3
	boot = 2
	[usb.stick]
	device = 0781:5581
	boot = 2
	EOF
	expect_error "bad.ini:4: boot = 2 is also given to [nvme] (line 1); each boot device needs its own number"
}

@test "a system UUID that is not one, and USB devices with the controller turned off" {
	profile <<-'EOF'
	[smbios]
	system_uuid = 43d5b292-4f5c-4b1e-9d59
	EOF
	expect_error "bad.ini:2: system_uuid = 43d5b292-4f5c-4b1e-9d59 is not a UUID; expected e.g. 43d5b292-4f5c-4b1e-9d59-3c0b6b7e1a21"
	profile <<-'EOF'
	[vm]
	usb = no
	[usb.stick]
	device = 0781:5581
	EOF
	expect_error "bad.ini:2: usb = no, but [usb.stick] (line 3) needs the USB controller"
	profile <<-'EOF'
	[audio]
	backend = alsa
	device = ac97
	codec = output
	EOF
	expect_error "bad.ini:4: codec applies to device = hda, ich6 or ich9"
	profile <<-'EOF'
	[audio]
	backend = none
	output = hw:1,0
	EOF
	expect_error "bad.ini:3: [audio] output = hw:1,0: expected 1 to 256 characters without ','"
	profile <<-'EOF'
	[audio]
	output = hw:1
	EOF
	expect_error "bad.ini:2: output names a sink or device of backend pipewire, pulseaudio, alsa or jack"
}

@test "vhost on a NIC vhost-net cannot serve" {
	profile <<-'EOF'
	[net.lan]
	type = user
	vhost = yes
	EOF
	expect_error "bad.ini:3: vhost = yes needs type = bridge, tap or macvtap and model = virtio: the kernel's vhost-net serves virtio NICs on a tap"
	profile <<-'EOF'
	[net.lan]
	type = tap
	ifname = tap0
	model = e1000e
	vhost = yes
	EOF
	expect_error "bad.ini:5: vhost = yes needs type = bridge, tap or macvtap and model = virtio: the kernel's vhost-net serves virtio NICs on a tap"
}

@test "queues on a NIC that cannot have them" {
	profile <<-'EOF'
	[net.lan]
	type = user
	queues = 4
	EOF
	expect_error "bad.ini:3: queues = 4 needs type = bridge or tap and model = virtio (virtio-net's multiqueue on a multiqueue tap)"
}

@test "create_bridge on a NIC that joins no bridge" {
	profile <<-'EOF'
	[net.lan]
	type = user
	create_bridge = yes
	EOF
	expect_error "bad.ini:3: create_bridge applies to type = bridge"
}

@test "a macvtap NIC without its host interface, and link elsewhere" {
	profile <<-'EOF'
	[net.lan]
	type = macvtap
	EOF
	expect_error "bad.ini:1: [net.lan] has type = macvtap but no link; add the host interface the guest shares, e.g. link = enp5s0"
	profile <<-'EOF'
	[net.lan]
	type = bridge
	bridge = br0
	link = enp5s0
	EOF
	expect_error "bad.ini:4: link applies to type = macvtap"
}

@test "rombar.N for a function the GPU does not pass, or not yes or no" {
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	functions = 0
	rombar.1 = no
	EOF
	expect_error "bad.ini:4: rombar.1 is for function 1, which functions leaves out; add 1 to functions or remove rombar.1"
	profile <<-'EOF'
	[gpu.main]
	address = 0000:0b:00.0
	rombar.1 = auto
	EOF
	expect_error "bad.ini:3: [gpu.main] rombar.1 = auto: expected one of yes, no"
}

@test "usb_redirect without SPICE, or without the USB controller" {
	profile <<-'EOF'
	[display]
	type = vnc
	usb_redirect = 2
	EOF
	expect_error "bad.ini:3: usb_redirect needs type = spice: SPICE's client hands its USB devices over"
	profile <<-'EOF'
	[vm]
	usb = no
	[display]
	type = spice
	usb_redirect = 1
	EOF
	expect_error "bad.ini:5: usb_redirect needs the guest's USB controller; remove usb = no from [vm]"
}
