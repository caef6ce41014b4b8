"""CMSIS-NN convolutions (arm_convolve_wrapper_s8 / _s16 targets), DSP path (Cortex-M4/M7, no MVE)."""

from kc.spec import Kernel, Term, LibraryCall
from kc.shapes import sample, conv_output, same_padding

CONV_VARIABLES = {
    "input_n": "batches (input_dims->n)",
    "input_h": "input height (input_dims->h)",
    "input_w": "input width (input_dims->w)",
    "input_c": "input channels (input_dims->c)",
    "filter_h": "filter height (filter_dims->h)",
    "filter_w": "filter width (filter_dims->w)",
    "filter_c": "filter depth (filter_dims->c; input_c / groups)",
    "output_h": "output height (output_dims->h)",
    "output_w": "output width (output_dims->w)",
    "output_c": "output channels (output_dims->c)",
    "stride_h": "conv_params->stride.h",
    "stride_w": "conv_params->stride.w",
    "pad_h": "conv_params->padding.h (TFLM's leading padding)",
    "pad_w": "conv_params->padding.w",
    "dilation_h": "conv_params->dilation.h",
    "dilation_w": "conv_params->dilation.w",
}
CONV_ORDER = list(CONV_VARIABLES)


def conv_params(v: dict) -> list[int]:
    """kc_params for shims/cmsis_conv.c (CONV_ORDER, with 1x1 defaults for the 1x1 kernels)."""
    full = {"filter_h": 1, "filter_w": 1, "stride_h": 1, "stride_w": 1, "pad_h": 0, "pad_w": 0, "dilation_h": 1,
            "dilation_w": 1, "output_h": v.get("input_h"), "output_w": v.get("input_w"), "filter_c": v.get("input_c")}
    full.update(v)
    return [int(full[k]) for k in CONV_ORDER]


def mat_mult_nt_t_terms(prefix_calls: str) -> list[Term]:
    """arm_nn_mat_mult_nt_t_s8 (DSP path) with lhs_rows `p`, rhs_rows `oc`, rhs_cols `c` (derived
    variables of the kernel), called `prefix_calls` times."""
    m = prefix_calls
    k = lambda e: e if m == "1" else f"{m}*({e})"
    blocks = "(p/2)*(oc/2)"
    odd_blocks = "(p%2)*(oc/2)"
    terms = [
        Term("main16", "mac", k(f"{blocks}*(c/16)"), "16-column loop, 2 output channels x 2 pixels (64 MACs: 32 SMLAD)"),
        Term("main16_entry", "overhead", k(f"{blocks}*(c>=16)"), "16-column loop entered (rotated loop guard), per 2x2 block"),
        Term("tail4", "mac", k(f"{blocks}*((c%16)/4)"), "4-column loop, 2 channels x 2 pixels (16 MACs)"),
        Term("tail4_entry", "overhead", k(f"{blocks}*(c%16>=4)"), "4-column loop entered, per 2x2 block"),
        Term("block2x2", "requant", k(blocks), "per 2x2 block: 4 requantizations (arm_nn_requantize), offset, clamp, 4 byte stores"),
        Term("contrib_col", "mac", k("(oc/2)*c"), "per output-channel pair and column: lhs_offset x sum(weights) precomputation"),
        Term("rhs_pair", "overhead", k("oc/2"), "per output-channel pair: bias loads, pointer set-up, loop exit"),
        Term("oddlhs_main16", "mac", k(f"{odd_blocks}*(c/16)"), "odd last pixel: 16-column loop, 2 channels x 1 pixel"),
        Term("oddlhs_main16_entry", "overhead", k(f"{odd_blocks}*(c>=16)"), "odd last pixel: 16-column loop entered"),
        Term("oddlhs_tail4", "mac", k(f"{odd_blocks}*((c%16)/4)"), "odd last pixel: 4-column loop"),
        Term("oddlhs_tail4_entry", "overhead", k(f"{odd_blocks}*(c%16>=4)"), "odd last pixel: 4-column loop entered"),
        Term("oddlhs_block", "requant", k(odd_blocks), "odd last pixel: 2 requantized outputs"),
        Term("oddrhs_mac", "mac", k("(oc%2)*p*c"), "odd last output channel: scalar MAC loop, per MAC"),
        Term("oddrhs_out", "requant", k("(oc%2)*p"), "odd last output channel: one requantized output"),
        Term("oddrhs", "overhead", k("oc%2"), "odd last output channel: set-up"),
        Term("rhs_pair_lhs_entry", "overhead", k("(oc/2)*(p>=2)"), "pixel-pair loop entered, per channel pair"),
        Term("rhs_pair_main_entry", "overhead", k("(oc/2)*(c>=16)"), "16-column loop present, per channel pair"),
        Term("rhs_pair_tail_entry", "overhead", k("(oc/2)*(c%16>=4)"), "4-column loop present, per channel pair"),
        Term("oddrhs_main_entry", "overhead", k("(oc%2)*(c>=16)"), "odd channel with a 16-column part"),
        Term("rhs_loop_entry", "overhead", k("oc>=2"), "channel-pair loop entered (not in the earlier data: every shape there had 2+ channels)"),
    ]
    for r in (1, 2, 3):
        terms.append(Term(f"tail1_r{r}", "mac", k(f"{blocks}*(c%4=={r})"), f"{r} leftover column(s), per 2x2 block"))
        terms.append(Term(f"oddlhs_tail1_r{r}", "mac", k(f"{odd_blocks}*(c%4=={r})"), f"{r} leftover column(s), odd last pixel"))
    return terms


def mat_mult_shapes(seed: str, strided: bool) -> list[dict]:
    grid = {"p": [1, 2, 3, 4, 5, 6, 7, 9], "oc": [1, 2, 3, 4, 5, 6, 7, 8, 9],
            "c": [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 18, 19, 20, 23, 24, 28, 31, 32, 33, 35, 36, 47, 48, 51, 64]}
    picks = sample(grid, 150, seed)
    out = []
    for i, s in enumerate(picks):
        p = s["p"]
        if strided:
            rows = 1 + i % 3
            stride = 1 + (i // 3) % 2
            sw = 1 + (i // 2) % 3
            out.append({"input_n": 1, "input_h": (rows - 1) * stride + 1, "input_w": (p - 1) * sw + 1,
                        "input_c": s["c"], "output_h": rows, "output_w": p, "output_c": s["oc"],
                        "stride_h": stride, "stride_w": sw})
        else:
            h = 2 if p % 2 == 0 and i % 3 == 0 else 1
            n = 1
            out.append({"input_n": n, "input_h": h, "input_w": p // h, "input_c": s["c"], "output_c": s["oc"]})
    return out


CONV_1X1_FAST = Kernel(
    path="arm_convolve_1x1_s8_fast",
    functions=["arm_convolve_1x1_s8_fast", "arm_nn_mat_mult_nt_t_s8"],
    shim="arm_convolve_1x1_s8_fast",
    swift="convolve1x1Fast",
    operator="CONV_2D (1x1, stride 1, no padding); FULLY_CONNECTED with more than 2 input dimensions",
    variables={k: CONV_VARIABLES[k] for k in ("input_n", "input_h", "input_w", "input_c", "output_c")},
    derived=[("p", "input_n*input_h*input_w"), ("oc", "output_c"), ("c", "input_c")],
    terms=mat_mult_nt_t_terms("1") + [Term("call", "overhead", "1", "arm_convolve_1x1_s8_fast entry/exit and the call")],
    shapes=lambda: mat_mult_shapes("conv1x1fast", strided=False),
    shim_params=conv_params,
    weight_walk={"working_set_bytes": "2*c", "passes": "(p+1)/2", "bytes_per_access": "4"},
    activation_passes="max(1, oc/2)",
    description="arm_convolve_1x1_s8_fast -> arm_nn_mat_mult_nt_t_s8 with lhs_rows = input_n*input_h*input_w, "
                "rhs_rows = output_c, rhs_cols = input_c. GCC builds use no buffer (the buffered path is Arm Compiler 6 only).",
)

CONV_1X1 = Kernel(
    path="arm_convolve_1x1_s8",
    functions=["arm_convolve_1x1_s8", "arm_nn_mat_mult_nt_t_s8"],
    shim="arm_convolve_1x1_s8",
    swift="convolve1x1Strided",
    operator="CONV_2D (1x1, no padding, stride > 1)",
    variables={k: CONV_VARIABLES[k] for k in ("input_n", "input_h", "input_w", "input_c", "output_h", "output_w",
                                              "output_c", "stride_h", "stride_w")},
    derived=[("p", "output_w"), ("oc", "output_c"), ("c", "input_c"), ("rows", "input_n*output_h")],
    terms=mat_mult_nt_t_terms("rows") + [
        Term("row_call", "overhead", "rows", "one arm_nn_mat_mult_nt_t_s8 call per output row"),
        Term("call", "overhead", "1", "arm_convolve_1x1_s8 entry/exit"),
    ],
    shapes=lambda: mat_mult_shapes("conv1x1strided", strided=True),
    shim_params=conv_params,
    weight_walk={"working_set_bytes": "2*c", "passes": "rows*((p+1)/2)", "bytes_per_access": "4"},
    activation_passes="max(1, oc/2)",
    description="arm_convolve_1x1_s8: one arm_nn_mat_mult_nt_t_s8 call per output row (lhs_rows = output_w, "
                "rhs_cols = input_c, lhs stride input_c*stride_w).",
)

KERNELS = [CONV_1X1_FAST, CONV_1X1]
