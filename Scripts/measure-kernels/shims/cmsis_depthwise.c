/* Shims for the CMSIS-NN depthwise convolutions. kc_params: input_n, input_h, input_w, input_c,
 * filter_h, filter_w, output_h, output_w, output_c, ch_mult, stride_h, stride_w, pad_h, pad_w,
 * dilation_h, dilation_w (kernels/cmsis_depthwise.py). */
#include "cmsis_common.h"

static cmsis_nn_context ctx;
static cmsis_nn_dw_conv_params dw;
static cmsis_nn_per_channel_quant_params quant;
static cmsis_nn_dims input_dims, filter_dims, bias_dims, output_dims;
static int8_t *input, *filter, *output;
static int16_t *input16, *output16;
static int32_t *bias;
static int64_t *bias64;

static int dw_common(int elem16) {
    kc_reset();
    input_dims = kc_dims(KC_P(0), KC_P(1), KC_P(2), KC_P(3));
    filter_dims = kc_dims(1, KC_P(4), KC_P(5), KC_P(8));
    output_dims = kc_dims(KC_P(0), KC_P(6), KC_P(7), KC_P(8));
    bias_dims = kc_dims(1, 1, 1, KC_P(8));
    dw.ch_mult = KC_P(9);
    dw.stride.h = KC_P(10);
    dw.stride.w = KC_P(11);
    dw.padding.h = KC_P(12);
    dw.padding.w = KC_P(13);
    dw.dilation.h = KC_P(14);
    dw.dilation.w = KC_P(15);
    dw.input_offset = elem16 ? 0 : 3;
    dw.output_offset = elem16 ? 0 : -5;
    dw.activation.min = elem16 ? -32768 : -128;
    dw.activation.max = elem16 ? 32767 : 127;
    int32_t in_n = input_dims.n * input_dims.h * input_dims.w * input_dims.c;
    int32_t out_n = output_dims.n * output_dims.h * output_dims.w * output_dims.c;
    if (elem16) {
        KC_CHECK(input16 = kc_s16(in_n));
        KC_CHECK(output16 = (int16_t *)kc_zeros((uint32_t)out_n * 2u));
        KC_CHECK(bias64 = (int64_t *)kc_alloc((uint32_t)output_dims.c, KC_I64, -100000, 100000));
    } else {
        KC_CHECK(input = kc_s8(in_n));
        KC_CHECK(output = (int8_t *)kc_zeros((uint32_t)out_n));
        KC_CHECK(bias = kc_bias32(output_dims.c));
    }
    KC_CHECK(filter = kc_s8(filter_dims.h * filter_dims.w * filter_dims.c));
    KC_CHECK(quant.multiplier = kc_multipliers(output_dims.c));
    KC_CHECK(quant.shift = kc_shifts(output_dims.c));
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

int kc_setup_arm_depthwise_conv_3x3_s8(void) { return dw_common(0); }

KC_NOINLINE void kc_run_arm_depthwise_conv_3x3_s8(void) {
    kc_result = arm_depthwise_conv_3x3_s8(&ctx, &dw, &quant, &input_dims, input, &filter_dims, filter, &bias_dims,
                                          bias, &output_dims, output);
}

int kc_setup_arm_depthwise_conv_s8_opt(void) {
    if (dw_common(0)) return 1;
    ctx.size = arm_depthwise_conv_s8_opt_get_buffer_size(&input_dims, &filter_dims);
    KC_CHECK(ctx.buf = kc_scratch(ctx.size));
    return 0;
}

KC_NOINLINE void kc_run_arm_depthwise_conv_s8_opt(void) {
    kc_result = arm_depthwise_conv_s8_opt(&ctx, &dw, &quant, &input_dims, input, &filter_dims, filter, &bias_dims,
                                          bias, &output_dims, output);
}

int kc_setup_arm_depthwise_conv_s8(void) { return dw_common(0); }

KC_NOINLINE void kc_run_arm_depthwise_conv_s8(void) {
    kc_result = arm_depthwise_conv_s8(&ctx, &dw, &quant, &input_dims, input, &filter_dims, filter, &bias_dims, bias,
                                      &output_dims, output);
}

int kc_setup_arm_depthwise_conv_s16(void) { return dw_common(1); }

KC_NOINLINE void kc_run_arm_depthwise_conv_s16(void) {
    kc_result = arm_depthwise_conv_s16(&ctx, &dw, &quant, &input_dims, input16, &filter_dims, filter, &bias_dims,
                                       bias64, &output_dims, output16);
}
