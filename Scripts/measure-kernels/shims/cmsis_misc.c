/* Shims for CMSIS-NN fully connected, pooling, elementwise and softmax kernels (kernels/cmsis_misc.py). */
#include "cmsis_common.h"

static cmsis_nn_context ctx;
static cmsis_nn_dims input_dims, filter_dims, bias_dims, output_dims;
static int8_t *in8, *in8b, *w8, *out8;
static int16_t *in16, *in16b, *out16;
static int32_t *bias32;
static int64_t *bias64;

/* ---- fully connected: input_n, filter_n (accumulation depth), output_c ---- */
static cmsis_nn_fc_params fc;
static cmsis_nn_per_tensor_quant_params tensor_quant;
static cmsis_nn_per_channel_quant_params channel_quant;

static int fc_common(int elem16) {
    kc_reset();
    input_dims = kc_dims(KC_P(0), 1, 1, KC_P(1));
    filter_dims = kc_dims(KC_P(1), 1, 1, KC_P(2));
    output_dims = kc_dims(KC_P(0), 1, 1, KC_P(2));
    bias_dims = kc_dims(1, 1, 1, KC_P(2));
    fc.input_offset = elem16 ? 0 : 3;
    fc.filter_offset = 0;
    fc.output_offset = elem16 ? 0 : -5;
    fc.activation.min = elem16 ? -32768 : -128;
    fc.activation.max = elem16 ? 32767 : 127;
    tensor_quant.multiplier = 1518500250;
    tensor_quant.shift = -5;
    uint32_t n_in = (uint32_t)(KC_P(0) * KC_P(1)), n_out = (uint32_t)(KC_P(0) * KC_P(2));
    if (elem16) {
        KC_CHECK(in16 = kc_s16((int32_t)n_in));
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * n_out));
        KC_CHECK(bias64 = (int64_t *)kc_alloc((uint32_t)KC_P(2), KC_I64, -100000, 100000));
    } else {
        KC_CHECK(in8 = kc_s8((int32_t)n_in));
        KC_CHECK(out8 = (int8_t *)kc_zeros(n_out));
        KC_CHECK(bias32 = kc_bias32(KC_P(2)));
    }
    KC_CHECK(w8 = kc_s8(KC_P(1) * KC_P(2)));
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

int kc_setup_arm_fully_connected_s8(void) { return fc_common(0); }

KC_NOINLINE void kc_run_arm_fully_connected_s8(void) {
    kc_result = arm_fully_connected_s8(&ctx, &fc, &tensor_quant, &input_dims, in8, &filter_dims, w8, &bias_dims, bias32,
                                       &output_dims, out8);
}

int kc_setup_arm_fully_connected_per_channel_s8(void) {
    if (fc_common(0)) return 1;
    KC_CHECK(channel_quant.multiplier = kc_multipliers(KC_P(2)));
    KC_CHECK(channel_quant.shift = kc_shifts(KC_P(2)));
    return 0;
}

KC_NOINLINE void kc_run_arm_fully_connected_per_channel_s8(void) {
    kc_result = arm_fully_connected_per_channel_s8(&ctx, &fc, &channel_quant, &input_dims, in8, &filter_dims, w8,
                                                   &bias_dims, bias32, &output_dims, out8);
}

int kc_setup_arm_fully_connected_s16(void) { return fc_common(1); }

KC_NOINLINE void kc_run_arm_fully_connected_s16(void) {
    kc_result = arm_fully_connected_s16(&ctx, &fc, &tensor_quant, &input_dims, in16, &filter_dims, w8, &bias_dims,
                                        bias64, &output_dims, out16);
}

/* ---- pooling: input_n, input_h, input_w, input_c, filter_h, filter_w, output_h, output_w, stride_h, stride_w,
 *      pad_h, pad_w ---- */
static cmsis_nn_pool_params pool;

static int pool_common(int elem16) {
    kc_reset();
    input_dims = kc_dims(KC_P(0), KC_P(1), KC_P(2), KC_P(3));
    filter_dims = kc_dims(1, KC_P(4), KC_P(5), 1);
    output_dims = kc_dims(KC_P(0), KC_P(6), KC_P(7), KC_P(3));
    pool.stride.h = KC_P(8);
    pool.stride.w = KC_P(9);
    pool.padding.h = KC_P(10);
    pool.padding.w = KC_P(11);
    pool.activation.min = elem16 ? -32768 : -128;
    pool.activation.max = elem16 ? 32767 : 127;
    int32_t n_in = input_dims.n * input_dims.h * input_dims.w * input_dims.c;
    uint32_t n_out = (uint32_t)(output_dims.n * output_dims.h * output_dims.w * output_dims.c);
    if (elem16) {
        KC_CHECK(in16 = kc_s16(n_in));
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * n_out));
    } else {
        KC_CHECK(in8 = kc_s8(n_in));
        KC_CHECK(out8 = (int8_t *)kc_zeros(n_out));
    }
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

int kc_setup_arm_avgpool_s8(void) {
    if (pool_common(0)) return 1;
    ctx.size = arm_avgpool_s8_get_buffer_size(output_dims.w, input_dims.c);
    if (ctx.size) KC_CHECK(ctx.buf = kc_scratch(ctx.size));
    return 0;
}

KC_NOINLINE void kc_run_arm_avgpool_s8(void) {
    kc_result = arm_avgpool_s8(&ctx, &pool, &input_dims, in8, &filter_dims, &output_dims, out8);
}

int kc_setup_arm_avgpool_s16(void) {
    if (pool_common(1)) return 1;
    ctx.size = arm_avgpool_s16_get_buffer_size(output_dims.w, input_dims.c);
    if (ctx.size) KC_CHECK(ctx.buf = kc_scratch(ctx.size));
    return 0;
}

KC_NOINLINE void kc_run_arm_avgpool_s16(void) {
    kc_result = arm_avgpool_s16(&ctx, &pool, &input_dims, in16, &filter_dims, &output_dims, out16);
}

int kc_setup_arm_max_pool_s8(void) { return pool_common(0); }

KC_NOINLINE void kc_run_arm_max_pool_s8(void) {
    kc_result = arm_max_pool_s8(&ctx, &pool, &input_dims, in8, &filter_dims, &output_dims, out8);
}

int kc_setup_arm_max_pool_s16(void) { return pool_common(1); }

KC_NOINLINE void kc_run_arm_max_pool_s16(void) {
    kc_result = arm_max_pool_s16(&ctx, &pool, &input_dims, in16, &filter_dims, &output_dims, out16);
}

/* ---- elementwise: block_size ---- */
static int elementwise_common(int elem16) {
    kc_reset();
    uint32_t n = (uint32_t)KC_P(0);
    if (elem16) {
        KC_CHECK(in16 = kc_s16((int32_t)n));
        KC_CHECK(in16b = kc_s16((int32_t)n));
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * n));
    } else {
        KC_CHECK(in8 = kc_s8((int32_t)n));
        KC_CHECK(in8b = kc_s8((int32_t)n));
        KC_CHECK(out8 = (int8_t *)kc_zeros(n));
    }
    return 0;
}

/* Quantization as TFLM's add Prepare makes it for int8 (left_shift 20, input multipliers < 2^30). */
int kc_setup_arm_elementwise_add_s8(void) { return elementwise_common(0); }

KC_NOINLINE void kc_run_arm_elementwise_add_s8(void) {
    kc_result = arm_elementwise_add_s8(in8, in8b, 3, 1073741824, -1, -7, 1518500250, -2, 20, out8, -4, 1431655765, -19,
                                       -128, 127, KC_P(0));
}

/* int16: TFLM's add Prepare uses left_shift 15 and zero offsets. */
int kc_setup_arm_elementwise_add_s16(void) { return elementwise_common(1); }

KC_NOINLINE void kc_run_arm_elementwise_add_s16(void) {
    kc_result = arm_elementwise_add_s16(in16, in16b, 0, 1073741824, -1, 0, 1518500250, -2, 15, out16, 0, 1431655765,
                                        -14, -32768, 32767, KC_P(0));
}

int kc_setup_arm_elementwise_mul_s8(void) { return elementwise_common(0); }

KC_NOINLINE void kc_run_arm_elementwise_mul_s8(void) {
    kc_result = arm_elementwise_mul_s8(in8, in8b, 3, -7, out8, -4, 1431655765, -7, -128, 127, KC_P(0));
}

int kc_setup_arm_elementwise_mul_s16(void) { return elementwise_common(1); }

KC_NOINLINE void kc_run_arm_elementwise_mul_s16(void) {
    kc_result = arm_elementwise_mul_s16(in16, in16b, 0, 0, out16, 0, 1431655765, -14, -32768, 32767, KC_P(0));
}

/* ---- softmax: num_rows, row_size, row_skipped (elements per row below diff_min) ----
 * Rows: element 0 is the maximum (127), the next row_skipped elements are -128 (diff -255 < diff_min = -64),
 * the rest uniform in [64, 127] (within diff_min of the maximum). mult/shift as TFLM derives them for beta 1
 * and an input scale of 1/16. */
#define KC_SOFTMAX_DIFF_MIN (-64)

static cmsis_nn_softmax_lut_s16 lut;

static int softmax_common(int in16_flag, int out16_flag) {
    kc_reset();
    uint32_t n = (uint32_t)(KC_P(0) * KC_P(1));
    if (in16_flag) {
        KC_CHECK(in16 = kc_s16((int32_t)n));
    } else {
        /* In range everywhere; kc_prepare_* then puts each row's maximum and low elements. */
        KC_CHECK(in8 = (int8_t *)kc_alloc(n, KC_I8, 64, 127));
    }
    if (out16_flag) {
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * n));
    } else {
        KC_CHECK(out8 = (int8_t *)kc_zeros(n));
    }
    if (in16_flag) {
        KC_CHECK(lut.exp_lut = (const int16_t *)kc_alloc(513, KC_I16, 1000, 32767));
        KC_CHECK(lut.one_by_one_lut = (const int16_t *)kc_alloc(513, KC_I16, 1000, 32767));
    }
    return 0;
}

/* Called after the harness filled the buffers (kc_prepare_<shim>): puts each row's maximum and low elements. */
static void softmax_patch_s8(void) {
    int32_t rows = KC_P(0), size = KC_P(1), skipped = KC_P(2);
    for (int32_t r = 0; r < rows; r++) {
        int8_t *row = in8 + r * size;
        row[0] = 127;
        for (int32_t k = 1; k <= skipped && k < size; k++) row[k] = -128;
    }
}

int kc_setup_arm_softmax_s8(void) { return softmax_common(0, 0); }
void kc_prepare_arm_softmax_s8(void) { softmax_patch_s8(); }

KC_NOINLINE void kc_run_arm_softmax_s8(void) {
    arm_softmax_s8(in8, KC_P(0), KC_P(1), 1073741824, 22, KC_SOFTMAX_DIFF_MIN, out8);
}

int kc_setup_arm_softmax_s8_s16(void) { return softmax_common(0, 1); }
void kc_prepare_arm_softmax_s8_s16(void) { softmax_patch_s8(); }

KC_NOINLINE void kc_run_arm_softmax_s8_s16(void) {
    arm_softmax_s8_s16(in8, KC_P(0), KC_P(1), 1073741824, 22, KC_SOFTMAX_DIFF_MIN, out16);
}

int kc_setup_arm_softmax_s16(void) { return softmax_common(1, 1); }

KC_NOINLINE void kc_run_arm_softmax_s16(void) {
    kc_result = arm_softmax_s16(in16, KC_P(0), KC_P(1), 1518500250, 2, &lut, out16);
}
