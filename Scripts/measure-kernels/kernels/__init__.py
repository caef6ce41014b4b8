"""Every measured kernel path (one module per family)."""

import importlib

MODULES = ["newlib", "cmsis_conv", "cmsis_depthwise", "cmsis_misc", "cmsis_more"]


def all_kernels():
    out = []
    for name in MODULES:
        out += importlib.import_module(f"kernels.{name}").KERNELS
    paths = [k.path for k in out]
    if len(paths) != len(set(paths)):
        raise ValueError("duplicate kernel paths")
    return out
