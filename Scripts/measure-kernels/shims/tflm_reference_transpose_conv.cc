// Shims for TFLM's reference TRANSPOSE_CONV (reference/transpose_conv.h, reference/integer_ops/transpose_conv.h),
// called as transpose_conv.cc calls them: float32, int8 (per-channel, int32 scratch) and int16 (int64 bias and
// scratch). A translation unit of its own, so that tflm_reference.cc's code (and counts) do not change.
//
// Parameters (kernels/tflm_reference.py, TCONV_REF_VARIABLES): input_n, input_h, input_w, input_c, filter_h,
// filter_w, output_h, output_w, output_c, stride_h, stride_w, pad_h, pad_w, has_bias.
#include <new>

#include "kc_shim.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/transpose_conv.h"
#include "tensorflow/lite/kernels/internal/reference/transpose_conv.h"

using tflite::RuntimeShape;

namespace {

alignas(RuntimeShape) unsigned char storage[4][sizeof(RuntimeShape)];
RuntimeShape* shapes[4];  // input, filter, bias, output
tflite::ConvParams params;
void *in_p, *filter_p, *bias_p, *out_p, *scratch_p, *mult_p, *shift_p;

RuntimeShape* shape4(int i, int32_t n, int32_t h, int32_t w, int32_t c) {
    int32_t dims[4] = {n, h, w, c};
    return shapes[i] = new (storage[i]) RuntimeShape(4, dims);
}

int setup(int kind) {  // 0 int8, 1 float, 2 int16
    kc_reset();
    const int32_t n = KC_P(0), ih = KC_P(1), iw = KC_P(2), ic = KC_P(3), fh = KC_P(4), fw = KC_P(5);
    const int32_t oh = KC_P(6), ow = KC_P(7), oc = KC_P(8);
    shape4(0, n, ih, iw, ic);
    shape4(1, oc, fh, fw, ic);
    int32_t bias_dims[1] = {oc};
    shapes[2] = new (storage[2]) RuntimeShape(1, bias_dims);
    shape4(3, n, oh, ow, oc);
    params.stride_height = (int16_t)KC_P(9);
    params.stride_width = (int16_t)KC_P(10);
    params.padding_values.height = (int16_t)KC_P(11);
    params.padding_values.width = (int16_t)KC_P(12);
    params.input_offset = kind == 0 ? 3 : 0;
    params.output_offset = kind == 0 ? -5 : 0;
    params.quantized_activation_min = kind == 2 ? -32768 : -128;
    params.quantized_activation_max = kind == 2 ? 32767 : 127;
    params.float_activation_min = -6.0f;
    params.float_activation_max = 6.0f;
    const int32_t in_n = n * ih * iw * ic, f_n = oc * fh * fw * ic, out_n = n * oh * ow * oc;
    const bool bias = KC_P(13) != 0;
    bias_p = nullptr;
    if (kind == 1) {
        KC_CHECK(in_p = kc_alloc((uint32_t)in_n, KC_F32, -1000, 1000));
        KC_CHECK(filter_p = kc_alloc((uint32_t)f_n, KC_F32, -1000, 1000));
        if (bias) KC_CHECK(bias_p = kc_alloc((uint32_t)oc, KC_F32, -1000, 1000));
        KC_CHECK(out_p = kc_zeros(4u * (uint32_t)out_n));
    } else {
        KC_CHECK(in_p = kind == 2 ? kc_alloc((uint32_t)in_n, KC_I16, -32768, 32767) : kc_alloc((uint32_t)in_n, KC_I8, -128, 127));
        KC_CHECK(filter_p = kc_alloc((uint32_t)f_n, KC_I8, -128, 127));
        if (bias) {
            KC_CHECK(bias_p = kind == 2 ? kc_alloc((uint32_t)oc, KC_I64, -100000, 100000)
                                        : kc_alloc((uint32_t)oc, KC_I32, -5000, 5000));
        }
        KC_CHECK(out_p = kc_zeros((kind == 2 ? 2u : 1u) * (uint32_t)out_n));
        KC_CHECK(scratch_p = kc_zeros((kind == 2 ? 8u : 4u) * (uint32_t)out_n));
        KC_CHECK(mult_p = kc_alloc((uint32_t)oc, KC_I32, 1 << 30, 0x7fffffff));
        KC_CHECK(shift_p = kc_alloc((uint32_t)oc, KC_I32, -8, -1));
    }
    return 0;
}

}  // namespace

extern "C" {

int kc_setup_ref_transpose_conv_f32(void) { return setup(1); }
KC_NOINLINE void kc_run_ref_transpose_conv_f32(void) {
    tflite::reference_ops::TransposeConv(params, *shapes[0], (const float*)in_p, *shapes[1], (const float*)filter_p,
                                         *shapes[2], (const float*)bias_p, *shapes[3], (float*)out_p, RuntimeShape(),
                                         nullptr);
}
int kc_setup_ref_transpose_conv_s8(void) { return setup(0); }
KC_NOINLINE void kc_run_ref_transpose_conv_s8(void) {
    tflite::reference_integer_ops::TransposeConv(params, (const int32_t*)mult_p, (const int32_t*)shift_p, *shapes[0],
                                                 (const int8_t*)in_p, *shapes[1], (const int8_t*)filter_p, *shapes[2],
                                                 (const int32_t*)bias_p, *shapes[3], (int8_t*)out_p, RuntimeShape(),
                                                 nullptr, (int32_t*)scratch_p);
}
int kc_setup_ref_transpose_conv_s16(void) { return setup(2); }
KC_NOINLINE void kc_run_ref_transpose_conv_s16(void) {
    tflite::reference_integer_ops::TransposeConv(params, (const int32_t*)mult_p, (const int32_t*)shift_p, *shapes[0],
                                                 (const int16_t*)in_p, *shapes[1], (const int8_t*)filter_p, *shapes[2],
                                                 (const int64_t*)bias_p, *shapes[3], (int16_t*)out_p, RuntimeShape(),
                                                 nullptr, (int64_t*)scratch_p);
}

}  // extern "C"
