#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# passlaunch import: a libvirt domain XML becomes a profile that `print` turns
# into the QEMU options the domain means; what it cannot carry over is named
# with its line (exit 1); what is not a domain is refused (exit 2). The
# domains are tests/libvirt/*.xml; the host is the golden fake host.

load common

setup() {
	common_setup
	use_fake_host
}

# import_to FILE [ARGS...]: the profile in $TMP/FILE.ini, stderr apart.
import_to() {
	local xml=$1
	shift
	run --separate-stderr "$PASSLAUNCH" import "$@" "$xml"
}

# The domain's files, made under $TMP where the XML has libvirt's paths.
domain_here() {
	sed "s|/var/lib/libvirt/images|$TMP|; s|/var/lib/libvirt/qemu/nvram|$TMP|" \
		"$ROOT/tests/libvirt/$1.xml" >"$TMP/$1.xml"
	truncate -s 1M "$TMP/win10.img" "$TMP/virtio-win.iso"
}

@test "import: a passthrough domain becomes a profile that print turns into the devices, CPUs and firmware it means" {
	domain_here handmade-win10
	import_to handmade-win10.xml
	# libvirt's network is written as user-mode NAT, and said so.
	assert_equal "$status" 1
	assert_equal "$stderr" "handmade-win10.xml:72: <interface>: libvirt's network: written as user-mode NAT; for the network's bridge write type = bridge and bridge = its name (virbr0)"
	printf '%s\n' "$output" >win10.ini
	run --separate-stderr "$PASSLAUNCH" print win10.ini
	assert_success
	printf '%s\n' "$output" | tr ' ' '\n' >cmd
	run cat cmd
	# The GPU's label is its alias (ua-gpu); its <qemu:override> makes it
	# the guest's primary display.
	assert_line "vfio-pci,host=0000:0b:00.0,id=gpu,bus=rp.gpu,addr=00.0,multifunction=on,x-vga=on"
	assert_line "vfio-pci,host=0000:0b:00.1,id=gpu.1,bus=rp.gpu,addr=00.1"
	assert_line "vfio-pci,host=0000:0d:00.0,id=dev0d000,bus=rp.dev0d000,bootindex=1"
	assert_line "4,sockets=1,cores=2,threads=2"
	assert_line "host,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vpindex,hv-synic,hv-stimer,hv-time,kvm=off,hv-vendor-id=whatever,topoext=on"
	assert_line --partial "memory-backend-memfd,id=mem,size=8G,hugetlb=on,hugetlbsize=2M"
	# <sysinfo>, as the board's own names; the system's UUID is the domain's.
	run --separate-stderr "$PASSLAUNCH" print win10.ini
	assert_output --partial "-smbios 'type=0,vendor=American Megatrends Inc.,version=F21,date=05/12/2023'"
	assert_output --partial "-smbios 'type=1,manufacturer=Gigabyte Technology Co.,, Ltd.,product=X570 AORUS ELITE,serial=Default string,family=X570 MB,uuid=4dea22b3-1d52-d8f3-2516-782e98ab3fa0'"
	assert_output --partial "-smbios 'type=2,manufacturer=Gigabyte Technology Co.,, Ltd.,product=X570 AORUS ELITE'"
	run cat cmd
	assert_line "input-linux,id=in0,evdev=/dev/input/by-id/usb-Logitech-event-kbd,grab_all=on,repeat=on,grab-toggle=ctrl-ctrl"
	assert_line "tpm-crb,tpmdev=tpm0"
	assert_line "opt/ovmf/X-PciMmio64Mb,string=65536"
	assert_line --partial "hpet=off"
	assert_line "base=localtime,driftfix=slew"
}

@test "import: <sysinfo> is read only with <os><smbios mode='sysinfo'/>, as libvirt reads it; mode='host' is source = host" {
	domain_here handmade-win10
	sed -i "s|<smbios mode='sysinfo'/>|<smbios mode='host'/>|; s|type='network'|type='bridge'|; s|<source network='default'/>|<source bridge='br0'/>|" handmade-win10.xml
	import_to handmade-win10.xml
	assert_success
	assert_line "source = host"
	refute_line --partial "bios_vendor"
	assert_line --regexp "^# <sysinfo type='smbios'> \(line [0-9]+\) is not used without <os><smbios mode='sysinfo'/>, by libvirt either: left out$"
	sed -i "/<smbios mode='host'\/>/d" handmade-win10.xml
	import_to handmade-win10.xml
	assert_success
	refute_line "source = host"
	refute_line --partial "bios_vendor"
}

@test "import: an element it cannot carry over is named with its line and exit 1; the profile is still valid" {
	domain_here handmade-win10
	sed -i "s|<memballoon model='none'/>|<filesystem type='mount'><source dir='/srv'/><target dir='share'/></filesystem>\n    <memballoon model='none'/>|; s|type='network'|type='bridge'|; s|<source network='default'/>|<source bridge='br0'/>|" handmade-win10.xml
	import_to handmade-win10.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "handmade-win10.xml:102: <filesystem>: not carried over by passlaunch import; if QEMU needs it, add the option to [qemu] args"
	printf '%s\n' "$output" >win10.ini
	run "$PASSLAUNCH" print win10.ini
	assert_success
}

@test "import: standard input, and --name for the profile's name" {
	domain_here handmade-win10
	run --separate-stderr "$PASSLAUNCH" import --name gaming - <handmade-win10.xml
	assert_equal "$status" 1
	assert_line "name = gaming"
	assert_equal "$stderr" "-:72: <interface>: libvirt's network: written as user-mode NAT; for the network's bridge write type = bridge and bridge = its name (virbr0)"
}

@test "import: not XML, not a domain, a DOCTYPE, a PCI device without its address: FILE:LINE, exit 2, no profile" {
	printf '<domain type="kvm">\n<name>x</name>\n' >cut.xml
	import_to cut.xml
	assert_equal "$status" 2
	assert_output ""
	assert_equal "$stderr" "passlaunch import: cut.xml:3: not XML: Premature end of data in tag domain line 1"
	printf '<?xml version="1.0"?>\n<network><name>default</name></network>\n' >net.xml
	import_to net.xml
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch import: net.xml:2: <network>: not a libvirt domain (the root element must be <domain>); give the output of virsh dumpxml NAME"
	printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaa">]>\n<domain type="kvm"><name>&a;</name></domain>\n' >dtd.xml
	import_to dtd.xml
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch import: dtd.xml:1: a <!DOCTYPE> declaration: a libvirt domain has none"
	printf '<domain type="kvm">\n<name>x</name>\n<memory>1048576</memory>\n<vcpu>2</vcpu>\n<devices>\n<hostdev mode="subsystem" type="pci">\n<source/>\n</hostdev>\n</devices>\n</domain>\n' >hostdev.xml
	import_to hostdev.xml
	assert_equal "$status" 2
	assert_output ""
	assert_equal "$stderr" "passlaunch import: hostdev.xml:6: <hostdev>: a PCI device with no source address (bus, slot, function)"
}

@test "import: what a carried-over device has beyond what passlaunch keeps is named; a GPU's ROMs and hidden ROM BAR are kept" {
	domain_here handmade-win10
	sed -i "s|<serial>WIN10SYS</serial>|<serial>WIN10SYS</serial>\n      <iotune><total_iops_sec>500</total_iops_sec></iotune>|" handmade-win10.xml
	perl -0pi -e "s|(function='0x0'/>\n\s*</source>)|\$1\n      <rom bar='off' file='/srv/vbios.rom'/>|" handmade-win10.xml
	perl -0pi -e "s|(function='0x1'/>\n\s*</source>)|\$1\n      <rom file='/srv/gop.rom'/>|" handmade-win10.xml
	import_to handmade-win10.xml
	assert_equal "$status" 1
	run grep -c 'not carried over' <<<"$stderr"
	assert_output 1
	[[ $stderr == *"<iotune>: not carried over by passlaunch import"* ]] || fail "$stderr"
	run --separate-stderr "$PASSLAUNCH" import handmade-win10.xml
	assert_line "rom = /srv/vbios.rom"
	assert_line "rom.1 = /srv/gop.rom"
	assert_line "rombar.0 = no"
}

@test "import: a value with a line break cannot add a key or a section to the profile; it is left out and named (exit 1)" {
	# An attacker's domain: a disk path and a QEMU word that end their
	# line and start [qemu] args, which a root-owned profile would trust.
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu>' \
		'<devices><disk type="file" device="disk"><source file="/a.img&#10;[qemu]&#10;args = -evil"/>' \
		'<target dev="vda" bus="virtio"/></disk></devices>' \
		'<qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">' \
		'<qemu:arg value="-name&#13;&#10;args = -evil2"/></qemu:commandline></domain>' >evil.xml
	import_to evil.xml
	assert_equal "$status" 1
	refute_output --partial "evil"
	assert_equal "$(grep -c '^\[qemu\]$' <<<"$output")" 1
	assert_equal "$stderr" "evil.xml:2: <disk>: a path a profile cannot hold (a control character, a comment's ';', or what is not text): left out; rename the file
evil.xml:1: <domain>: 1 value held a line break or another control character, a comment's ';', or what is not text, which would end, cut or spoil their line in the profile: left out ([qemu] args)"
	printf '%s\n' "$output" >evil.ini
	run --separate-stderr "$PASSLAUNCH" print evil.ini
	assert_success
	refute_output --partial "evil"
}

@test "import and export through sudo read as the user behind it: a link to a file only root may read gives nothing" {
	printf '<domain type="kvm"><name>secret</name><memory>1048576</memory><vcpu>1</vcpu></domain>\n' >secret.xml
	printf '[vm]\nname = secret\n' >secret.ini
	chmod 600 secret.xml secret.ini
	mkdir -m 777 planted
	ln -s "$TMP/secret.xml" planted/domain.xml
	ln -s "$TMP/secret.ini" planted/profile.ini
	# As root itself, the file is root's to read.
	run --separate-stderr "$PASSLAUNCH" import planted/domain.xml
	assert_success
	# Through sudo (nobody behind it), nothing of it.
	run --separate-stderr env SUDO_UID=65534 "$PASSLAUNCH" import "$TMP/planted/domain.xml"
	assert_equal "$status" 2
	assert_output ""
	[[ $stderr == *"Permission denied"* ]] || fail "stderr: $stderr"
	run --separate-stderr env SUDO_UID=65534 "$PASSLAUNCH" export --libvirt "$TMP/planted/profile.ini"
	assert_equal "$status" 2
	assert_output ""
	[[ $stderr == *"Permission denied"* ]] || fail "stderr: $stderr"
}

@test "import: aliases that are another device's label, or too long for one, get labels of their own; each device keeps its section" {
	local long=abcdefghijklmnopqrstuvwxy # 25 characters: one more than a label holds
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><devices>' \
		'<disk type="file" device="disk"><source file="/a.img"/><target dev="vda" bus="virtio"/><alias name="ua-disk1"/></disk>' \
		'<disk type="file" device="disk"><source file="/b.img"/><target dev="vdb" bus="virtio"/></disk>' \
		'<disk type="file" device="disk"><source file="/c.img"/><target dev="vdc" bus="virtio"/><alias name="ua-disk1"/></disk>' \
		"<disk type='file' device='disk'><source file='/d.img'/><target dev='vdd' bus='virtio'/><alias name='ua-$long'/></disk>" \
		'</devices></domain>' >aliases.xml
	import_to aliases.xml
	assert_success
	assert_equal "$(grep -c '^source = ' <<<"$output")" 4
	printf '%s\n' "$output" >aliases.ini
	run grep -A3 -E '^\[disk\.' aliases.ini
	assert_line "[disk.disk1]"
	assert_line "[disk.disk1-2]"
	assert_line "# its alias ua-disk1 is another device's label: labelled disk2"
	assert_line "# its alias ua-$long is not a valid label: labelled disk3"
	assert_equal "$(grep -c '^\[disk\.' aliases.ini)" 4
	run --separate-stderr "$PASSLAUNCH" print aliases.ini
	assert_success
	assert_equal "$(grep -c 'opaque=rw:/[abcd].img' <<<"$output")" 4
}

@test "import: a PCI or USB address field out of range is refused, never cut to fit; an empty QEMU word stays a word" {
	# domain 0x100000000 cut to 32 bits is 0000: another device.
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><devices>' \
		'<hostdev mode="subsystem" type="pci"><source>' \
		'<address domain="0x100000000" bus="0x0b" slot="0x00" function="0x0"/></source></hostdev>' \
		'</devices></domain>' >pci.xml
	import_to pci.xml
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch import: pci.xml:3: <address>: not a PCI address: domain 0-0xffff, bus 0-0xff, slot 0-0x1f, function 0-7"
	sed -i 's/0x100000000/0x0/; s/bus="0x0b"/bus="junk"/' pci.xml
	import_to pci.xml
	assert_equal "$status" 2
	# Only digits: strtoul alone would take a sign or a blank first.
	sed -i 's/bus="junk"/bus="+11"/' pci.xml
	import_to pci.xml
	assert_equal "$status" 2
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><devices>' \
		'<hostdev mode="subsystem" type="usb"><source><vendor id="0x1046d"/><product id="0xc52b"/></source></hostdev>' \
		'</devices><qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">' \
		'<qemu:arg value="-append"/><qemu:arg value=""/><qemu:arg/></qemu:commandline></domain>' >usb.xml
	import_to usb.xml
	assert_equal "$status" 1
	assert_line "args = -append ''"
	refute_output --partial "device = "
	assert_equal "$stderr" "usb.xml:2: <source>: not a USB id: vendor and product are 0x0000 to 0xffff
usb.xml:4: <arg>: an argument with no value: give it value='...'"
}

@test "import: a domain with more devices than a VM has is refused at once (exit 2)" {
	{
		echo '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu>'
		echo '<devices>'
		for i in $(seq 1025); do echo "<disk type='file' device='disk'><source file='/d$i.img'/><target dev='vd$i' bus='virtio'/></disk>"; done
		echo '</devices></domain>'
	} >many.xml
	import_to many.xml
	assert_equal "$status" 2
	assert_equal "$stderr" "passlaunch import: many.xml:2: <devices>: 1025 devices, more than a VM has: passlaunch imports at most 1024"
}

@test "import: detect_zeroes unmap without discard is on, as libvirt runs it; a read-only SATA disk is left out, never made writable" {
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><devices>' \
		'<disk type="file" device="disk"><driver name="qemu" detect_zeroes="unmap"/><source file="/a.img"/><target dev="vda" bus="virtio"/></disk>' \
		'<disk type="file" device="disk"><source file="/b.img"/><target dev="sda" bus="sata"/><readonly/></disk>' \
		'</devices></domain>' >zero.xml
	import_to zero.xml
	assert_equal "$status" 1
	assert_line "detect_zeroes = on"
	refute_output --partial /b.img
	assert_equal "$stderr" "zero.xml:3: <disk>: a read-only SATA disk, which QEMU refuses (libvirt cannot start it either): left out; on bus = virtio or scsi it can be read-only"
	printf '%s\n' "$output" >zero.ini
	run "$PASSLAUNCH" print zero.ini
	assert_success
}

@test "import: a value the profile could not hold as it is (a ';' first, a C1 control, a non-character, a bidirectional override) is left out and named; a comment with one is made text" {
	printf '%s\n' '<domain type="kvm"><name>x</name><memory>1048576</memory><vcpu>1</vcpu><devices>' \
		'<disk type="file" device="disk"><source file="/a&#x85;b.img"/><target dev="vda" bus="virtio"/><alias name="ua-&#xFDD0;x"/></disk>' \
		'</devices><cpu mode="custom"><model>;Skylake</model></cpu><sysinfo type="smbios"><system><entry name="product">&#x202E;ABCD</entry></system></sysinfo><os><smbios mode="sysinfo"/></os>' \
		'<qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0"><qemu:arg value=";-foo"/></qemu:commandline></domain>' >odd.xml
	import_to odd.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "odd.xml:2: <disk>: a path a profile cannot hold (a control character, a comment's ';', or what is not text): left out; rename the file
odd.xml:1: <domain>: 3 values held a line break or another control character, a comment's ';', or what is not text, which would end, cut or spoil their line in the profile: left out ([cpu] model, [smbios] system_product, [qemu] args)"
	printf '%s\n' "$output" >odd.ini
	run "$PASSLAUNCH" print odd.ini
	assert_success
}

@test "import: every line it writes is read back by passlaunch's own parser; what the parser refuses is left out and named at the element it came from, so the profile is valid" {
	# A mutated domain: a relative emulator, a name passlaunch refuses, a
	# disk with a relative path and a serial no disk reports, a bad uuid.
	printf '%s\n' '<domain type="kvm"><name>-win10</name><uuid>zzz</uuid><memory>1048576</memory><vcpu>1</vcpu><devices><emulator>lead/usr/bin/qemu-system-x86_64</emulator>' \
		'<disk type="file" device="disk"><source file="rel.img"/><target dev="vda" bus="virtio"/><serial>bad serial!</serial></disk></devices></domain>' >bad.xml
	import_to bad.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "bad.xml:1: <domain>: [qemu] binary = lead/usr/bin/qemu-system-x86_64: expected an absolute path (starting with /): left out
bad.xml:1: <domain>: [vm] name = -win10: expected 1 to 64 letters, digits, '_', '-' or '.', not starting with '.' or '-': left out
bad.xml:2: <disk>: [disk.disk0] source = rel.img: expected an absolute path (starting with /): left out
bad.xml:2: <disk>: [disk.disk0] serial = bad serial!: expected at most 20 letters, digits, '.', '_' or '-', as disks report them, e.g. WD-WX12A3456789: left out
bad.xml:2: <disk>: [disk.disk0] has no source; add e.g. source = /dev/disk/by-id/nvme-XXXX: left out ([disk.disk0] and its keys)
bad.xml:1: <domain>: system_uuid = zzz is not a UUID; expected e.g. 43d5b292-4f5c-4b1e-9d59-3c0b6b7e1a21: left out"
	printf '%s\n' "$output" >bad.ini
	run "$PASSLAUNCH" print bad.ini
	assert_success
}

# domain_with FILE ELEMENT...: a minimal q35 domain with these devices.
domain_with() {
	local file=$1
	shift
	{
		printf '%s\n' "<domain type='kvm'>" "<name>d</name><memory>1048576</memory><vcpu>1</vcpu>" \
			"<os><type arch='x86_64' machine='q35'>hvm</type>${OS_BOOT:-}</os>" "<devices>"
		printf '%s\n' "$@"
		printf '%s\n' "</devices>" "</domain>"
	} >"$file"
}

@test "import: <os><boot dev> boots the first disk, CD-ROM and interface written, whatever their labels" {
	OS_BOOT="<boot dev='cdrom'/><boot dev='network'/><boot dev='hd'/>" domain_with boot.xml \
		"<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='vda' bus='virtio'/><alias name='ua-system'/></disk>" \
		"<disk type='file' device='cdrom'><source file='/srv/w.iso'/><target dev='sda' bus='sata'/><alias name='ua-install'/></disk>" \
		"<interface type='bridge'><source bridge='br0'/><model type='virtio'/><mac address='52:54:00:00:00:01'/><alias name='ua-lan'/></interface>"
	import_to boot.xml
	assert_success
	printf '%s\n' "$output" >boot.ini
	run "$PASSLAUNCH" print boot.ini
	assert_success
	assert_output --partial "id=install,bootindex=1"
	assert_output --partial "mac=52:54:00:00:00:01,id=lan,bootindex=2"
	assert_output --partial "id=system,bootindex=3"
}

@test "import: a disk without <driver> runs with QEMU's defaults, as libvirt runs it; an image passlaunch does not open is left out, never opened raw" {
	domain_with disks.xml \
		"<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='vda' bus='virtio'/></disk>" \
		"<disk type='file' device='disk'><driver name='qemu' type='vmdk'/><source file='/srv/b.vmdk'/><target dev='vdb' bus='virtio'/></disk>"
	import_to disks.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "disks.xml:6: <disk>: a vmdk image, which passlaunch does not open (raw and qcow2 only): left out; convert it: qemu-img convert -O qcow2 FILE FILE.qcow2"
	assert_output --partial "[disk.disk0]
source = /srv/a.img
cache = writeback
aio = threads
discard = no"
	refute_output --partial "b.vmdk"
}

@test "import: SATA devices past passlaunch's six ports: a disk goes on virtio, a CD-ROM is left out, each named" {
	local -a devs=() i
	for i in 0 1 2 3 4 5; do
		devs+=("<disk type='file' device='disk'><source file='/srv/d$i.img'/><target dev='sd$i' bus='sata'/></disk>")
	done
	devs+=("<disk type='file' device='disk'><source file='/srv/d6.img'/><target dev='sdg' bus='sata'/></disk>")
	devs+=("<disk type='file' device='cdrom'><source file='/srv/w.iso'/><target dev='sdh' bus='sata'/></disk>")
	domain_with sata.xml "${devs[@]}"
	import_to sata.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "sata.xml:11: <disk>: a SATA disk past the 6 SATA ports passlaunch has: written on virtio (the guest needs its driver)
sata.xml:12: <disk>: a CD-ROM past the 6 SATA ports passlaunch's CD-ROMs and SATA disks share: left out; move a SATA disk to virtio"
	printf '%s\n' "$output" >sata.ini
	run "$PASSLAUNCH" print sata.ini
	assert_success
	assert_output --partial "virtio-blk-pci,drive=drive.disk6,id=disk6"
	refute_output --partial "w.iso"
}

@test "import: an interface's boot order, vhost-net and queues are carried over; what the profile cannot mean is named (macvtap not in bridge mode, a GPU's boot order, a ROM off altogether, a TPM that is not an emulated 2.0)" {
	domain_with devs.xml \
		"<interface type='bridge'><source bridge='br0'/><model type='virtio'/><driver name='vhost' queues='4'/><boot order='1'/></interface>" \
		"<interface type='direct'><source dev='eth0'/><model type='virtio'/></interface>" \
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x0b' slot='0x00' function='0x0'/></source><rom enabled='no'/><boot order='2'/></hostdev>" \
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x0b' slot='0x00' function='0x1'/></source></hostdev>" \
		"<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/></backend></tpm>"
	import_to devs.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "devs.xml:7: <rom>: no ROM at all: passlaunch has no key that skips it; written as the ROM BAR hidden (rombar = no), which keeps it from the guest too
devs.xml:7: <boot>: boot from a GPU: [gpu] has no boot key; boot from a disk
devs.xml:6: <source>: macvtap in vepa (libvirt's default) mode: passlaunch's macvtap is in bridge mode, where the host's guests reach each other directly
devs.xml:9: <backend>: the host's own TPM (passthrough): written as an emulated TPM 2.0 (swtpm); what the guest sealed with the host's TPM stays sealed"
	assert_output --partial "[net.net0]
type = bridge
bridge = br0
model = virtio
vhost = yes
queues = 4
boot = 1"
}

@test "import: the sound card plays into the <audio> its <audio id> names, not the first" {
	domain_with aud.xml "<sound model='ich9'><audio id='2'/></sound>" "<audio id='1' type='none'/>" \
		"<audio id='2' type='pulseaudio' serverName='/run/user/1000/pulse/native'/>"
	import_to aud.xml
	assert_output --partial "[audio]
device = ich9
backend = pulseaudio
server = /run/user/1000/pulse/native"
}

@test "import: <qemu:commandline> is one [qemu] args line an option, so a refused option goes alone; -set on libvirt's device aliases is named" {
	printf '%s\n' "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" \
		"<name>a</name><memory>1048576</memory><vcpu>1</vcpu>" "<qemu:commandline>" \
		"<qemu:arg value='-fw_cfg'/>" "<qemu:arg value='opt/ovmf/X-PciMmio64Mb,string=65536'/>" \
		"<qemu:arg value='-daemonize'/>" "<qemu:arg value='-set'/>" "<qemu:arg value='device.hostdev0.x-vga=on'/>" \
		"<qemu:arg value='-global'/>" "<qemu:arg value='ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'/>" \
		"</qemu:commandline>" "</domain>" >args.xml
	import_to args.xml
	assert_equal "$status" 1
	assert_equal "$stderr" "args.xml:7: <arg>: -set device.hostdev0.x-vga=on: it names a device by libvirt's alias, which passlaunch's command line has not: left out (for x-vga on a GPU: [gpu] primary = yes)
args.xml:1: <domain>: [qemu] args = -daemonize: -daemonize is never allowed: passlaunch must watch QEMU and drops privileges itself: left out"
	assert_output --partial "args = -fw_cfg opt/ovmf/X-PciMmio64Mb,string=65536
args = -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"
	printf '%s\n' "$output" >args.ini
	run "$PASSLAUNCH" print args.ini
	assert_success
	assert_output --partial "-fw_cfg opt/ovmf/X-PciMmio64Mb,string=65536 \\
    -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"
}

@test "import: <qemu:override> setting x-vga on a GPU's alias is primary = yes; another property is named and left out" {
	printf '%s\n' "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" \
		"<name>a</name><memory>1048576</memory><vcpu>1</vcpu><devices>" \
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='0x0b' slot='0' function='0'/></source><alias name='ua-gpu'/></hostdev>" \
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='0x0b' slot='0' function='1'/></source></hostdev>" \
		"</devices><qemu:override><qemu:device alias='ua-gpu'><qemu:frontend>" \
		"<qemu:property name='x-vga' type='bool' value='true'/>" \
		"<qemu:property name='x-igd-opregion' type='bool' value='true'/>" \
		"</qemu:frontend></qemu:device></qemu:override>" "</domain>" >override.xml
	import_to override.xml
	assert_equal "$status" 1
	assert_output --partial "[gpu.gpu]
address = 0000:0b:00.0
functions = 0,1
primary = yes"
	assert_equal "$stderr" "override.xml:7: <property>: not carried over by passlaunch import; if QEMU needs it, add the option to [qemu] args"
}

# audio_domain FILE AUDIO...: a domain with an ICH9 card and AUDIO's lines
# (its <audio id='1'> element) in FILE.
audio_domain() {
	local file=$1
	shift
	printf '%s\n' "<domain type='kvm'>" "<name>a</name><memory>1048576</memory><vcpu>1</vcpu><devices>" \
		"<sound model='ich9'><audio id='1'/></sound>" "$@" "</devices></domain>" >"$file"
}

@test "import: <audio>'s input and output give the sink and source, JACK's ports and client, the latency and the mixing; what [audio] has no key for is named" {
	audio_domain pulse.xml "<audio id='1' type='pulseaudio'><input name='mic' mixingEngine='no'/>" \
		"<output name='speakers' latency='20000' mixingEngine='no' streamName='win'/></audio>"
	import_to pulse.xml
	assert_equal "$status" 1
	assert_output --partial "[audio]
device = ich9
backend = pulseaudio
input = mic
output = speakers
latency = 20000
mixing = no"
	assert_equal "$stderr" "pulse.xml:5: <output>: streamName='win': passlaunch has no [audio] key for it: left out"
	audio_domain jack.xml "<audio id='1' type='jack'><input clientName='vm' connectPorts='system:capture_.*'/>" \
		"<output clientName='vm' connectPorts='system:playback_.*' mixingEngine='no'/></audio>"
	import_to jack.xml
	assert_equal "$status" 1
	assert_output --partial "[audio]
device = ich9
backend = jack
input = system:capture_.*
output = system:playback_.*
client_name = vm
mixing = no"
	assert_equal "$stderr" "jack.xml:5: <output>: QEMU's mixing on one way only: passlaunch's [audio] mixing is both ways; written as mixing = no"
}

@test "import: passlaunch's own <metadata> gives back the keys export kept, in place of the domain's; a name passlaunch could not have is named" {
	printf '%s\n' "<domain type='kvm'>" "<name>a</name><memory>1048576</memory><vcpu>4</vcpu>" \
		"<cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='2'/><vcpupin vcpu='2' cpuset='3'/><vcpupin vcpu='3' cpuset='4'/><emulatorpin cpuset='0'/></cputune>" \
		"<metadata><passlaunch:profile xmlns:passlaunch='urn:passlaunch:profile:1'>" \
		"<passlaunch:key section='cpu' name='vcpu_pin' value='auto'/>" \
		"<passlaunch:unset section='cpu' name='emulator_pin'/>" \
		"<passlaunch:key section='hooks' name='use' value='display-manager vfio'/>" \
		"<passlaunch:key section='qemu' name='args' value='-fw_cfg opt/a,string=1'/>" \
		"<passlaunch:key section='qemu' name='args' value='-fw_cfg opt/b,string=2'/>" \
		"<passlaunch:key section='Bad Section' name='x' value='1'/>" \
		"</passlaunch:profile></metadata></domain>" >meta.xml
	import_to meta.xml
	assert_equal "$status" 1
	assert_output --partial "vcpu_pin = auto"
	refute_output --partial "vcpu_pin = 1"
	refute_output --partial "emulator_pin"
	assert_output --partial "[hooks]
use = display-manager vfio"
	assert_output --partial "args = -fw_cfg opt/a,string=1
args = -fw_cfg opt/b,string=2"
	assert_equal "$stderr" "meta.xml:10: <key>: not a key passlaunch export writes: left out"
}
