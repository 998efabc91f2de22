#!/usr/bin/env bash
# Cold start, binary size and idle memory of the release build, under Xvfb.
#   tests/bench/startup.sh [target/release/takt-desktop] [runs]
# "Interactive" is when the page has drawn the sample and asked for its first command after
# that (src-tauri/src/commands.rs, startup_error). Each run starts with a fresh data folder, so
# it makes the sample document as a first start does; the page cache is dropped first when the
# machine allows it (root).
set -euo pipefail
app=${1:-target/release/takt-desktop}
runs=${2:-10}
source "$(dirname "$0")/../../scripts/xvfb.sh"
start_xvfb 97
export TAKT_REPORT_STARTUP=1
times=()
for i in $(seq 1 "$runs"); do
	data=$(mktemp -d)
	sync
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
	log=$(mktemp)
	TAKT_DATA_DIR=$data "$app" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		grep -q "interactive" "$log" && break
		sleep 0.05
	done
	t=$(grep -o "interactive [0-9]* ms" "$log" | grep -o "[0-9]*" || echo "?")
	times+=("$t")
	if [ "$i" = "$runs" ]; then
		sleep 5
		rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
		main=$(rss "$pid")
		web=0
		for c in $(pgrep -P "$pid" || true); do
			name=$(cat "/proc/$c/comm")
			echo "child $c $name: $(rss "$c") kB"
			web=$((web + $(rss "$c")))
		done
		echo "idle memory (RSS): main ${main} kB, web and network processes ${web} kB"
	fi
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$data" "$log"
done
echo "interactive after (ms): ${times[*]}"
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median %s ms, max %s ms\n", a[int((NR + 1) / 2)], a[NR] }'
size=$(stat -c %s "$app")
stripped=$(mktemp)
strip -o "$stripped" "$app"
echo "binary: $((size / 1024)) KiB, stripped $(($(stat -c %s "$stripped") / 1024)) KiB"
rm -f "$stripped"
