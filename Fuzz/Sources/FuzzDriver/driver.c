#include <stddef.h>
#include <stdint.h>

// Defined by the Swift file of each fuzz executable (@_cdecl).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
// libFuzzer's entry point (compiler-rt, linked by -sanitize=fuzzer).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
