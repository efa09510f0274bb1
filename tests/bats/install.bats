#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats sets output, stderr and status
# make install / uninstall into a DESTDIR; the contrib files checked by their
# own validators; the desktop entry of `passlaunch shortcut`; bash completion.

load common

setup() {
	common_setup
}

@test "install: make install DESTDIR PREFIX SYSCONFDIR puts exactly these files; uninstall removes them all" {
	run make -C "$ROOT" --no-print-directory install DESTDIR="$TMP/root" PREFIX=/usr/local SYSCONFDIR=/etc
	assert_success
	run bash -c "cd '$TMP/root' && find . -type f | sort"
	assert_output "./usr/local/bin/passlaunch
./usr/local/bin/passlaunch-export
./usr/local/bin/passlaunch-import
./usr/local/lib/systemd/system/passlaunch@.service
./usr/local/share/bash-completion/completions/passlaunch
./usr/local/share/icons/hicolor/scalable/apps/passlaunch.svg
./usr/local/share/man/man1/passlaunch.1
./usr/local/share/man/man5/passlaunch.ini.5
./usr/local/share/man/man7/passlaunch-hooks.7
./usr/local/share/passlaunch/hooks.d/display-manager
./usr/local/share/passlaunch/hooks.d/framebuffer
./usr/local/share/passlaunch/hooks.d/gpu-driver
./usr/local/share/passlaunch/hooks.d/gpu-users
./usr/local/share/passlaunch/hooks.d/looking-glass-client
./usr/local/share/passlaunch/hooks.d/sound-server
./usr/local/share/passlaunch/hooks.d/vfio
./usr/local/share/passlaunch/hooks.d/vtconsole
./usr/local/share/passlaunch/profiles/demo.ini
./usr/local/share/passlaunch/profiles/looking-glass.ini
./usr/local/share/passlaunch/profiles/single-gpu.ini
./usr/local/share/passlaunch/profiles/win10.ini
./usr/local/share/passlaunch/profiles/win11.ini
./usr/local/share/zsh/site-functions/_passlaunch
./usr/share/polkit-1/actions/org.passlaunch.policy
./usr/share/polkit-1/rules.d/50-passlaunch.rules"
	assert_dir_exists "$TMP/root/etc/passlaunch"
	run grep -h 'passlaunch run\|exec.path' "$TMP/root/usr/local/lib/systemd/system/passlaunch@.service" "$TMP/root/usr/share/polkit-1/actions/org.passlaunch.policy"
	assert_line "ExecStart=/usr/local/bin/passlaunch run %i"
	assert_line --partial '<annotate key="org.freedesktop.policykit.exec.path">/usr/local/bin/passlaunch</annotate>'
	# start, stop and status each an action of their own, the rest the admin's.
	run grep -c 'exec.argv1' "$TMP/root/usr/share/polkit-1/actions/org.passlaunch.policy"
	assert_output 3
	run stat -c '%a %n' "$TMP/root/usr/local/bin/passlaunch" "$TMP/root/usr/local/share/passlaunch/hooks.d/vfio"
	assert_line "755 $TMP/root/usr/local/bin/passlaunch"
	assert_line "755 $TMP/root/usr/local/share/passlaunch/hooks.d/vfio"
	run make -C "$ROOT" --no-print-directory uninstall DESTDIR="$TMP/root" PREFIX=/usr/local SYSCONFDIR=/etc
	assert_success
	run find "$TMP/root" -type f
	assert_output ""
	assert_not_exists "$TMP/root/etc/passlaunch"
}

@test "install: the polkit policy is valid against polkit's DTD, the unit passes systemd-analyze verify" {
	[[ -e /usr/share/polkit-1/policyconfig-1.dtd ]] || skip "polkit's DTD is not installed (make deps)"
	sed "s|@BINDIR@|$ROOT|" "$ROOT/contrib/org.passlaunch.policy" >policy.xml
	run xmllint --noout --dtdvalid /usr/share/polkit-1/policyconfig-1.dtd policy.xml
	assert_success
	assert_output ""
	sed 's|<message>|<messages>|; s|</message>|</messages>|' policy.xml >bad.xml
	run xmllint --noout --dtdvalid /usr/share/polkit-1/policyconfig-1.dtd bad.xml
	assert_failure
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	sed "s|@BINDIR@|$ROOT|g" "$ROOT/contrib/passlaunch@.service" >passlaunch@check.service
	run systemd-analyze verify --man=no "$TMP/passlaunch@check.service"
	assert_success
	assert_output ""
}

@test "shortcut: a desktop entry that desktop-file-validate accepts, for the user or the system" {
	cp "$ROOT/profiles/demo.ini" .
	XDG_DATA_HOME=$TMP/data run "$PASSLAUNCH" shortcut demo.ini
	assert_success
	assert_line "passlaunch: demo: shortcut $TMP/data/applications/passlaunch-demo.desktop runs: pkexec $PASSLAUNCH start demo"
	assert_line --partial "passlaunch: warning: demo: start runs /etc/passlaunch/demo.ini as root, which does not exist yet"
	run grep '^Exec=' "$TMP/data/applications/passlaunch-demo.desktop"
	assert_output "Exec=pkexec $PASSLAUNCH start demo"
	run desktop-file-validate "$TMP/data/applications/passlaunch-demo.desktop"
	assert_success
	assert_output ""
	PASSLAUNCH_SYSTEM_APPLICATIONS=$TMP/system run "$PASSLAUNCH" shortcut demo.ini --system
	assert_success
	assert_file_exists "$TMP/system/passlaunch-demo.desktop"
	assert_equal "$(stat -c %a "$TMP/system/passlaunch-demo.desktop")" 644
}

# complete_words WORD...: the candidates bash completion offers for the last word.
complete_words() {
	# shellcheck source=/dev/null
	source "$ROOT/contrib/passlaunch.bash"
	COMP_WORDS=(passlaunch "$@")
	COMP_CWORD=$#
	_passlaunch
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

@test "completion: commands, profile names, running VMs and PCI addresses" {
	mkdir -p config/passlaunch run "$TMP/sys/bus/pci/devices/0000:0b:00.0" "$TMP/sys/bus/pci/devices/0000:0b:00.1"
	touch config/passlaunch/win10.ini config/passlaunch/win11.ini run/win10.lock
	export PASSLAUNCH_SYSFS=$TMP/sys
	run complete_words st
	assert_output "start
status
stop"
	run complete_words start win
	assert_output "win10
win11"
	run complete_words stop ""
	assert_output "win10"
	run complete_words stop win10 --f
	assert_output "--force"
	run complete_words gpu ""
	assert_output "attach
detach"
	run complete_words gpu detach 0000:0b
	assert_output "0000:0b:00.0
0000:0b:00.1"
	run complete_words iommu --profile w
	assert_output "win10
win11"
	touch win10.xml
	run complete_words im
	assert_output "import"
	run complete_words import win
	assert_output "win10.xml"
	run complete_words export ""
	assert_output "--libvirt"
	run complete_words export --libvirt w
	assert_output "win10
win11"
}
