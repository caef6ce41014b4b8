"""CMSIS-NN depthwise convolutions (arm_depthwise_conv_wrapper_s8 targets and arm_depthwise_conv_s16), DSP path."""

from kc.spec import Kernel, Term, LibraryCall
from kc.shapes import sample, conv_output, same_padding
from kernels.geometry import window_sums, padding_sums

DW_VARIABLES = {
    "input_n": "batches (input_dims->n)",
    "input_h": "input height",
    "input_w": "input width",
    "input_c": "input channels",
    "filter_h": "filter height",
    "filter_w": "filter width",
    "output_h": "output height",
    "output_w": "output width",
    "output_c": "output channels (input_c * ch_mult)",
    "ch_mult": "dw_conv_params->ch_mult (TFLM: depth_multiplier)",
    "stride_h": "dw_conv_params->stride.h",
    "stride_w": "dw_conv_params->stride.w",
    "pad_h": "dw_conv_params->padding.h (leading)",
    "pad_w": "dw_conv_params->padding.w",
    "dilation_h": "dw_conv_params->dilation.h",
    "dilation_w": "dw_conv_params->dilation.w",
}
ORDER = list(DW_VARIABLES)


def dw_params(v: dict) -> list[int]:
    return [int(v[k]) for k in ORDER]


def dw_shapes(seed: str, count: int, *, filters, pads, strides=(1, 2, 3), channels=(1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 19),
              mults=(1,), dilations=(1,), batches=(1,), sizes=(1, 2, 3, 4, 5, 6, 7, 9, 11), max_pad=None,
              keep=None) -> list[dict]:
    grid = {"input_h": list(sizes), "input_w": list(sizes), "input_c": list(channels), "filter": list(filters),
            "stride_h": list(strides), "stride_w": list(strides), "padding": list(pads), "ch_mult": list(mults),
            "dilation_h": list(dilations), "dilation_w": list(dilations), "input_n": list(batches)}
    out = []
    for s in sample(grid, count * 4, seed):
        fh, fw = s["filter"]
        dh, dw = s["dilation_h"], s["dilation_w"]
        if s["padding"] == "valid":
            ph = pw = 0
            oh = conv_output(s["input_h"], fh, s["stride_h"], 0, dh)
            ow = conv_output(s["input_w"], fw, s["stride_w"], 0, dw)
        elif s["padding"] == "same":
            oh, ph = same_padding(s["input_h"], fh, s["stride_h"], dh)
            ow, pw = same_padding(s["input_w"], fw, s["stride_w"], dw)
        else:
            ph, pw = (fh - 1) * dh, (fw - 1) * dw
            oh = conv_output(s["input_h"], fh, s["stride_h"], ph, dh)
            ow = conv_output(s["input_w"], fw, s["stride_w"], pw, dw)
        if oh < 1 or ow < 1:
            continue
        if max_pad is not None and (ph > max_pad or pw > max_pad):
            continue
        shape = {"input_n": s["input_n"], "input_h": s["input_h"], "input_w": s["input_w"], "input_c": s["input_c"],
                 "filter_h": fh, "filter_w": fw, "output_h": oh, "output_w": ow, "output_c": s["input_c"] * s["ch_mult"],
                 "ch_mult": s["ch_mult"], "stride_h": s["stride_h"], "stride_w": s["stride_w"], "pad_h": ph, "pad_w": pw,
                 "dilation_h": dh, "dilation_w": dw}
        if keep and not keep(shape):
            continue
        out.append(shape)
        if len(out) == count:
            break
    return out


GEOMETRY = window_sums() + [
    ("pix", "output_h*output_w"),
    ("rows", "sum_rows*output_w"),
    ("taps", "sum_rows*sum_cols"),
]

# arm_depthwise_conv_3x3_s8: rows of the 3x3 window inside the input; left/right taps tested per row.
DW3X3 = Kernel(
    path="arm_depthwise_conv_3x3_s8",
    functions=["arm_depthwise_conv_3x3_s8"],
    shim="arm_depthwise_conv_3x3_s8",
    swift="depthwise3x3",
    operator="DEPTHWISE_CONV_2D int8 (ch_mult 1, batch 1, no dilation, 3x3 filter, padding <= 1)",
    variables=dict(DW_VARIABLES),
    derived=GEOMETRY + [
        ("q", "input_c/4"), ("r", "input_c%4"),
        ("left_inside", "sum(ox, output_w, ox*stride_w - pad_w >= 0)"),
        ("right_inside", "sum(ox, output_w, input_w - (ox*stride_w - pad_w) >= 3)"),
    ],
    terms=[
        Term("pixel", "overhead", "pix", "per output pixel"),
        Term("out_row", "overhead", "output_h", "per output row"),
        Term("blk", "requant", "pix*q", "per pixel and 4-channel block: bias, 4 requantizations, stores"),
        Term("blk_row", "mac", "rows*q", "per filter row inside the input and block: centre tap (4 MACs)"),
        Term("blk_row_left", "mac", "sum_rows*left_inside*q", "left tap of a row, when inside (4 MACs)"),
        Term("blk_row_right", "mac", "sum_rows*right_inside*q", "right tap of a row, when inside (4 MACs)"),
        Term("lo_ch", "requant", "pix*r", "leftover channel: one requantized output"),
        Term("lo_row", "mac", "rows*r", "leftover channel: centre tap of a row"),
        Term("lo_row_left", "mac", "sum_rows*left_inside*r", "leftover channel: left tap"),
        Term("lo_row_right", "mac", "sum_rows*right_inside*r", "leftover channel: right tap"),
        Term("blk_left_entry", "overhead", "output_h*left_inside*q", "block at a pixel whose left column is inside"),
        Term("blk_right_entry", "overhead", "output_h*right_inside*q", "block at a pixel whose right column is inside"),
        Term("lo_entry", "overhead", "pix*(r>0)", "leftover-channel loop entered"),
        Term("lo_row_entry", "overhead", "rows*(r>0)", "leftover channels present, per row"),
        Term("lo_left_entry", "overhead", "sum_rows*left_inside*(r>0)", "leftover channels, left tap inside"),
        Term("lo_right_entry", "overhead", "sum_rows*right_inside*(r>0)", "leftover channels, right tap inside"),
        Term("blk_entry", "overhead", "pix*(input_c>=4)", "block loop entered"),
        Term("call", "overhead", "1", "entry/exit"),
    ],
    shapes=lambda: dw_shapes("dw3x3", 150, filters=[(3, 3)], pads=["valid", "same", "same"], max_pad=1),
    shim_params=dw_params,
    weight_walk={"working_set_bytes": "9*input_c", "passes": "pix", "bytes_per_access": "4"},
    description="arm_depthwise_conv_3x3_s8 (DSP path): per output pixel and 4-channel block, one iteration per "
                "filter row inside the input (centre tap), plus the left/right taps when those columns are inside; "
                "leftover channels one at a time.",
    fixed={"ch_mult": 1, "input_n": 1, "dilation": 1},
)

DW_OPT = Kernel(
    path="arm_depthwise_conv_s8_opt",
    functions=["arm_depthwise_conv_s8_opt", "arm_q7_to_q15_with_offset"],
    shim="arm_depthwise_conv_s8_opt",
    swift="depthwiseOpt",
    operator="DEPTHWISE_CONV_2D int8 (ch_mult 1, batch 1, no dilation, not 3x3 with padding <= 1)",
    variables=dict(DW_VARIABLES),
    derived=GEOMETRY + [
        ("q", "input_c/4"), ("r", "input_c%4"), ("ntaps", "filter_h*filter_w"),
        ("pad_x_taps", "sum_rows*(output_w*filter_w - sum_cols)"),
    ] + padding_sums(dilation=False) + [
        ("pad_top_rows", "sum(oy, output_h, oy*stride_h - pad_h < 0)"),
        ("pad_bottom_rows", "sum(oy, output_h, input_h - (oy*stride_h - pad_h) < filter_h)"),
    ],
    terms=[
        Term("pixel", "im2col", "pix", "per output pixel: column-buffer set-up"),
        Term("out_row", "overhead", "output_h", "per output row"),
        Term("row", "im2col", "rows", "per filter row inside the input"),
        Term("tap_copy", "im2col", "taps", "a tap inside the input: arm_q7_to_q15_with_offset call"),
        Term("q2q_quad", "im2col", "taps*q", "arm_q7_to_q15_with_offset: 4 elements"),
        Term("tap_padx", "im2col", "pad_x_taps", "a tap in a padded column (memset call)"),
        Term("tap_padx_right", "im2col", "sum_rows*after_cols", "correction: a padded-column tap right of the input (second test)", correction=True),
        Term("pad_top", "im2col", "pad_top_rows*output_w", "pixel with padded rows on top (memset call)"),
        Term("pad_bot", "im2col", "pad_bottom_rows*output_w", "pixel with padded rows below (memset call)"),
        Term("blk", "requant", "pix*q", "per pixel and 4-channel block: 4 requantizations, stores"),
        Term("blk_pair", "mac", "pix*q*(ntaps/2)", "tap pair for 4 channels (8 MACs: 4 SMLAD)"),
        Term("blk_oddtap", "mac", "pix*q*(ntaps%2)", "odd last tap for 4 channels"),
        Term("lo_ch", "requant", "pix*r", "leftover channel: one output"),
        Term("lo_mac", "mac", "pix*r*ntaps", "leftover channel: per tap"),
        Term("blk_entry", "overhead", "pix*(input_c>=4)", "block loop entered"),
        Term("lo_entry", "overhead", "pix*(r>0)", "leftover loop entered"),
        Term("blk_pair_entry", "overhead", "pix*q*(ntaps>=2)", "tap-pair loop entered"),
        Term("q2q_entry", "overhead", "taps*(input_c>=4)", "widening 4-element loop entered"),
        Term("q2q_r1", "im2col", "taps*(input_c%4==1)", "widening: 1 leftover element"),
        Term("q2q_r2", "im2col", "taps*(input_c%4==2)", "widening: 2 leftover elements"),
        Term("q2q_r3", "im2col", "taps*(input_c%4==3)", "widening: 3 leftover elements"),
        Term("call", "overhead", "1", "entry/exit"),
    ],
    shapes=lambda: dw_shapes("dwopt", 170, filters=[(1, 1), (1, 3), (3, 1), (2, 2), (3, 3), (5, 5), (1, 5), (4, 3)],
                             pads=["valid", "same", "extra"],
                             keep=lambda s: not (s["filter_h"] == 3 and s["filter_w"] == 3 and s["pad_h"] <= 1 and s["pad_w"] <= 1)),
    shim_params=dw_params,
    weight_walk={"working_set_bytes": "ntaps*input_c", "passes": "pix", "bytes_per_access": "4"},
    library_calls=[
        LibraryCall("newlib_memset", "pad_x_taps", {"bytes": "2*input_c", "dst_mod4": "if(input_c%2==0, 0, 2)"}, "column buffer fill of one padded tap"),
        LibraryCall("newlib_memset", "output_w*(oy*stride_h - pad_h < 0)",
                    {"bytes": "2*filter_w*input_c*(pad_h - oy*stride_h)", "dst_mod4": "0"}, "column buffer fill of the padded top rows",
                    index=("oy", "output_h")),
        LibraryCall("newlib_memset", "output_w*(input_h - (oy*stride_h - pad_h) < filter_h)",
                    {"bytes": "2*filter_w*input_c*(filter_h - max(0, input_h - (oy*stride_h - pad_h)))", "dst_mod4": "if(input_c%2==0, 0, 2)"},
                    "column buffer fill of the padded bottom rows", index=("oy", "output_h")),
    ],
    description="arm_depthwise_conv_s8_opt (DSP path): per output pixel an im2col of the window into int16 "
                "(arm_q7_to_q15_with_offset per tap inside, memset for padded taps and rows), then per 4-channel block "
                "tap pairs of SMLAD; leftover channels per tap. memset bodies excluded (library_calls).",
    fixed={"ch_mult": 1, "input_n": 1, "dilation": 1},
)

GENERIC_TERMS = [
    Term("pixel", "overhead", "input_n*pix", "per output pixel"),
    Term("out_row", "overhead", "input_n*output_h", "per output row"),
    Term("in_ch", "overhead", "input_n*pix*input_c", "per pixel and input channel (the ch_mult loop)"),
    Term("out", "requant", "input_n*pix*output_c", "per output: window clipping, bias, requantization, store"),
    Term("row", "overhead", "input_n*rows*output_c", "per output and filter row inside the input"),
    Term("mac", "mac", "input_n*taps*output_c", "per MAC inside the input"),
    Term("out_rows_entry", "overhead", "input_n*rows_nz*output_w*output_c", "row loop entered (window has a valid row)"),
    Term("row_cols_entry", "overhead", "input_n*sum_rows*cols_nz*output_c", "column loop entered, per valid row"),
    Term("out_dil_x", "overhead", "input_n*pix*output_c*(dilation_w>1)", "dilated columns: the clipping divisions"),
    Term("out_dil_y", "overhead", "input_n*pix*output_c*(dilation_h>1)", "dilated rows: the clipping divisions"),
    Term("batch", "overhead", "input_n", "per batch"),
    Term("call", "overhead", "1", "entry/exit"),
]

DW_GENERIC = Kernel(
    path="arm_depthwise_conv_s8",
    functions=["arm_depthwise_conv_s8", "depthwise_conv_s8_generic"],
    shim="arm_depthwise_conv_s8",
    swift="depthwiseGeneric",
    operator="DEPTHWISE_CONV_2D int8 with ch_mult > 1, batches > 1 or dilation (the wrapper's generic path), "
             "unless ch_mult % 4 == 0 with batch 1 and no dilation (see the mult4 variant)",
    variables=dict(DW_VARIABLES),
    derived=GEOMETRY,
    terms=GENERIC_TERMS,
    shapes=lambda: dw_shapes("dwgeneric", 170, filters=[(1, 1), (2, 2), (3, 3), (5, 5), (1, 3), (3, 2)],
                             pads=["valid", "same", "extra"], mults=(1, 1, 2, 3, 5, 6), dilations=(1, 1, 2, 3),
                             batches=(1, 1, 2), channels=(1, 2, 3, 4, 5, 7, 8),
                             keep=lambda s: not (s["ch_mult"] % 4 == 0 and s["input_n"] == 1 and s["dilation_h"] == 1 and s["dilation_w"] == 1)),
    shim_params=dw_params,
    weight_walk={"working_set_bytes": "filter_h*filter_w*output_c", "passes": "input_n*pix", "bytes_per_access": "1"},
    description="arm_depthwise_conv_s8 -> depthwise_conv_s8_generic: per output (pixel x input channel x ch_mult) "
                "the clipped window, per valid row, per MAC (byte loads).",
    when="!(ch_mult%4==0 && input_n==1 && dilation_h==1 && dilation_w==1)",
)

DW_MULT4 = Kernel(
    path="arm_depthwise_conv_s8:mult4",
    functions=["arm_depthwise_conv_s8", "depthwise_conv_s8_mult_4"],
    shim="arm_depthwise_conv_s8",
    operator="DEPTHWISE_CONV_2D int8, ch_mult % 4 == 0, batch 1, no dilation (kernel path arm_depthwise_conv_s8)",
    variables=dict(DW_VARIABLES),
    derived=GEOMETRY + [("tiles", "output_c/4")],
    terms=[
        Term("pixel", "overhead", "pix", "per output pixel"),
        Term("out_row", "overhead", "output_h", "per output row"),
        Term("in_ch", "overhead", "pix*input_c", "per pixel and input channel"),
        Term("tile", "requant", "pix*tiles", "per 4 outputs: bias, 4 requantizations, stores"),
        Term("row", "overhead", "rows*tiles", "per tile and filter row inside the input"),
        Term("tap", "mac", "taps*tiles", "per tile and tap inside the input (4 MACs)"),
        Term("call", "overhead", "1", "entry/exit"),
    ],
    shapes=lambda: dw_shapes("dwmult4", 140, filters=[(1, 1), (2, 2), (3, 3), (5, 5), (1, 3), (3, 2)],
                             pads=["valid", "same", "extra"], mults=(4, 8, 12), channels=(1, 2, 3, 4, 5, 7)),
    shim_params=dw_params,
    weight_walk={"working_set_bytes": "filter_h*filter_w*output_c", "passes": "pix", "bytes_per_access": "1"},
    description="arm_depthwise_conv_s8 -> depthwise_conv_s8_mult_4 (ch_mult % 4 == 0, batch 1, no dilation): "
                "per pixel, input channel and tile of 4 outputs, taps inside the input (built without unrolling).",
    when="ch_mult%4==0 && input_n==1 && dilation_h==1 && dilation_w==1",
)

DW_S16 = Kernel(
    path="arm_depthwise_conv_s16",
    functions=["arm_depthwise_conv_s16", "depthwise_conv_s16_generic_s16"],
    shim="arm_depthwise_conv_s16",
    swift="depthwiseS16",
    operator="DEPTHWISE_CONV_2D int16 (TFLM calls arm_depthwise_conv_s16 directly)",
    variables=dict(DW_VARIABLES),
    derived=GEOMETRY,
    terms=GENERIC_TERMS,
    shapes=lambda: dw_shapes("dws16", 170, filters=[(1, 1), (2, 2), (3, 3), (5, 5), (1, 3), (3, 2)],
                             pads=["valid", "same", "extra"], mults=(1, 1, 2, 3, 4), dilations=(1, 1, 2, 3),
                             batches=(1, 1, 2), channels=(1, 2, 3, 4, 5, 7, 8)),
    shim_params=dw_params,
    weight_walk={"working_set_bytes": "filter_h*filter_w*output_c", "passes": "input_n*pix", "bytes_per_access": "1"},
    description="arm_depthwise_conv_s16 -> depthwise_conv_s16_generic_s16 (int64 bias): per output the clipped "
                "window, per valid row, per MAC.",
)

KERNELS = [DW3X3, DW_OPT, DW_GENERIC, DW_MULT4, DW_S16]
