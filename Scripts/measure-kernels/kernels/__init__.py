"""Every measured kernel path (one module per family)."""

import importlib

MODULES = ["newlib", "cmsis_conv", "cmsis_depthwise", "cmsis_misc", "cmsis_more", "tflm_reference"]


def all_kernels():
    out = []
    for name in MODULES:
        out += importlib.import_module(f"kernels.{name}").KERNELS
    paths = [k.path for k in out]
    if len(paths) != len(set(paths)):
        raise ValueError("duplicate kernel paths")
    by_path = {k.path: k for k in out}
    for k in out:
        for c in k.library_calls:
            lib = by_path.get(c.function)
            if lib is None or set(c.variables) != set(lib.variables):
                raise ValueError(f"{k.path}: library call {c.function} must give exactly "
                                 f"{sorted(lib.variables) if lib else '(unknown library)'}")
    return out
