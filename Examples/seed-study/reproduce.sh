#!/bin/sh
# Regenerates every table and chart of README.md from the committed models and data, with the
# built mcusim alone (no Python). Each command is printed, then its output; README.md holds the
# same text block by block (Tests/MCUSimTests/ReproduceTests.swift checks it).
#
#   swift build -c release && Examples/seed-study/reproduce.sh
#
# MCUSIM names the mcusim binary (default: the release build); CHARTS the directory the SVG
# charts are written to (default: charts/ here; the test points it elsewhere, the printed
# commands name charts/). The host-speed line of `eval` changes from run to run and is left out.
set -eu
cd "$(dirname "$0")"
mcusim=${MCUSIM:-../../.build/release/mcusim}
charts=${CHARTS:-charts}
if [ ! -x "$mcusim" ]; then
    echo "reproduce.sh: no mcusim at $mcusim (build it with 'swift build -c release', or set MCUSIM)" >&2
    exit 2
fi
mkdir -p "$charts"

# Prints the command as `$ mcusim ...`: each option on a continued line of its own, other
# words added to the line while it stays within 100 characters.
show() {
    line='$ mcusim'
    for word in "$@"; do
        case $word in
            --*) printf '%s \\\n' "$line"; line="    $word" ;;
            *) if [ $((${#line} + ${#word})) -ge 100 ]; then printf '%s \\\n' "$line"; line="    $word"; else line="$line $word"; fi ;;
        esac
    done
    printf '%s\n' "$line"
}

# Runs mcusim with the charts directory put where CHARTS says; exit 1 (a model that fits no
# device) is a result, anything higher a failure.
run() {
    show "$@"
    status=0
    "$mcusim" $(for word in "$@"; do case $word in charts/*) echo "$charts/${word#charts/}" ;; *) echo "$word" ;; esac; done) \
        > "$charts/.out" || status=$?
    grep -v '^host speed' "$charts/.out" || true
    rm -f "$charts/.out"
    [ "$status" -le 1 ] || exit "$status"
    echo
}

variants="fp32 int8 p20_fp32 p40_fp32 p50_fp32 p60_fp32 p70_fp32 p20_int8 p40_int8 p50_int8 p60_int8 p70_int8"
models() { for v in $variants; do printf 'models/%s_%s.tflite ' "$1" "$v"; done; }
others() { for v in $variants; do [ "$v" = fp32 ] || printf -- '--compare models/%s_%s.tflite ' "$1" "$v"; done; }
references() { for v in $variants; do printf -- '--reference-predictions predictions/%s_%s.npy ' "$1" "$v"; done; }

mnist_data="--inputs data/mnist_test_x.npy --labels data/mnist_test_y.npy --scale 1/255"
har_data="--inputs data/har_test_x.npy --labels data/har_test_y.npy"

# 1-2. The thesis' tables: every variant on every board, with its accuracy.
run fit $(models mnist_cnn) $mnist_data --svg charts/mnist_cnn.svg
run fit $(models har_fc) $har_data --svg charts/har_fc.svg

# 3. The deployability matrix with the thesis' 256 KB of flash for the Nano 33 BLE.
run fit models/mnist_cnn_fp32.tflite models/mnist_cnn_int8.tflite models/har_fc_fp32.tflite models/har_fc_int8.tflite \
    --device nano33ble --device nano33ble-256k --device stm32f411re --profiles thesis-profiles

# 4. FP32 against the other variants (as stm32ai validate compares), and TFLM's own predictions.
run eval models/mnist_cnn_fp32.tflite $(others mnist_cnn) $mnist_data $(references mnist_cnn)
run eval models/har_fc_fp32.tflite $(others har_fc) $har_data $(references har_fc)
