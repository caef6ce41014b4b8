"""TFLM reference kernels (tensorflow/lite/kernels/internal/reference) as TFLM's micro kernels call them.

Kernel paths are `reference:<OPERATOR>:<type>` (mcusim's kernelPath "reference" / "reference_float" plus the
operator and the input type). The templates inline into the shim's run function, so its own argument set-up is in
the `call` term."""

from kc.spec import Kernel, Term, LibraryCall
from kc.shapes import sample
from kernels.cmsis_conv import CONV_VARIABLES, conv_shapes, conv_params
from kernels.cmsis_depthwise import DW_VARIABLES, dw_shapes, dw_params
from kernels.cmsis_more import tconv_shape
from kernels.cmsis_misc import FC_VARIABLES, POOL_VARIABLES, pool_shapes, POOL_DERIVED
from kernels.geometry import window_sums, padding_sums


def small_conv_shapes(seed, count, **kw):
    return [s for s in conv_shapes(seed, count * 2, **kw)
            if s["output_h"] * s["output_w"] * s["output_c"] * s["filter_h"] * s["filter_w"] * s["filter_c"] <= 6000][:count]


def conv_terms():
    n = lambda e: f"input_n*({e})"
    return [
        Term("call", "overhead", "1", "entry, shapes and parameters"),
        Term("batch", "overhead", "input_n", "per batch"),
        Term("out_row", "overhead", n("output_h"), "per output row"),
        Term("pixel", "overhead", n("pix"), "per output pixel"),
        Term("out", "requant", n("pix*output_c"), "per output: group, bias, MultiplyByQuantizedMultiplier, clamp, store"),
        Term("krow", "overhead", n("pix*output_c*filter_h"), "per output and filter row"),
        Term("tap", "overhead", n("pix*output_c*filter_h*filter_w"), "per output and filter tap: the inside-image test"),
        Term("tap_right", "overhead", n("output_c*output_h*filter_h*after_cols"), "correction: a tap right of the input (second test)", correction=True),
        Term("tap_colvalid_rowout", "overhead", n("output_c*(output_h*filter_h - sum_rows)*sum_cols"), "correction: column inside, row outside (third/fourth test)", correction=True),
        Term("tap_bottom", "overhead", n("output_c*after_rows*sum_cols"), "correction: column inside, row below the input (fourth test)", correction=True),
        Term("vtap", "overhead", n("sum_rows*sum_cols*output_c"), "per tap inside the input: channel loop set-up"),
        Term("mac", "mac", n("sum_rows*sum_cols*output_c*filter_c"), "per MAC (Offset() index arithmetic, loads, multiply-add)"),
    ]


CONV_DERIVED = window_sums() + padding_sums() + [("pix", "output_h*output_w")]


def ref_conv(path, swift, kind, description):
    return Kernel(path=path, functions=["tflite::reference_integer_ops::ConvPerChannel" if kind != "f32" else "tflite::reference_ops::Conv"],
                  shim=f"ref_conv_{kind}", swift=swift, operator=f"CONV_2D {kind} (reference)", variables=dict(CONV_VARIABLES),
                  derived=CONV_DERIVED, terms=conv_terms(), shapes=lambda: small_conv_shapes(f"refconv{kind}", 120, groups=False),
                  shim_params=conv_params, count_shim=True,
                  weight_walk={"working_set_bytes": f"output_c*filter_h*filter_w*filter_c*{4 if kind == 'f32' else 1}",
                               "passes": "input_n*pix", "bytes_per_access": "4" if kind == "f32" else "1"},
                  description=description)


REF_CONV_S8 = ref_conv("reference:CONV_2D:int8", "referenceConv", "s8", "reference_integer_ops::ConvPerChannel (int8, per-channel requantization).")
REF_CONV_F32 = ref_conv("reference:CONV_2D:float32", "referenceConvFloat", "f32", "reference_ops::Conv (float32, clamped).")
REF_CONV_S16 = ref_conv("reference:CONV_2D:int16", None, "s16", "reference_integer_ops::ConvPerChannel<int64_t> (int16 activations, int64 bias and accumulator).")


def dw_terms():
    n = lambda e: f"input_n*({e})"
    return [
        Term("call", "overhead", "1", "entry"),
        Term("batch", "overhead", "input_n", "per batch"),
        Term("out_row", "overhead", n("output_h"), "per output row"),
        Term("pixel", "overhead", n("pix"), "per output pixel"),
        Term("in_ch", "overhead", n("pix*input_c"), "per pixel and input channel"),
        Term("out", "requant", n("pix*output_c"), "per output: bias, requantization, clamp, store"),
        Term("krow", "overhead", n("pix*output_c*filter_h"), "per output and filter row"),
        Term("tap", "overhead", n("pix*output_c*filter_h*filter_w"), "per output and tap: inside test"),
        Term("tap_right", "overhead", n("output_c*output_h*filter_h*after_cols"), "correction: tap right of the input", correction=True),
        Term("tap_colvalid_rowout", "overhead", n("output_c*(output_h*filter_h - sum_rows)*sum_cols"), "correction: column inside, row outside", correction=True),
        Term("tap_bottom", "overhead", n("output_c*after_rows*sum_cols"), "correction: column inside, row below", correction=True),
        Term("mac", "mac", n("sum_rows*sum_cols*output_c"), "per MAC inside the input"),
    ]


def ref_dw(path, swift, kind):
    return Kernel(path=path, functions=["tflite::reference_integer_ops::DepthwiseConvPerChannel" if kind == "s8" else "tflite::reference_ops::DepthwiseConv"],
                  shim=f"ref_depthwise_{kind}", swift=swift, operator=f"DEPTHWISE_CONV_2D {kind} (reference)",
                  variables=dict(DW_VARIABLES), derived=CONV_DERIVED, terms=dw_terms(),
                  shapes=lambda: dw_shapes(f"refdw{kind}", 120, filters=[(1, 1), (2, 2), (3, 3), (5, 5), (1, 3), (3, 2)],
                                           pads=["valid", "same", "extra"], mults=(1, 1, 2, 3), dilations=(1, 1, 2),
                                           batches=(1, 1, 2), channels=(1, 2, 3, 4, 5, 8)),
                  shim_params=dw_params, count_shim=True,
                  weight_walk={"working_set_bytes": f"filter_h*filter_w*output_c*{4 if kind == 'f32' else 1}",
                               "passes": "input_n*pix", "bytes_per_access": "4" if kind == "f32" else "1"},
                  description=f"reference depthwise convolution ({kind}).")


REF_DW_S8 = ref_dw("reference:DEPTHWISE_CONV_2D:int8", "referenceDepthwise", "s8")
REF_DW_F32 = ref_dw("reference:DEPTHWISE_CONV_2D:float32", "referenceDepthwiseFloat", "f32")


def fc_small_shapes(seed):
    grid = {"input_n": [1, 1, 2, 3], "output_c": [1, 2, 3, 4, 5, 7, 9], "filter_n": list(range(1, 40)) + [50, 64, 100]}
    return sample(grid, 120, seed)


def ref_fc(path, swift, kind):
    return Kernel(path=path, functions=["tflite::reference_integer_ops::FullyConnected" if kind == "s8" else "tflite::reference_ops::FullyConnected"],
                  shim=f"ref_fully_connected_{kind}", swift=swift, operator=f"FULLY_CONNECTED {kind} (reference)",
                  variables=dict(FC_VARIABLES),
                  terms=[Term("call", "overhead", "1", "entry"),
                         Term("batch", "overhead", "input_n", "per batch row"),
                         Term("out", "requant", "input_n*output_c", "per output: bias, requantization, clamp"),
                         Term("mac", "mac", "input_n*output_c*filter_n", "per MAC")],
                  shapes=lambda: fc_small_shapes(f"reffc{kind}"), count_shim=True,
                  weight_walk={"working_set_bytes": f"output_c*filter_n*{4 if kind == 'f32' else 1}", "passes": "input_n",
                               "bytes_per_access": "4" if kind == "f32" else "1"},
                  description=f"reference fully connected ({kind}).")


REF_FC_S8 = ref_fc("reference:FULLY_CONNECTED:int8", "referenceFullyConnected", "s8")
REF_FC_F32 = ref_fc("reference:FULLY_CONNECTED:float32", "referenceFullyConnectedFloat", "f32")


def pool_ref_terms():
    n = lambda e: f"input_n*({e})"
    return [Term("call", "overhead", "1", "entry"),
            Term("batch", "overhead", "input_n", "per batch"),
            Term("out_row", "overhead", n("output_h"), "per output row"),
            Term("pixel", "overhead", n("pix"), "per output pixel"),
            Term("out", "requant", n("pix*input_c"), "per output: window clipping, division or clamp, store"),
            Term("row", "overhead", n("rows*input_c"), "per output and window row inside"),
            Term("tap", "mac", n("taps*input_c"), "per output and window tap inside")]


def ref_pool(path, swift, shim, op, kind):
    return Kernel(path=path, functions=[f"tflite::reference_{'integer_' if kind == 's8' else ''}ops::{'AveragePool' if 'avg' in shim else 'MaxPool'}"],
                  shim=shim, swift=swift, operator=f"{op} {kind} (reference)", variables=dict(POOL_VARIABLES),
                  derived=POOL_DERIVED, terms=pool_ref_terms(), shapes=lambda: pool_shapes(shim, 120), count_shim=True,
                  description=f"reference {op} ({kind}).")


REF_AVGPOOL_S8 = ref_pool("reference:AVERAGE_POOL_2D:int8", "referenceAvgPool", "ref_avgpool_s8", "AVERAGE_POOL_2D", "s8")
REF_MAXPOOL_S8 = ref_pool("reference:MAX_POOL_2D:int8", "referenceMaxPool", "ref_maxpool_s8", "MAX_POOL_2D", "s8")
REF_AVGPOOL_F32 = ref_pool("reference:AVERAGE_POOL_2D:float32", "referenceAvgPoolFloat", "ref_avgpool_f32", "AVERAGE_POOL_2D", "f32")
REF_MAXPOOL_F32 = ref_pool("reference:MAX_POOL_2D:float32", "referenceMaxPoolFloat", "ref_maxpool_f32", "MAX_POOL_2D", "f32")


def flat_shapes():
    return [{"flat_size": n} for n in list(range(1, 41)) + [47, 64, 100, 127, 128, 255, 256, 300]]


FLAT = {"flat_size": "elements"}


def elementwise(path, swift, shim, function, operator, description=""):
    return Kernel(path=path, functions=[function], shim=shim, swift=swift, operator=operator, variables=dict(FLAT),
                  terms=[Term("call", "overhead", "1", "entry"), Term("elem", "mac", "flat_size", "per element")],
                  shapes=flat_shapes, count_shim=True, description=description or f"{function}: one loop over the elements.")


REF_ADD_S8 = elementwise("reference:ADD:int8", "referenceAdd", "ref_add_s8", "tflite::reference_integer_ops::Add", "ADD int8 without broadcast (reference)")
REF_ADD_F32 = elementwise("reference:ADD:float32", "referenceAddFloat", "ref_add_f32", "tflite::reference_ops::Add", "ADD float32 without broadcast (reference)")
REF_MUL_S8 = elementwise("reference:MUL:int8", None, "ref_mul_s8", "tflite::reference_integer_ops::Mul", "MUL int8 without broadcast (reference)")
REF_MUL_F32 = elementwise("reference:MUL:float32", None, "ref_mul_f32", "tflite::reference_ops::Mul", "MUL float32 without broadcast (reference)")
REF_QUANTIZE = elementwise("reference:QUANTIZE:float32", None, "ref_quantize_f32_s8", "tflite::reference_ops::AffineQuantize", "QUANTIZE float32 -> int8")
REF_DEQUANTIZE = elementwise("reference:DEQUANTIZE:int8", None, "ref_dequantize_s8_f32", "tflite::reference_ops::Dequantize", "DEQUANTIZE int8 -> float32")
REF_REQUANTIZE = elementwise("reference:QUANTIZE:int8", None, "ref_requantize_s8", "tflite::reference_ops::Requantize", "QUANTIZE int8 -> int8 (requantize)")
REF_LOGISTIC = elementwise("reference:LOGISTIC:int8", None, "ref_logistic_s8", "tflite::reference_integer_ops::Logistic", "LOGISTIC int8",
                           "reference_integer_ops::Logistic (fixed point; inputs beyond the range radius saturate: data-dependent, "
                           "measured on uniform int8 inputs with radius 126).")
REF_TANH = elementwise("reference:TANH:int8", None, "ref_tanh_s8", "tflite::reference_integer_ops::Tanh", "TANH int8",
                       "reference_integer_ops::Tanh (fixed point; saturation data-dependent as for LOGISTIC).")
REF_HARD_SWISH = elementwise("reference:HARD_SWISH:int8", None, "ref_hard_swish_s8", "tflite::reference_ops::HardSwish<int8_t>", "HARD_SWISH int8")

REF_SUB_S8 = elementwise("reference:SUB:int8", None, "ref_sub_s8", "tflite::reference_ops::Sub", "SUB int8 without broadcast (reference)")
REF_SUB_F32 = elementwise("reference:SUB:float32", None, "ref_sub_f32", "tflite::reference_ops::SubWithActivation",
                          "SUB float32 without broadcast (reference)")
REF_RELU_S8 = elementwise("reference:RELU:int8", None, "ref_relu_s8", "tflite::ReluQuantized<int8_t>", "RELU int8",
                          "TFLM's ReluQuantized (micro/kernels/activations.h): requantize and clamp per element.")
REF_RELU6_S8 = elementwise("reference:RELU6:int8", None, "ref_relu6_s8", "tflite::Relu6Quantized<int8_t>", "RELU6 int8",
                           "TFLM's Relu6Quantized: a clamp per element (branches data-dependent: uniform int8 inputs, "
                           "bounds -20 and 90).")
REF_LEAKY_RELU_S8 = elementwise("reference:LEAKY_RELU:int8", None, "ref_leaky_relu_s8", "tflite::reference_ops::QuantizeLeakyRelu",
                                "LEAKY_RELU int8", "reference_ops::QuantizeLeakyRelu: one of two requantizations per element "
                                "by the input's sign (data-dependent: uniform int8 inputs around zero point -3).")
REF_LEAKY_RELU_F32 = elementwise("reference:LEAKY_RELU:float32", None, "ref_leaky_relu_f32", "tflite::reference_ops::LeakyRelu",
                                 "LEAKY_RELU float32", "reference_ops::LeakyRelu: a select per element (inputs uniform in "
                                 "[-1000, 1000]).")

REF_MEAN_S8 = Kernel(
    path="reference:MEAN:int8", functions=["tflite::reference_ops::QuantizedMeanOrSumExtraArgs"], shim="ref_mean_s8",
    operator="MEAN int8 over axes 1 and 2 of a 4-D input (global average pooling)",
    variables={"input_n": "batches", "input_h": "height", "input_w": "width", "input_c": "channels",
               "keep_dims": "1 when the output keeps rank 4, 0 for rank 2"},
    terms=[Term("call", "overhead", "1", "entry: output and accumulator reset set-up, axis resolution, the mean's "
                                         "multiplier (a 64-bit division)"),
           Term("keep", "overhead", "keep_dims", "two more output dimensions to count"),
           Term("out", "requant", "input_n*input_c", "per output: accumulator reset, then rescale, clamp, store"),
           Term("elem", "mac", "input_n*input_h*input_w*input_c", "per input element: input and output offsets from "
                                                                   "the index (ReducedOutputOffset twice), the sum, NextIndex"),
           Term("carry", "overhead", "input_n*input_h*input_w + input_n*input_h + input_n",
                "per index carry (NextIndex wrapping a dimension)")],
    shapes=lambda: sample({"input_n": [1, 1, 2, 3], "input_h": [1, 2, 3, 4, 5, 7], "input_w": [1, 2, 3, 4, 6],
                           "input_c": [1, 2, 3, 4, 8, 16], "keep_dims": [0, 1]}, 110, "mean_s8"),
    shim_params=lambda v: [v["input_n"], v["input_h"], v["input_w"], v["input_c"], v["keep_dims"]], count_shim=True,
    description="reference_ops::QuantizedMeanOrSumExtraArgs (TFLM's int8 MEAN): the generic N-D reduction, one "
                "index walk over the input, then one rescale per output. Measured for axes 1 and 2 only.")


def softmax_ref_shapes():
    return [{"num_rows": r, "row_size": n} for n in [1, 2, 3, 4, 5, 7, 8, 10, 16, 31, 32, 50, 100] for r in (1, 2, 3, 5) if r * n <= 400]


SOFTMAX_TERMS = [Term("call", "overhead", "1", "entry"), Term("row", "requant", "num_rows", "per row: max, sum, reciprocal"),
                 Term("elem", "mac", "num_rows*row_size", "per element: max, exp, scale")]
REF_SOFTMAX_S8 = Kernel(path="reference:SOFTMAX:int8", functions=["tflite::reference_ops::Softmax (quantized)"], shim="ref_softmax_s8",
                        swift="referenceSoftmax", operator="SOFTMAX int8 (reference)",
                        variables={"num_rows": "rows", "row_size": "last dimension"}, terms=SOFTMAX_TERMS,
                        shapes=softmax_ref_shapes, count_shim=True,
                        description="reference_ops::Softmax for int8 (gemmlowp fixed point); every element within diff_min.")
REF_SOFTMAX_F32 = Kernel(path="reference:SOFTMAX:float32", functions=["tflite::reference_ops::Softmax (float)", "expf"], shim="ref_softmax_f32",
                         operator="SOFTMAX float32 (reference)", variables={"num_rows": "rows", "row_size": "last dimension"},
                         terms=SOFTMAX_TERMS, shapes=softmax_ref_shapes, count_shim=True,
                         description="reference_ops::Softmax for float (newlib expf per element: its path depends on the "
                                     "argument; inputs uniform in [-4, 4]).")

REF_CONCAT = Kernel(
    path="reference:CONCATENATION:int8", functions=["tflite::reference_ops::Concatenation"], shim="ref_concatenation_s8",
    operator="CONCATENATION int8 (any type of the same size), along the last axis",
    variables={"outer": "product of the dimensions before the axis", "inputs": "number of inputs (all the same size here)",
               "copy_size": "elements of each input per outer index (its axis dimension times the inner size)"},
    terms=[Term("call", "overhead", "1", "entry: shape checks"),
           Term("input", "overhead", "inputs", "per input: shape checks, axis size"),
           Term("outer", "overhead", "outer", "per outer index"),
           Term("copy", "mac", "outer*inputs", "per input and outer index: memcpy call")],
    shapes=lambda: [{"outer": o, "inputs": i, "copy_size": d} for o in (1, 2, 3, 5, 8) for i in (2, 3, 4) for d in (1, 3, 4, 8, 17)],
    shim_params=lambda v: [v["outer"], v["inputs"], v["copy_size"]], count_shim=True,
    library_calls=[LibraryCall("newlib_memcpy", "outer*inputs", {"bytes": "copy_size", "src_mod4": "if(copy_size%4==0, 0, 1)", "dst_mod4": "if(copy_size%4==0, 0, 1)"},
                               "one input's chunk per outer index (alignment approximate)")],
    description="reference_ops::Concatenation: per outer index and input one memcpy (excluded: library_calls).")


def slice_shapes():
    out = []
    for s in sample({"input_n": [1, 2], "input_h": [1, 2, 3, 5], "input_w": [1, 2, 4, 6], "input_c": [1, 2, 3, 8, 12],
                     "k": list(range(8))}, 120, "strided_slice"):
        k = s.pop("k")
        v = dict(s)
        for d, name in enumerate(["n", "h", "w", "c"]):
            size = s[f"input_{name}"]
            start = (k >> (d % 3)) & 1 if size > 1 else 0
            stride = 1 + ((k + d) % 2 if size > 2 else 0)
            v[f"start_{name}"], v[f"stop_{name}"], v[f"stride_{name}"] = start, size, stride
        out.append(v)
    return out


SLICE_VARIABLES = {f"input_{n}": f"input dimension {n}" for n in "nhwc"}
for _n in "nhwc":
    SLICE_VARIABLES.update({f"start_{_n}": f"begin index of dimension {_n} (after masks)",
                            f"stop_{_n}": f"end index of dimension {_n}", f"stride_{_n}": f"stride of dimension {_n} (positive)"})

REF_STRIDED_SLICE = Kernel(
    path="reference:STRIDED_SLICE:int8", functions=["tflite::reference_ops::StridedSlice"], shim="ref_strided_slice_s8",
    operator="STRIDED_SLICE int8, 4-D, positive strides",
    variables=SLICE_VARIABLES,
    derived=[(f"o_{n}", f"(stop_{n} - start_{n} + stride_{n} - 1)/stride_{n}") for n in "nhwc"],
    terms=[Term("call", "overhead", "1", "entry: start/stop index resolution for 5 dimensions"),
           Term("d0", "overhead", "o_n", "per index of dimension n"),
           Term("d1", "overhead", "o_n*o_h", "per index of dimensions n, h"),
           Term("d2", "overhead", "o_n*o_h*o_w", "per index of dimensions n, h, w (an output row)"),
           Term("row_copy", "mac", "o_n*o_h*o_w*(stride_c == 1)", "innermost stride 1: the row as one memcpy (WriteN)"),
           Term("elem", "mac", "o_n*o_h*o_w*o_c*(stride_c != 1)", "innermost stride > 1: per output element")],
    library_calls=[LibraryCall("newlib_memcpy", "o_n*o_h*o_w*(stride_c == 1)",
                               {"bytes": "o_c", "src_mod4": "if(o_c%4==0 && input_c%4==0, 0, 1)", "dst_mod4": "if(o_c%4==0, 0, 1)"},
                               "one output row (innermost stride 1; alignment approximate)")],
    shapes=slice_shapes, shim_params=lambda v: [v[k] for k in ["input_n", "input_h", "input_w", "input_c"]] +
    [v[f"{p}_{n}"] for n in "nhwc" for p in ("start", "stop", "stride")],
    count_shim=True, description="reference_ops::StridedSlice (5-D loop over the output, 4-D here): with an innermost "
                                 "stride of 1 each output row is one memcpy (excluded: library_calls), else a loop over elements.")


def pad_ref_shapes():
    out = []
    for s in sample({"input_n": [1, 2], "input_h": [1, 2, 3, 4], "input_w": [1, 2, 3, 5], "input_c": [1, 2, 3, 4, 8],
                     "ph": [(0, 0), (1, 1), (0, 2), (2, 1)], "pw": [(0, 0), (1, 1), (1, 0), (2, 2)], "pc": [(0, 0), (0, 0), (1, 2)]},
                    110, "pad_ref"):
        out.append({"input_n": s["input_n"], "input_h": s["input_h"], "input_w": s["input_w"], "input_c": s["input_c"],
                    "pre_n": 0, "post_n": 0, "pre_h": s["ph"][0], "post_h": s["ph"][1], "pre_w": s["pw"][0],
                    "post_w": s["pw"][1], "pre_c": s["pc"][0], "post_c": s["pc"][1]})
    return out


REF_PAD_F32 = Kernel(
    path="reference:PAD:float32", functions=["tflite::reference_ops::Pad"], shim="ref_pad_f32",
    operator="PAD / PADV2 float32 (and int16; int8 without CMSIS-NN has the same loop with byte stores)",
    variables={"input_n": "input batches", "input_h": "input height", "input_w": "input width", "input_c": "input channels",
               "pre_n": "before, dimension 0", "post_n": "after, dimension 0", "pre_h": "before, dimension 1",
               "post_h": "after, dimension 1", "pre_w": "before, dimension 2", "post_w": "after, dimension 2",
               "pre_c": "before, dimension 3", "post_c": "after, dimension 3"},
    derived=[("out_n", "pre_n + input_n + post_n"), ("out_h", "pre_h + input_h + post_h"),
             ("out_w", "pre_w + input_w + post_w"), ("out_c", "pre_c + input_c + post_c")],
    terms=[Term("call", "overhead", "1", "entry: padding extended to 5-D"),
           Term("d1", "overhead", "out_n*out_h", "per output index of dimensions 0-1"),
           Term("d2", "overhead", "out_n*out_h*out_w", "per output index of dimensions 0-2"),
           Term("elem", "mac", "out_n*out_h*out_w*out_c", "per output element: padding tests, store"),
           Term("elem_input", "mac", "input_n*input_h*input_w*input_c", "correction: an element copied from the input", correction=True),
           Term("elem_rowpad", "mac", "out_n*(out_h - input_h)*out_w*out_c", "correction: an element of a padded row", correction=True)],
    shapes=pad_ref_shapes,
    shim_params=lambda v: [v[k] for k in ["input_n", "input_h", "input_w", "input_c", "pre_n", "post_n", "pre_h", "post_h",
                                          "pre_w", "post_w", "pre_c", "post_c"]],
    count_shim=True, description="reference_ops::Pad: per output element the padding tests of each dimension, then a store.")

REF_RESIZE_NN = Kernel(
    path="reference:RESIZE_NEAREST_NEIGHBOR:int8", functions=["tflite::reference_ops::ResizeNearestNeighbor"], shim="ref_resize_nearest_s8",
    operator="RESIZE_NEAREST_NEIGHBOR int8 (half_pixel_centers)",
    variables={"input_n": "batches", "input_h": "input height", "input_w": "input width", "input_c": "channels",
               "output_h": "output height", "output_w": "output width"},
    terms=[Term("call", "overhead", "1", "entry: extended shapes"),
           Term("batch", "overhead", "input_n", "per batch"),
           Term("row", "overhead", "input_n*output_h", "per output row: nearest input row (float arithmetic)"),
           Term("pixel", "mac", "input_n*output_h*output_w", "per output pixel: nearest column, memcpy call")],
    shapes=lambda: sample({"input_n": [1, 2], "input_h": [1, 2, 3, 5], "input_w": [1, 2, 3, 4], "input_c": [1, 2, 3, 8, 16],
                           "output_h": [1, 2, 3, 4, 6, 10], "output_w": [1, 2, 4, 5, 8]}, 110, "resize_nn"),
    count_shim=True,
    library_calls=[LibraryCall("newlib_memcpy", "input_n*output_h*output_w", {"bytes": "input_c", "src_mod4": "if(input_c%4==0, 0, 1)", "dst_mod4": "if(input_c%4==0, 0, 1)"},
                               "one pixel's channels")],
    description="reference_ops::ResizeNearestNeighbor: per output pixel a memcpy of the channels (excluded: library_calls).")

REF_TRANSPOSE_F32 = Kernel(
    path="reference:TRANSPOSE:float32", functions=["tflite::reference_ops::Transpose"], shim="ref_transpose_f32",
    operator="TRANSPOSE float32 (and any 4-byte type), 4-D",
    variables={"input_n": "dimension 0", "input_h": "dimension 1", "input_w": "dimension 2", "input_c": "dimension 3",
               "perm0": "permutation", "perm1": "permutation", "perm2": "permutation", "perm3": "permutation"},
    terms=[Term("call", "overhead", "1", "entry: strides"),
           Term("d0", "overhead", "input_n", "per index of output dimension 0"),
           Term("d1", "overhead", "input_n*input_h", "per index of output dimensions 0-1"),
           Term("d2", "overhead", "input_n*input_h*input_w", "per index of output dimensions 0-2"),
           Term("elem", "mac", "input_n*input_h*input_w*input_c", "per element")],
    shapes=lambda: [dict(s, input_n=s["input_n"]) for s in __import__("kernels.cmsis_more", fromlist=["x"]).transpose_shapes(4)],
    shim_params=lambda v: [v["input_n"], v["input_h"], v["input_w"], v["input_c"], v["perm0"], v["perm1"], v["perm2"], v["perm3"]],
    count_shim=True,
    description="reference_ops::Transpose (4-D): per element index arithmetic and copy. The per-dimension terms are "
                "over the input dimensions (the counts do not depend on the permutation).")

# ---------------------------------------------------------------- ADD with broadcast

BROADCAST_VARIABLES = {"rank_out": "output rank", "rank1": "input 1 rank", "rank2": "input 2 rank"}
BROADCAST_VARIABLES.update({f"{t}_{i}": f"{what} dimension {i} of 4 (leading ones for missing dimensions)"
                            for t, what in (("out", "output"), ("in1", "input 1"), ("in2", "input 2")) for i in range(4)})


def broadcast_derived():
    """BroadcastBinaryOpSimple's fused loop nest. Dimensions are taken innermost (3) first; a dimension joins the
    current loop when its extent is 1 or both inputs' strides keep their kind (zero for a broadcast input, else
    contiguous), otherwise it opens a loop. new_i: dimension i opens a loop; loops: their number; inner_calls: runs
    of the innermost loop; outer_iters: iterations of the loops above it (RunBinaryOp's calls above it are
    outer_iters - inner_calls + 1, a combination of these and the call: no term of their own)."""
    d = [("rank", "max(rank_out, rank1, rank2)")]
    for i in range(4):
        d += [(f"a_{i}", f"in1_{i} == 1 && out_{i} != 1"), (f"b_{i}", f"in2_{i} == 1 && out_{i} != 1")]
    d += [("la_3", "a_3"), ("lb_3", "b_3")]
    for i in (2, 1, 0):
        d += [(f"new_{i}", f"{i} >= 4 - rank && out_{i} != 1 && (a_{i} != la_{i + 1} || b_{i} != lb_{i + 1})"),
              (f"a_fail_{i}", f"{i} >= 4 - rank && out_{i} != 1 && a_{i} != la_{i + 1}"),
              (f"la_{i}", f"if(new_{i}, a_{i}, la_{i + 1})"), (f"lb_{i}", f"if(new_{i}, b_{i}, lb_{i + 1})")]
    d += [("p_0", "out_0"), ("p_1", "p_0*out_1"), ("p_2", "p_1*out_2"), ("total", "p_2*out_3"),
          ("loops", "1 + new_2 + new_1 + new_0"),
          ("units", "(0 >= 4 - rank && out_0 == 1) + (1 >= 4 - rank && out_1 == 1) + (2 >= 4 - rank && out_2 == 1)"),
          ("a_fails", "a_fail_2 + a_fail_1 + a_fail_0"),
          ("inner_calls", "if(new_2, p_2, if(new_1, p_1, if(new_0, p_0, 1)))"),
          ("outer_iters", "new_2*p_2 + new_1*p_1 + new_0*p_0"),
          ("inner_a0", "a_3"), ("inner_b0", "!a_3 && b_3")]
    return d


def broadcast_shapes(seed):
    grid = {"rank": [1, 2, 3, 4, 4, 4], "o0": [1, 1, 2, 3], "o1": [1, 2, 3, 5, 6], "o2": [1, 2, 3, 4, 6, 7],
            "o3": [1, 2, 3, 4, 5, 8, 16], "k0": [0, 1, 2], "k1": [0, 1, 2], "k2": [0, 1, 2], "k3": [0, 1, 2],
            "drop1": [0, 0, 1, 2, 3], "drop2": [0, 0, 0, 1, 2]}
    out = []
    for s in sample(grid, 400, seed):
        r = s["rank"]
        o = [1] * (4 - r) + [s[f"o{i}"] for i in range(4 - r, 4)]
        kinds = [s[f"k{i}"] if o[i] > 1 else 0 for i in range(4)]  # 1: input 1 broadcast, 2: input 2 broadcast
        if not any(kinds):
            continue
        in1 = [1 if k == 1 else v for v, k in zip(o, kinds)]
        in2 = [1 if k == 2 else v for v, k in zip(o, kinds)]

        def rank_of(dims, drop):
            # A lower rank when its leading dimensions are 1 (TFLM models give e.g. a [C] bias against [N, H, W, C]).
            lead = next((i for i, v in enumerate(dims) if v != 1), 3)
            return max(r - drop, 4 - lead, 1) if drop else r

        v = {"rank_out": r, "rank1": rank_of(in1, s["drop1"]), "rank2": rank_of(in2, s["drop2"])}
        v.update({f"out_{i}": o[i] for i in range(4)})
        v.update({f"in1_{i}": in1[i] for i in range(4)})
        v.update({f"in2_{i}": in2[i] for i in range(4)})
        out.append(v)
        if len(out) == 150:
            break
    return out


def broadcast_params(v):
    return [v["rank_out"], v["rank1"], v["rank2"]] + [v[f"{t}_{i}"] for t in ("out", "in1", "in2") for i in range(4)]


def broadcast_add(path, shim, function, operator, note=""):
    return Kernel(
        path=path, functions=[function, "tflite::reference_ops::BroadcastBinaryOpSimple", "tflite::reference_ops::RunBinaryOp"],
        shim=shim, operator=operator, variables=dict(BROADCAST_VARIABLES), derived=broadcast_derived(),
        terms=[Term("call", "overhead", "1", "entry, the three shapes extended to the common rank"),
               Term("dim", "overhead", "rank", "per dimension: strides, the fusion tests"),
               Term("unit", "overhead", "units", "a dimension of extent 1 (fused at the first test)", correction=True),
               Term("a_fail", "overhead", "a_fails", "input 1's stride kind changes (the first test fails)", correction=True),
               Term("loop", "overhead", "loops", "per fused loop opened"),
               Term("outer_iter", "overhead", "outer_iters", "iteration of a loop above the innermost: a RunBinaryOp call"),
               Term("inner_call", "overhead", "inner_calls", "run of the innermost loop (RunBinaryOp at dimension 0)"),
               Term("inner_a0", "overhead", "inner_calls*inner_a0", "innermost loop with input 1 broadcast", correction=True),
               Term("inner_b0", "overhead", "inner_calls*inner_b0", "innermost loop with input 2 broadcast", correction=True),
               Term("elem", "mac", "total", "per output element (both inputs contiguous)"),
               Term("elem_a0", "mac", "total*inner_a0", "per element with input 1 broadcast in the innermost loop", correction=True),
               Term("elem_b0", "mac", "total*inner_b0", "per element with input 2 broadcast in the innermost loop", correction=True),
               Term("pad_dims", "overhead", "3*rank - rank_out - rank1 - rank2", "leading dimensions added by ExtendedShape", correction=True)],
        shapes=lambda: broadcast_shapes(path), shim_params=broadcast_params, count_shim=True,
        library_calls=[LibraryCall("newlib_memcpy", "1", {"bytes": "4*if(k == 0, rank_out, if(k == 1, rank1, rank2))", "src_mod4": "0", "dst_mod4": "0"},
                                   "RuntimeShape::ExtendedShape copies each shape's dimensions", index=("k", "3"))],
        description=f"{function} -> BroadcastBinaryOpSimple: the shapes extended to the common rank, dimensions fused "
                    "into as few loops as the inputs' stride kinds allow, then RunBinaryOp recursing over the fused "
                    "loops; the innermost loop takes one of three forms (input 1 broadcast, input 2 broadcast, both "
                    "contiguous). memcpy bodies excluded (library_calls)." + note)


REF_ADD_BROADCAST_S8 = broadcast_add("reference:ADD:int8:broadcast", "ref_add_broadcast_s8",
                                     "tflite::reference_integer_ops::BroadcastAdd4DSlow", "ADD int8 with broadcast (reference)",
                                     " The element operation (AddFunc, called through a pointer) rounds three products "
                                     "with a branch on each product's sign: data-dependent. Measured on uniform int8 "
                                     "data; a broadcast input's few values take one branch for a whole loop, so single "
                                     "shapes miss the fit by up to about 5%.")
REF_ADD_BROADCAST_S16 = broadcast_add("reference:ADD:int16:broadcast", "ref_add_broadcast_s16",
                                      "tflite::reference_ops::BroadcastAdd4DSlow", "ADD int16 with broadcast (reference)",
                                      " The element operation's rounding is data-dependent as for int8 (uniform int16 data).")
REF_ADD_BROADCAST_F32 = broadcast_add("reference:ADD:float32:broadcast", "ref_add_broadcast_f32",
                                      "tflite::reference_ops::BroadcastAdd4DSlow", "ADD float32 with broadcast (reference)")


# ---------------------------------------------------------------- TRANSPOSE_CONV (reference)

TCONV_REF_VARIABLES = {
    "input_n": "batches", "input_h": "input height", "input_w": "input width", "input_c": "input channels",
    "filter_h": "filter height", "filter_w": "filter width", "output_h": "output height", "output_w": "output width",
    "output_c": "output channels", "stride_h": "stride height", "stride_w": "stride width",
    "pad_h": "padding_values.height", "pad_w": "padding_values.width",
    "has_bias": "1 when the operator has a bias",
}


def tconv_ref_shapes(seed):
    grid = {"input_n": [1, 1, 1, 2], "input_h": [1, 2, 3, 4, 5], "input_w": [1, 2, 3, 4, 5, 6],
            "input_c": [1, 2, 3, 4, 5, 8], "output_c": [1, 2, 3, 4, 6], "filter_h": [1, 2, 3, 4], "filter_w": [1, 2, 3, 5],
            "stride": [(1, 1), (2, 2), (2, 2), (1, 2), (2, 1), (3, 3)], "padding": ["same", "same", "valid"],
            "has_bias": [0, 1, 1]}
    out = []
    for s in sample(grid, 600, seed):
        v = tconv_shape(s)
        if v is None or v["input_n"] * v["input_h"] * v["input_w"] * v["input_c"] * v["filter_h"] * v["filter_w"] * v["output_c"] > 8000:
            continue
        out.append(v)
        if len(out) == 120:
            break
    return out


def tconv_ref_derived():
    ox = "ix*stride_w - pad_w + fx"
    oy = "iy*stride_h - pad_h + fy"
    return [("x_ge", f"sum(ix, input_w, sum(fx, filter_w, {ox} >= 0))"),
            ("x_in", f"sum(ix, input_w, sum(fx, filter_w, {ox} >= 0 && {ox} < output_w))"),
            ("y_ge", f"sum(iy, input_h, sum(fy, filter_h, {oy} >= 0))"),
            ("y_in", f"sum(iy, input_h, sum(fy, filter_h, {oy} >= 0 && {oy} < output_h))"),
            ("ic", "input_n*input_c"), ("rows", "input_h*filter_h"), ("out_elems", "input_n*output_h*output_w*output_c")]


def tconv_ref_terms(kind):
    per_oc = lambda e: f"ic*output_c*({e})"
    t = [Term("call", "overhead", "1", "entry, shapes, the scratch (output) cleared"),
         Term("batch", "overhead", "input_n", "per batch"),
         Term("in_row", "overhead", "input_n*input_h", "per input row"),
         Term("in_px", "overhead", "input_n*input_h*input_w", "per input pixel"),
         Term("in_elem", "overhead", "ic*input_h*input_w", "per input element: the output origin"),
         Term("tap_row", "overhead", "ic*input_h*input_w*filter_h", "per input element and filter row"),
         Term("tap", "overhead", "ic*input_h*input_w*filter_h*filter_w", "per input element and filter tap: output-channel loop set-up"),
         Term("oc", "overhead", per_oc("input_h*input_w*filter_h*filter_w"), "per tap and output channel: the first bounds test (out_x >= 0)"),
         Term("oc_x_ge", "overhead", per_oc("rows*x_ge"), "second test (out_x < width)", correction=True),
         Term("oc_x_in", "overhead", per_oc("rows*x_in"), "column inside: third test (out_y >= 0)", correction=True),
         Term("oc_y_ge", "overhead", per_oc("x_in*y_ge"), "column inside, row not above: fourth test", correction=True),
         Term("mac", "mac", per_oc("x_in*y_in"), "inside the output: Offset() arithmetic, loads, multiply-add into the scratch"),
         Term("out_row", "overhead", "input_n*output_h", "output pass: per output row"),
         Term("out_px", "overhead", "input_n*output_h*output_w", "output pass: per output pixel"),
         Term("out", "requant", "out_elems", "per output: " + ("cleared at the start, then bias and clamp" if kind == "f32"
                                                              else "bias, MultiplyByQuantizedMultiplier, clamp, store")),
         Term("out_bias", "requant", "out_elems*has_bias", "per output: the bias added", correction=True)]
    return t


def ref_tconv(path, shim, function, kind, operator, description):
    size = {"f32": 4, "s8": 4, "s16": 8}[kind]
    calls = [] if kind == "f32" else [LibraryCall("newlib_memset", "1", {"bytes": f"{size}*out_elems", "dst_mod4": "0"},
                                                  "the scratch accumulators cleared")]
    return Kernel(path=path, functions=[function], shim=shim, operator=operator, variables=dict(TCONV_REF_VARIABLES),
                  derived=tconv_ref_derived(), terms=tconv_ref_terms(kind), shapes=lambda: tconv_ref_shapes(path), count_shim=True,
                  weight_walk={"working_set_bytes": f"output_c*filter_h*filter_w*input_c*{4 if kind == 'f32' else 1}",
                               "passes": "input_n*input_h*input_w", "bytes_per_access": "4" if kind == "f32" else "1"},
                  library_calls=calls, description=description)


REF_TCONV_F32 = ref_tconv("reference:TRANSPOSE_CONV:float32", "ref_transpose_conv_f32", "tflite::reference_ops::TransposeConv", "f32",
                          "TRANSPOSE_CONV float32 (reference)",
                          "reference_ops::TransposeConv: the output cleared, every input element scattered through every filter "
                          "tap into every output channel (four bounds tests on the output position, per output channel), then "
                          "a pass adding the bias and clamping.")
REF_TCONV_S8 = ref_tconv("reference:TRANSPOSE_CONV:int8", "ref_transpose_conv_s8", "tflite::reference_integer_ops::TransposeConv", "s8",
                         "TRANSPOSE_CONV int8 (reference build; the CMSIS-NN build runs arm_transpose_conv_s8)",
                         "reference_integer_ops::TransposeConv (int8): int32 scratch cleared (memset), the scatter as for float, "
                         "then per output the bias, MultiplyByQuantizedMultiplier, offset and clamp. memset excluded (library_calls).")
REF_TCONV_S16 = ref_tconv("reference:TRANSPOSE_CONV:int16", "ref_transpose_conv_s16", "tflite::reference_integer_ops::TransposeConv", "s16",
                          "TRANSPOSE_CONV int16 (int64 bias and scratch)",
                          "reference_integer_ops::TransposeConv<int64_t> (int16 activations): int64 scratch cleared (memset), the "
                          "scatter, then per output the int64 bias and MultiplyByQuantizedMultiplier. memset excluded (library_calls).")


KERNELS = [REF_CONV_S8, REF_CONV_F32, REF_CONV_S16, REF_DW_S8, REF_DW_F32, REF_FC_S8, REF_FC_F32, REF_AVGPOOL_S8,
           REF_MAXPOOL_S8, REF_AVGPOOL_F32, REF_MAXPOOL_F32, REF_ADD_S8, REF_ADD_F32, REF_MUL_S8, REF_MUL_F32,
           REF_QUANTIZE, REF_DEQUANTIZE, REF_REQUANTIZE, REF_LOGISTIC, REF_TANH, REF_HARD_SWISH, REF_SOFTMAX_S8,
           REF_SOFTMAX_F32, REF_CONCAT, REF_STRIDED_SLICE, REF_PAD_F32, REF_RESIZE_NN, REF_TRANSPOSE_F32, REF_SUB_S8, REF_SUB_F32,
           REF_RELU_S8, REF_RELU6_S8, REF_LEAKY_RELU_S8, REF_LEAKY_RELU_F32, REF_MEAN_S8,
           REF_ADD_BROADCAST_S8, REF_ADD_BROADCAST_S16, REF_ADD_BROADCAST_F32, REF_TCONV_F32, REF_TCONV_S8, REF_TCONV_S16]
