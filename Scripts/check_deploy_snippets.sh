#!/bin/sh
# Compiles what `mcusim run --deploy` prints against a TensorFlow Lite Micro checkout, with
# arm-none-eabi-g++ for a Cortex-M4: each given model's snippet as it is, then one resolver
# holding every Add call those snippets make (run it on Tests/Fixtures/models/*.tflite, which
# exercise every registered operator, to check every registration's resolver method).
#
#   Scripts/check_deploy_snippets.sh TFLM_DIR MODEL.tflite...
#
# TFLM_DIR needs its downloads (flatbuffers, gemmlowp, ruy) in tensorflow/lite/micro/tools/make/downloads,
# as `make -f tensorflow/lite/micro/tools/make/Makefile third_party_downloads` leaves them.
# MCUSIM (default .build/debug/mcusim) names the executable; CXX (default arm-none-eabi-g++) the compiler.
# KERNELS (default reference) and REGISTRATION (default: default; or int8-only) choose the snippets' kernels.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 TFLM_DIR MODEL.tflite..." >&2; exit 2; }
tflm=$1; shift
mcusim=${MCUSIM:-.build/debug/mcusim}
cxx=${CXX:-arm-none-eabi-g++}
downloads=$tflm/tensorflow/lite/micro/tools/make/downloads
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compile() {
    "$cxx" -std=c++17 -mcpu=cortex-m4 -mthumb -fno-rtti -fno-exceptions -DTF_LITE_STATIC_MEMORY \
        -I"$tflm" -I"$downloads/flatbuffers/include" -I"$downloads/gemmlowp" -I"$downloads/ruy" -c "$1" -o "$1.o"
}
compiled=0; skipped=0
for model in "$@"; do
    out=$work/snippet_$compiled.cc
    if ! "$mcusim" run "$model" --deploy --kernels "${KERNELS:-reference}" --registration "${REGISTRATION:-default}" > "$out" 2>/dev/null; then
        skipped=$((skipped + 1)); continue   # a model mcusim refuses (as TFLM does) has no snippet
    fi
    printf '\nTfLiteStatus CheckRegistration() { static ModelOpResolver r; return RegisterModelOps(r); }\n' >> "$out"
    compile "$out"
    grep -o 'op_resolver\.Add[A-Za-z0-9]*(' "$out" | sed 's/($/()/' >> "$work/methods"
    compiled=$((compiled + 1))
done
methods=$(sort -u "$work/methods")
count=$(printf '%s\n' "$methods" | wc -l)
{
    echo '#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"'
    echo "TfLiteStatus RegisterAll(tflite::MicroMutableOpResolver<$count>& op_resolver) {"
    printf '%s\n' "$methods" | sed 's/.*/  TF_LITE_ENSURE_STATUS(&);/'
    echo '  return kTfLiteOk;'
    echo '}'
} > "$work/all.cc"
compile "$work/all.cc"
echo "compiled $compiled snippets ($skipped models refused) and one resolver with all $count Add methods: ok"
