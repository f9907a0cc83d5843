#!/usr/bin/env bash
# bench/reconcile_mem.sh: peak memory of one server backend over one step of
# bench/reconcile.sh (which calls it from psql with \!).
#
#   bash bench/reconcile_mem.sh start PID FILE   reset PID's VmHWM (clear_refs 5)
#                                                 and sample /proc/PID/status in
#                                                 the background
#   bash bench/reconcile_mem.sh stop PID FILE    stop sampling; FILE then holds
#                                                 "vmhwm_kb rss_max_kb anon_max_kb samples cpu_s"
#
# VmHWM is the kernel's peak resident set of the process since the reset: it
# includes the shared_buffers pages the backend touched (RssShmem) and the
# mapped binary (RssFile), so it is capped from above by shared_buffers plus
# private memory.  anon_max is the largest RssAnon seen by sampling every
# BENCH_MEM_INTERVAL seconds (0.1): the backend's private memory (work_mem
# sorts and hashes, tuple stores, caches), which is what would grow with the
# batch.  cpu_s is the CPU time (user + system) the backend used between
# start and stop: less sensitive than wall clock to other work on the
# machine.  Needs to run on the server's host as root or the server's user;
# with no /proc/PID (a remote server) FILE holds "n/a".
set -u
cmd=$1 pid=$2 file=$3
status=/proc/$pid/status
interval=${BENCH_MEM_INTERVAL:-0.1}

# user + system CPU ticks of PID (fields 14 and 15 of /proc/PID/stat, counted
# after the parenthesised command name)
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || { echo 0; return; }
	stat=${stat##*) }
	set -- $stat
	echo $((${12} + ${13}))
}

case $cmd in
start)
	rm -f "$file" "$file.stop" "$file.cur" "$file.loop" "$file.cpu"
	if [[ ! -r $status ]] || ! echo 5 >"/proc/$pid/clear_refs" 2>/dev/null; then
		echo "n/a" >"$file"
		exit 0
	fi
	cpu_ticks >"$file.cpu"
	(
		rss_max=0 anon_max=0 n=0
		while [[ ! -e $file.stop ]]; do
			rss=0 anon=0
			while read -r k v _; do
				case $k in
				VmRSS:) rss=$v ;;
				RssAnon:) anon=$v ;;
				esac
			done <"$status" || break
			((n++))
			if ((rss > rss_max || anon > anon_max)); then
				((rss > rss_max)) && rss_max=$rss
				((anon > anon_max)) && anon_max=$anon
			fi
			# the maxima and the sample count, for stop to read
			echo "$rss_max $anon_max $n" >"$file.cur"
			sleep "$interval"
		done
	) </dev/null >/dev/null 2>&1 &
	echo $! >"$file.loop"
	;;
stop)
	[[ -e $file ]] && exit 0 # n/a from start
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' "$status" 2>/dev/null)
	cpu=$(awk -v a="$(cat "$file.cpu" 2>/dev/null || echo 0)" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.2f", (b - a) / hz }')
	touch "$file.stop"
	loop=$(cat "$file.loop" 2>/dev/null || true)
	if [[ -n $loop ]]; then
		for _ in $(seq 50); do
			kill -0 "$loop" 2>/dev/null || break
			sleep 0.1
		done
	fi
	read -r rss_max anon_max n <"$file.cur" 2>/dev/null || { rss_max=0 anon_max=0 n=0; }
	echo "${hwm:-0} $rss_max $anon_max $n $cpu" >"$file"
	rm -f "$file.stop" "$file.cur" "$file.loop" "$file.cpu"
	;;
*)
	echo "usage: $0 start|stop PID FILE" >&2
	exit 2
	;;
esac
