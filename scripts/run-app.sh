#!/usr/bin/env bash
# Opens Takt on the bundled sample. Without a display it runs on a virtual one (Xvfb), saves a
# screenshot and says where, then keeps running until interrupted.
set -euo pipefail
app=${1:-target/debug/takt-desktop}
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
	exec "$app" --sample
fi
source "$(dirname "$0")/xvfb.sh"
start_xvfb 99
"$app" --sample &
pid=$!
trap 'kill $pid 2>/dev/null || true; kill $xvfb 2>/dev/null || true' EXIT INT TERM
# Give the window time to open and draw the sample.
for _ in $(seq 1 40); do
	sleep 0.5
	if ! kill -0 "$pid" 2>/dev/null; then echo "Takt exited early" >&2; exit 1; fi
done
shot="$(pwd)/target/takt-screenshot.png"
import -window root "$shot"
echo "No display here: Takt is running on a virtual display ($DISPLAY)."
echo "Screenshot of the window: $shot"
echo "Press Ctrl+C to quit."
wait "$pid"
