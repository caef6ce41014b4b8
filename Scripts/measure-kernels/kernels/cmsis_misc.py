"""CMSIS-NN fully connected, pooling, elementwise add/mul and softmax (DSP path)."""

from kc.spec import Kernel, Term
from kc.shapes import sample, conv_output, same_padding
from kernels.geometry import window_sums

# ---------------------------------------------------------------- fully connected

FC_VARIABLES = {
    "input_n": "batches (input_dims->n; TFLM: the input's rows)",
    "filter_n": "accumulation depth (filter_dims->n, the kernel's rhs_cols)",
    "output_c": "output channels (output_dims->c, the kernel's rhs_rows)",
}


def fc_shapes(seed: str, count: int, deep: bool = False) -> list[dict]:
    grid = {"input_n": [1, 1, 1, 2, 3], "output_c": [1, 2, 3, 4, 5, 6, 7, 9, 10],
            "filter_n": list(range(1, 73)) + [100, 127, 131, 160, 250]}
    out = sample(grid, count, seed)
    if deep:
        for i, k in enumerate([511, 512, 513, 515, 516, 520, 527, 600, 700]):
            out.append({"input_n": 1 + i % 2, "output_c": 1 + i % 3, "filter_n": k})
    return out


def fc_s8_terms() -> list[Term]:
    b = lambda e: f"input_n*({e})"
    t = [
        Term("batch", "overhead", "input_n", "per batch row: arm_nn_vec_mat_mult_t_s8 call"),
        Term("rowpair", "requant", b("pairs"), "per output-row pair: bias, 2 requantizations, stores"),
        Term("main4", "mac", b("pairs*q"), "4 columns x 2 rows (8 MACs: 4 SMLAD); GCC unrolls x8 (see main_mod8_*)"),
        Term("odd", "requant", b("odd"), "odd last row: one output"),
        Term("odd_main4", "mac", b("odd*q"), "odd last row: 4 columns"),
        Term("main_entry", "overhead", b("pairs*(q>=1)"), "4-column loop entered"),
        Term("odd_entry", "overhead", b("odd*(q>=1)"), "odd row: 4-column loop entered"),
        Term("main_entry8", "overhead", b("pairs*(q>=8)"), "unrolled x8 body entered"),
        Term("odd_entry8", "overhead", b("odd*(q>=8)"), "odd row: unrolled x8 body entered"),
        Term("rowloop_entry", "overhead", b("output_c>=2"), "row-pair loop entered"),
    ]
    for r in (1, 2, 3):
        t.append(Term(f"tail_r{r}", "mac", b(f"pairs*(filter_n%4=={r})"), f"{r} leftover column(s), per row pair"))
        t.append(Term(f"odd_tail_r{r}", "mac", b(f"odd*(filter_n%4=={r})"), f"{r} leftover column(s), odd row"))
    for u in range(1, 8):
        t.append(Term(f"main_mod8_{u}", "overhead", b(f"pairs*(q%8=={u})"), f"x8-unrolled loop remainder {u}"))
        t.append(Term(f"odd_mod8_{u}", "overhead", b(f"odd*(q%8=={u})"), f"odd row: x8-unrolled loop remainder {u}"))
    t.append(Term("call", "overhead", "1", "entry/exit"))
    return t


FC_DERIVED = [("q", "filter_n/4"), ("pairs", "output_c/2"), ("odd", "output_c%2")]

FC_S8 = Kernel(
    path="arm_fully_connected_s8",
    functions=["arm_fully_connected_s8", "arm_nn_vec_mat_mult_t_s8"],
    shim="arm_fully_connected_s8",
    swift="fullyConnected",
    operator="FULLY_CONNECTED int8, per-tensor weights (TFLM: arm_fully_connected_wrapper_s8)",
    variables=dict(FC_VARIABLES),
    derived=FC_DERIVED,
    terms=fc_s8_terms(),
    shapes=lambda: fc_shapes("fc_s8", 170),
    weight_walk={"working_set_bytes": "output_c*filter_n", "passes": "input_n", "bytes_per_access": "4"},
    description="arm_fully_connected_s8 -> arm_nn_vec_mat_mult_t_s8 once per batch row (filter offset 0: int8 "
                "weights are symmetric): 2 rows at a time, 4 columns per step (GCC unrolls the step loop x8), leftover "
                "columns and an odd last row.",
)

FC_PER_CHANNEL = Kernel(
    path="arm_fully_connected_per_channel_s8",
    functions=["arm_fully_connected_per_channel_s8", "arm_nn_vec_mat_mult_t_per_ch_s8"],
    shim="arm_fully_connected_per_channel_s8",
    operator="FULLY_CONNECTED int8, per-channel weights (TFLM: arm_fully_connected_wrapper_s8)",
    variables=dict(FC_VARIABLES),
    derived=FC_DERIVED,
    terms=fc_s8_terms(),
    shapes=lambda: fc_shapes("fc_s8_pc", 170),
    weight_walk={"working_set_bytes": "output_c*filter_n", "passes": "input_n", "bytes_per_access": "4"},
    description="arm_fully_connected_per_channel_s8 -> arm_nn_vec_mat_mult_t_per_ch_s8 (per-channel multipliers "
                "and shifts); same loop structure as arm_nn_vec_mat_mult_t_s8.",
)

FC_S16 = Kernel(
    path="arm_fully_connected_s16",
    functions=["arm_fully_connected_s16", "arm_nn_vec_mat_mult_t_s16"],
    shim="arm_fully_connected_s16",
    swift="fullyConnectedS16",
    operator="FULLY_CONNECTED int16",
    variables=dict(FC_VARIABLES),
    derived=[("pairs", "output_c/2"), ("odd", "output_c%2"), ("fast", "min(filter_n, 512)"),
             ("tail", "filter_n - 4*(fast/4)")],
    terms=[
        Term("batch", "overhead", "input_n", "per batch row"),
        Term("rowpair", "requant", "input_n*pairs", "per row pair: int64 bias, 2 x arm_nn_requantize_s64, stores"),
        Term("main4", "mac", "input_n*pairs*(fast/4)", "4 columns x 2 rows"),
        Term("main_entry", "overhead", "input_n*pairs*(fast>=4)", "4-column loop entered"),
        Term("tail", "mac", "input_n*pairs*tail", "leftover column (and every column past MAX_COL_COUNT = 512), 64-bit"),
        Term("tail_entry", "overhead", "input_n*pairs*(tail>0)", "leftover loop entered"),
        Term("odd", "requant", "input_n*odd", "odd last row"),
        Term("odd_main4", "mac", "input_n*odd*(fast/4)", "odd row: 4 columns"),
        Term("odd_main_entry", "overhead", "input_n*odd*(fast>=4)", "odd row: 4-column loop entered"),
        Term("odd_tail", "mac", "input_n*odd*tail", "odd row: leftover column"),
        Term("odd_tail_entry", "overhead", "input_n*odd*(tail>0)", "odd row: leftover loop entered"),
        Term("rows_entry", "overhead", "input_n*(output_c>=2)", "row-pair loop entered"),
        Term("call", "overhead", "1", "entry/exit"),
    ],
    shapes=lambda: fc_shapes("fc_s16", 160, deep=True),
    weight_walk={"working_set_bytes": "output_c*filter_n", "passes": "input_n", "bytes_per_access": "4"},
    description="arm_fully_connected_s16 -> arm_nn_vec_mat_mult_t_s16: 2 rows at a time, 4 columns per SMLAD step up "
                "to MAX_COL_COUNT (512) columns, the rest in a scalar 64-bit loop.",
)

# ---------------------------------------------------------------- pooling

POOL_VARIABLES = {
    "input_n": "batches", "input_h": "input height", "input_w": "input width", "input_c": "channels",
    "filter_h": "window height", "filter_w": "window width", "output_h": "output height", "output_w": "output width",
    "stride_h": "pool_params->stride.h", "stride_w": "pool_params->stride.w",
    "pad_h": "pool_params->padding.h", "pad_w": "pool_params->padding.w",
}


def pool_shapes(seed: str, count: int) -> list[dict]:
    grid = {"input_h": [1, 2, 3, 4, 5, 7, 8, 10], "input_w": [1, 2, 3, 4, 5, 6, 9], "input_c": [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17],
            "filter": [(1, 1), (2, 2), (3, 3), (2, 3), (3, 1), (4, 4), (5, 2)], "stride_h": [1, 2, 3], "stride_w": [1, 2, 3],
            "padding": ["valid", "same", "same"], "input_n": [1, 1, 1, 2]}
    out = []
    for s in sample(grid, count * 3, seed):
        fh, fw = s["filter"]
        if s["padding"] == "valid":
            ph = pw = 0
            oh = conv_output(s["input_h"], fh, s["stride_h"], 0)
            ow = conv_output(s["input_w"], fw, s["stride_w"], 0)
        else:
            oh, ph = same_padding(s["input_h"], fh, s["stride_h"])
            ow, pw = same_padding(s["input_w"], fw, s["stride_w"])
        if oh < 1 or ow < 1:
            continue
        out.append({"input_n": s["input_n"], "input_h": s["input_h"], "input_w": s["input_w"], "input_c": s["input_c"],
                    "filter_h": fh, "filter_w": fw, "output_h": oh, "output_w": ow, "stride_h": s["stride_h"],
                    "stride_w": s["stride_w"], "pad_h": ph, "pad_w": pw})
        if len(out) == count:
            break
    return out


POOL_DERIVED = window_sums(dilation=False) + [("pix", "output_h*output_w"), ("rows", "sum_rows*output_w"),
                                               ("taps", "sum_rows*sum_cols")]


def pool_terms(per_channel: list[Term]) -> list[Term]:
    return [
        Term("pixel", "overhead", "input_n*pix", "per output pixel: window clipping"),
        Term("out_row", "overhead", "input_n*output_h", "per output row"),
        Term("row", "overhead", "input_n*rows", "per window row inside the input"),
        Term("tap", "overhead", "input_n*taps", "per window tap inside the input"),
        *per_channel,
        Term("batch", "overhead", "input_n", "per batch"),
        Term("call", "overhead", "1", "entry/exit"),
    ]


def pool_kernel(path, swift, function_list, description, per_channel, seed):
    return Kernel(path=path, functions=function_list, shim=path, swift=swift,
                  operator=("AVERAGE_POOL_2D" if "avg" in path else "MAX_POOL_2D") + (" int16" if path.endswith("16") else " int8"),
                  variables=dict(POOL_VARIABLES), derived=POOL_DERIVED, terms=pool_terms(per_channel),
                  shapes=lambda: pool_shapes(seed, 160), description=description)


AVGPOOL_S8 = pool_kernel(
    "arm_avgpool_s8", "avgPool", ["arm_avgpool_s8", "scale_q31_to_q7_and_clamp"],
    "arm_avgpool_s8 (DSP path): per tap inside the window a channel loop into the int32 buffer (copy for the first tap, "
    "QADD after), per output pixel the division by the tap count and clamp per channel.",
    [Term("tap_ch", "mac", "input_n*taps*input_c", "per tap and channel (QADD into the buffer)"),
     Term("pix_ch", "requant", "input_n*pix*input_c", "per output: division by the count (SDIV), clamp, store")],
    "avgpool_s8")
MAXPOOL_S8 = pool_kernel(
    "arm_max_pool_s8", "maxPool", ["arm_max_pool_s8", "compare_and_replace_if_larger_q7", "clamp_output"],
    "arm_max_pool_s8 (DSP path): first tap copied (memcpy), later taps compared 4 channels at a time "
    "(data-dependent replacements: measured on uniform random int8), then a clamp pass.",
    [Term("tap_quad", "mac", "input_n*taps*(input_c/4)", "per tap and 4 channels: compare and replace"),
     Term("tap_rem", "mac", "input_n*taps*(input_c%4)", "per tap and leftover channel"),
     Term("pix_quad", "requant", "input_n*pix*(input_c/4)", "per pixel and 4 channels: clamp"),
     Term("pix_rem", "requant", "input_n*pix*(input_c%4)", "per pixel and leftover channel: clamp")],
    "maxpool_s8")
AVGPOOL_S16 = pool_kernel(
    "arm_avgpool_s16", "avgPoolS16", ["arm_avgpool_s16"],
    "arm_avgpool_s16: per tap and channel accumulation, per output the division and clamp.",
    [Term("tap_ch", "mac", "input_n*taps*input_c", "per tap and channel"),
     Term("pix_ch", "requant", "input_n*pix*input_c", "per output: division, clamp, store")],
    "avgpool_s16")
MAXPOOL_S16 = pool_kernel(
    "arm_max_pool_s16", "maxPoolS16", ["arm_max_pool_s16"],
    "arm_max_pool_s16: first tap copied, later taps compared per channel (data-dependent), then clamped.",
    [Term("tap_ch", "mac", "input_n*taps*input_c", "per tap and channel: compare and replace"),
     Term("pix_ch", "requant", "input_n*pix*input_c", "per output: clamp")],
    "maxpool_s16")

# ---------------------------------------------------------------- elementwise


def elementwise_shapes(seed: str) -> list[dict]:
    sizes = list(range(1, 41)) + [47, 48, 49, 50, 63, 64, 65, 66, 67, 100, 127, 128, 129, 130, 131, 255, 256, 257, 258, 259, 500]
    return [{"block_size": n} for n in sizes]


def quad_terms(step: int = 4) -> list[Term]:
    return [
        Term("call", "overhead", "1", "entry/exit"),
        Term("quad", "mac", "block_size/4", "4 elements: rescale both inputs, combine, requantize, clamp, store"),
        Term("quad_entry", "overhead", "block_size>=4", "4-element loop entered"),
        Term("r1", "mac", "block_size%4==1", "1 leftover element"),
        Term("r2", "mac", "block_size%4==2", "2 leftover elements"),
        Term("r3", "mac", "block_size%4==3", "3 leftover elements"),
    ]


EW_VARIABLES = {"block_size": "elements (the kernel's block_size; TFLM: the flat size, no broadcast)"}

ADD_S8 = Kernel(path="arm_elementwise_add_s8", functions=["arm_elementwise_add_s8"], shim="arm_elementwise_add_s8",
                swift="elementwiseAdd", operator="ADD int8 without broadcast", variables=dict(EW_VARIABLES),
                terms=quad_terms(), shapes=lambda: elementwise_shapes("add_s8"),
                description="arm_elementwise_add_s8 (DSP path): 4 elements per step, scalar tail.")
MUL_S8 = Kernel(path="arm_elementwise_mul_s8", functions=["arm_elementwise_mul_s8"], shim="arm_elementwise_mul_s8",
                swift="elementwiseMul", operator="MUL int8 without broadcast", variables=dict(EW_VARIABLES),
                terms=quad_terms(), shapes=lambda: elementwise_shapes("mul_s8"),
                description="arm_elementwise_mul_s8 (DSP path): 4 elements per step, scalar tail.")
ADD_S16 = Kernel(path="arm_elementwise_add_s16", functions=["arm_elementwise_add_s16"], shim="arm_elementwise_add_s16",
                 swift="elementwiseAddS16", operator="ADD int16 without broadcast", variables=dict(EW_VARIABLES),
                 terms=[Term("call", "overhead", "1", "entry/exit"),
                        Term("pair", "mac", "block_size/2", "2 elements"),
                        Term("pair_entry", "overhead", "block_size>=2", "2-element loop entered"),
                        Term("odd", "mac", "block_size%2", "odd last element")],
                 shapes=lambda: elementwise_shapes("add_s16"),
                 description="arm_elementwise_add_s16: 2 elements per step, odd tail.")
MUL_S16 = Kernel(path="arm_elementwise_mul_s16", functions=["arm_elementwise_mul_s16"], shim="arm_elementwise_mul_s16",
                 operator="MUL int16 without broadcast", variables=dict(EW_VARIABLES),
                 terms=[Term("call", "overhead", "1", "entry/exit"),
                        Term("pair", "mac", "block_size/2", "2 elements (SMULBB, SMULTT, 2 requantizations)"),
                        Term("pair_entry", "overhead", "block_size>=2", "2-element loop entered"),
                        Term("odd", "mac", "block_size%2", "odd last element")],
                 shapes=lambda: elementwise_shapes("mul_s16"),
                 description="arm_elementwise_mul_s16 (DSP path): 2 elements per step, odd tail. (mcusim's earlier "
                             "model costed it with the int8 loop.)")

# ---------------------------------------------------------------- softmax

SOFTMAX_VARIABLES = {
    "num_rows": "rows (the flat size / the last dimension)",
    "row_size": "the last dimension",
    "row_skipped": "elements per row more than diff_min below the row's maximum (they skip the exponential); "
                   "0 is the upper bound",
}


def softmax_shapes(seed: str, skipped: bool) -> list[dict]:
    out = []
    sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 20, 31, 32, 33, 50, 64, 100, 128, 200]
    for i, n in enumerate(sizes):
        for rows in (1, 2, 3, 5):
            if rows * n > 1000:
                continue
            sk = 0
            if skipped and n >= 2 and (i + rows) % 2 == 0:
                sk = 1 + (i * 7 + rows) % (n - 1)
            out.append({"num_rows": rows, "row_size": n, "row_skipped": sk})
    return out


def softmax_terms(skipped: bool) -> list[Term]:
    t = [
        Term("call", "overhead", "1", "entry/exit"),
        Term("row", "requant", "num_rows", "per row: reciprocal of the sum (headroom, one-over-one-plus-x)"),
        Term("row_max_entry", "overhead", "num_rows*(row_size>=2)", "max loop entered"),
        Term("elem", "mac", "num_rows*row_size", "per element: max, exp for the sum, exp and scale for the output"),
    ]
    if skipped:
        t.append(Term("elem_skipped", "mac", "num_rows*row_skipped", "correction: an element below diff_min (no exp)", correction=True))
    return t


SOFTMAX_S8 = Kernel(path="arm_softmax_s8", functions=["arm_softmax_s8", "arm_nn_softmax_common_s8"], shim="arm_softmax_s8",
                    swift="softmax", operator="SOFTMAX int8 -> int8", variables=dict(SOFTMAX_VARIABLES),
                    terms=softmax_terms(True), shapes=lambda: softmax_shapes("softmax_s8", True),
                    description="arm_softmax_s8 -> arm_nn_softmax_common_s8: per row a max pass, a sum of "
                                "exponentials and an output pass; elements below diff_min skip the exponential.",
                    fixed={"diff_min": -64, "mult": 1073741824, "shift": 22})
SOFTMAX_S8_S16 = Kernel(path="arm_softmax_s8_s16", functions=["arm_softmax_s8_s16", "arm_nn_softmax_common_s8"],
                        shim="arm_softmax_s8_s16", operator="SOFTMAX int8 -> int16", variables=dict(SOFTMAX_VARIABLES),
                        terms=softmax_terms(True), shapes=lambda: softmax_shapes("softmax_s8_s16", True),
                        description="arm_softmax_s8_s16 -> arm_nn_softmax_common_s8 with int16 output.",
                        fixed={"diff_min": -64, "mult": 1073741824, "shift": 22})
SOFTMAX_S16 = Kernel(path="arm_softmax_s16", functions=["arm_softmax_s16"], shim="arm_softmax_s16", swift="softmaxS16",
                     operator="SOFTMAX int16", variables={k: SOFTMAX_VARIABLES[k] for k in ("num_rows", "row_size")},
                     terms=softmax_terms(False), shapes=lambda: [{k: s[k] for k in ("num_rows", "row_size")}
                                                                 for s in softmax_shapes("softmax_s16", False)],
                     shim_params=lambda v: [v["num_rows"], v["row_size"], 0],
                     description="arm_softmax_s16: per row a max pass, an exp-LUT pass caching results, a reciprocal "
                                 "LUT lookup and a scaling pass.",
                     fixed={"mult": 1518500250, "shift": 2, "note": "a left shift, as TFLM's Prepare gives for usual int16 input scales"})

KERNELS = [FC_S8, FC_PER_CHANNEL, FC_S16, AVGPOOL_S8, MAXPOOL_S8, AVGPOOL_S16, MAXPOOL_S16, ADD_S8, MUL_S8, ADD_S16,
           MUL_S16, SOFTMAX_S8, SOFTMAX_S8_S16, SOFTMAX_S16]
