/* Shims for CMSIS-NN pad, maximum/minimum, transpose, batch matmul, SVDF, LSTM and transpose convolution
 * (kernels/cmsis_more.py). Parameter orders are listed per shim. */
#include <string.h>
#include "cmsis_common.h"

static cmsis_nn_context ctx, ctx2, ctx3;
static cmsis_nn_dims d_in, d_in2, d_filter, d_bias, d_out, d_state, d_wt;
static int8_t *in8, *in8b, *w8, *w8b, *out8, *state8;
static int16_t *in16, *in16b, *out16, *state16, *wt16;
static int32_t *bias32;

/* ---- arm_pad_s8: input_n, input_h, input_w, input_c, pre_n, pre_h, pre_w, pre_c, post_n, post_h, post_w, post_c */
static cmsis_nn_dims pre, post;

int kc_setup_arm_pad_s8(void) {
    kc_reset();
    d_in = kc_dims(KC_P(0), KC_P(1), KC_P(2), KC_P(3));
    pre = kc_dims(KC_P(4), KC_P(5), KC_P(6), KC_P(7));
    post = kc_dims(KC_P(8), KC_P(9), KC_P(10), KC_P(11));
    int32_t out_n = (d_in.n + pre.n + post.n) * (d_in.h + pre.h + post.h) * (d_in.w + pre.w + post.w) *
                    (d_in.c + pre.c + post.c);
    KC_CHECK(in8 = kc_s8(d_in.n * d_in.h * d_in.w * d_in.c));
    KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)out_n));
    return 0;
}

KC_NOINLINE void kc_run_arm_pad_s8(void) { kc_result = arm_pad_s8(in8, out8, -3, &d_in, &pre, &post); }

/* ---- arm_maximum_s8 / arm_minimum_s8: scalar (1: input 1 is a single element), flat_size */
static int minmax_setup(void) {
    kc_reset();
    int32_t n = KC_P(1);
    d_in = kc_dims(1, 1, 1, KC_P(0) ? 1 : n);
    d_in2 = kc_dims(1, 1, 1, n);
    d_out = kc_dims(1, 1, 1, n);
    KC_CHECK(in8 = kc_s8(d_in.c));
    KC_CHECK(in8b = kc_s8(n));
    KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)n));
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

int kc_setup_arm_maximum_s8(void) { return minmax_setup(); }
KC_NOINLINE void kc_run_arm_maximum_s8(void) { kc_result = arm_maximum_s8(&ctx, in8, &d_in, in8b, &d_in2, out8, &d_out); }
int kc_setup_arm_minimum_s8(void) { return minmax_setup(); }
KC_NOINLINE void kc_run_arm_minimum_s8(void) { kc_result = arm_minimum_s8(&ctx, in8, &d_in, in8b, &d_in2, out8, &d_out); }

/* ---- arm_transpose_s8: num_dims, input_n, input_h, input_w, input_c, perm0..perm3 (dims beyond num_dims: 1) */
static uint32_t perm[4];
static cmsis_nn_transpose_params tparams;

int kc_setup_arm_transpose_s8(void) {
    kc_reset();
    int32_t nd = KC_P(0);
    int32_t dims[4] = {KC_P(1), KC_P(2), KC_P(3), KC_P(4)};
    int32_t out[4] = {1, 1, 1, 1};
    for (int i = 0; i < 4; i++) perm[i] = (uint32_t)KC_P(5 + i);
    for (int i = 0; i < nd; i++) out[i] = dims[perm[i]];
    d_in = kc_dims(dims[0], dims[1], dims[2], dims[3]);
    d_out = kc_dims(out[0], out[1], out[2], out[3]);
    memcpy(&tparams, &(cmsis_nn_transpose_params){nd, perm}, sizeof tparams);
    int32_t n = dims[0] * dims[1] * dims[2] * dims[3];
    KC_CHECK(in8 = kc_s8(n));
    KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)n));
    return 0;
}

KC_NOINLINE void kc_run_arm_transpose_s8(void) { kc_result = arm_transpose_s8(in8, out8, &d_in, &d_out, &tparams); }

/* ---- arm_batch_matmul_s8 / _s16: output_n, output_h, lhs_rows, rhs_rows, rhs_cols (rhs given transposed, adj_y) */
static cmsis_nn_bmm_params bmm8 = {false, true, {3, 2, -5, {-128, 127}}};
static cmsis_nn_bmm_params bmm16 = {false, true, {0, 0, 0, {-32768, 32767}}};
static cmsis_nn_per_tensor_quant_params tq = {1518500250, -7};

static int bmm_setup(int elem16) {
    kc_reset();
    int32_t n = KC_P(0), h = KC_P(1), lr = KC_P(2), rr = KC_P(3), rc = KC_P(4);
    d_in = kc_dims(n, h, lr, rc);
    d_in2 = kc_dims(n, h, rr, rc);
    d_out = kc_dims(n, h, lr, rr);
    if (elem16) {
        KC_CHECK(in16 = kc_s16(n * h * lr * rc));
        KC_CHECK(in16b = kc_s16(n * h * rr * rc));
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * (uint32_t)(n * h * lr * rr)));
    } else {
        KC_CHECK(in8 = kc_s8(n * h * lr * rc));
        KC_CHECK(in8b = kc_s8(n * h * rr * rc));
        KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)(n * h * lr * rr)));
    }
    ctx.buf = 0;
    ctx.size = 0;
    return 0;
}

int kc_setup_arm_batch_matmul_s8(void) { return bmm_setup(0); }
KC_NOINLINE void kc_run_arm_batch_matmul_s8(void) {
    kc_result = arm_batch_matmul_s8(&ctx, &bmm8, &tq, &d_in, in8, &d_in2, in8b, &d_out, out8);
}
int kc_setup_arm_batch_matmul_s16(void) { return bmm_setup(1); }
KC_NOINLINE void kc_run_arm_batch_matmul_s16(void) {
    kc_result = arm_batch_matmul_s16(&ctx, &bmm16, &tq, &d_in, in16, &d_in2, in16b, &d_out, out16);
}

/* ---- arm_svdf_s8 / arm_svdf_state_s16_s8: input_batches, input_height (input size), feature_batches
 *      (units * rank), time_batches (memory size), rank */
static cmsis_nn_svdf_params svdf;
static cmsis_nn_per_tensor_quant_params svdf_in_q = {1518500250, -10}, svdf_out_q = {1431655765, -8};

static int svdf_setup(int state16_flag) {
    kc_reset();
    int32_t b = KC_P(0), in_h = KC_P(1), fb = KC_P(2), tb = KC_P(3), rank = KC_P(4);
    int32_t units = fb / rank;
    svdf.rank = rank;
    svdf.input_offset = 3;
    svdf.output_offset = -2;
    svdf.input_activation.min = state16_flag ? -32768 : -128;
    svdf.input_activation.max = state16_flag ? 32767 : 127;
    svdf.output_activation.min = -128;
    svdf.output_activation.max = 127;
    d_in = kc_dims(b, in_h, 1, 1);
    d_state = kc_dims(b, fb, tb, 1);
    d_filter = kc_dims(fb, in_h, 1, 1);
    d_wt = kc_dims(fb, tb, 1, 1);
    d_bias = kc_dims(units, 1, 1, 1);
    d_out = kc_dims(b, units, 1, 1);
    KC_CHECK(in8 = kc_s8(b * in_h));
    if (state16_flag) {
        KC_CHECK(state16 = kc_s16(b * fb * tb));
        KC_CHECK(wt16 = kc_s16(fb * tb));
    } else {
        KC_CHECK(state8 = kc_s8(b * fb * tb));
        KC_CHECK(w8b = kc_s8(fb * tb));
    }
    KC_CHECK(w8 = kc_s8(fb * in_h));
    KC_CHECK(bias32 = kc_bias32(units));
    KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)(b * units)));
    KC_CHECK(ctx2.buf = kc_zeros(4u * (uint32_t)(b * fb)));
    KC_CHECK(ctx3.buf = kc_zeros(4u * (uint32_t)(b * units)));
    ctx.size = arm_svdf_s8_get_buffer_size(&d_filter);
    ctx.buf = ctx.size ? kc_zeros((uint32_t)ctx.size) : 0;
    return 0;
}

int kc_setup_arm_svdf_s8(void) { return svdf_setup(0); }
KC_NOINLINE void kc_run_arm_svdf_s8(void) {
    kc_result = arm_svdf_s8(&ctx, &ctx2, &ctx3, &svdf, &svdf_in_q, &svdf_out_q, &d_in, in8, &d_state, state8, &d_filter,
                            w8, &d_wt, w8b, &d_bias, bias32, &d_out, out8);
}
int kc_setup_arm_svdf_state_s16_s8(void) { return svdf_setup(1); }
KC_NOINLINE void kc_run_arm_svdf_state_s16_s8(void) {
    kc_result = arm_svdf_state_s16_s8(&ctx2, &ctx3, &svdf, &svdf_in_q, &svdf_out_q, &d_in, in8, &d_state, state16,
                                      &d_filter, w8, &d_wt, wt16, &d_bias, bias32, &d_out, out8);
}

/* ---- arm_lstm_unidirectional_s8 / _s16: time_steps, batch_size, input_size, hidden_size, time_major */
static cmsis_nn_lstm_params lstm;
static cmsis_nn_lstm_context lstm_ctx;

static int lstm_gate(cmsis_nn_lstm_gate *g, int32_t in_size, int32_t hidden, int elem16, arm_nn_activation_type act) {
    g->input_multiplier = 1518500250;
    g->input_shift = elem16 ? -14 : -6;
    g->hidden_multiplier = 1431655765;
    g->hidden_shift = elem16 ? -14 : -6;
    void *p;
    KC_CHECK(p = kc_s8(hidden * in_size));
    g->input_weights = p;
    KC_CHECK(p = kc_s8(hidden * hidden));
    g->hidden_weights = p;
    if (elem16) {
        KC_CHECK(p = kc_alloc((uint32_t)hidden, KC_I64, -20000, 20000));
        g->input_effective_bias = p;
        KC_CHECK(p = kc_alloc((uint32_t)hidden, KC_I64, -20000, 20000));
        g->hidden_effective_bias = p;
    } else {
        KC_CHECK(p = kc_alloc((uint32_t)hidden, KC_I32, -20000, 20000));
        g->input_effective_bias = p;
        KC_CHECK(p = kc_alloc((uint32_t)hidden, KC_I32, -20000, 20000));
        g->hidden_effective_bias = p;
    }
    KC_CHECK(p = kc_alloc((uint32_t)hidden, KC_I32, -20000, 20000));
    g->bias = p;
    g->activation_type = act;
    return 0;
}

static int lstm_setup(int elem16) {
    kc_reset();
    int32_t t = KC_P(0), b = KC_P(1), in_size = KC_P(2), hidden = KC_P(3);
    lstm.time_major = KC_P(4);
    lstm.batch_size = b;
    lstm.time_steps = t;
    lstm.input_size = in_size;
    lstm.hidden_size = hidden;
    lstm.input_offset = elem16 ? 0 : 3;
    lstm.forget_to_cell_multiplier = 1073741824;
    lstm.forget_to_cell_shift = -15;
    lstm.input_to_cell_multiplier = 1073741824;
    lstm.input_to_cell_shift = -19;
    lstm.cell_clip = 32767;
    lstm.cell_scale_power = -11;
    lstm.output_multiplier = 1518500250;
    lstm.output_shift = elem16 ? -15 : -21;
    lstm.output_offset = elem16 ? 0 : -3;
    if (lstm_gate(&lstm.forget_gate, in_size, hidden, elem16, ARM_SIGMOID) ||
        lstm_gate(&lstm.input_gate, in_size, hidden, elem16, ARM_SIGMOID) ||
        lstm_gate(&lstm.cell_gate, in_size, hidden, elem16, ARM_TANH) ||
        lstm_gate(&lstm.output_gate, in_size, hidden, elem16, ARM_SIGMOID))
        return 1;
    uint32_t state_elems = (uint32_t)(b * hidden);
    KC_CHECK(lstm_ctx.temp1 = kc_zeros(2u * state_elems));
    KC_CHECK(lstm_ctx.temp2 = kc_zeros(2u * state_elems));
    KC_CHECK(lstm_ctx.cell_state = kc_alloc(state_elems, KC_I16, -4096, 4096));
    if (elem16) {
        KC_CHECK(lstm_ctx.hidden_state = kc_alloc(state_elems, KC_I16, -4096, 4096));
        KC_CHECK(in16 = kc_s16(t * b * in_size));
        KC_CHECK(out16 = (int16_t *)kc_zeros(2u * (uint32_t)(t * b * hidden)));
    } else {
        KC_CHECK(lstm_ctx.hidden_state = kc_s8((int32_t)state_elems));
        KC_CHECK(in8 = kc_s8(t * b * in_size));
        KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)(t * b * hidden)));
    }
    return 0;
}

int kc_setup_arm_lstm_unidirectional_s8(void) { return lstm_setup(0); }
KC_NOINLINE void kc_run_arm_lstm_unidirectional_s8(void) {
    kc_result = arm_lstm_unidirectional_s8(in8, out8, &lstm, &lstm_ctx);
}
int kc_setup_arm_lstm_unidirectional_s16(void) { return lstm_setup(1); }
KC_NOINLINE void kc_run_arm_lstm_unidirectional_s16(void) {
    kc_result = arm_lstm_unidirectional_s16(in16, out16, &lstm, &lstm_ctx);
}

/* ---- arm_transpose_conv_wrapper_s8 (TFLM's cmsis_nn transpose_conv.cc, int8): input_n, input_h, input_w, input_c,
 * filter_h, filter_w, output_h, output_w, output_c, stride_h, stride_w, pad_h, pad_w, has_bias */
static cmsis_nn_transpose_conv_params tconv;
static cmsis_nn_per_channel_quant_params tquant;

int kc_setup_arm_transpose_conv_s8(void) {
    kc_reset();
    d_in = kc_dims(KC_P(0), KC_P(1), KC_P(2), KC_P(3));
    d_filter = kc_dims(KC_P(8), KC_P(4), KC_P(5), KC_P(3));
    d_out = kc_dims(KC_P(0), KC_P(6), KC_P(7), KC_P(8));
    d_bias = kc_dims(1, 1, 1, KC_P(8));
    tconv.stride.h = KC_P(9);
    tconv.stride.w = KC_P(10);
    tconv.padding.h = KC_P(11);
    tconv.padding.w = KC_P(12);
    tconv.padding_offsets.h = 0;
    tconv.padding_offsets.w = 0;
    tconv.dilation.h = 1;
    tconv.dilation.w = 1;
    tconv.input_offset = 3;
    tconv.output_offset = -5;
    tconv.activation.min = -128;
    tconv.activation.max = 127;
    KC_CHECK(in8 = kc_s8(d_in.n * d_in.h * d_in.w * d_in.c));
    KC_CHECK(w8 = kc_s8(d_filter.n * d_filter.h * d_filter.w * d_filter.c));
    bias32 = 0;
    if (KC_P(13)) KC_CHECK(bias32 = kc_bias32(d_out.c));
    KC_CHECK(tquant.multiplier = kc_multipliers(d_out.c));
    KC_CHECK(tquant.shift = kc_shifts(d_out.c));
    KC_CHECK(out8 = (int8_t *)kc_zeros((uint32_t)(d_out.n * d_out.h * d_out.w * d_out.c)));
    /* TFLM's scratch sizes. CMSIS-NN sizes the rolling buffer's row with MAX(filter w, stride h), the kernel uses
     * MAX(filter w, stride w): the larger of the two is allocated (the counts do not depend on it). */
    int32_t size = arm_transpose_conv_s8_get_buffer_size(&tconv, &d_in, &d_filter, &d_out);
    int32_t bx = (d_in.w - 1) * tconv.stride.w + (d_filter.w > tconv.stride.w ? d_filter.w : tconv.stride.w);
    int32_t by = d_filter.h > tconv.stride.h ? d_filter.h : tconv.stride.h;
    if (d_in.c <= REVERSE_TCOL_EFFICIENT_THRESHOLD || tconv.stride.w > 2 || tconv.stride.h > 2) {
        int32_t need = bx * by * d_out.c * 4;
        if (need > size) size = need;
    }
    KC_CHECK(ctx.buf = kc_scratch(size));
    ctx.size = size;
    int32_t rsize = arm_transpose_conv_s8_get_reverse_conv_buffer_size(&tconv, &d_in, &d_filter);
    ctx2.buf = rsize > 0 ? kc_scratch(rsize) : 0;
    ctx2.size = rsize;
    return 0;
}

KC_NOINLINE void kc_run_arm_transpose_conv_s8(void) {
    kc_result = arm_transpose_conv_wrapper_s8(&ctx, &ctx2, &tconv, &tquant, &d_in, in8, &d_filter, w8, &d_bias, bias32,
                                              &d_out, out8);
}
