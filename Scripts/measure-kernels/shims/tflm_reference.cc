// Shims for the TFLM reference kernels (tensorflow/lite/kernels/internal/reference), called as TFLM's micro
// kernels call them (kernels/tflm_reference.py). The kernels are header templates: they inline into
// kc_run_<shim>, whose instructions are all counted. Parameter orders are listed per shim.
#include <new>

#include "kc_shim.h"
#include "tflm_arith_params.h"
#include "tensorflow/lite/kernels/internal/reference/add.h"
#include "tensorflow/lite/kernels/internal/reference/concatenation.h"
#include "tensorflow/lite/kernels/internal/reference/conv.h"
#include "tensorflow/lite/kernels/internal/reference/depthwiseconv_float.h"
#include "tensorflow/lite/kernels/internal/reference/dequantize.h"
#include "tensorflow/lite/kernels/internal/reference/fully_connected.h"
#include "tensorflow/lite/kernels/internal/reference/hard_swish.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/add.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/conv.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/depthwise_conv.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/fully_connected.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/logistic.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/mul.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/pooling.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/tanh.h"
#include "tensorflow/lite/kernels/internal/reference/leaky_relu.h"
#include "tensorflow/lite/kernels/internal/reference/mul.h"
#include "tensorflow/lite/kernels/internal/reference/pad.h"
#include "tensorflow/lite/kernels/internal/reference/pooling.h"
#include "tensorflow/lite/kernels/internal/reference/quantize.h"
#include "tensorflow/lite/kernels/internal/reference/reduce.h"
#include "tensorflow/lite/kernels/internal/reference/requantize.h"
#include "tensorflow/lite/kernels/internal/reference/resize_nearest_neighbor.h"
#include "tensorflow/lite/kernels/internal/reference/softmax.h"
#include "tensorflow/lite/kernels/internal/reference/strided_slice.h"
#include "tensorflow/lite/kernels/internal/reference/sub.h"
#include "tensorflow/lite/kernels/internal/reference/transpose.h"
#include "tensorflow/lite/micro/kernels/activations.h"

using tflite::RuntimeShape;

namespace {

// RuntimeShapes live in static storage built in setup (no static constructors in the image).
alignas(RuntimeShape) unsigned char shape_storage[6][sizeof(RuntimeShape)];
RuntimeShape* shapes[6];

RuntimeShape& shape(int i, int n, int h, int w, int c) {
    int32_t dims[4] = {n, h, w, c};
    shapes[i] = new (shape_storage[i]) RuntimeShape(4, dims);
    return *shapes[i];
}

RuntimeShape& shape_n(int i, int count, const int32_t* dims) {
    shapes[i] = new (shape_storage[i]) RuntimeShape(count, dims);
    return *shapes[i];
}

void* i8(int32_t n) { return kc_alloc((uint32_t)n, KC_I8, -128, 127); }
void* i16(int32_t n) { return kc_alloc((uint32_t)n, KC_I16, -32768, 32767); }
void* f32(int32_t n, int32_t lo = -1000, int32_t hi = 1000) { return kc_alloc((uint32_t)n, KC_F32, lo, hi); }
void* bias32(int32_t n) { return kc_alloc((uint32_t)n, KC_I32, -5000, 5000); }
void* bias64(int32_t n) { return kc_alloc((uint32_t)n, KC_I64, -100000, 100000); }
void* mults(int32_t n) { return kc_alloc((uint32_t)n, KC_I32, 1 << 30, 0x7fffffff); }
void* shifts(int32_t n) { return kc_alloc((uint32_t)n, KC_I32, -8, -1); }
void* zeros(uint32_t bytes) { return kc_zeros(bytes); }

void *in_p, *in2_p, *filter_p, *bias_p, *out_p, *mult_p, *shift_p;

// ---- convolution: the CONV_ORDER of kernels/cmsis_conv.py (16 values).
tflite::ConvParams conv;

int conv_setup(int kind) {  // kind 0: int8, 1: float, 2: int16 (int64 bias)
    kc_reset();
    int n = KC_P(0), ih = KC_P(1), iw = KC_P(2), ic = KC_P(3), fh = KC_P(4), fw = KC_P(5), fc = KC_P(6);
    int oh = KC_P(7), ow = KC_P(8), oc = KC_P(9);
    conv.stride_height = KC_P(10);
    conv.stride_width = KC_P(11);
    conv.padding_values.height = KC_P(12);
    conv.padding_values.width = KC_P(13);
    conv.dilation_height_factor = KC_P(14);
    conv.dilation_width_factor = KC_P(15);
    conv.input_offset = kind == 0 ? 3 : 0;
    conv.output_offset = kind == 0 ? -5 : 0;
    conv.quantized_activation_min = kind == 2 ? -32768 : -128;
    conv.quantized_activation_max = kind == 2 ? 32767 : 127;
    conv.float_activation_min = -6.0f;
    conv.float_activation_max = 6.0f;
    shape(0, n, ih, iw, ic);
    shape(1, oc, fh, fw, fc);
    shape(2, 1, 1, 1, oc);
    shape(3, n, oh, ow, oc);
    int32_t in_n = n * ih * iw * ic, out_n = n * oh * ow * oc, f_n = oc * fh * fw * fc;
    if (kind == 1) {
        KC_CHECK(in_p = f32(in_n));
        KC_CHECK(filter_p = f32(f_n));
        KC_CHECK(bias_p = f32(oc));
        KC_CHECK(out_p = zeros(4u * (uint32_t)out_n));
    } else {
        KC_CHECK(in_p = kind == 2 ? i16(in_n) : i8(in_n));
        KC_CHECK(filter_p = i8(f_n));
        KC_CHECK(bias_p = kind == 2 ? bias64(oc) : bias32(oc));
        KC_CHECK(out_p = zeros((kind == 2 ? 2u : 1u) * (uint32_t)out_n));
        KC_CHECK(mult_p = mults(oc));
        KC_CHECK(shift_p = shifts(oc));
    }
    return 0;
}

// ---- depthwise: the ORDER of kernels/cmsis_depthwise.py (16 values).
tflite::DepthwiseParams dw;

int dw_setup(int kind) {  // 0 int8, 1 float
    kc_reset();
    int n = KC_P(0), ih = KC_P(1), iw = KC_P(2), ic = KC_P(3), fh = KC_P(4), fw = KC_P(5), oh = KC_P(6), ow = KC_P(7),
        oc = KC_P(8);
    dw.depth_multiplier = KC_P(9);
    dw.stride_height = KC_P(10);
    dw.stride_width = KC_P(11);
    dw.padding_values.height = KC_P(12);
    dw.padding_values.width = KC_P(13);
    dw.dilation_height_factor = KC_P(14);
    dw.dilation_width_factor = KC_P(15);
    dw.input_offset = kind == 0 ? 3 : 0;
    dw.output_offset = kind == 0 ? -5 : 0;
    dw.quantized_activation_min = -128;
    dw.quantized_activation_max = 127;
    dw.float_activation_min = -6.0f;
    dw.float_activation_max = 6.0f;
    shape(0, n, ih, iw, ic);
    shape(1, 1, fh, fw, oc);
    shape(2, 1, 1, 1, oc);
    shape(3, n, oh, ow, oc);
    int32_t in_n = n * ih * iw * ic, out_n = n * oh * ow * oc, f_n = fh * fw * oc;
    if (kind == 1) {
        KC_CHECK(in_p = f32(in_n));
        KC_CHECK(filter_p = f32(f_n));
        KC_CHECK(bias_p = f32(oc));
        KC_CHECK(out_p = zeros(4u * (uint32_t)out_n));
    } else {
        KC_CHECK(in_p = i8(in_n));
        KC_CHECK(filter_p = i8(f_n));
        KC_CHECK(bias_p = bias32(oc));
        KC_CHECK(out_p = zeros((uint32_t)out_n));
        KC_CHECK(mult_p = mults(oc));
        KC_CHECK(shift_p = shifts(oc));
    }
    return 0;
}

// ---- fully connected: input_n, filter_n, output_c (kernels/cmsis_misc.py's FC variables).
tflite::FullyConnectedParams fc;

int fc_setup(int kind) {  // 0 int8, 1 float
    kc_reset();
    int b = KC_P(0), k = KC_P(1), o = KC_P(2);
    fc.input_offset = kind == 0 ? 3 : 0;
    fc.weights_offset = 0;
    fc.output_offset = kind == 0 ? -5 : 0;
    fc.output_multiplier = 1518500250;
    fc.output_shift = -5;
    fc.quantized_activation_min = -128;
    fc.quantized_activation_max = 127;
    fc.float_activation_min = -6.0f;
    fc.float_activation_max = 6.0f;
    int32_t in_dims[2] = {b, k}, w_dims[2] = {o, k}, b_dims[1] = {o}, o_dims[2] = {b, o};
    shape_n(0, 2, in_dims);
    shape_n(1, 2, w_dims);
    shape_n(2, 1, b_dims);
    shape_n(3, 2, o_dims);
    if (kind == 1) {
        KC_CHECK(in_p = f32(b * k));
        KC_CHECK(filter_p = f32(o * k));
        KC_CHECK(bias_p = f32(o));
        KC_CHECK(out_p = zeros(4u * (uint32_t)(b * o)));
    } else {
        KC_CHECK(in_p = i8(b * k));
        KC_CHECK(filter_p = i8(o * k));
        KC_CHECK(bias_p = bias32(o));
        KC_CHECK(out_p = zeros((uint32_t)(b * o)));
    }
    return 0;
}

// ---- pooling: the POOL order of kernels/cmsis_misc.py (12 values).
tflite::PoolParams pool;

int pool_setup(int kind) {
    kc_reset();
    int n = KC_P(0), ih = KC_P(1), iw = KC_P(2), c = KC_P(3), oh = KC_P(6), ow = KC_P(7);
    pool.filter_height = KC_P(4);
    pool.filter_width = KC_P(5);
    pool.stride_height = KC_P(8);
    pool.stride_width = KC_P(9);
    pool.padding_values.height = KC_P(10);
    pool.padding_values.width = KC_P(11);
    pool.quantized_activation_min = -128;
    pool.quantized_activation_max = 127;
    pool.float_activation_min = -6.0f;
    pool.float_activation_max = 6.0f;
    shape(0, n, ih, iw, c);
    shape(3, n, oh, ow, c);
    if (kind == 1) {
        KC_CHECK(in_p = f32(n * ih * iw * c));
        KC_CHECK(out_p = zeros(4u * (uint32_t)(n * oh * ow * c)));
    } else {
        KC_CHECK(in_p = i8(n * ih * iw * c));
        KC_CHECK(out_p = zeros((uint32_t)(n * oh * ow * c)));
    }
    return 0;
}

// ---- elementwise binary: flat_size (+ for broadcasts: see the broadcast shims).
tflite::ArithmeticParams arith;

int binary_setup(int kind) {  // 0 int8, 1 float
    kc_reset();
    int32_t n = KC_P(0);
    int32_t dims[1] = {n};
    shape_n(0, 1, dims);
    shape_n(1, 1, dims);
    shape_n(3, 1, dims);
    kc_int8_arith_params(arith);
    if (kind == 1) {
        KC_CHECK(in_p = f32(n));
        KC_CHECK(in2_p = f32(n));
        KC_CHECK(out_p = zeros(4u * (uint32_t)n));
    } else {
        KC_CHECK(in_p = i8(n));
        KC_CHECK(in2_p = i8(n));
        KC_CHECK(out_p = zeros((uint32_t)n));
    }
    return 0;
}

// ---- softmax / unary: rows, row_size.
tflite::SoftmaxParams softmax;

}  // namespace

extern "C" {

int kc_setup_ref_conv_s8(void) { return conv_setup(0); }
KC_NOINLINE void kc_run_ref_conv_s8(void) {
    tflite::reference_integer_ops::ConvPerChannel(conv, (const int32_t*)mult_p, (const int32_t*)shift_p, *shapes[0],
                                                  (const int8_t*)in_p, *shapes[1], (const int8_t*)filter_p, *shapes[2],
                                                  (const int32_t*)bias_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_conv_f32(void) { return conv_setup(1); }
KC_NOINLINE void kc_run_ref_conv_f32(void) {
    tflite::reference_ops::Conv(conv, *shapes[0], (const float*)in_p, *shapes[1], (const float*)filter_p, *shapes[2],
                                (const float*)bias_p, *shapes[3], (float*)out_p, RuntimeShape(), nullptr);
}
int kc_setup_ref_conv_s16(void) { return conv_setup(2); }
KC_NOINLINE void kc_run_ref_conv_s16(void) {
    tflite::reference_integer_ops::ConvPerChannel<int64_t>(
        conv, (const int32_t*)mult_p, (const int32_t*)shift_p, *shapes[0], (const int16_t*)in_p, *shapes[1],
        (const int8_t*)filter_p, *shapes[2], (const int64_t*)bias_p, *shapes[3], (int16_t*)out_p);
}

int kc_setup_ref_depthwise_s8(void) { return dw_setup(0); }
KC_NOINLINE void kc_run_ref_depthwise_s8(void) {
    tflite::reference_integer_ops::DepthwiseConvPerChannel(
        dw, (const int32_t*)mult_p, (const int32_t*)shift_p, *shapes[0], (const int8_t*)in_p, *shapes[1],
        (const int8_t*)filter_p, *shapes[2], (const int32_t*)bias_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_depthwise_f32(void) { return dw_setup(1); }
KC_NOINLINE void kc_run_ref_depthwise_f32(void) {
    tflite::reference_ops::DepthwiseConv(dw, *shapes[0], (const float*)in_p, *shapes[1], (const float*)filter_p,
                                         *shapes[2], (const float*)bias_p, *shapes[3], (float*)out_p);
}

int kc_setup_ref_fully_connected_s8(void) { return fc_setup(0); }
KC_NOINLINE void kc_run_ref_fully_connected_s8(void) {
    tflite::reference_integer_ops::FullyConnected(fc, *shapes[0], (const int8_t*)in_p, *shapes[1],
                                                  (const int8_t*)filter_p, *shapes[2], (const int32_t*)bias_p,
                                                  *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_fully_connected_f32(void) { return fc_setup(1); }
KC_NOINLINE void kc_run_ref_fully_connected_f32(void) {
    tflite::reference_ops::FullyConnected(fc, *shapes[0], (const float*)in_p, *shapes[1], (const float*)filter_p,
                                          *shapes[2], (const float*)bias_p, *shapes[3], (float*)out_p);
}

int kc_setup_ref_avgpool_s8(void) { return pool_setup(0); }
KC_NOINLINE void kc_run_ref_avgpool_s8(void) {
    kc_result = tflite::reference_integer_ops::AveragePool(pool, *shapes[0], (const int8_t*)in_p, *shapes[3],
                                                           (int8_t*)out_p) ? 0 : 1;
}
int kc_setup_ref_maxpool_s8(void) { return pool_setup(0); }
KC_NOINLINE void kc_run_ref_maxpool_s8(void) {
    tflite::reference_integer_ops::MaxPool(pool, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_avgpool_f32(void) { return pool_setup(1); }
KC_NOINLINE void kc_run_ref_avgpool_f32(void) {
    kc_result = tflite::reference_ops::AveragePool(pool, *shapes[0], (const float*)in_p, *shapes[3], (float*)out_p) ? 0 : 1;
}
int kc_setup_ref_maxpool_f32(void) { return pool_setup(1); }
KC_NOINLINE void kc_run_ref_maxpool_f32(void) {
    tflite::reference_ops::MaxPool(pool, *shapes[0], (const float*)in_p, *shapes[3], (float*)out_p);
}

int kc_setup_ref_add_s8(void) { return binary_setup(0); }
KC_NOINLINE void kc_run_ref_add_s8(void) {
    tflite::reference_integer_ops::Add(arith, *shapes[0], (const int8_t*)in_p, *shapes[1], (const int8_t*)in2_p,
                                       *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_add_f32(void) { return binary_setup(1); }
KC_NOINLINE void kc_run_ref_add_f32(void) {
    tflite::reference_ops::Add(arith, *shapes[0], (const float*)in_p, *shapes[1], (const float*)in2_p, *shapes[3],
                               (float*)out_p);
}
int kc_setup_ref_mul_s8(void) {
    if (binary_setup(0)) return 1;
    arith.output_multiplier = 1431655765;
    arith.output_shift = -7;
    return 0;
}
KC_NOINLINE void kc_run_ref_mul_s8(void) {
    tflite::reference_integer_ops::Mul(arith, *shapes[0], (const int8_t*)in_p, *shapes[1], (const int8_t*)in2_p,
                                       *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_mul_f32(void) { return binary_setup(1); }
KC_NOINLINE void kc_run_ref_mul_f32(void) {
    tflite::reference_ops::Mul(arith, *shapes[0], (const float*)in_p, *shapes[1], (const float*)in2_p, *shapes[3],
                               (float*)out_p);
}

// Softmax: rows, row_size. int8: TFLM's micro softmax Prepare values for an input scale of 1/16, beta 1.
int kc_setup_ref_softmax_s8(void) {
    kc_reset();
    int32_t dims[2] = {KC_P(0), KC_P(1)};
    shape_n(0, 2, dims);
    shape_n(3, 2, dims);
    softmax.input_multiplier = 1073741824;
    softmax.input_left_shift = 22;
    softmax.diff_min = -63;
    KC_CHECK(in_p = kc_alloc((uint32_t)(dims[0] * dims[1]), KC_I8, 64, 127));
    KC_CHECK(out_p = zeros((uint32_t)(dims[0] * dims[1])));
    return 0;
}
KC_NOINLINE void kc_run_ref_softmax_s8(void) {
    tflite::reference_ops::Softmax(softmax, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_softmax_f32(void) {
    kc_reset();
    int32_t dims[2] = {KC_P(0), KC_P(1)};
    shape_n(0, 2, dims);
    shape_n(3, 2, dims);
    softmax.beta = 1.0;
    KC_CHECK(in_p = f32(dims[0] * dims[1], -4000, 4000));
    KC_CHECK(out_p = zeros(4u * (uint32_t)(dims[0] * dims[1])));
    return 0;
}
KC_NOINLINE void kc_run_ref_softmax_f32(void) {
    tflite::reference_ops::Softmax(softmax, *shapes[0], (const float*)in_p, *shapes[3], (float*)out_p);
}

// Quantize (float -> int8), dequantize (int8 -> float), requantize (int8 -> int8): flat_size.
tflite::QuantizationParams qparams;
tflite::DequantizationParams dqparams;
int kc_setup_ref_quantize_f32_s8(void) {
    kc_reset();
    int32_t dims[1] = {KC_P(0)};
    shape_n(0, 1, dims);
    shape_n(3, 1, dims);
    qparams.zero_point = -3;
    qparams.scale = 0.05;
    KC_CHECK(in_p = f32(dims[0], -8000, 8000));
    KC_CHECK(out_p = zeros((uint32_t)dims[0]));
    return 0;
}
KC_NOINLINE void kc_run_ref_quantize_f32_s8(void) {
    tflite::reference_ops::AffineQuantize(qparams, *shapes[0], (const float*)in_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_dequantize_s8_f32(void) {
    kc_reset();
    int32_t dims[1] = {KC_P(0)};
    shape_n(0, 1, dims);
    shape_n(3, 1, dims);
    dqparams.zero_point = -3;
    dqparams.scale = 0.05;
    KC_CHECK(in_p = i8(dims[0]));
    KC_CHECK(out_p = zeros(4u * (uint32_t)dims[0]));
    return 0;
}
KC_NOINLINE void kc_run_ref_dequantize_s8_f32(void) {
    tflite::reference_ops::Dequantize(dqparams, *shapes[0], (const int8_t*)in_p, *shapes[3], (float*)out_p);
}
int kc_setup_ref_requantize_s8(void) {
    kc_reset();
    KC_CHECK(in_p = i8(KC_P(0)));
    KC_CHECK(out_p = zeros((uint32_t)KC_P(0)));
    return 0;
}
KC_NOINLINE void kc_run_ref_requantize_s8(void) {
    tflite::reference_ops::Requantize((const int8_t*)in_p, KC_P(0), 1518500250, -2, 3, -5, (int8_t*)out_p);
}

// Logistic / tanh int8 (integer kernels, TFLM Prepare values for an input scale of 1/16): flat_size.
int kc_setup_ref_unary_s8(void) {
    kc_reset();
    int32_t dims[1] = {KC_P(0)};
    shape_n(0, 1, dims);
    shape_n(3, 1, dims);
    KC_CHECK(in_p = i8(dims[0]));
    KC_CHECK(out_p = zeros((uint32_t)dims[0]));
    return 0;
}
int kc_setup_ref_logistic_s8(void) { return kc_setup_ref_unary_s8(); }
KC_NOINLINE void kc_run_ref_logistic_s8(void) {
    tflite::reference_integer_ops::Logistic(-3, 126, 1073741824, 2, KC_P(0), (const int8_t*)in_p, (int8_t*)out_p);
}
int kc_setup_ref_tanh_s8(void) { return kc_setup_ref_unary_s8(); }
KC_NOINLINE void kc_run_ref_tanh_s8(void) {
    tflite::reference_integer_ops::Tanh(-3, 126, 1073741824, 2, *shapes[0], (const int8_t*)in_p, *shapes[3],
                                        (int8_t*)out_p);
}
tflite::HardSwishParams hs;
int kc_setup_ref_hard_swish_s8(void) {
    if (kc_setup_ref_unary_s8()) return 1;
    hs.input_zero_point = -3;
    hs.output_zero_point = 5;
    hs.reluish_multiplier_fixedpoint_int16 = 24576;
    hs.reluish_multiplier_exponent = -1;
    hs.output_multiplier_fixedpoint_int16 = 20000;
    hs.output_multiplier_exponent = -2;
    return 0;
}
KC_NOINLINE void kc_run_ref_hard_swish_s8(void) {
    tflite::reference_ops::HardSwish<int8_t>(hs, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}

// SUB without broadcast (TFLM's sub.cc when ProcessBroadcastShapes finds equal shapes): flat_size. int8 uses the
// same ArithmeticParams as ADD; float clamps to the fused activation's range.
int kc_setup_ref_sub_s8(void) { return binary_setup(0); }
KC_NOINLINE void kc_run_ref_sub_s8(void) {
    tflite::reference_ops::Sub(arith, *shapes[0], (const int8_t*)in_p, *shapes[1], (const int8_t*)in2_p, *shapes[3],
                               (int8_t*)out_p);
}
int kc_setup_ref_sub_f32(void) { return binary_setup(1); }
KC_NOINLINE void kc_run_ref_sub_f32(void) {
    tflite::reference_ops::SubWithActivation(arith, *shapes[0], (const float*)in_p, *shapes[1], (const float*)in2_p,
                                             *shapes[3], (float*)out_p);
}

// RELU / RELU6 int8 (micro/kernels/activations.h) and LEAKY_RELU (reference/leaky_relu.h): flat_size. RELU's
// values are ReluPrepare's for equal input and output scales (multiplier 2^30, shift 1); RELU6 clamps to
// [-20, 90] and LEAKY_RELU has alpha 0.2, so uniform int8 inputs take every branch.
tflite::ReluOpData relu;
int kc_setup_ref_relu_s8(void) {
    if (kc_setup_ref_unary_s8()) return 1;
    relu.params.input_offset = -3;
    relu.params.output_offset = -3;
    relu.params.output_multiplier = 1073741824;
    relu.params.output_shift = 1;
    relu.params.quantized_activation_min = -3;
    relu.params.quantized_activation_max = 127;
    return 0;
}
KC_NOINLINE void kc_run_ref_relu_s8(void) {
    tflite::ReluQuantized<int8_t>(relu, *shapes[0], *shapes[3], (const int8_t*)in_p, (int8_t*)out_p);
}
int kc_setup_ref_relu6_s8(void) { return kc_setup_ref_unary_s8(); }
KC_NOINLINE void kc_run_ref_relu6_s8(void) {
    tflite::Relu6Quantized<int8_t>(-20, 90, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}
tflite::LeakyReluParams leaky;
int kc_setup_ref_leaky_relu_s8(void) {
    if (kc_setup_ref_unary_s8()) return 1;
    leaky.alpha = 0.2f;
    leaky.input_offset = -3;
    leaky.output_offset = 5;
    leaky.output_multiplier_alpha = 1717986918;
    leaky.output_shift_alpha = -2;
    leaky.output_multiplier_identity = 1073741824;
    leaky.output_shift_identity = 1;
    return 0;
}
KC_NOINLINE void kc_run_ref_leaky_relu_s8(void) {
    tflite::reference_ops::QuantizeLeakyRelu(leaky, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}
int kc_setup_ref_leaky_relu_f32(void) {
    kc_reset();
    int32_t dims[1] = {KC_P(0)};
    shape_n(0, 1, dims);
    shape_n(3, 1, dims);
    leaky.alpha = 0.2f;
    KC_CHECK(in_p = f32(dims[0]));
    KC_CHECK(out_p = zeros(4u * (uint32_t)dims[0]));
    return 0;
}
KC_NOINLINE void kc_run_ref_leaky_relu_f32(void) {
    tflite::reference_ops::LeakyRelu(leaky, *shapes[0], (const float*)in_p, *shapes[3], (float*)out_p);
}

// MEAN int8 over axes 1 and 2 of a 4-D input (global average pooling), as TFLM's EvalIntegerMean calls it:
// n, h, w, c, keep_dims. The ranks and the axis count are read from memory, as TFLM reads them from the
// tensors and its op data (constants would let the compiler unroll the index loops).
int mean_input_dims[4], mean_output_dims[4], mean_axis[2] = {1, 2}, mean_iter[4], mean_resolved[2];
int mean_input_rank = 4, mean_output_rank = 4, mean_axis_count = 2;
bool mean_keep_dims = true;
void* mean_sum_p;
int kc_setup_ref_mean_s8(void) {
    kc_reset();
    int n = KC_P(0), h = KC_P(1), w = KC_P(2), c = KC_P(3);
    mean_keep_dims = KC_P(4) != 0;
    mean_input_dims[0] = n; mean_input_dims[1] = h; mean_input_dims[2] = w; mean_input_dims[3] = c;
    if (mean_keep_dims) {
        mean_output_dims[0] = n; mean_output_dims[1] = 1; mean_output_dims[2] = 1; mean_output_dims[3] = c;
        mean_output_rank = 4;
    } else {
        mean_output_dims[0] = n; mean_output_dims[1] = c;
        mean_output_rank = 2;
    }
    mean_input_rank = 4;
    mean_axis_count = 2;
    KC_CHECK(in_p = i8(n * h * w * c));
    KC_CHECK(out_p = zeros((uint32_t)(n * c)));
    KC_CHECK(mean_sum_p = zeros(4u * (uint32_t)(n * c)));
    return 0;
}
KC_NOINLINE void kc_run_ref_mean_s8(void) {
    kc_result = tflite::reference_ops::QuantizedMeanOrSumExtraArgs<int8_t, int32_t>(
        (const int8_t*)in_p, -3, 0.05f, mean_input_dims, mean_input_rank, (int8_t*)out_p, 0.04f, 1518500250, -1, 5,
        mean_output_dims, mean_output_rank, mean_axis, mean_axis_count, mean_keep_dims, mean_iter, mean_resolved,
        (int32_t*)mean_sum_p, false) ? 0 : 1;
}

// Concatenation int8 along the last axis: outer (product of the leading dimensions), inputs (2-4),
// depth of each input (all equal).
tflite::ConcatenationParams concat;
const RuntimeShape* concat_shapes[4];
const int8_t* concat_data[4];
int kc_setup_ref_concatenation_s8(void) {
    kc_reset();
    int32_t outer = KC_P(0), count = KC_P(1), depth = KC_P(2);
    int32_t in_dims[2] = {outer, depth}, out_dims[2] = {outer, depth * count};
    for (int i = 0; i < count; i++) {
        concat_shapes[i] = &shape_n(i, 2, in_dims);
        KC_CHECK(concat_data[i] = (const int8_t*)i8(outer * depth));
    }
    shape_n(5, 2, out_dims);
    KC_CHECK(out_p = zeros((uint32_t)(outer * depth * count)));
    concat.axis = 1;
    concat.inputs_count = count;
    return 0;
}
KC_NOINLINE void kc_run_ref_concatenation_s8(void) {
    tflite::reference_ops::Concatenation(concat, concat_shapes, concat_data, *shapes[5], (int8_t*)out_p);
}

// Strided slice int8, 4-D: input_n, input_h, input_w, input_c, then per dimension start, stop, stride (12 values).
tflite::StridedSliceParams slice;
int kc_setup_ref_strided_slice_s8(void) {
    kc_reset();
    int32_t in_dims[4] = {KC_P(0), KC_P(1), KC_P(2), KC_P(3)};
    int32_t out_dims[4];
    slice.start_indices_count = slice.stop_indices_count = slice.strides_count = 4;
    for (int d = 0; d < 4; d++) {
        slice.start_indices[d] = KC_P(4 + 3 * d);
        slice.stop_indices[d] = KC_P(5 + 3 * d);
        slice.strides[d] = KC_P(6 + 3 * d);
        out_dims[d] = (slice.stop_indices[d] - slice.start_indices[d] + slice.strides[d] - 1) / slice.strides[d];
    }
    slice.begin_mask = slice.ellipsis_mask = slice.end_mask = slice.new_axis_mask = slice.shrink_axis_mask = 0;
    slice.offset = false;
    shape_n(0, 4, in_dims);
    shape_n(3, 4, out_dims);
    KC_CHECK(in_p = i8(in_dims[0] * in_dims[1] * in_dims[2] * in_dims[3]));
    KC_CHECK(out_p = zeros((uint32_t)(out_dims[0] * out_dims[1] * out_dims[2] * out_dims[3])));
    return 0;
}
KC_NOINLINE void kc_run_ref_strided_slice_s8(void) {
    tflite::reference_ops::StridedSlice(slice, *shapes[0], (const int8_t*)in_p, *shapes[3], (int8_t*)out_p);
}

// Pad float, 4-D: input_n, input_h, input_w, input_c, then before/after per dimension (8 values).
tflite::PadParams pad;
float pad_value = 0.0f;
int kc_setup_ref_pad_f32(void) {
    kc_reset();
    int32_t in_dims[4] = {KC_P(0), KC_P(1), KC_P(2), KC_P(3)};
    int32_t out_dims[4];
    pad.left_padding_count = pad.right_padding_count = 4;
    for (int d = 0; d < 4; d++) {
        pad.left_padding[d] = KC_P(4 + 2 * d);
        pad.right_padding[d] = KC_P(5 + 2 * d);
        out_dims[d] = in_dims[d] + pad.left_padding[d] + pad.right_padding[d];
    }
    shape_n(0, 4, in_dims);
    shape_n(3, 4, out_dims);
    KC_CHECK(in_p = f32(in_dims[0] * in_dims[1] * in_dims[2] * in_dims[3]));
    KC_CHECK(out_p = zeros(4u * (uint32_t)(out_dims[0] * out_dims[1] * out_dims[2] * out_dims[3])));
    return 0;
}
KC_NOINLINE void kc_run_ref_pad_f32(void) {
    tflite::reference_ops::Pad(pad, *shapes[0], (const float*)in_p, &pad_value, *shapes[3], (float*)out_p);
}

// Resize nearest neighbor int8: input_n, input_h, input_w, input_c, output_h, output_w.
tflite::ResizeNearestNeighborParams resize;
int32_t resize_size[2];
int kc_setup_ref_resize_nearest_s8(void) {
    kc_reset();
    int32_t n = KC_P(0), h = KC_P(1), w = KC_P(2), c = KC_P(3);
    resize_size[0] = KC_P(4);
    resize_size[1] = KC_P(5);
    int32_t size_dims[1] = {2};
    shape(0, n, h, w, c);
    shape_n(1, 1, size_dims);
    shape(3, n, resize_size[0], resize_size[1], c);
    resize.align_corners = false;
    resize.half_pixel_centers = true;
    KC_CHECK(in_p = i8(n * h * w * c));
    KC_CHECK(out_p = zeros((uint32_t)(n * resize_size[0] * resize_size[1] * c)));
    return 0;
}
KC_NOINLINE void kc_run_ref_resize_nearest_s8(void) {
    tflite::reference_ops::ResizeNearestNeighbor(resize, *shapes[0], (const int8_t*)in_p, *shapes[1], resize_size,
                                                 *shapes[3], (int8_t*)out_p);
}

// Transpose float, 4-D: input_n, input_h, input_w, input_c, perm0..perm3.
tflite::TransposeParams transpose;
int kc_setup_ref_transpose_f32(void) {
    kc_reset();
    int32_t in_dims[4] = {KC_P(0), KC_P(1), KC_P(2), KC_P(3)}, out_dims[4];
    transpose.perm_count = 4;
    for (int d = 0; d < 4; d++) {
        transpose.perm[d] = KC_P(4 + d);
        out_dims[d] = in_dims[transpose.perm[d]];
    }
    shape_n(0, 4, in_dims);
    shape_n(3, 4, out_dims);
    int32_t n = in_dims[0] * in_dims[1] * in_dims[2] * in_dims[3];
    KC_CHECK(in_p = f32(n));
    KC_CHECK(out_p = zeros(4u * (uint32_t)n));
    return 0;
}
KC_NOINLINE void kc_run_ref_transpose_f32(void) {
    tflite::reference_ops::Transpose(transpose, *shapes[0], (const float*)in_p, *shapes[3], (float*)out_p);
}

}  // extern "C"
