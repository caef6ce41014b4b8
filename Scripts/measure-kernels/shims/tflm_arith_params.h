/* The ArithmeticParams the elementwise ADD/SUB/MUL shims measure with, as TFLM's add.cc prepares them for an int8
 * model with three different scales (input offsets 3 and -7, output offset -4, left shift 20, multipliers of
 * about 0.5, 0.7 and 0.67), and a float clamp to [-6, 6]. One place for tflm_reference.cc and
 * tflm_reference_broadcast.cc (which overrides the offsets, shift and range for int16). */
#ifndef KC_TFLM_ARITH_PARAMS_H
#define KC_TFLM_ARITH_PARAMS_H

#include "tensorflow/lite/kernels/internal/types.h"

static inline void kc_int8_arith_params(tflite::ArithmeticParams& a) {
    a.input1_offset = 3;
    a.input2_offset = -7;
    a.output_offset = -4;
    a.left_shift = 20;
    a.input1_multiplier = 1073741824;
    a.input1_shift = -1;
    a.input2_multiplier = 1518500250;
    a.input2_shift = -2;
    a.output_multiplier = 1431655765;
    a.output_shift = -19;
    a.quantized_activation_min = -128;
    a.quantized_activation_max = 127;
    a.float_activation_min = -6.0f;
    a.float_activation_max = 6.0f;
}

#endif
