#include <stddef.h>
#include <stdint.h>

// Defined by the Swift file of each fuzz executable (@_cdecl).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
// libFuzzer's entry point (compiler-rt, linked by -sanitize=fuzzer).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

// SwiftPM links an executable target with `--defsym main=<Target>_main`, and the linker then
// prefers that `main` to the one in libFuzzer's archive. With -parse-as-library the Swift
// files define no <Target>_main, so it is defined here, once per fuzz target, handing
// control to libFuzzer.
#define FUZZ_ENTRY(target) \
    int target##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(FuzzModel)
FUZZ_ENTRY(FuzzNpy)
FUZZ_ENTRY(FuzzProfile)
FUZZ_ENTRY(FuzzBudget)
FUZZ_ENTRY(FuzzFlexBuffers)
