# SPDX-License-Identifier: GPL-2.0
# bash completion for pmtufix(8)

_pmtufix_netns()
{
	local d
	for d in /run/netns/*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

# Prefixes of the current MSS rules, for "mss del".
_pmtufix_prefixes()
{
	"$1" "${@:2}" save 2>/dev/null | while read -r a b pfx _; do
		[ "$a $b" = "mss add" ] && printf '%s\n' "$pfx"
	done
}

_pmtufix()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -n : || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local i cmd="" cmd_at=0 prog=${words[0]}
	local -a nsopt=()
	case $prev in
	-n | --netns)
		mapfile -t COMPREPLY < <(compgen -W "$(_pmtufix_netns)" -- "$cur")
		return
		;;
	-b | --backend)
		mapfile -t COMPREPLY < <(compgen -W "module nft" -- "$cur")
		return
		;;
	esac
	# Options come first; the first other word is the command.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-n | --netns)
			nsopt+=(-n "${words[i + 1]}")
			((i++))
			;;
		-b | --backend)
			nsopt+=(-b "${words[i + 1]}")
			((i++))
			;;
		-*) ;;
		*)
			cmd=${words[i]}
			cmd_at=$i
			break
			;;
		esac
	done

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-j -p -n -b -V -h --json --pretty
				--netns --backend --version --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "show set stats mss monitor
				save apply down doctor agent relay help" -- "$cur")
		fi
		return
	fi

	local -a args=("${words[@]:cmd_at+1:cword-cmd_at-1}")
	local n=${#args[@]} w=""
	case $cmd in
	set)
		# Words go in pairs: an odd count means a value is due.
		local key=""
		((n % 2)) && key=${args[n - 1]}
		case $key in
		rescue) w="on off" ;;
		log) w="none rescue all" ;;
		floor | uplinks) w="auto" ;;
		mark) w="0x2000/0x2000" ;;
		?*) ;;
		*)
			local k j used=" "
			for ((j = 0; j < n; j += 2)); do
				used+="${args[j]} "
			done
			for k in rescue log floor mark table pref uplinks; do
				[[ $used == *" $k "* ]] || w+=" $k"
			done
			[ "$n" -eq 0 ] && w+=" help"
			;;
		esac
		;;
	stats)
		[ "$n" -eq 0 ] && w="show reset -o help"
		[ "$n" -eq 1 ] && [ "$prev" = -o ] && w="prometheus"
		;;
	agent)
		case $prev in
		--config)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
			return
			;;
		--listen) w="127.0.0.1:9883 [::1]:9883" ;;
		*) w="--config --listen --down-on-exit help" ;;
		esac
		;;
	mss)
		if [ "$n" -eq 0 ]; then
			w="add replace del show flush stats help"
		else
			case ${args[0]} in
			add)
				case $n in
				1) w="help" ;;	# PREFIX: nothing to offer
				2) w="auto" ;;
				3) w="dir" ;;
				4) [ "$prev" = dir ] && w="to from both" ;;
				esac
				;;
			replace)	# mostly a rule that is there: offer its prefix
				case $n in
				1) w="$(_pmtufix_prefixes "$prog" "${nsopt[@]}") help" ;;
				2) w="auto" ;;
				3) w="dir" ;;
				4) [ "$prev" = dir ] && w="to from both" ;;
				esac
				;;
			del)
				[ "$n" -eq 1 ] && w="$(_pmtufix_prefixes "$prog" "${nsopt[@]}") help"
				;;
			esac
		fi
		;;
	relay)
		if [ "$n" -eq 0 ]; then
			w="set show off help"
		elif [ "${args[0]}" = set ]; then
			# After "set", words go in pairs: an even count means a value is due.
			local key=""
			((n % 2)) || key=${args[n - 1]}
			case $key in
			port) w="9884" ;;
			rate) w="20" ;;
			listen) w="any" ;;
			peers) w="dns:" ;;
			?*) ;;
			*)
				local k j used=" "
				for ((j = 1; j < n; j += 2)); do
					used+="${args[j]} "
				done
				for k in prefixes peers port rate burst listen; do
					[[ $used == *" $k "* ]] || w+=" $k"
				done
				;;
			esac
		fi
		;;
	show | monitor | save | down)
		[ "$n" -eq 0 ] && w="help"
		;;
	doctor)
		# DEST and PORT: nothing to offer but help.
		[ "$n" -eq 0 ] && w="help"
		;;
	apply)
		if [ "$n" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur"; compgen -W "- help" -- "$cur")
			compopt -o filenames 2>/dev/null
		fi
		return
		;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$w" -- "$cur")
}

complete -F _pmtufix pmtufix
