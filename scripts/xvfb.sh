# Sourced by the scripts that need a virtual display (scripts/run-app.sh, tests/bench/startup.sh;
# the end-to-end harness has its own, in JavaScript). start_xvfb FIRST starts Xvfb on the first
# free display from :FIRST, exports DISPLAY, sets $xvfb to its pid and kills it on exit.
start_xvfb() {
	local n=$1
	while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
	Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb=$!
	trap 'kill $xvfb 2>/dev/null || true' EXIT
	sleep 1
	export DISPLAY=":$n"
}
