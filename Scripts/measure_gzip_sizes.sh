#!/usr/bin/env bash
# Measures `gzip -9 -n` on the bundled models and writes Tests/Fixtures/gzip_sizes.json: the sizes
# DeflateTests holds mcusim's own compressor to (within 2%), recorded here because gzip may be
# absent where the tests run. gzip's file = a 10-byte header (no name with -n) + the DEFLATE
# stream + an 8-byte trailer (CRC-32, length), so the stream is the file less 18 bytes.
#
#   Scripts/measure_gzip_sizes.sh          (needs gzip)
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/Fixtures/gzip_sizes.json
models=(Examples/models/*.tflite Examples/seed-study/models/*.tflite)
{
    printf '{\n'
    printf '  "generator": "Scripts/measure_gzip_sizes.sh",\n'
    printf '  "gzip": "%s",\n' "$(gzip --version | head -n 1)"
    printf '  "command": "gzip -9 -n -c MODEL | wc -c",\n'
    printf '  "container_bytes": 18,\n'
    printf '  "gzip_bytes": {\n'
    last=$((${#models[@]} - 1))
    for i in "${!models[@]}"; do
        size=$(gzip -9 -n -c "${models[$i]}" | wc -c | tr -d ' ')
        sep=$([ "$i" -lt "$last" ] && echo "," || echo "")
        printf '    "%s": %s%s\n' "${models[$i]}" "$size" "$sep"
    done
    printf '  }\n}\n'
} > "$out"
echo "wrote $out (${#models[@]} models)"
