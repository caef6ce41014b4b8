#!/bin/sh
# Regenerates the examples' tables with the built mcusim (no Python): for now the seed study's
# (seed-study/README.md holds its output verbatim). MCUSIM names the binary, as there.
#
#   swift build -c release && Examples/reproduce.sh
set -eu
cd "$(dirname "$0")"
MCUSIM=${MCUSIM:-$(pwd)/../.build/release/mcusim} exec seed-study/reproduce.sh
