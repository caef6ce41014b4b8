#!/usr/bin/env python3
"""Spot check of mcusim's instruction counts against a run of the real CMSIS-NN kernels.

Builds the CMSIS-NN kernels of three MLPerf Tiny KWS (DS-CNN) layers from a CMSIS-NN checkout
the user provides, runs each kernel once in the Unicorn emulator (QEMU's Cortex-M4 CPU model)
on that layer's geometry with random data, counts every Thumb instruction executed from the
kernel's entry to its return (newlib memcpy/memset included), and prints that count next to
the instruction count mcusim's cost model gives the same operator (`mcusim run --json`: the
cost terms' "N instructions measured", TFLM dispatch excluded).

Nothing fetched is written into the repository: the build goes to a temporary directory.

Usage (Python with `unicorn` installed; arm-none-eabi-gcc on PATH; a built mcusim):
    python3 Scripts/kernel_spot_check.py --cmsis-nn /path/to/CMSIS-NN --model mlperf_kws_dscnn_int8.tflite \
        --mcusim .build/debug/mcusim [--opt -O2]

The layers (from the model, as `mcusim inspect` shows them):
    op 0  CONV_2D 10x4, stride 2, SAME (pad 4 top, 1 left): 49x10x1 -> 25x5x64   arm_convolve_s8
    op 1  DEPTHWISE_CONV_2D 3x3, stride 1, SAME:            25x5x64 -> 25x5x64   arm_depthwise_conv_3x3_s8
    op 2  CONV_2D 1x1:                                      25x5x64 -> 25x5x64   arm_convolve_1x1_s8_fast
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

from unicorn import Uc, UC_ARCH_ARM, UC_MODE_THUMB, UC_MODE_MCLASS, UC_HOOK_CODE
from unicorn.arm_const import (UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_SP,
                               UC_ARM_REG_LR, UC_CPU_ARM_CORTEX_M4)

FLASH = 0x08000000
RAM = 0x20000000
RAM_SIZE = 4 << 20
RETURN = 0x08F00000  # an address in mapped, never-executed flash: the kernel "returns" here

SOURCES = [
    "ConvolutionFunctions/arm_convolve_s8.c",
    "ConvolutionFunctions/arm_convolve_1x1_s8_fast.c",
    "ConvolutionFunctions/arm_depthwise_conv_3x3_s8.c",
    "ConvolutionFunctions/arm_nn_mat_mult_kernel_s8_s16.c",
    "ConvolutionFunctions/arm_nn_mat_mult_kernel_row_offset_s8_s16.c",
    "NNSupportFunctions/arm_nn_mat_mult_nt_t_s8.c",
    "NNSupportFunctions/arm_s8_to_s16_unordered_with_offset.c",
    "NNSupportFunctions/arm_q7_to_q15_with_offset.c",
]

LINKER_SCRIPT = """
MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 1M  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 64K }
SECTIONS {
  .text : { *(.text*) *(.rodata*) } > FLASH
  .data : { *(.data*) } > RAM AT > FLASH
  .bss : { *(.bss*) *(COMMON) } > RAM
}
"""


def build(cmsis_nn, opt, workdir):
    flags = ["-mthumb", "-mfloat-abi=hard", "-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", opt,
             "-ffunction-sections", "-fdata-sections", "-I", os.path.join(cmsis_nn, "Include")]
    objects = []
    for source in SOURCES:
        path = os.path.join(cmsis_nn, "Source", source)
        if not os.path.exists(path):
            continue
        obj = os.path.join(workdir, os.path.basename(source) + ".o")
        subprocess.run(["arm-none-eabi-gcc", "-c", *flags, path, "-o", obj], check=True)
        objects.append(obj)
    script = os.path.join(workdir, "image.ld")
    with open(script, "w") as f:
        f.write(LINKER_SCRIPT)
    elf = os.path.join(workdir, "kernels.elf")
    keep = [f"-Wl,--undefined={s}" for s in ("arm_convolve_s8", "arm_convolve_1x1_s8_fast", "arm_depthwise_conv_3x3_s8")]
    subprocess.run(["arm-none-eabi-gcc", *flags, "-nostartfiles", "-Wl,--gc-sections", "-Wl,-e,arm_convolve_s8",
                    "-T", script, *keep, *objects, "-lc", "-o", elf], check=True)
    image = os.path.join(workdir, "kernels.bin")
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", elf, image], check=True)
    symbols = {}
    for line in subprocess.run(["arm-none-eabi-nm", elf], check=True, capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    with open(image, "rb") as f:
        return f.read(), symbols


class Machine:
    def __init__(self, image):
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_M4)
        self.uc.mem_map(FLASH, 16 << 20)
        self.uc.mem_write(FLASH, image)
        self.uc.mem_map(RAM, RAM_SIZE)
        self.next = RAM + 0x10000  # the first 64 KiB hold the linker's .data/.bss
        self.count = 0
        self.uc.hook_add(UC_HOOK_CODE, self._count)

    def _count(self, uc, address, size, data):
        self.count += 1

    def put(self, data, align=8):
        self.next = (self.next + align - 1) & ~(align - 1)
        address = self.next
        self.uc.mem_write(address, bytes(data))
        self.next += max(len(data), 4)
        return address

    def ints(self, values):
        return self.put(struct.pack(f"<{len(values)}i", *values))

    def call(self, function, args):
        """Runs `function(*args)` (AAPCS: 4 in registers, the rest on the stack); returns instructions executed."""
        sp = RAM + RAM_SIZE - 0x100
        stacked = args[4:]
        sp -= 4 * len(stacked)
        sp &= ~7
        self.uc.mem_write(sp, struct.pack(f"<{len(stacked)}I", *stacked))
        for reg, value in zip((UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3), args[:4]):
            self.uc.reg_write(reg, value)
        self.uc.reg_write(UC_ARM_REG_SP, sp)
        self.uc.reg_write(UC_ARM_REG_LR, RETURN | 1)
        self.count = 0
        self.uc.emu_start(function | 1, RETURN)
        return self.count


def random_layer(m, rng, in_shape, filter_shape, out_channels):
    n, h, w, c = in_shape
    inp = m.put([rng.randrange(256) for _ in range(n * h * w * c)])
    kernel = m.put([rng.randrange(256) for _ in range(filter_shape[0] * filter_shape[1] * filter_shape[2] * filter_shape[3])])
    bias = m.ints([rng.randrange(-2000, 2000) for _ in range(out_channels)])
    multipliers = m.ints([rng.randrange(1 << 30, (1 << 31) - 1) for _ in range(out_channels)])
    shifts = m.ints([rng.randrange(-9, -5) for _ in range(out_channels)])
    quant = m.put(struct.pack("<II", multipliers, shifts))
    return inp, kernel, bias, quant


def dims(m, n, h, w, c):
    return m.put(struct.pack("<4i", n, h, w, c))


def run_layers(image, symbols, seed=1):
    rng = random.Random(seed)
    m = Machine(image)
    results = {}
    activation = (-128, 127)

    # op 0: arm_convolve_s8, 10x4 stride 2, pad (h 4, w 1), 49x10x1 -> 25x5x64
    inp, kernel, bias, quant = random_layer(m, rng, (1, 49, 10, 1), (64, 10, 4, 1), 64)
    upscale = dims(m, 1, 1, 1, 1)  # no transpose-conv upscaling
    buffer = m.put(bytes(4096))  # above arm_convolve_s8_get_buffer_size: two im2col columns of int16
    ctx = m.put(struct.pack("<Ii", buffer, 4096))
    params = m.put(struct.pack("<10i", -83, -128, 2, 2, 1, 4, 1, 1, *activation))  # offsets, stride w/h, pad w/h, dilation, act
    out = m.put(bytes(25 * 5 * 64))
    results[0] = m.call(symbols["arm_convolve_s8"], [ctx, params, quant, dims(m, 1, 49, 10, 1), inp, dims(m, 64, 10, 4, 1), kernel,
                                                      dims(m, 1, 1, 1, 64), bias, upscale, dims(m, 1, 25, 5, 64), out])

    # op 1: arm_depthwise_conv_3x3_s8, pad 1, 25x5x64
    inp, kernel, bias, quant = random_layer(m, rng, (1, 25, 5, 64), (1, 3, 3, 64), 64)
    ctx = m.put(struct.pack("<Ii", 0, 0))
    params = m.put(struct.pack("<11i", 128, -128, 1, 1, 1, 1, 1, 1, 1, *activation))  # offsets, ch_mult, stride, pad, dilation, act
    out = m.put(bytes(25 * 5 * 64))
    results[1] = m.call(symbols["arm_depthwise_conv_3x3_s8"], [ctx, params, quant, dims(m, 1, 25, 5, 64), inp, dims(m, 1, 3, 3, 64), kernel,
                                                                dims(m, 1, 1, 1, 64), bias, dims(m, 1, 25, 5, 64), out])

    # op 2: arm_convolve_1x1_s8_fast, 25x5x64 -> 25x5x64
    inp, kernel, bias, quant = random_layer(m, rng, (1, 25, 5, 64), (64, 1, 1, 64), 64)
    ctx = m.put(struct.pack("<Ii", 0, 0))
    params = m.put(struct.pack("<10i", 128, -128, 1, 1, 0, 0, 1, 1, *activation))
    out = m.put(bytes(25 * 5 * 64))
    results[2] = m.call(symbols["arm_convolve_1x1_s8_fast"], [ctx, params, quant, dims(m, 1, 25, 5, 64), inp, dims(m, 64, 1, 1, 64), kernel,
                                                               dims(m, 1, 1, 1, 64), bias, dims(m, 1, 25, 5, 64), out])
    return results


def mcusim_counts(mcusim, model, opt):
    out = subprocess.run([mcusim, "run", model, "--device", "stm32f411re", "--opt", opt, "--json"],
                         check=True, capture_output=True, text=True).stdout
    counts = {}
    for op in json.loads(out)["operators"][:3]:
        counts[op["index"]] = (op["kernel"], sum(int(m.group(1)) for t in op["cost_terms"]
                                                 for m in [re.search(r"([0-9]+) instructions measured", t["why"])] if m))
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cmsis-nn", required=True, help="CMSIS-NN checkout (the cost data was measured at 99f736a6)")
    parser.add_argument("--model", required=True, help="mlperf_kws_dscnn_int8.tflite")
    parser.add_argument("--mcusim", default=".build/debug/mcusim")
    parser.add_argument("--opt", default="-O2", choices=["-Os", "-O2", "-O3"])
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", args.cmsis_nn, "rev-parse", "--short=8", "HEAD"], capture_output=True, text=True).stdout.strip()
    gcc = subprocess.run(["arm-none-eabi-gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with tempfile.TemporaryDirectory() as workdir:
        image, symbols = build(args.cmsis_nn, args.opt, workdir)
        emulated = run_layers(image, symbols)
    predicted = mcusim_counts(args.mcusim, args.model, args.opt)
    print(f"# CMSIS-NN {commit or '(not a git checkout)'}, {gcc}, Cortex-M4 {args.opt}, Unicorn {__import__('unicorn').__version__}")
    print("| op | kernel | emulated instructions | mcusim instructions | error |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for index in sorted(emulated):
        kernel, count = predicted[index]
        error = (count - emulated[index]) / emulated[index] * 100
        print(f"| {index} | {kernel} | {emulated[index]:,} | {count:,} | {error:+.2f}% |")


if __name__ == "__main__":
    sys.exit(main())
