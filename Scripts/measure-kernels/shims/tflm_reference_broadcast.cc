// Shims for TFLM's broadcast ADD (BroadcastAdd4DSlow -> BroadcastBinaryOpSimple), as add.cc and cmsis_nn/add.cc
// call it when ProcessBroadcastShapes finds different shapes (kernels/tflm_reference.py). A translation unit of
// its own: the element function is called through a pointer here, and sharing tflm_reference.cc would let gcc -Os
// stop inlining it into the equal-shape ADD loop measured there.
//
// Parameters: the output's, input 1's and input 2's ranks, then the three shapes as 4 dimensions each, leading
// ones for the missing ones (a tensor's shape is its last `rank` dimensions). The quantization parameters are
// tflm_arith_params.h's.
#include <new>

#include "kc_shim.h"
#include "tflm_arith_params.h"
#include "tensorflow/lite/kernels/internal/reference/add.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/add.h"

using tflite::RuntimeShape;

namespace {

alignas(RuntimeShape) unsigned char storage[3][sizeof(RuntimeShape)];
RuntimeShape* shapes[3];  // output, input 1, input 2
tflite::ArithmeticParams arith;
void *in1_p, *in2_p, *out_p;

int broadcast_setup(int kind) {  // 0 int8, 1 float, 2 int16 (no offsets, left shift 15, as add.cc prepares int16)
    kc_reset();
    kc_int8_arith_params(arith);
    if (kind == 2) {
        arith.input1_offset = arith.input2_offset = arith.output_offset = 0;
        arith.left_shift = 15;
        arith.quantized_activation_min = -32768;
        arith.quantized_activation_max = 32767;
    }
    const int32_t* d = &kc_params[3];
    int32_t elems[3];
    for (int t = 0; t < 3; t++) {
        int32_t rank = KC_P(t);
        shapes[t] = new (storage[t]) RuntimeShape(rank, d + 4 * t + (4 - rank));
        elems[t] = d[4 * t] * d[4 * t + 1] * d[4 * t + 2] * d[4 * t + 3];
    }
    if (kind == 2) {
        KC_CHECK(in1_p = kc_alloc((uint32_t)elems[1], KC_I16, -32768, 32767));
        KC_CHECK(in2_p = kc_alloc((uint32_t)elems[2], KC_I16, -32768, 32767));
        KC_CHECK(out_p = kc_zeros(2u * (uint32_t)elems[0]));
    } else if (kind == 1) {
        KC_CHECK(in1_p = kc_alloc((uint32_t)elems[1], KC_F32, -1000, 1000));
        KC_CHECK(in2_p = kc_alloc((uint32_t)elems[2], KC_F32, -1000, 1000));
        KC_CHECK(out_p = kc_zeros(4u * (uint32_t)elems[0]));
    } else {
        KC_CHECK(in1_p = kc_alloc((uint32_t)elems[1], KC_I8, -128, 127));
        KC_CHECK(in2_p = kc_alloc((uint32_t)elems[2], KC_I8, -128, 127));
        KC_CHECK(out_p = kc_zeros((uint32_t)elems[0]));
    }
    return 0;
}

}  // namespace

extern "C" {

int kc_setup_ref_add_broadcast_s8(void) { return broadcast_setup(0); }
KC_NOINLINE void kc_run_ref_add_broadcast_s8(void) {
    tflite::reference_integer_ops::BroadcastAdd4DSlow(arith, *shapes[1], (const int8_t*)in1_p, *shapes[2],
                                                      (const int8_t*)in2_p, *shapes[0], (int8_t*)out_p);
}
int kc_setup_ref_add_broadcast_f32(void) { return broadcast_setup(1); }
KC_NOINLINE void kc_run_ref_add_broadcast_f32(void) {
    tflite::reference_ops::BroadcastAdd4DSlow(arith, *shapes[1], (const float*)in1_p, *shapes[2], (const float*)in2_p,
                                              *shapes[0], (float*)out_p);
}

int kc_setup_ref_add_broadcast_s16(void) { return broadcast_setup(2); }
KC_NOINLINE void kc_run_ref_add_broadcast_s16(void) {
    tflite::reference_ops::BroadcastAdd4DSlow(arith, *shapes[1], (const int16_t*)in1_p, *shapes[2],
                                              (const int16_t*)in2_p, *shapes[0], (int16_t*)out_p);
}

}  // extern "C"
