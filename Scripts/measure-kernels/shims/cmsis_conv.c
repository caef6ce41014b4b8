/* Shims for the CMSIS-NN convolutions (arm_convolve_*_s8/s16). Parameters (kc_params) in the order of
 * the spec's `params` in kernels/cmsis_conv.py. */
#include "cmsis_common.h"

static cmsis_nn_context ctx;
static cmsis_nn_conv_params conv;
static cmsis_nn_per_channel_quant_params quant;
static cmsis_nn_dims input_dims, filter_dims, bias_dims, output_dims, upscale_dims;
static int8_t *input, *filter, *output;
static int16_t *input16, *output16;
static int32_t *bias;
static cmsis_nn_bias_data bias16;

/* input_n, input_h, input_w, input_c, filter_h, filter_w, filter_c, output_h, output_w, output_c,
 * stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w */
static int conv_common(int elem16) {
    kc_reset();
    input_dims = kc_dims(KC_P(0), KC_P(1), KC_P(2), KC_P(3));
    filter_dims = kc_dims(KC_P(9), KC_P(4), KC_P(5), KC_P(6));
    output_dims = kc_dims(KC_P(0), KC_P(7), KC_P(8), KC_P(9));
    bias_dims = kc_dims(1, 1, 1, KC_P(9));
    conv.stride.h = KC_P(10);
    conv.stride.w = KC_P(11);
    conv.padding.h = KC_P(12);
    conv.padding.w = KC_P(13);
    conv.dilation.h = KC_P(14);
    conv.dilation.w = KC_P(15);
    conv.input_offset = elem16 ? 0 : 3;
    conv.output_offset = elem16 ? 0 : -5;
    conv.activation.min = elem16 ? -32768 : -128;
    conv.activation.max = elem16 ? 32767 : 127;
    int32_t in_n = input_dims.n * input_dims.h * input_dims.w * input_dims.c;
    int32_t out_n = output_dims.n * output_dims.h * output_dims.w * output_dims.c;
    if (elem16) {
        KC_CHECK(input16 = kc_s16(in_n));
        KC_CHECK(output16 = (int16_t *)kc_zeros((uint32_t)out_n * 2u));
    } else {
        KC_CHECK(input = kc_s8(in_n));
        KC_CHECK(output = (int8_t *)kc_zeros((uint32_t)out_n));
    }
    KC_CHECK(filter = kc_s8(filter_dims.n * filter_dims.h * filter_dims.w * filter_dims.c));
    KC_CHECK(quant.multiplier = kc_multipliers(output_dims.c));
    KC_CHECK(quant.shift = kc_shifts(output_dims.c));
    return 0;
}

int kc_setup_arm_convolve_1x1_s8_fast(void) {
    if (conv_common(0)) return 1;
    KC_CHECK(bias = kc_bias32(output_dims.c));
    ctx.size = arm_convolve_1x1_s8_fast_get_buffer_size(&input_dims);
    ctx.buf = kc_scratch(ctx.size);
    return 0;
}

KC_NOINLINE void kc_run_arm_convolve_1x1_s8_fast(void) {
    kc_result = arm_convolve_1x1_s8_fast(&ctx, &conv, &quant, &input_dims, input, &filter_dims, filter, &bias_dims,
                                         bias, &output_dims, output);
}

int kc_setup_arm_convolve_1x1_s8(void) {
    if (conv_common(0)) return 1;
    KC_CHECK(bias = kc_bias32(output_dims.c));
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

KC_NOINLINE void kc_run_arm_convolve_1x1_s8(void) {
    kc_result = arm_convolve_1x1_s8(&ctx, &conv, &quant, &input_dims, input, &filter_dims, filter, &bias_dims, bias,
                                    &output_dims, output);
}

int kc_setup_arm_convolve_s8(void) {
    if (conv_common(0)) return 1;
    KC_CHECK(bias = kc_bias32(output_dims.c));
    ctx.size = arm_convolve_s8_get_buffer_size(&input_dims, &filter_dims);
    /* TFLM sizes the buffer with the input depth; with groups the kernel needs less. */
    KC_CHECK(ctx.buf = kc_scratch(ctx.size));
    return 0;
}

KC_NOINLINE void kc_run_arm_convolve_s8(void) {
    kc_result = arm_convolve_s8(&ctx, &conv, &quant, &input_dims, input, &filter_dims, filter, &bias_dims, bias, 0,
                                &output_dims, output);
}

int kc_setup_arm_convolve_s16(void) {
    if (conv_common(1)) return 1;
    /* kc_params[16]: 1 for an int32 bias, 0 for int64 (TFLM's default for int16 activations). */
    void *b;
    if (KC_P(16)) {
        KC_CHECK(b = kc_bias32(output_dims.c));
    } else {
        KC_CHECK(b = kc_alloc((uint32_t)output_dims.c, KC_I64, -100000, 100000));
    }
    bias16.data = b;
    *(bool *)&bias16.is_int32_bias = KC_P(16) != 0;
    ctx.size = arm_convolve_wrapper_s16_get_buffer_size(&conv, &input_dims, &filter_dims, &output_dims);
    KC_CHECK(ctx.buf = kc_scratch(ctx.size));
    return 0;
}

KC_NOINLINE void kc_run_arm_convolve_s16(void) {
    kc_result = arm_convolve_s16(&ctx, &conv, &quant, &input_dims, input16, &filter_dims, filter, &bias_dims, &bias16,
                                 &output_dims, output16);
}
