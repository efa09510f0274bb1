# bash completion for passlaunch(1): commands, options, profile names (and
# .ini paths), the names of running VMs, and PCI addresses for `gpu`.

_passlaunch_profiles() {
	local dir f
	for dir in "${XDG_CONFIG_HOME:-$HOME/.config}/passlaunch" /etc/passlaunch; do
		for f in "$dir"/*.ini; do
			[[ -e $f ]] || continue
			f=${f##*/}
			printf '%s\n' "${f%.ini}"
		done
	done
}

_passlaunch_running() {
	local f
	for f in "${PASSLAUNCH_RUNTIME_DIR:-/run/passlaunch}"/*.lock; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.lock}"
	done
}

_passlaunch_pci() {
	local d
	for d in "${PASSLAUNCH_SYSFS:-/sys}"/bus/pci/devices/*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/}"
	done
}

_passlaunch() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]-} words
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		words="run start stop status recover gpu iommu print import export --help --version"
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.ini' -- "$cur")
		return
	fi
	case $cmd in
	run | print | start)
		((COMP_CWORD == 2)) || return
		mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_profiles)" -- "$cur")
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.ini' -- "$cur")
		;;
	import)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.xml' -- "$cur")
		;;
	export)
		if ((COMP_CWORD == 2)); then
			mapfile -t COMPREPLY < <(compgen -W "--libvirt" -- "$cur")
		elif ((COMP_CWORD == 3)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_profiles)" -- "$cur")
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.ini' -- "$cur")
		fi
		;;
	stop)
		if ((COMP_CWORD == 2)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_running)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "--timeout --force" -- "$cur")
		fi
		;;
	status)
		mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_running) --json" -- "$cur")
		;;
	recover)
		((COMP_CWORD == 2)) || return
		mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_profiles) $(_passlaunch_running)" -- "$cur")
		;;
	gpu)
		if ((COMP_CWORD == 2)); then
			mapfile -t COMPREPLY < <(compgen -W "detach attach" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_pci)" -- "$cur")
		fi
		;;
	iommu)
		if ((COMP_CWORD == 2)); then
			mapfile -t COMPREPLY < <(compgen -W "--profile" -- "$cur")
		elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == --profile ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_passlaunch_profiles)" -- "$cur")
		fi
		;;
	esac
}
complete -F _passlaunch passlaunch
