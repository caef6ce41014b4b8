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
    """kc_params for shims/cmsis_conv.c (CONV_ORDER and bias_is_int32, with 1x1 defaults for the 1x1 kernels)."""
    full = {"bias_is_int32": 0, "filter_h": 1, "filter_w": 1, "stride_h": 1, "stride_w": 1, "pad_h": 0, "pad_w": 0, "dilation_h": 1,
            "dilation_w": 1, "output_h": v.get("input_h"), "output_w": v.get("input_w"), "filter_c": v.get("input_c")}
    full.update(v)
    return [int(full[k]) for k in CONV_ORDER + ["bias_is_int32"]]


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


def im2col_conv_terms(batched: str) -> list[Term]:
    """arm_convolve_s8 (groups == 1, no upscale) -> arm_s8_to_s16_unordered_with_offset,
    arm_nn_mat_mult_kernel_s8_s16; per batch (`batched` multiplies)."""
    n = lambda e: f"{batched}*({e})"
    t = [
        Term("tap_copy", "im2col", n("sum_rows*sum_cols"), "im2col: a filter tap inside the input (call of memcpy for filter_c bytes)"),
        Term("tap_pad_y", "im2col", n("(output_h*filter_h - sum_rows)*output_w*filter_w"), "im2col: a tap in a padded row (memset)"),
        Term("tap_pad_x", "im2col", n("sum_rows*(output_w*filter_w - sum_cols)"), "im2col: a tap in a padded column of a valid row (memset)"),
        Term("tap_pad_bottom", "im2col", n("after_rows*output_w*filter_w"), "correction: a padded-row tap below the input (the second test)", correction=True),
        Term("tap_pad_right", "im2col", n("sum_rows*after_cols"), "correction: a padded-column tap right of the input (the fourth test)", correction=True),
        Term("tap_pad_y_colvalid", "im2col", n("(output_h*filter_h - sum_rows)*sum_cols"), "correction: a padded-row tap whose column is inside (-O3 tests the column first)", correction=True),
        Term("out_row", "overhead", n("output_h"), "per output row"),
        Term("pixel_krow", "im2col", n("pix*filter_h"), "per output pixel and filter row"),
        Term("pixel", "im2col", n("pix"), "per output pixel: im2col bookkeeping, widening call"),
        Term("s2s_quad", "im2col", n("pix*(rc/4)"), "arm_s8_to_s16_unordered_with_offset: 4 elements"),
        Term("s2s_entry", "overhead", n("pix*(rc>=4)"), "widening loop entered"),
        Term("mm_call", "overhead", n("pix/2"), "arm_nn_mat_mult_kernel_s8_s16 call, per pixel pair"),
        Term("mm_main4", "mac", n("(pix/2)*(oc/2)*(rc/4)"), "arm_nn_mat_mult_kernel_s8_s16: 4 columns x 2 channels x 2 pixels (16 MACs)"),
        Term("mm_block", "requant", n("(pix/2)*(oc/2)"), "per 2x2 block: 4 requantizations, clamps, stores"),
        Term("mm_main_entry", "overhead", n("(pix/2)*(oc/2)*(rc>=4)"), "4-column loop entered, per 2x2 block"),
        Term("mm_rows_entry", "overhead", n("(pix/2)*(oc>=2)"), "channel-pair loop entered"),
        Term("mm_oddoc_main_entry", "overhead", n("(pix/2)*(oc%2)*(rc>=4)"), "odd channel: 4-column loop entered"),
        Term("mm_oddoc_main4", "mac", n("(pix/2)*(oc%2)*(rc/4)"), "odd channel: 4 columns x 2 pixels"),
        Term("mm_oddoc", "requant", n("(pix/2)*(oc%2)"), "odd channel: 2 requantized outputs"),
        Term("lo_main4", "mac", n("(pix%2)*oc*(rc/4)"), "odd last pixel (in arm_convolve_s8): 4 columns x 1 channel"),
        Term("lo_main_entry", "overhead", n("(pix%2)*oc*(rc>=4)"), "odd last pixel: 4-column loop entered"),
        Term("lo_out", "requant", n("(pix%2)*oc"), "odd last pixel: one requantized output"),
    ]
    for r in (1, 2, 3):
        t.append(Term(f"s2s_tail_r{r}", "im2col", n(f"pix*(rc%4=={r})"), f"widening: {r} leftover element(s)"))
        t.append(Term(f"mm_tail1_r{r}", "mac", n(f"(pix/2)*(oc/2)*(rc%4=={r})"), f"{r} leftover column(s), per 2x2 block"))
        t.append(Term(f"mm_oddoc_tail1_r{r}", "mac", n(f"(pix/2)*(oc%2)*(rc%4=={r})"), f"odd channel: {r} leftover column(s)"))
        t.append(Term(f"lo_tail1_r{r}", "mac", n(f"(pix%2)*oc*(rc%4=={r})"), f"odd last pixel: {r} leftover column(s)"))
    return t


def conv_shapes(seed: str, count: int, groups: bool = False, dilation: bool = True, int16: bool = False) -> list[dict]:
    grid = {
        "input_h": [1, 2, 3, 4, 5, 6, 7, 9], "input_w": [1, 2, 3, 4, 5, 6, 7, 8],
        "input_c": [1, 2, 3, 4, 5, 8, 11, 16], "output_c": [1, 2, 3, 4, 5, 7, 8],
        "filter_h": [1, 2, 3, 5], "filter_w": [1, 2, 3, 5], "stride_h": [1, 2], "stride_w": [1, 2, 3],
        "padding": ["valid", "same", "same", "extra"], "dilation_h": [1, 1, 2], "dilation_w": [1, 1, 2],
        "input_n": [1, 1, 1, 2], "groups": [1, 2, 3, 4] if groups else [1],
    }
    if not dilation:
        grid["dilation_h"] = grid["dilation_w"] = [1]
    out = []
    for s in sample(grid, count * 3, seed):
        g = s["groups"]
        if groups and g == 1:
            continue
        ic = s["input_c"] * g
        oc = s["output_c"] * g
        dh, dw = s["dilation_h"], s["dilation_w"]
        fh, fw = s["filter_h"], s["filter_w"]
        if s["padding"] == "valid":
            ph = pw = 0
            oh = conv_output(s["input_h"], fh, s["stride_h"], 0, dh)
            ow = conv_output(s["input_w"], fw, s["stride_w"], 0, dw)
        elif s["padding"] == "same":
            oh, ph = same_padding(s["input_h"], fh, s["stride_h"], dh)
            ow, pw = same_padding(s["input_w"], fw, s["stride_w"], dw)
        else:  # explicit padding beyond SAME (exercises fully padded rows/columns)
            ph, pw = fh - 1, fw - 1
            oh = conv_output(s["input_h"], fh, s["stride_h"], ph, dh) - 0
            ow = conv_output(s["input_w"], fw, s["stride_w"], pw, dw)
        if oh < 1 or ow < 1:
            continue
        # arm_convolve_s8 (not 1x1 fast/strided): the wrapper would pick 1x1 for these.
        if fh == 1 and fw == 1 and ph == 0 and pw == 0 and dh == 1 and dw == 1 and g == 1 and not int16:
            continue
        out.append({"input_n": s["input_n"], "input_h": s["input_h"], "input_w": s["input_w"], "input_c": ic,
                    "filter_h": fh, "filter_w": fw, "filter_c": ic // g, "output_h": oh, "output_w": ow,
                    "output_c": oc, "stride_h": s["stride_h"], "stride_w": s["stride_w"], "pad_h": ph, "pad_w": pw,
                    "dilation_h": dh, "dilation_w": dw})
        if len(out) == count:
            break
    return out


from kernels.geometry import window_sums, padding_sums  # noqa: E402

CONV_IM2COL = Kernel(
    path="arm_convolve_s8",
    functions=["arm_convolve_s8", "arm_s8_to_s16_unordered_with_offset", "arm_nn_mat_mult_kernel_s8_s16"],
    shim="arm_convolve_s8",
    swift="convolveIm2col",
    operator="CONV_2D (not 1x1; groups == 1; any dilation); arm_convolve_1_x_n_s8 forwards here without MVE",
    variables=dict(CONV_VARIABLES),
    derived=window_sums() + padding_sums() + [("pix", "output_h*output_w"), ("rc", "filter_h*filter_w*filter_c"), ("oc", "output_c")],
    terms=im2col_conv_terms("input_n") + [Term("batch", "overhead", "input_n", "per batch (and group) loop"),
                                           Term("call", "overhead", "1", "arm_convolve_s8 entry/exit")],
    shapes=lambda: conv_shapes("conv_s8", 160),
    shim_params=conv_params,
    weight_walk={"working_set_bytes": "oc*rc", "passes": "input_n*((pix+1)/2)", "bytes_per_access": "4"},
    library_calls=[
        LibraryCall("newlib_memcpy", "input_n*sum_rows*sum_cols", {"bytes": "filter_c", "src_mod4": "if(filter_c%4==0, 0, 1)", "dst_mod4": "if(filter_c%4==0, 0, 1)"},
                    "im2col copy of one tap (arm_memcpy_s8)"),
        LibraryCall("newlib_memset", "input_n*((output_h*filter_h - sum_rows)*output_w*filter_w + sum_rows*(output_w*filter_w - sum_cols))",
                    {"bytes": "filter_c", "dst_mod4": "if(filter_c%4==0, 0, 1)"}, "im2col fill of one padded tap (arm_memset_s8)"),
    ],
    notes="library_calls alignments (src_mod4/dst_mod4) are approximate: 0 when the tap size is a multiple of 4, else 1.",
    description="arm_convolve_s8, DSP path, groups == 1: per output pixel an im2col of the window (memcpy inside the "
                "input, memset in the padding), an int8 -> int16 widening of rc = filter_h*filter_w*filter_c values, "
                "and per pixel pair arm_nn_mat_mult_kernel_s8_s16; an odd last pixel is finished in arm_convolve_s8. "
                "memcpy/memset bodies are excluded (see library_calls).",
    when="input_c == filter_c",
)

CONV_GROUPED = Kernel(
    path="arm_convolve_s8:grouped",
    functions=["arm_convolve_s8", "arm_s8_to_s16_unordered_with_offset", "arm_nn_mat_mult_kernel_row_offset_s8_s16"],
    shim="arm_convolve_s8",
    operator="CONV_2D int8 with groups > 1 (input_c > filter_c; kernel path arm_convolve_s8)",
    variables=dict(CONV_VARIABLES),
    derived=window_sums() + padding_sums() + [("groups", "input_c/filter_c"), ("pix", "output_h*output_w"),
                                               ("rc", "filter_h*filter_w*filter_c"), ("oc", "output_c/groups")],
    terms=im2col_conv_terms("input_n*groups") + [Term("batch", "overhead", "input_n*groups", "per batch and group"),
                                                  Term("batch_only", "overhead", "input_n", "per batch"),
                                                  Term("call", "overhead", "1", "arm_convolve_s8 entry/exit")],
    shapes=lambda: conv_shapes("conv_s8_grouped", 160, groups=True),
    shim_params=conv_params,
    weight_walk={"working_set_bytes": "oc*rc", "passes": "input_n*groups*((pix+1)/2)", "bytes_per_access": "4"},
    library_calls=[
        LibraryCall("newlib_memcpy", "input_n*groups*sum_rows*sum_cols", {"bytes": "filter_c", "src_mod4": "if(filter_c%4==0, 0, 1)", "dst_mod4": "if(filter_c%4==0, 0, 1)"},
                    "im2col copy of one tap of one group (arm_memcpy_s8)"),
        LibraryCall("newlib_memset", "input_n*groups*((output_h*filter_h - sum_rows)*output_w*filter_w + sum_rows*(output_w*filter_w - sum_cols))",
                    {"bytes": "filter_c", "dst_mod4": "if(filter_c%4==0, 0, 1)"}, "im2col fill of one padded tap (arm_memset_s8)"),
    ],
    description="arm_convolve_s8 with groups = input_c / filter_c > 1: the ungrouped loop nest once per group "
                "(im2col of the group's filter_c channels, arm_nn_mat_mult_kernel_row_offset_s8_s16 over the "
                "group's output_c / groups channels). Per batch and group, not per batch.",
    when="input_c > filter_c",
)

KERNELS += [CONV_IM2COL, CONV_GROUPED]


def conv_s16_shapes() -> list[dict]:
    base = conv_shapes("conv_s16", 150, dilation=True, int16=True)
    out = []
    for i, s in enumerate(base):
        s = dict(s, filter_c=s["input_c"], bias_is_int32=int(i % 3 == 0))
        out.append(s)
    # Accumulation depths past MAX_COL_COUNT (512): the int64-bias path finishes them in a scalar 64-bit loop.
    for i, (c, f, oc) in enumerate([(64, 3, 2), (60, 3, 3), (130, 2, 2), (43, 4, 3), (520, 1, 2), (515, 1, 1), (33, 4, 4)]):
        for flag in (0, 1):
            h = 2 + i % 2
            out.append({"input_n": 1, "input_h": h, "input_w": 3, "input_c": c, "filter_h": f, "filter_w": f, "filter_c": c,
                        "output_h": h, "output_w": 3, "output_c": oc, "stride_h": 1, "stride_w": 1, "pad_h": (f - 1) // 2,
                        "pad_w": (f - 1) // 2, "dilation_h": 1, "dilation_w": 1, "bias_is_int32": flag})
    return out


S16_TERMS = [
    Term("tap_copy", "im2col", "input_n*sum_rows*sum_cols", "im2col: a tap inside the input (memcpy of 2*input_c bytes)"),
    Term("tap_pad_y", "im2col", "input_n*(output_h*filter_h - sum_rows)*output_w*filter_w", "im2col: a tap in a padded row (memset)"),
    Term("tap_pad_x", "im2col", "input_n*sum_rows*(output_w*filter_w - sum_cols)", "im2col: a tap in a padded column (memset)"),
    Term("tap_pad_bottom", "im2col", "input_n*after_rows*output_w*filter_w", "correction: padded-row tap below the input", correction=True),
    Term("tap_pad_right", "im2col", "input_n*sum_rows*after_cols", "correction: padded-column tap right of the input", correction=True),
    Term("tap_pad_y_colvalid", "im2col", "input_n*(output_h*filter_h - sum_rows)*sum_cols", "correction: padded-row tap whose column is inside", correction=True),
    Term("pixel_krow", "im2col", "input_n*pix*filter_h", "per pixel and filter row"),
    Term("pixel", "im2col", "input_n*pix", "per output pixel"),
    Term("out_row", "overhead", "input_n*output_h", "per output row"),
    Term("pair", "overhead", "input_n*(pix/2)", "arm_nn_mat_mult_kernel_s16 call, per pixel pair"),
    Term("block", "requant", "input_n*blocks", "per 2 channels x 2 pixels: 4 requantizations (int64 bias: arm_nn_requantize_s64), stores"),
    Term("block_int32", "requant", "input_n*blocks*bias_is_int32", "correction: the int32-bias requantization instead", correction=True),
    Term("block_main", "mac", "input_n*blocks*(fast/4)", "4 columns x 2 channels x 2 pixels (16 MACs)"),
    Term("block_tail", "mac", "input_n*blocks*(fast%4)", "leftover column"),
    Term("block_slow", "mac", "input_n*blocks*slow", "int64 bias: column past 512 in the 64-bit loop"),
    Term("block_tail_entry", "overhead", "input_n*blocks*(fast%4>0)", "leftover-column loop entered"),
    Term("block_main_entry", "overhead", "input_n*blocks*(fast>=4)", "4-column loop entered"),
    Term("block_slow_entry", "overhead", "input_n*blocks*(slow>0)", "64-bit loop entered"),
    Term("rows_entry", "overhead", "input_n*(pix/2)*(output_c>=2)", "channel-pair loop entered"),
    Term("oddoc", "requant", "input_n*(pix/2)*(output_c%2)", "odd last channel: 2 outputs"),
    Term("oddoc_int32", "requant", "input_n*(pix/2)*(output_c%2)*bias_is_int32", "correction: odd channel, int32 bias", correction=True),
    Term("oddoc_entry", "overhead", "input_n*(pix/2)*(output_c%2)*(fast>=4)", "odd channel: 4-column loop entered"),
    Term("oddoc_main4", "mac", "input_n*(pix/2)*(output_c%2)*(fast/4)", "odd channel: 4 columns x 2 pixels"),
    Term("oddoc_tail", "mac", "input_n*(pix/2)*(output_c%2)*(rc%4)", "odd channel: leftover column (counted from rc, as the kernel does)"),
    Term("oddoc_tail_entry", "overhead", "input_n*(pix/2)*(output_c%2)*(rc%4>0)", "odd channel: leftover loop entered"),
    Term("oddoc_slow", "mac", "input_n*(pix/2)*(output_c%2)*slow", "odd channel: 64-bit loop column"),
    Term("oddoc_slow_entry", "overhead", "input_n*(pix/2)*(output_c%2)*(slow>0)", "odd channel: 64-bit loop entered"),
    Term("lo_out", "requant", "input_n*(pix%2)*output_c", "odd last pixel: one output"),
    Term("lo_int32", "requant", "input_n*(pix%2)*output_c*bias_is_int32", "correction: odd pixel, int32 bias", correction=True),
    Term("lo_main4", "mac", "input_n*(pix%2)*output_c*(rc/4)", "odd last pixel: 4 columns"),
    Term("lo_main_entry", "overhead", "input_n*(pix%2)*output_c*(rc>=4)", "odd last pixel: 4-column loop entered"),
    Term("lo_tail", "mac", "input_n*(pix%2)*output_c*(rc%4)", "odd last pixel: leftover column"),
    Term("lo_tail_entry", "overhead", "input_n*(pix%2)*output_c*(rc%4>0)", "odd last pixel: leftover loop entered"),
    Term("batch", "overhead", "input_n", "per batch"),
    Term("call", "overhead", "1", "entry/exit"),
]

CONV_S16 = Kernel(
    path="arm_convolve_s16",
    functions=["arm_convolve_s16", "arm_nn_mat_mult_kernel_s16"],
    shim="arm_convolve_s16",
    swift="convolveS16",
    operator="CONV_2D int16 (TFLM: arm_convolve_wrapper_s16 -> arm_convolve_s16 without MVE)",
    variables=dict(CONV_VARIABLES, bias_is_int32="1 if the bias is int32, 0 if int64 (cmsis_nn_bias_data.is_int32_bias)"),
    derived=window_sums() + padding_sums() + [
        ("pix", "output_h*output_w"), ("rc", "filter_h*filter_w*input_c"), ("blocks", "(pix/2)*(output_c/2)"),
        ("fast", "if(bias_is_int32, rc, min(rc, 512))"), ("slow", "if(bias_is_int32, 0, max(0, rc - 512))"),
    ],
    terms=S16_TERMS,
    shapes=conv_s16_shapes,
    shim_params=conv_params,
    weight_walk={"working_set_bytes": "output_c*rc", "passes": "input_n*((pix+1)/2)", "bytes_per_access": "4"},
    library_calls=[
        LibraryCall("newlib_memcpy", "input_n*sum_rows*sum_cols", {"bytes": "2*input_c", "src_mod4": "if(input_c%2==0, 0, 2)", "dst_mod4": "if(input_c%2==0, 0, 2)"},
                    "im2col copy of one int16 tap"),
        LibraryCall("newlib_memset", "input_n*((output_h*filter_h - sum_rows)*output_w*filter_w + sum_rows*(output_w*filter_w - sum_cols))",
                    {"bytes": "2*input_c", "dst_mod4": "if(input_c%2==0, 0, 2)"}, "im2col fill of one padded int16 tap"),
    ],
    description="arm_convolve_s16 (DSP path): im2col of int16 taps, per pixel pair arm_nn_mat_mult_kernel_s16 "
                "(with an int64 bias, columns past MAX_COL_COUNT = 512 go through a 64-bit scalar loop); the odd last "
                "pixel of each batch in arm_convolve_s16 itself.",
)

KERNELS.append(CONV_S16)
