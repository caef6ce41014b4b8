#!/bin/sh
# Instructions per invoke of an mcusim binary on each model, counted by callgrind
# (repeatable on a shared machine, unlike wall time): the difference between
# `run --repeat 11` and `run --repeat 1`, divided by 10, so loading, prepare and
# reporting cancel out. Inputs: run's deterministic random inputs (seed 1).
#   Scripts/callgrind-invoke.sh MCUSIM MODEL...
# Prints "model instructions_per_invoke" per model.
set -eu
mcusim=$1; shift
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mcusim" run "$1" --repeat "$2" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for model in "$@"; do
    one=$(count "$model" 1)
    eleven=$(count "$model" 11)
    echo "$(basename "$model" .tflite) $(( (eleven - one) / 10 ))"
done
