#!/bin/sh
# Regenerates the HTML reports (and arena SVGs) of the bundled example models on every
# bundled device, then screenshots each report with headless Chromium so a person can
# look at them. Screenshots are skipped, with a message, when Chromium is not installed.
#
#   Scripts/render_reports.sh [OUT_DIR]      (default: .build/reports, ignored by git)
#
# Environment: MCUSIM (a built mcusim binary; default: build one with swift build),
# CHROMIUM (the browser to use; default: chromium, chromium-browser or google-chrome).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/.build/reports"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -z "${MCUSIM:-}" ]; then
    (cd "$root" && swift build --product mcusim >/dev/null)
    MCUSIM="$root/.build/debug/mcusim"
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
    done
fi
[ -n "$browser" ] || echo "render_reports: no Chromium found (apt-get install chromium); writing reports without screenshots"

for model in "$root"/Examples/models/*.tflite; do
    name=$(basename "$model" .tflite)
    for device in nano33ble stm32f411re stm32f746zg; do
        base="$out/${name}_$device"
        "$MCUSIM" report "$model" --device "$device" --out "$base.html"
        "$MCUSIM" report "$model" --device "$device" --out "$base.svg" >/dev/null
        if [ -n "$browser" ]; then
            # A tall window so the whole page is in the picture; Chromium's chatter goes to /dev/null.
            "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2600 \
                --screenshot="$base.png" "file://$base.html" >/dev/null 2>&1 \
                && echo "screenshot $base.png" \
                || echo "render_reports: $browser could not screenshot $base.html" >&2
        fi
    done
done
