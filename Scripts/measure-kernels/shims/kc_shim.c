/* The shim runtime: parameter block, buffer list and arena (see kc_shim.h). */
#include "kc_shim.h"

int32_t kc_params[KC_MAX_PARAMS];
kc_buffer kc_buffers[KC_MAX_BUFFERS];
int32_t kc_nbuffers;
int32_t kc_result;
uint8_t kc_arena[KC_ARENA_BYTES] __attribute__((aligned(16)));
uint32_t kc_used;

void kc_reset(void) {
    kc_used = 0;
    kc_nbuffers = 0;
    kc_result = 0;
}

static uint32_t element_bytes(int32_t kind) {
    switch (kind) {
    case KC_I16: return 2;
    case KC_I32: case KC_F32: return 4;
    case KC_I64: return 8;
    default: return 1;
    }
}

void *kc_alloc_offset(uint32_t count, int32_t kind, int32_t lo, int32_t hi, uint32_t offset) {
    /* 16 bytes between buffers hold the harness's canary (overrun check). */
    uint32_t start = ((kc_used + 16u + 15u) & ~15u) + offset;
    uint32_t bytes = count * element_bytes(kind);
    if (kc_nbuffers >= KC_MAX_BUFFERS || start + bytes + 16u > KC_ARENA_BYTES) return 0;
    kc_used = start + bytes;
    kc_buffer *b = &kc_buffers[kc_nbuffers++];
    b->address = (uint32_t)(uintptr_t)&kc_arena[start];
    b->count = count;
    b->kind = kind;
    b->lo = lo;
    b->hi = hi;
    return &kc_arena[start];
}

void *kc_zeros(uint32_t bytes) {
    return kc_alloc_offset(bytes, KC_ZERO, 0, 0, 0);
}

void *kc_alloc(uint32_t count, int32_t kind, int32_t lo, int32_t hi) {
    return kc_alloc_offset(count, kind, lo, hi, 0);
}

/* TFLM's TFLITE_ABORT / TFLITE_CHECK call abort(); newlib's would pull in signal handling and malloc. A kernel
 * that aborts executes an undefined instruction here, which stops the emulator with an error. */
void abort(void) {
    __builtin_trap();
}
