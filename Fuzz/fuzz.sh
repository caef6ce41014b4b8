#!/usr/bin/env bash
# Builds and runs mcusim's libFuzzer targets, one at a time (each uses one core).
#
#   Fuzz/fuzz.sh build [TARGET...]        sanitizer build (fuzzer + address) of the targets
#   Fuzz/fuzz.sh run TARGET [SECONDS]     fuzz one target (default 600 s); extra libFuzzer
#                                         flags may follow after --
#   Fuzz/fuzz.sh all [SECONDS]            every target in turn, then a summary
#   Fuzz/fuzz.sh replay TARGET FILE...    run inputs once (reproduce a crash)
#
# Targets: model npy profile budget flexbuffers.
# Work files stay under Fuzz/.build/: corpus/<target>/ (seeded from the models, fixtures,
# profiles, example budgets and Tests/Regressions on every run), artifacts/<target>/
# (crash-*, oom-*, timeout-* inputs to minimise into Tests/Regressions/) and logs/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="$(dirname "$root")/shared"
work="$here/.build"
targets=(model npy profile budget flexbuffers)

product() { case "$1" in model) echo FuzzModel ;; npy) echo FuzzNpy ;; profile) echo FuzzProfile ;; budget) echo FuzzBudget ;; flexbuffers) echo FuzzFlexBuffers ;;
            *) echo "unknown target '$1' (known: ${targets[*]})" >&2; exit 2 ;; esac; }

build() {
    local flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
    if [ $# -eq 0 ]; then (cd "$here" && swift build "${flags[@]}"); return; fi
    for t in "$@"; do (cd "$here" && swift build "${flags[@]}" --product "$(product "$t")"); done
}

binary() { echo "$here/.build/release/$(product "$1")"; }

# Seeds: copies, so the fuzzer's additions never land in the repository.
seed() {
    local t="$1" dir="$work/corpus/$1"
    mkdir -p "$dir"
    add() { for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done; return 0; }
    case "$t" in
    model)
        add "$root"/Tests/Fixtures/models/*.tflite "$root"/Examples/models/*.tflite "$here"/Seeds/model/* "$root"/Tests/Regressions/model/*
        # The real models, when ../shared is there (the largest would slow every execution).
        for f in "$shared"/models/*.tflite; do
            if [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 131072 ]; then add "$f"; fi
        done ;;
    npy) add "$root"/Tests/Fixtures/models/*.npy "$root"/Tests/Fixtures/inputs/*.npy "$root"/Examples/models/*.npy "$root"/Tests/Regressions/npy/* ;;
    profile) add "$root"/Profiles/*.json "$root"/Tests/Regressions/profile/* ;;
    budget) add "$root"/Examples/ci/budgets.json "$here"/Seeds/budget/* "$root"/Tests/Regressions/budget/* ;;
    flexbuffers) add "$here"/Seeds/flexbuffers/* "$root"/Tests/Regressions/flexbuffers/* ;;
    esac
    return 0
}

run() {
    local t="$1" seconds="${2:-600}"
    shift $(( $# >= 2 ? 2 : 1 ))
    [ "${1:-}" = "--" ] && shift
    local bin; bin="$(binary "$t")"
    [ -x "$bin" ] || build "$t"
    seed "$t"
    mkdir -p "$work/artifacts/$t" "$work/logs"
    local log="$work/logs/$t.log"
    # -fork=1 -ignore_crashes=1: a crash is saved and the fuzzing goes on; a unit slower than
    # 10 s is a hang; SWIFT_BACKTRACE=enable=no keeps Swift's backtracer out of the way.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin" "$work/corpus/$t" \
        -dict="$here/Dictionaries/$t.dict" -max_total_time="$seconds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/$t/" "$@" 2>&1 | tee "$log" | grep -E "^#|INFO: (fuzzed|exiting)|crash|timeout|oom" | tail -n 40 || true
    summary "$t"
}

summary() {
    local t="$1" log="$work/logs/$1.log"
    [ -f "$log" ] || { echo "$t: no log"; return; }
    local last; last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)"
    local artifacts; artifacts="$(ls "$work/artifacts/$t" 2>/dev/null | wc -l)"
    echo "$t: ${last:-no status line} | artifacts: $artifacts"
}

case "${1:-}" in
build) shift; build "$@" ;;
run) shift; run "$@" ;;
all)
    seconds="${2:-600}"
    build
    for t in "${targets[@]}"; do run "$t" "$seconds"; done
    echo; echo "== summary (executions, cov = covered edges, ft = features, corpus size)"
    for t in "${targets[@]}"; do summary "$t"; done ;;
replay) shift; t="$1"; shift; SWIFT_BACKTRACE=enable=no "$(binary "$t")" "$@" ;;
*) sed -n '2,14p' "$0"; exit 2 ;;
esac
