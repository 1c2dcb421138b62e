#!/usr/bin/env bash
# Kiosk figures: tap to page update and page load in headless chromium (taps from the virtual
# tag on pcscd+vpcd), and the kiosk's memory after many visitors (simulated reader, over HTTP).
#
#   Benchmarks/kiosk-bench.sh [LEADGATE_BINARY] [TAPS] [VISITORS]
#
# Needs root (pcscd), chromium, chromium-driver and python3-selenium (Hardware/setup.sh).
# Takes /tmp/leadgate-vpcd.lock like the tests, so it never drives vpcd beside them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
leadgate=${1:-$root/.build/release/leadgate}
taps=${2:-40}
visitors=${3:-1000}
work=$(mktemp -d /tmp/leadgate-kiosk-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The lock's descriptor is closed for every child (9>&-): a pcscd started here must not
# inherit it, or it would hold the lock for as long as it runs.
exec 9>/tmp/leadgate-vpcd.lock
flock 9
trap 'bash "$root/Hardware/pcscd-vpcd.sh" stop 9>&- || true; rm -rf "$work"' EXIT
bash "$root/Hardware/pcscd-vpcd.sh" start 9>&-
"$leadgate" kiosk --event "Bench Expo" --pin 2468 --listen 127.0.0.1:0 --reader "Virtual PCD 00 00" \
  --store "$work/leads.sqlite" > "$work/kiosk.out" 2> "$work/kiosk.err" 9>&- &
kiosk=$!
for _ in $(seq 100); do grep -q 'http://' "$work/kiosk.out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/kiosk.out" | head -1)
/usr/bin/python3 "$root/Hardware/kiosk_browser.py" --url "$url" --pin 2468 --only latency --latency-taps "$taps" 9>&- \
  | tail -1 | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
print("tap to page update: median %.1f ms, p95 %.1f ms over %d taps; page load %.0f ms, first screen %.0f ms"
      % (r["tap_to_screen_median_ms"], r["tap_to_screen_p95_ms"], len(r["tap_to_screen_ms"]), r["page_load_ms"], r["first_screen_ms"]))'
kill "$kiosk"; wait "$kiosk" || true
bash "$root/Hardware/pcscd-vpcd.sh" stop 9>&-
trap 'rm -rf "$work"' EXIT
flock -u 9
exec 9>&-

/usr/bin/python3 "$root/Benchmarks/kiosk_visitors.py" --leadgate "$leadgate" --visitors "$visitors"
