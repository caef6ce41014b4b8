/* Measurement shims: common interface between the harness (kc/emulator.py) and the shims.
 *
 * The harness writes a kernel's variables into kc_params (in the order of the spec's `params`),
 * calls kc_setup_<shim>() (not measured), which lays out the kernel's buffers in kc_arena with
 * kc_alloc() and fills the CMSIS-NN / TFLM parameter structures, then fills every buffer listed in
 * kc_buffers with deterministic data of its kind, and finally calls kc_run_<shim>() with the block
 * trace on: everything executed inside kc_run_<shim> (the kernel call) is measured. */
#ifndef KC_SHIM_H
#define KC_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KC_MAX_PARAMS 64
#define KC_MAX_BUFFERS 32
#define KC_ARENA_BYTES (12u << 20)

/* Buffer contents the harness writes before the measured call. Integer kinds are uniform in
 * [lo, hi]; KC_F32 is uniform in [lo, hi] / 1000; KC_ZERO is zero-filled (its count is in bytes:
 * allocate it with kc_zeros). */
enum { KC_ZERO = 0, KC_I8 = 1, KC_I16 = 2, KC_I32 = 3, KC_F32 = 4, KC_I64 = 5 };

typedef struct {
    uint32_t address;
    uint32_t count; /* elements */
    int32_t kind;
    int32_t lo, hi;
} kc_buffer;

extern int32_t kc_params[KC_MAX_PARAMS];
extern kc_buffer kc_buffers[KC_MAX_BUFFERS];
extern int32_t kc_nbuffers;
extern int32_t kc_result; /* the kernel's return value, for the harness to check */
extern uint8_t kc_arena[];
extern uint32_t kc_used;  /* arena bytes in use (the harness clears them before filling) */

/* Resets the arena and the buffer list (called by every setup first). */
void kc_reset(void);
/* `count` elements of `kind` (element size from the kind), 16-byte aligned in the arena, filled by the
 * harness as described. Returns 0 when the arena is exhausted (setup then returns non-zero). */
void *kc_alloc(uint32_t count, int32_t kind, int32_t lo, int32_t hi);
/* A zero-filled buffer of `bytes` bytes (outputs, scratch). */
void *kc_zeros(uint32_t bytes);
/* Like kc_alloc, but the buffer starts `offset` bytes after a 16-byte boundary (alignment studies). */
void *kc_alloc_offset(uint32_t count, int32_t kind, int32_t lo, int32_t hi, uint32_t offset);

#define KC_P(i) (kc_params[(i)])
#define KC_NOINLINE __attribute__((noinline))
/* Setup helpers return non-zero when an allocation fails. */
#define KC_CHECK(p) do { if (!(p)) return 1; } while (0)

#ifdef __cplusplus
}
#endif

#endif
