"""Derived variables for window geometry shared by the convolution, depthwise and pooling specs.

TFLM clips a window tap k (0 <= k < filter) at output position o to the input when
0 <= o*stride - pad + dilation*k < size; the number of valid taps at o is
max(0, min(filter - 1, floor((size - 1 - o*stride + pad) / dilation)) - max(0, ceil((pad - o*stride) / dilation)) + 1).
"""


def valid_taps(o: str, size: str, filt: str, stride: str, pad: str, dilation: str = "1") -> str:
    first = f"max(0, ({pad} - {o}*{stride} + {dilation} - 1)/{dilation})"
    last = f"min({filt} - 1, ({size} - 1 - {o}*{stride} + {pad})/{dilation})"
    return f"max(0, {last} - {first} + 1)"


def window_sums(dilation: bool = True) -> list[tuple[str, str]]:
    """sum_rows / sum_cols: valid filter rows (columns) summed over output rows (columns);
    rows_nz / cols_nz: output rows (columns) whose window has at least one valid row (column)."""
    dh = "dilation_h" if dilation else "1"
    dw = "dilation_w" if dilation else "1"
    vy = valid_taps('oy', 'input_h', 'filter_h', 'stride_h', 'pad_h', dh)
    vx = valid_taps('ox', 'input_w', 'filter_w', 'stride_w', 'pad_w', dw)
    return [
        ("sum_rows", f"sum(oy, output_h, {vy})"),
        ("sum_cols", f"sum(ox, output_w, {vx})"),
        ("rows_nz", f"sum(oy, output_h, {vy} > 0)"),
        ("cols_nz", f"sum(ox, output_w, {vx} > 0)"),
    ]


def before_taps(o: str, filt: str, stride: str, pad: str, dilation: str = "1") -> str:
    """Taps of the window at output position o before the input (origin + dilation*k < 0)."""
    return f"min({filt}, max(0, ({pad} - {o}*{stride} + {dilation} - 1)/{dilation}))"


def after_taps(o: str, size: str, filt: str, stride: str, pad: str, dilation: str = "1") -> str:
    """Taps of the window at output position o past the input's end (origin + dilation*k >= size)."""
    return f"max(0, {filt} - max(0, ({size} - {o}*{stride} + {pad} + {dilation} - 1)/{dilation}))"


def padding_sums(dilation: bool = True) -> list[tuple[str, str]]:
    """before_rows/after_rows: window rows above/below the input, summed over output rows; before_cols/after_cols
    likewise for columns."""
    dh = "dilation_h" if dilation else "1"
    dw = "dilation_w" if dilation else "1"
    return [
        ("before_rows", f"sum(oy, output_h, {before_taps('oy', 'filter_h', 'stride_h', 'pad_h', dh)})"),
        ("after_rows", f"sum(oy, output_h, {after_taps('oy', 'input_h', 'filter_h', 'stride_h', 'pad_h', dh)})"),
        ("before_cols", f"sum(ox, output_w, {before_taps('ox', 'filter_w', 'stride_w', 'pad_w', dw)})"),
        ("after_cols", f"sum(ox, output_w, {after_taps('ox', 'input_w', 'filter_w', 'stride_w', 'pad_w', dw)})"),
    ]
