"""CMSIS-NN pad, maximum/minimum, transpose, batch matmul, SVDF, LSTM and transpose convolution (DSP path)."""

from kc.spec import Kernel, Term, LibraryCall
from kc.shapes import sample, same_padding

# ---------------------------------------------------------------- pad

PAD_VARIABLES = {
    "input_n": "input batches", "input_h": "input height", "input_w": "input width", "input_c": "input channels",
    "pre_n": "pre_pad->n", "pre_h": "pre_pad->h", "pre_w": "pre_pad->w", "pre_c": "pre_pad->c",
    "post_n": "post_pad->n", "post_h": "post_pad->h", "post_w": "post_pad->w", "post_c": "post_pad->c",
}


def pad_shapes():
    grid = {"input_n": [1, 1, 2], "input_h": [1, 2, 3, 5], "input_w": [1, 2, 3, 4, 7], "input_c": [1, 2, 3, 4, 8, 13],
            "pre_n": [0, 0, 0, 1], "pre_h": [0, 1, 2], "pre_w": [0, 1, 3], "pre_c": [0, 0, 1, 2],
            "post_n": [0, 0, 0, 1], "post_h": [0, 1, 2], "post_w": [0, 1, 2], "post_c": [0, 0, 1, 3]}
    return sample(grid, 150, "pad")


PAD = Kernel(
    path="arm_pad_s8",
    functions=["arm_pad_s8"],
    shim="arm_pad_s8",
    operator="PAD / PADV2 int8 (TFLM's cmsis_nn pad.cc)",
    variables=dict(PAD_VARIABLES),
    derived=[("cpad", "pre_c + post_c > 0"), ("out_c", "pre_c + input_c + post_c"), ("out_w", "pre_w + input_w + post_w"),
             ("out_h", "pre_h + input_h + post_h"), ("rows", "input_n*input_h")],
    terms=[
        Term("call", "overhead", "1", "entry, output sizes, the batch padding memsets"),
        Term("batch", "overhead", "input_n", "per batch: top and bottom padding memsets"),
        Term("row", "overhead", "rows", "per input row: left and right padding memsets"),
        Term("row_copy", "mac", "rows*(1 - cpad)", "channels not padded: one memcpy of the whole row"),
        Term("col", "mac", "rows*input_w*cpad", "channels padded: per pixel a memset, a memcpy, a memset"),
    ],
    shapes=pad_shapes,
    library_calls=[
        LibraryCall("newlib_memset", "2", {"bytes": "if(k == 0, pre_n, post_n)*out_h*out_w*out_c", "dst_mod4": "0"},
                    "batch padding before (k = 0) and after (k = 1)", index=("k", "2")),
        LibraryCall("newlib_memset", "input_n", {"bytes": "if(k == 0, pre_h, post_h)*out_w*out_c", "dst_mod4": "0"},
                    "row padding above and below each batch", index=("k", "2")),
        LibraryCall("newlib_memset", "rows", {"bytes": "if(k == 0, pre_w, post_w)*out_c", "dst_mod4": "0"},
                    "column padding left and right of each row", index=("k", "2")),
        LibraryCall("newlib_memcpy", "rows*(1 - cpad)", {"bytes": "input_w*input_c", "src_mod4": "0", "dst_mod4": "0"},
                    "one input row (alignment assumed)"),
        LibraryCall("newlib_memset", "rows*input_w*cpad", {"bytes": "if(k == 0, pre_c, post_c)", "dst_mod4": "1"},
                    "channel padding per pixel", index=("k", "2")),
        LibraryCall("newlib_memcpy", "rows*input_w*cpad", {"bytes": "input_c", "src_mod4": "1", "dst_mod4": "1"},
                    "one pixel's channels"),
    ],
    description="arm_pad_s8: memset of the padding and memcpy of the input rows (or pixels when channels are "
                "padded); memset/memcpy bodies excluded (library_calls; alignments approximate).",
)

# ---------------------------------------------------------------- maximum / minimum


def minmax_shapes():
    return [{"scalar": s, "flat_size": n} for s in (0, 1) for n in list(range(1, 34)) + [50, 64, 100, 127, 256]]


def minmax(path):
    return Kernel(
        path=path,
        functions=[path, path.replace("arm_maximum", "arm_max").replace("arm_minimum", "arm_min").replace("_s8", "_no_broadcast_s8"),
                   path.replace("arm_maximum", "arm_max").replace("arm_minimum", "arm_min").replace("_s8", "_scalar_s8")],
        shim=path,
        operator=("MAXIMUM" if "max" in path else "MINIMUM") + " int8",
        variables={"scalar": "1 when one input is a single element (broadcast), 0 for equal shapes",
                   "flat_size": "output elements"},
        terms=[
            Term("call", "overhead", "1", "entry, broadcast test"),
            Term("elem", "mac", "flat_size", "per element (compare, select, store)"),
            Term("scalar_call", "overhead", "scalar", "one input a scalar: the scalar path"),
            Term("scalar_elem", "mac", "scalar*flat_size", "correction: per element of the scalar path", correction=True),
        ],
        shapes=minmax_shapes,
        description=f"{path}: equal shapes go through the flat element loop, a single-element input through the "
                    "scalar loop. Other broadcasts (row-wise) are not measured.",
    )


MAXIMUM = minmax("arm_maximum_s8")
MINIMUM = minmax("arm_minimum_s8")

# ---------------------------------------------------------------- transpose

TRANSPOSE_VARIABLES = {"num_dims": "transpose_params->num_dims (the permutation's length)",
                       "input_n": "input dimension 0", "input_h": "input dimension 1 (1 if absent)",
                       "input_w": "input dimension 2 (1 if absent)", "input_c": "input dimension 3 (1 if absent)"}


def transpose_shapes(nd):
    perms = {2: [(1, 0, 2, 3)], 3: [(0, 2, 1, 3), (2, 0, 1, 3), (1, 2, 0, 3), (2, 1, 0, 3), (1, 0, 2, 3)],
             4: [(0, 2, 1, 3), (0, 3, 1, 2), (3, 2, 1, 0), (1, 0, 3, 2), (0, 1, 3, 2), (2, 3, 0, 1), (1, 0, 2, 3), (2, 1, 0, 3)]}[nd]
    sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13]
    grid = {"input_n": sizes, "input_h": sizes, "input_w": sizes if nd >= 3 else [1], "input_c": sizes if nd == 4 else [1],
            "perm": list(range(len(perms)))}
    out = []
    for s in sample(grid, 120, f"transpose{nd}"):
        p = perms[s.pop("perm")]
        out.append(dict(s, num_dims=nd, perm0=p[0], perm1=p[1], perm2=p[2], perm3=p[3]))
    return out


def transpose_params(v):
    return [v["num_dims"], v["input_n"], v["input_h"], v["input_w"], v["input_c"], v["perm0"], v["perm1"], v["perm2"], v["perm3"]]


def transpose(nd, terms, description, derived=()):
    variables = dict(TRANSPOSE_VARIABLES)
    variables.update({f"perm{i}": f"permutation entry {i} (does not change the counts)" for i in range(4)})
    return Kernel(
        path=f"arm_transpose_s8:{nd}d", functions=["arm_transpose_s8", "arm_transpose_s8_nhcw" if nd == 2 else "arm_transpose_s8_default"],
        shim="arm_transpose_s8", operator=f"TRANSPOSE int8, {nd} dimensions (kernel path arm_transpose_s8)",
        variables=variables, derived=list(derived), terms=terms, shapes=lambda: transpose_shapes(nd), shim_params=transpose_params,
        description=description, when=f"num_dims == {nd}")


TRANSPOSE_2D = transpose(2, [
    Term("call", "overhead", "1", "entry, strides"),
    Term("row", "overhead", "input_n", "per source row"),
    Term("elem", "mac", "input_n*input_h", "per element: byte load, strided byte store"),
], "arm_transpose_s8 with 2 dimensions -> arm_transpose_s8_nhcw (non-MVE): a byte copy per element.")
TRANSPOSE_3D = transpose(3, [
    Term("call", "overhead", "1", "entry, strides"),
    Term("d0", "overhead", "input_n", "per index of dimension 0"),
    Term("d1", "overhead", "input_n*input_h", "per index of dimensions 0-1"),
    Term("elem", "mac", "input_n*input_h*input_w", "per element: index arithmetic, byte copy"),
    Term("row_contig", "overhead", "input_n*input_h*contig", "-O3: the loop version for an innermost dimension contiguous in the output (perm2 == 2)", correction=True),
    Term("elem_contig", "mac", "input_n*input_h*input_w*contig", "-O3: per element of that version", correction=True),
    Term("row_vec", "overhead", "input_n*input_h*vec", "-O3: ... and more than 5 long: the vectorised copy", correction=True),
    Term("vec_quad", "mac", "input_n*input_h*vec*(input_w/4)", "-O3 vectorised copy: 4 elements", correction=True),
    Term("vec_rem", "mac", "input_n*input_h*vec*(input_w%4)", "-O3 vectorised copy: leftover element", correction=True),
], "arm_transpose_s8 with 3 dimensions -> arm_transpose_s8_default over {1, n, h, w} (-O3: see the 4-D variant).",
   derived=[("contig", "perm2 == 2"), ("vec", "perm2 == 2 && input_w > 5")])
TRANSPOSE_4D = transpose(4, [
    Term("call", "overhead", "1", "entry, strides"),
    Term("d0", "overhead", "input_n", "per index of dimension 0"),
    Term("d1", "overhead", "input_n*input_h", "per index of dimensions 0-1"),
    Term("d2", "overhead", "input_n*input_h*input_w", "per index of dimensions 0-2"),
    Term("elem", "mac", "input_n*input_h*input_w*input_c", "per element: index arithmetic, byte copy"),
    Term("row_contig", "overhead", "input_n*input_h*input_w*contig", "-O3: the loop version for an innermost dimension contiguous in the output (perm3 == 3)", correction=True),
    Term("elem_contig", "mac", "input_n*input_h*input_w*input_c*contig", "-O3: per element of that version", correction=True),
    Term("row_vec", "overhead", "input_n*input_h*input_w*vec", "-O3: ... and more than 5 long: the vectorised copy", correction=True),
    Term("vec_quad", "mac", "input_n*input_h*input_w*vec*(input_c/4)", "-O3 vectorised copy: 4 elements", correction=True),
    Term("vec_rem", "mac", "input_n*input_h*input_w*vec*(input_c%4)", "-O3 vectorised copy: leftover element", correction=True),
], "arm_transpose_s8 with 4 dimensions -> arm_transpose_s8_default (non-MVE: also for perm[0..1] = 0, 1). At -O3 GCC "
   "versions the innermost loop: when the output's innermost stride is 1 (perm3 == 3) and the loop is longer than 5, "
   "a vectorised copy runs (terms row_vec, vec_quad, vec_rem; 0 at other levels).",
   derived=[("contig", "perm3 == 3"), ("vec", "perm3 == 3 && input_c > 5")])

# ---------------------------------------------------------------- batch matmul

BMM_VARIABLES = {"output_n": "output_dims->n (batch dimension 0, no broadcast)", "output_h": "output_dims->h (batch dimension 1)",
                 "lhs_rows": "input_lhs_dims->w", "rhs_rows": "input_rhs_dims->w (output columns)",
                 "rhs_cols": "input_rhs_dims->c (accumulation depth)"}


def bmm_shapes(seed):
    grid = {"output_n": [1, 1, 2], "output_h": [1, 1, 2, 3], "lhs_rows": [1, 2, 3, 5],
            "rhs_rows": [1, 2, 3, 4, 5, 7, 9], "rhs_cols": list(range(1, 73))}
    return sample(grid, 170, seed)


def vec_mat_terms(calls: str, rows: str, cols: str, unrolled: bool) -> list[Term]:
    m = lambda e: f"{calls}*({e})"
    q = f"({cols})/4"
    pairs = f"({rows})/2"
    odd = f"({rows})%2"
    t = [
        Term("vm_call", "overhead", calls, "arm_nn_vec_mat_mult_t_* call"),
        Term("rowpair", "requant", m(pairs), "per output pair: 2 requantizations, stores"),
        Term("main4", "mac", m(f"{pairs}*{q}"), "4 columns x 2 rows"),
        Term("odd", "requant", m(odd), "odd last row"),
        Term("odd_main4", "mac", m(f"{odd}*{q}"), "odd row: 4 columns"),
        Term("main_entry", "overhead", m(f"{pairs}*({q}>=1)"), "4-column loop entered"),
        Term("odd_entry", "overhead", m(f"{odd}*({q}>=1)"), "odd row: 4-column loop entered"),
        Term("rowloop_entry", "overhead", m(f"({rows})>=2"), "row-pair loop entered"),
    ]
    for r in (1, 2, 3):
        t.append(Term(f"tail_r{r}", "mac", m(f"{pairs}*(({cols})%4=={r})"), f"{r} leftover column(s)"))
        t.append(Term(f"odd_tail_r{r}", "mac", m(f"{odd}*(({cols})%4=={r})"), f"odd row: {r} leftover column(s)"))
    if unrolled:
        t.append(Term("main_entry8", "overhead", m(f"{pairs}*({q}>=8)"), "unrolled x8 body entered"))
        t.append(Term("odd_entry8", "overhead", m(f"{odd}*({q}>=8)"), "odd row: unrolled x8 body entered"))
        for u in range(1, 8):
            t.append(Term(f"main_mod8_{u}", "overhead", m(f"{pairs}*({q}%8=={u})"), f"x8-unrolled loop remainder {u}"))
            t.append(Term(f"odd_mod8_{u}", "overhead", m(f"{odd}*({q}%8=={u})"), f"odd row: remainder {u}"))
    return t


BMM_S8 = Kernel(
    path="arm_batch_matmul_s8",
    functions=["arm_batch_matmul_s8", "arm_nn_vec_mat_mult_t_s8"],
    shim="arm_batch_matmul_s8",
    operator="BATCH_MATMUL int8 (rhs an activation: non-zero rhs offset)",
    variables=dict(BMM_VARIABLES),
    derived=[("nvm", "output_n*output_h*lhs_rows")],
    terms=[Term("call", "overhead", "1", "entry, broadcast strides"),
           Term("outer", "overhead", "output_n", "per batch index 0"),
           Term("inner", "overhead", "output_n*output_h", "per batch index 1")]
          + vec_mat_terms("nvm", "rhs_rows", "rhs_cols", True),
    shapes=lambda: bmm_shapes("bmm_s8"),
    weight_walk={"working_set_bytes": "rhs_rows*rhs_cols", "passes": "nvm", "bytes_per_access": "4"},
    description="arm_batch_matmul_s8: per output batch and lhs row one arm_nn_vec_mat_mult_t_s8 (rhs_offset path, "
                "no bias). TFLM transposes a non-adjoint rhs in its own code before the call (not measured here).",
)

BMM_S16 = Kernel(
    path="arm_batch_matmul_s16",
    functions=["arm_batch_matmul_s16", "arm_nn_vec_mat_mult_t_s16_s16"],
    shim="arm_batch_matmul_s16",
    operator="BATCH_MATMUL int16",
    variables=dict(BMM_VARIABLES),
    derived=[("nvm", "output_n*output_h*lhs_rows")],
    terms=[Term("call", "overhead", "1", "entry"),
           Term("outer", "overhead", "output_n", "per batch index 0"),
           Term("inner", "overhead", "output_n*output_h", "per batch index 1")]
          + vec_mat_terms("nvm", "rhs_rows", "rhs_cols", False),
    shapes=lambda: bmm_shapes("bmm_s16"),
    weight_walk={"working_set_bytes": "2*rhs_rows*rhs_cols", "passes": "nvm", "bytes_per_access": "4"},
    description="arm_batch_matmul_s16: per output batch and lhs row one int16 x int16 vector-matrix product.",
)

# ---------------------------------------------------------------- SVDF

SVDF_VARIABLES = {"input_batches": "input_dims->n", "input_height": "input_dims->h (input size)",
                  "feature_batches": "weights_feature_dims->n (units x rank)", "time_batches": "weights_time_dims->h (memory size)",
                  "rank": "svdf_params->rank"}


def svdf_shapes(seed):
    out = []
    grid = {"input_batches": [1, 1, 2], "input_height": list(range(1, 41)), "units": [1, 2, 3, 4, 5, 7, 8],
            "time_batches": list(range(1, 21)), "rank": [1, 1, 2, 3]}
    for s in sample(grid, 170, seed):
        out.append({"input_batches": s["input_batches"], "input_height": s["input_height"],
                    "feature_batches": s["units"] * s["rank"], "time_batches": s["time_batches"], "rank": s["rank"]})
    return out


def svdf_s16_feature_terms(b: str) -> list[Term]:
    """arm_nn_vec_mat_mult_t_svdf_s8 (DSP): row pairs with 16-, 4- and 1-column loops; an odd row with 4 and 1."""
    m = lambda e: f"{b}*({e})"
    pairs, odd, c = "(feature_batches/2)", "(feature_batches%2)", "input_height"
    return [
        Term("fw_rowpair", "requant", m(pairs), "feature matmul: per row pair (2 requantizations)"),
        Term("fw_main16", "mac", m(f"{pairs}*({c}/16)"), "feature matmul: 16 columns x 2 rows"),
        Term("fw_main16_entry", "overhead", m(f"{pairs}*({c}>=16)"), "16-column loop entered"),
        Term("fw_main4", "mac", m(f"{pairs}*(({c}%16)/4)"), "4 columns x 2 rows"),
        Term("fw_main4_entry", "overhead", m(f"{pairs}*({c}%16>=4)"), "4-column loop entered"),
        Term("fw_tail", "mac", m(f"{pairs}*({c}%4)"), "leftover column x 2 rows"),
        Term("fw_tail_entry", "overhead", m(f"{pairs}*({c}%4>0)"), "leftover loop entered"),
        Term("fw_odd_main4", "mac", m(f"{odd}*({c}/4)"), "odd row: 4 columns"),
        Term("fw_odd_main_entry", "overhead", m(f"{odd}*({c}>=4)"), "odd row: 4-column loop entered"),
        Term("fw_odd_tail", "mac", m(f"{odd}*({c}%4)"), "odd row: leftover column"),
        Term("fw_odd_tail_entry", "overhead", m(f"{odd}*({c}%4>0)"), "odd row: leftover loop entered"),
        Term("fw_rows_entry", "overhead", m("feature_batches>=2"), "row-pair loop entered"),
    ]


def svdf_terms(unrolled: bool, state16: bool = False) -> list[Term]:
    b = "input_batches"
    blk = 2 if state16 else 4
    return [
        Term("call", "overhead", "1", "entry"),
        Term("shift_byte", "mac", f"state_bytes - 1", "state shifted left by one element: memmove byte loop (overlapping, "
             "misaligned); also absorbs the leftover time steps' share (per state element, collinear with it)"),
        Term("batch", "overhead", b, "per batch"),
        Term("tf", "requant", f"{b}*feature_batches", "time-weights dot product: per batch and feature"),
        Term("tf_blk", "mac", f"{b}*feature_batches*(time_batches/{blk})", f"{blk} time steps ({blk // 2} SMLAD)"),
        Term("tf_blk_entry", "overhead", f"{b}*feature_batches*(time_batches>={blk})", f"{blk}-step loop entered"),
        *([] if state16 else [Term("tf_rem_entry", "overhead", f"{b}*feature_batches*(time_batches%{blk}>0)", "leftover loop entered")]),
        Term("bias_rank1", "overhead", f"{b}*feature_batches*(rank==1)", "rank 1: bias add per unit, relative to the "
             "rank > 1 reduction (whose per-unit and per-feature steps `out` and `tf` include: collinear)"),
        Term("bias_rank1_batch", "overhead", f"{b}*(rank==1)", "rank 1: bias loop per batch"),
        Term("out", "requant", f"{b}*units", "output requantization, clamp, store"),
    ] + (svdf_s16_feature_terms(b) if state16 else
         [Term(f"fw_{t.name}", t.group, t.trips, "feature matmul: " + t.description, t.correction)
          for t in vec_mat_terms(b, "feature_batches", "input_height", unrolled)
          # collinear with earlier terms on every shape (the span is unchanged without them)
          if t.name not in ("vm_call", "odd", "odd_mod8_7")])


SVDF_DERIVED = [("units", "feature_batches/rank")]

SVDF_S8 = Kernel(
    path="arm_svdf_s8",
    functions=["arm_svdf_s8", "arm_nn_vec_mat_mult_t_s8", "memmove"],
    shim="arm_svdf_s8",
    operator="SVDF int8 state",
    variables=dict(SVDF_VARIABLES),
    derived=SVDF_DERIVED + [("state_bytes", "input_batches*feature_batches*time_batches")],
    terms=svdf_terms(True),
    shapes=lambda: svdf_shapes("svdf_s8"),
    weight_walk={"working_set_bytes": "feature_batches*input_height", "passes": "input_batches", "bytes_per_access": "4"},
    description="arm_svdf_s8: the int8 state shifted by one element (newlib memmove, counted here), the feature "
                "matmul per batch (arm_nn_vec_mat_mult_t_s8 writing every time_batches-th state element), the time "
                "weights dot products, rank reduction with bias, output requantization.",
)

SVDF_S16 = Kernel(
    path="arm_svdf_state_s16_s8",
    functions=["arm_svdf_state_s16_s8", "arm_nn_vec_mat_mult_t_svdf_s8", "memmove"],
    shim="arm_svdf_state_s16_s8",
    operator="SVDF int8 with int16 state",
    variables=dict(SVDF_VARIABLES),
    derived=SVDF_DERIVED + [("state_bytes", "2*input_batches*feature_batches*time_batches")],
    terms=svdf_terms(False, state16=True),
    shapes=lambda: svdf_shapes("svdf_s16"),
    weight_walk={"working_set_bytes": "feature_batches*input_height", "passes": "input_batches", "bytes_per_access": "4"},
    description="arm_svdf_state_s16_s8: as arm_svdf_s8 with an int16 state and int16 time weights "
                "(arm_nn_vec_mat_mult_t_svdf_s8 for the feature matmul).",
)

# ---------------------------------------------------------------- LSTM

LSTM_VARIABLES = {"time_steps": "params->time_steps", "batch_size": "params->batch_size",
                  "input_size": "params->input_size", "hidden_size": "params->hidden_size",
                  "time_major": "params->time_major (1: [time, batch, size], 0: [batch, time, size])"}


def lstm_shapes(seed):
    grid = {"time_steps": [1, 2, 3, 5], "batch_size": [1, 1, 2, 3], "input_size": list(range(1, 26)),
            "hidden_size": list(range(1, 21)), "time_major": [0, 1]}
    return sample(grid, 150, seed)


def lstm_matmul_terms(prefix: str, cols: str) -> list[Term]:
    """Per-row terms (pairs, odd row, row loop) appear once: both matmuls have hidden_size rows (collinear)."""
    g = "gates"          # gate matmul calls of this kind: 4 per step
    rows = "hidden_size"
    m = lambda e: f"{g}*bps*({e})"
    out = [
        *([Term("mm_batch", "overhead", f"{g}*bps", "both gate matmuls: per batch row")] if prefix == "in" else []),
        Term(f"{prefix}_pair", "requant", m(f"{rows}/2"), "2 outputs: requantize, accumulate into the gate, clamp"),
        Term(f"{prefix}_main4", "mac", m(f"({rows}/2)*({cols}/4)"), "4 columns x 2 rows"),
        Term(f"{prefix}_tail", "mac", m(f"({rows}/2)*({cols}%4)"), "leftover column x 2 rows"),
        Term(f"{prefix}_main_entry", "overhead", m(f"({rows}/2)*({cols}>=4)"), "4-column loop entered"),
        Term(f"{prefix}_tail_entry", "overhead", m(f"({rows}/2)*({cols}%4>0)"), "leftover loop entered"),
        Term(f"{prefix}_odd", "requant", m(f"{rows}%2"), "odd last row"),
        Term(f"{prefix}_odd_main4", "mac", m(f"({rows}%2)*({cols}/4)"), "odd row: 4 columns"),
        Term(f"{prefix}_odd_tail", "mac", m(f"({rows}%2)*({cols}%4)"), "odd row: leftover column"),
        Term(f"{prefix}_odd_main_entry", "overhead", m(f"({rows}%2)*({cols}>=4)"), "odd row: 4-column loop entered"),
        Term(f"{prefix}_odd_tail_entry", "overhead", m(f"({rows}%2)*({cols}%4>0)"), "odd row: leftover loop entered"),
        Term(f"{prefix}_rows_entry", "overhead", f"{g}*bps*({rows}>=2)", "row-pair loop entered"),
    ]
    if prefix != "in":
        out = [t for t in out if t.name not in (f"{prefix}_pair", f"{prefix}_odd", f"{prefix}_rows_entry")]
    return out


def lstm_terms():
    """The per-element work of a step (sigmoid/tanh of the gates, the cell update, the output multiply) is
    proportional to the gates' rows, so in_pair / in_odd (per 2 rows / odd row of the 4 gates) carry it: on every
    shape these regressors are collinear, and one set of terms reproduces the counts."""
    return [
        Term("call", "overhead", "1", "entry, final hidden-state copy call"),
        Term("batch_major", "overhead", "(1 - time_major)*batch_size", "batch-major layout: per batch"),
        Term("step", "overhead", "steps", "per time step (per batch and time step when batch major): 4 gate calls "
             "(memset call, 2 matmul calls, activation call), the cell and output calls"),
        Term("step_batch_major", "overhead", "(1 - time_major)*steps", "correction: a step in the batch-major loop", correction=True),
    ] + [t for t in lstm_matmul_terms("in", "input_size") + lstm_matmul_terms("hid", "hidden_size")
         if t.name != "hid_odd_tail_entry"] + [
        Term("cell_mul_pair", "mac", "steps*(bps*hidden_size/2)", "forget x cell: 2 elements (arm_elementwise_mul_s16), "
             "relative to the per-element work in_pair/in_odd carry"),
    ]


LSTM_DERIVED = [("steps", "if(time_major, time_steps, batch_size*time_steps)"),
                ("bps", "if(time_major, batch_size, 1)"),
                ("gates", "4*steps")]


def lstm(path, elem):
    return Kernel(
        path=path,
        functions=[path, f"arm_nn_lstm_step_{elem}", "arm_nn_lstm_calculate_gate_*", "arm_nn_vec_mat_mul_result_acc_*",
                   "arm_nn_activation_s16", "arm_elementwise_mul_s16", "arm_elementwise_mul_acc_s16",
                   "arm_elementwise_mul_s16_s8" if elem == "s8" else "arm_elementwise_mul_s16_batch_offset"],
        shim=path,
        operator=f"UNIDIRECTIONAL_SEQUENCE_LSTM {'int8' if elem == 's8' else 'int16'} (CMSIS-NN)",
        variables=dict(LSTM_VARIABLES),
        derived=LSTM_DERIVED,
        terms=lstm_terms(),
        shapes=lambda: lstm_shapes(path),
        weight_walk={"working_set_bytes": "4*hidden_size*(input_size + hidden_size)", "passes": "steps",
                     "bytes_per_access": "4"},
        library_calls=[
            LibraryCall("newlib_memset", "gates", {"bytes": "2*bps*hidden_size", "dst_mod4": "0"}, "gate buffer cleared per gate and step"),
            LibraryCall("newlib_memcpy", "if(time_major, 1, batch_size)*(time_steps > 0)",
                        {"bytes": f"{'1' if elem == 's8' else '2'}*hidden_size*if(time_major, batch_size, 1)", "src_mod4": "0", "dst_mod4": "0"},
                        "final hidden state copied back"),
        ],
        description=f"{path}: per time step (per batch and step when batch major) 4 gates, each a memset of the gate "
                    "buffer, an input and a recurrent vector-matrix product accumulated into int16, and a sigmoid/tanh "
                    "(LUT); the cell update and the output multiply. The weights are re-read every step (weight_walk "
                    "passes = steps).",
    )


LSTM_S8 = lstm("arm_lstm_unidirectional_s8", "s8")
LSTM_S16 = lstm("arm_lstm_unidirectional_s16", "s16")

# ---------------------------------------------------------------- transpose convolution

TCONV_VARIABLES = {
    "input_n": "batches (input_dims->n)", "input_h": "input height", "input_w": "input width",
    "input_c": "input channels (= filter_dims->c)", "filter_h": "filter height", "filter_w": "filter width",
    "output_h": "output height", "output_w": "output width", "output_c": "output channels (filter_dims->n)",
    "stride_h": "stride height", "stride_w": "stride width",
    "pad_h": "padding.h (TFLM's padding_values.height)", "pad_w": "padding.w (TFLM's padding_values.width)",
    "has_bias": "1 when the operator has a bias (the buffer rows are reset from it), 0 when they are zeroed",
}


def tconv_shape(s: dict) -> dict | None:
    """A sampled transpose convolution (input_n/h/w/c, output_c, filter_h/w, stride (h, w), padding "same" or
    "valid", has_bias) as the kernel's variables, with TFLM's output size and padding; None for VALID with a filter
    smaller than the stride (the kernel finishes stride rows per input row, more than the output has, and writes
    past it; not a shape TFLM models have)."""
    sh, sw = s["stride"]
    fh, fw = s["filter_h"], s["filter_w"]
    if s["padding"] == "valid":
        if fh < sh or fw < sw:
            return None
        oh, ow, ph, pw = (s["input_h"] - 1) * sh + fh, (s["input_w"] - 1) * sw + fw, 0, 0
    else:
        oh, ow = s["input_h"] * sh, s["input_w"] * sw
        ph, pw = same_padding(oh, fh, sh)[1], same_padding(ow, fw, sw)[1]
    return {"input_n": s["input_n"], "input_h": s["input_h"], "input_w": s["input_w"], "input_c": s["input_c"],
            "filter_h": fh, "filter_w": fw, "output_h": oh, "output_w": ow, "output_c": s["output_c"],
            "stride_h": sh, "stride_w": sw, "pad_h": ph, "pad_w": pw, "has_bias": s["has_bias"]}


def tconv_shapes():
    grid = {"input_n": [1, 1, 1, 2], "input_h": [1, 2, 3, 4, 5, 6], "input_w": [1, 2, 3, 4, 5, 6, 7, 8, 9, 11],
            "input_c": [1, 2, 3, 4, 5, 7, 8, 11, 16, 19, 24], "output_c": [1, 2, 3, 4, 5, 8],
            "filter_h": [1, 2, 3, 4, 5], "filter_w": [1, 2, 3, 4, 5], "stride": [(1, 1), (2, 2), (2, 2), (1, 2), (2, 1), (3, 3), (3, 2)],
            "padding": ["same", "same", "valid"], "has_bias": [0, 1, 1]}
    out = []
    for s in sample(grid, 600, "transpose_conv"):
        v = tconv_shape(s)
        # Only the direct path (arm_transpose_conv_s8): the wrapper reverses the filter into arm_convolve_s8
        # when both strides are at most 2 and there are more than 16 input channels.
        if v is None or (v["stride_h"] <= 2 and v["stride_w"] <= 2 and v["input_c"] > 16):
            continue
        out.append(v)
        if len(out) == 170:
            break
    return out


def tconv_column_terms(prefix: str, groups: str, what: str) -> list[Term]:
    """arm_nn_transpose_conv_row_s8_s32's loop over a group of input columns (4, 2 or 1): per output channel,
    valid filter row and filter column, the input channels 4 at a time (SMLAD) and a 1-3 channel tail (one term per tail length: -O3 unrolls it)."""
    g = f"input_n*({groups})"
    col = f"{g}*output_c*rows_sum*filter_w"
    return [
        Term(f"{prefix}", "overhead", f"{g}*input_h", f"per {what} of an input row"),
        Term(f"{prefix}_oc", "overhead", f"{g}*input_h*output_c", f"{what}: per output channel"),
        Term(f"{prefix}_row", "overhead", f"{g}*output_c*rows_sum", f"{what}: per valid filter row (rolling-buffer index)"),
        Term(f"{prefix}_col", "overhead", col, f"{what}: per filter column, the accumulators added into the buffer"),
        Term(f"{prefix}_ch4", "mac", f"{col}*(input_c/4)", f"{what}: 4 input channels"),
        Term(f"{prefix}_ch4_entry", "overhead", f"{col}*(input_c>=4)", f"{what}: 4-channel loop entered", correction=True),
    ] + [Term(f"{prefix}_tail_r{r}", "mac", f"{col}*(input_c%4=={r})", f"{what}: {r} leftover input channel(s)")
         for r in (1, 2, 3)]


TCONV_ROWS = "max(0, filter_h - max(0, pad_h - j*stride_h) - max(0, j*stride_h + filter_h - (pad_h + output_h) - 1))"

TRANSPOSE_CONV = Kernel(
    path="arm_transpose_conv_s8",
    functions=["arm_transpose_conv_wrapper_s8", "arm_transpose_conv_s8", "arm_nn_transpose_conv_row_s8_s32"],
    shim="arm_transpose_conv_s8",
    operator="TRANSPOSE_CONV int8 (TFLM's cmsis_nn transpose_conv.cc -> arm_transpose_conv_wrapper_s8), direct path",
    variables=dict(TCONV_VARIABLES),
    derived=[
        ("bxe", "(input_w - 1)*stride_w + max(filter_w, stride_w)"),
        ("buf_y", "max(filter_h, stride_h)"),
        ("rows_sum", f"sum(j, input_h, {TCONV_ROWS})"),
        ("emit_j", "sum(j, input_h, pad_h - j*stride_h <= 0)"),
        ("emitted", "emit_j*stride_h"),
        ("left_n", "max(0, filter_h - stride_h)"),
        ("left_emit", "sum(y, filter_h - stride_h, input_h*stride_h + y >= pad_h && input_h*stride_h + y < pad_h + output_h)"),
        ("quads", "input_w/4"), ("pair", "(input_w/2)%2"), ("single", "input_w%2"),
    ],
    terms=[
        Term("call", "overhead", "1", "arm_transpose_conv_wrapper_s8 and arm_transpose_conv_s8 entry/exit"),
        Term("wrap_stride_w", "overhead", "stride_w <= 2", "wrapper: stride w at most 2, stride h tested too", correction=True),
        Term("wrap_strides", "overhead", "stride_w <= 2 && stride_h <= 2", "wrapper: both strides at most 2, the channels tested too", correction=True),
        Term("batch", "overhead", "input_n", "per batch"),
        Term("reset_bias", "overhead", "input_n*has_bias*bxe*buf_y", "batch start: the rolling buffer filled with the bias, per pixel (memcpy call)"),
        Term("reset_zero", "overhead", "input_n*(1 - has_bias)", "batch start: no bias, the buffer zeroed (memset call)"),
        Term("in_row", "overhead", "input_n*input_h", "per input row: skip counts, arm_nn_transpose_conv_row_s8_s32 call"),
        Term("quad_entry", "overhead", "input_n*input_h*(quads>0)", "4-column loop entered", correction=True),
        *tconv_column_terms("quad", "quads", "4 input columns"),
        *tconv_column_terms("pair", "pair", "2 leftover input columns"),
        *tconv_column_terms("single", "single", "1 leftover input column"),
        Term("emit_in_row", "overhead", "input_n*emit_j", "input rows whose top is not skipped: stride_h output rows are finished"),
        Term("emit_row", "overhead", "input_n*emitted", "per finished output row: buffer index, row reset"),
        Term("emit_px", "overhead", "input_n*emitted*output_w", "per finished output pixel"),
        Term("emit_elem", "requant", "input_n*emitted*output_w*output_c", "per output element: requantize, offset, clamp, store"),
        Term("emit_reset_bias", "overhead", "input_n*emitted*has_bias*bxe", "finished row refilled with the bias, per pixel (memcpy call)"),
        Term("emit_reset_zero", "overhead", "input_n*emitted*(1 - has_bias)", "finished row zeroed (memset call)"),
        Term("left_entry", "overhead", "input_n*(left_n > 0)", "leftover-row loop entered", correction=True),
        Term("left_row", "overhead", "input_n*left_n", "per leftover buffer row after the last input row"),
        Term("left_test2", "overhead", "input_n*sum(y, left_n, input_h*stride_h + y >= pad_h)", "leftover row at or below the top padding: the second test", correction=True),
        Term("left_emit", "overhead", "input_n*left_emit", "leftover row inside the output"),
        Term("left_px", "overhead", "input_n*left_emit*output_w", "leftover row: per output pixel"),
        Term("left_elem", "requant", "input_n*left_emit*output_w*output_c", "leftover row: per output element"),
    ],
    shapes=tconv_shapes,
    weight_walk={"working_set_bytes": "output_c*filter_h*filter_w*input_c",
                 "passes": "input_n*(quads + pair + single)*rows_sum/max(1, filter_h)", "bytes_per_access": "4"},
    activation_passes="max(1, output_c)",
    library_calls=[
        LibraryCall("newlib_memcpy", "input_n*has_bias*bxe*(buf_y + emitted)", {"bytes": "4*output_c", "src_mod4": "0", "dst_mod4": "0"},
                    "the bias copied into one buffer pixel (arm_memcpy_s8)"),
        LibraryCall("newlib_memset", "input_n*(1 - has_bias)", {"bytes": "4*bxe*output_c*buf_y", "dst_mod4": "0"},
                    "the rolling buffer zeroed at a batch's start (arm_memset_s8)"),
        LibraryCall("newlib_memset", "input_n*(1 - has_bias)*emitted", {"bytes": "4*bxe*output_c", "dst_mod4": "0"},
                    "a finished buffer row zeroed (arm_memset_s8)"),
    ],
    when="!(stride_h <= 2 && stride_w <= 2 && input_c > 16)",
    description="arm_transpose_conv_wrapper_s8 -> arm_transpose_conv_s8 (DSP path; the wrapper takes it unless both "
                "strides are at most 2 and there are more than 16 input channels). Per input row, "
                "arm_nn_transpose_conv_row_s8_s32 scatters the row's products into a rolling int32 buffer of "
                "max(filter_h, stride_h) rows: input columns 4 (then 2, then 1) at a time, per output channel, valid "
                "filter row and column, the input channels 4 at a time. Finished rows are requantized to the output "
                "and the buffer row is reset from the bias (memcpy per pixel) or zeroed (memset). memcpy/memset bodies "
                "are excluded (library_calls).",
)


# The wrapper's reverse path: more than 16 input channels and both strides at most 2. The filter is reversed in x and y
# into the second scratch buffer (a memcpy per output channel and tap), then arm_convolve_s8 runs over the input
# upscaled by the strides (a stride of 2 halves the index: only even upscaled rows and columns hold input), stride 1,
# padding filter - 1 - pad. With both strides 1 that is arm_convolve_s8's ordinary im2col.

def tconv_reverse_shapes():
    grid = {"input_n": [1, 1, 2], "input_h": [1, 2, 3, 4], "input_w": [1, 2, 3, 4, 5], "input_c": [17, 18, 19, 20, 24, 32],
            "output_c": [1, 2, 3, 4, 5, 8], "filter_h": [1, 2, 3, 4], "filter_w": [1, 2, 3, 5],
            "stride": [(1, 1), (2, 2), (2, 2), (1, 2), (2, 1)], "padding": ["same", "same", "valid"], "has_bias": [0, 1, 1]}
    out = []
    for s in sample(grid, 800, "transpose_conv_reverse"):
        v = tconv_shape(s)
        if v is None or v["input_n"] * v["output_h"] * v["output_w"] * v["output_c"] * v["filter_h"] * v["filter_w"] * v["input_c"] > 60000:
            continue
        out.append(v)
        if len(out) == 170:
            break
    return out


def tconv_reverse_derived():
    from kernels.geometry import valid_taps, after_taps
    ky = "(oy - cph + ky)"
    kx = "(ox - cpw + kx)"
    rows = lambda cond: f"sum(oy, output_h, sum(ky, filter_h, {cond}))"
    cols = lambda cond: f"sum(ox, output_w, sum(kx, filter_w, {cond}))"
    return [
        ("up", "stride_h == 2 || stride_w == 2"), ("yr", "stride_h == 2"), ("xr", "stride_w == 2"),
        ("cih", "input_h*stride_h"), ("ciw", "input_w*stride_w"), ("cph", "filter_h - 1 - pad_h"), ("cpw", "filter_w - 1 - pad_w"),
        ("filter_c", "input_c"), ("pix", "output_h*output_w"), ("rc", "filter_h*filter_w*input_c"), ("oc", "output_c"),
        # arm_convolve_s8's ordinary im2col (both strides 1): the window sums of a stride-1 convolution over the input.
        ("sum_rows", f"(1 - up)*sum(oy, output_h, {valid_taps('oy', 'cih', 'filter_h', '1', 'cph')})"),
        ("sum_cols", f"(1 - up)*sum(ox, output_w, {valid_taps('ox', 'ciw', 'filter_w', '1', 'cpw')})"),
        ("after_rows", f"(1 - up)*sum(oy, output_h, {after_taps('oy', 'cih', 'filter_h', '1', 'cph')})"),
        ("after_cols", f"(1 - up)*sum(ox, output_w, {after_taps('ox', 'ciw', 'filter_w', '1', 'cpw')})"),
        # The upscaled im2col: window rows and columns that hold input (inside, and even when that stride is 2).
        ("u_rows", rows(f"{ky} >= 0 && {ky} < cih && ({ky} % 2 == 0 || !yr)")),
        ("u_cols", cols(f"{kx} >= 0 && {kx} < ciw && ({kx} % 2 == 0 || !xr)")),
        ("u_rows_neg", rows(f"{ky} < 0")), ("u_rows_high", rows(f"{ky} >= cih")),
        ("u_cols_neg", cols(f"{kx} < 0")), ("u_cols_high", cols(f"{kx} >= ciw")),
        ("u_cols_odd_kept", cols(f"{kx} >= 0 && {kx} < ciw && {kx} % 2 != 0 && !xr")),
        ("u_rows_odd_kept", rows(f"{ky} >= 0 && {ky} < cih && {ky} % 2 != 0 && !yr")),
    ]


def tconv_reverse_terms():
    from kernels.cmsis_conv import im2col_conv_terms
    terms = []
    for t in im2col_conv_terms("input_n"):
        # More than 16 input channels: the "loop entered" corrections of the widening and multiply loops always hold.
        if "(rc>=4)" in t.trips:
            continue
        # The ordinary im2col's tap terms hold for both strides 1 only (their sums are 0 otherwise, but not their
        # "all taps minus valid taps" differences).
        if t.name.startswith("tap_"):
            t = Term(t.name, t.group, f"(1 - up)*{t.trips}", t.description, correction=t.correction)
        terms.append(t)
    u = lambda e: f"input_n*up*({e})"
    terms += [
        Term("batch", "overhead", "input_n", "per batch"),
        Term("call", "overhead", "1", "wrapper and arm_convolve_s8 entry/exit"),
        Term("rev_oc", "overhead", "output_c", "filter reversal: per output channel"),
        Term("rev_row", "overhead", "output_c*filter_h", "filter reversal: per filter row"),
        Term("rev_tap", "overhead", "output_c*filter_h*filter_w", "filter reversal: per tap (a memcpy of the input channels)"),
        Term("up_call", "overhead", "up", "an upscaled input (a stride of 2)"),
        Term("up_pixel", "im2col", u("pix"), "upscaled im2col: per output pixel, the window buffer filled with the input offset (memset)"),
        Term("up_krow", "im2col", u("pix*filter_h"), "upscaled im2col: per window row"),
        Term("up_row_neg", "im2col", u("output_w*u_rows_neg"), "window row above the input (first test)", correction=True),
        Term("up_row_high", "im2col", u("output_w*u_rows_high"), "window row below the input (second test)", correction=True),
        Term("up_row_in", "im2col", u("output_w*u_rows"), "window row holding input: its column loop"),
        Term("up_row_odd_kept", "im2col", u("output_w*u_rows_odd_kept"), "odd row with stride h 1 (the last test)", correction=True),
        Term("up_tap", "im2col", u("u_rows*output_w*filter_w"), "per window column of such a row: the tests"),
        Term("up_col_neg", "im2col", u("u_rows*u_cols_neg"), "column left of the input", correction=True),
        Term("up_col_high", "im2col", u("u_rows*u_cols_high"), "column right of the input", correction=True),
        Term("up_col_odd_kept", "im2col", u("u_rows*u_cols_odd_kept"), "odd column with stride w 1 (the last test)", correction=True),
        Term("up_copy", "im2col", u("u_rows*u_cols"), "window tap holding input: a memcpy of the input channels"),
        Term("nobias_block", "requant", "input_n*(1 - has_bias)*(pix/2)*(oc/2)", "no bias: a 2x2 block's accumulators start at 0", correction=True),
        Term("nobias_oddoc", "requant", "input_n*(1 - has_bias)*(pix/2)*(oc%2)", "no bias: the odd channel of a pixel pair", correction=True),
        Term("nobias_lo", "requant", "input_n*(1 - has_bias)*(pix%2)*oc", "no bias: the odd last pixel's outputs", correction=True),
    ]
    return terms


def tconv_alignment(bytes_expr):
    return f"if(({bytes_expr})%4==0, 0, 1)"


TRANSPOSE_CONV_REVERSE = Kernel(
    path="arm_transpose_conv_s8:reverse",
    functions=["arm_transpose_conv_wrapper_s8", "arm_convolve_s8", "arm_s8_to_s16_unordered_with_offset", "arm_nn_mat_mult_kernel_s8_s16"],
    shim="arm_transpose_conv_s8",
    operator="TRANSPOSE_CONV int8, more than 16 input channels and strides of at most 2 (the wrapper's reverse path; "
             "mcusim's interpreter names the kernel arm_convolve_s8)",
    variables=dict(TCONV_VARIABLES),
    derived=tconv_reverse_derived(),
    terms=tconv_reverse_terms(),
    shapes=tconv_reverse_shapes,
    # The kernel reads the reversed copy of the filter in the scratch buffer; the filter itself is read once, by
    # the reversal.
    weight_walk={"working_set_bytes": "oc*rc", "passes": "1", "bytes_per_access": "4"},
    activation_passes="max(1, oc/2)",
    library_calls=[
        LibraryCall("newlib_memcpy", "output_c*filter_h*filter_w", {"bytes": "input_c", "src_mod4": tconv_alignment("input_c"), "dst_mod4": tconv_alignment("input_c")},
                    "filter reversal: one tap's input channels"),
        LibraryCall("newlib_memcpy", "input_n*(sum_rows*sum_cols + up*u_rows*u_cols)", {"bytes": "input_c", "src_mod4": tconv_alignment("input_c"), "dst_mod4": tconv_alignment("input_c")},
                    "im2col copy of one tap (arm_memcpy_s8)"),
        LibraryCall("newlib_memset", "input_n*(1 - up)*((output_h*filter_h - sum_rows)*output_w*filter_w + sum_rows*(output_w*filter_w - sum_cols))",
                    {"bytes": "input_c", "dst_mod4": tconv_alignment("input_c")}, "ordinary im2col: a padded tap filled (arm_memset_s8)"),
        LibraryCall("newlib_memset", "input_n*up*pix", {"bytes": "rc", "dst_mod4": "0"}, "upscaled im2col: the window buffer filled per output pixel"),
    ],
    when="stride_h <= 2 && stride_w <= 2 && input_c > 16",
    notes="library_calls alignments (src_mod4/dst_mod4) are approximate: 0 when the copy size is a multiple of 4, else 1.",
    description="arm_transpose_conv_wrapper_s8, reverse path: the filter reversed in x and y (memcpy per output channel "
                "and tap), then arm_convolve_s8 over the input upscaled by the strides with stride 1 and padding "
                "filter - 1 - pad: per output pixel an im2col (upscaled: the window filled with the input offset, then "
                "a memcpy per tap holding input), the int8 -> int16 widening and arm_nn_mat_mult_kernel_s8_s16 per "
                "pixel pair. memcpy/memset bodies excluded (library_calls).",
)


KERNELS = [PAD, MAXIMUM, MINIMUM, TRANSPOSE_2D, TRANSPOSE_3D, TRANSPOSE_4D, BMM_S8, BMM_S16, SVDF_S8, SVDF_S16,
           LSTM_S8, LSTM_S16, TRANSPOSE_CONV, TRANSPOSE_CONV_REVERSE]
