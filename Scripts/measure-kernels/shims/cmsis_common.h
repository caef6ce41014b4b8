/* Helpers shared by the CMSIS-NN shims: quantization data and activation ranges as a TFLM-prepared
 * int8 model has them (per-channel multipliers in [2^30, 2^31), right shifts of 1-8 bits). */
#ifndef KC_CMSIS_COMMON_H
#define KC_CMSIS_COMMON_H

#include "kc_shim.h"
#include "arm_nnfunctions.h"
#include "arm_nnsupportfunctions.h"

#define KC_MULT_LO (1 << 30)
#define KC_MULT_HI 0x7fffffff
#define KC_SHIFT_LO (-8)
#define KC_SHIFT_HI (-1)

static inline int32_t *kc_multipliers(int32_t n) { return (int32_t *)kc_alloc((uint32_t)n, KC_I32, KC_MULT_LO, KC_MULT_HI); }
static inline int32_t *kc_shifts(int32_t n) { return (int32_t *)kc_alloc((uint32_t)n, KC_I32, KC_SHIFT_LO, KC_SHIFT_HI); }
static inline int32_t *kc_bias32(int32_t n) { return (int32_t *)kc_alloc((uint32_t)n, KC_I32, -5000, 5000); }
static inline int8_t *kc_s8(int32_t n) { return (int8_t *)kc_alloc((uint32_t)n, KC_I8, -128, 127); }
static inline int16_t *kc_s16(int32_t n) { return (int16_t *)kc_alloc((uint32_t)n, KC_I16, -32768, 32767); }
static inline void *kc_scratch(int32_t bytes) { return bytes > 0 ? kc_zeros((uint32_t)bytes) : 0; }

static inline cmsis_nn_dims kc_dims(int32_t n, int32_t h, int32_t w, int32_t c) {
    cmsis_nn_dims d = {n, h, w, c};
    return d;
}


#endif
