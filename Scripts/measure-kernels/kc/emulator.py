"""Runs shims in the Unicorn emulator and turns the executed basic blocks into instruction-class
counts and Cortex-M7 cycles (README.md, "Method")."""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from elftools.elf.elffile import ELFFile
from unicorn import Uc, UC_ARCH_ARM, UC_MODE_THUMB, UC_MODE_MCLASS, UC_HOOK_BLOCK
from unicorn import arm_const as UA

from . import isa

FLASH, FLASH_SIZE = 0x08000000, 8 << 20
RAM, RAM_SIZE = 0x20000000, 32 << 20
STACK_TOP = RAM + RAM_SIZE - 64
MAX_INSTRUCTIONS = 400_000_000

# Library functions whose instructions are not counted as the kernel's (modelled separately per byte count).
EXCLUDED_FUNCTIONS = ("memcpy", "memset", "__aeabi_memcpy", "__aeabi_memset", "__aeabi_memcpy4", "__aeabi_memset4",
                      "__aeabi_memclr", "__aeabi_memclr4")
# Classes that form runs of back-to-back loads (the Cortex-M4 pipelines a run of N loads in N + 1 cycles).
RUN_CLASSES = ("ld", "fld")

KIND_BYTES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 4, 5: 8}
CANARY = bytes([0xA5, 0x5A, 0xC3, 0x3C]) * 4


class RunError(RuntimeError):
    pass


@dataclass
class Measurement:
    counts: np.ndarray      # per class (isa.CLASSES order), int64
    cycles_m7: int | None   # simulated Cortex-M7 cycles (M7 builds only)
    instructions: int       # issued instructions counted
    block_counts: dict      # block start address -> executions (diagnostics)


class Simulator:
    def __init__(self, library: Path):
        self.lib = ctypes.CDLL(str(library))
        f = self.lib.m7_simulate
        f.restype = ctypes.c_int64
        f.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                      ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                      ctypes.c_uint32]


class Image:
    """One linked image (one core and -O level) loaded into an emulator."""

    def __init__(self, elf_path: Path, core: str, simulator: Simulator | None, code_base: int = FLASH,
                 code_size: int = FLASH_SIZE, a_profile_fpu: bool = False):
        # code_base/code_size: where the image's code is linked (the kernel images: flash at 0x08000000;
        # the tflm-cortexm firmware: SSRAM at 0). Data always sits at RAM.
        self.path = elf_path
        self.code_base = code_base
        self.return_address = code_base + code_size - 0x100
        self.core = core
        self.simulator = simulator
        with open(elf_path, "rb") as f:
            elf = ELFFile(f)
            self.segments = [(seg["p_paddr"], seg.data()) for seg in elf.iter_segments() if seg["p_type"] == "PT_LOAD"]
            self.symbols: dict[str, tuple[int, int]] = {}
            for sym in elf.get_section_by_name(".symtab").iter_symbols():
                if sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT") and sym.name:
                    self.symbols.setdefault(sym.name, (sym["st_value"] & ~1, sym["st_size"]))
        self.flash = bytearray(code_size)
        for addr, data in self.segments:
            if code_base <= addr < code_base + code_size:
                self.flash[addr - code_base: addr - code_base + len(data)] = data
        self.excluded = []
        for name in EXCLUDED_FUNCTIONS:
            if name in self.symbols:
                start, size = self.symbols[name]
                if size == 0:
                    raise RunError(f"{name} has no symbol size in {elf_path}")
                self.excluded.append((start, start + size))
        if a_profile_fpu:
            # Unicorn's Cortex-M7 lacks FPv5's double precision, VRINT and VSEL. Its "max" A-profile core in
            # Thumb state runs the same Thumb-2 and FP instructions, for code without M-profile system features.
            self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB)
            self.uc.ctl_set_cpu_model(UA.UC_CPU_ARM_MAX)
            self.uc.reg_write(UA.UC_ARM_REG_C1_C0_2, self.uc.reg_read(UA.UC_ARM_REG_C1_C0_2) | (0xF << 20))  # CPACR: CP10/11
            self.uc.reg_write(UA.UC_ARM_REG_FPEXC, 0x40000000)  # FPEXC.EN
        else:
            self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
            self.uc.ctl_set_cpu_model(UA.UC_CPU_ARM_CORTEX_M7 if core == "m7" else UA.UC_CPU_ARM_CORTEX_M4)
        self.uc.mem_map(code_base, code_size)
        self.uc.mem_map(RAM, RAM_SIZE)
        for addr, data in self.segments:
            self.uc.mem_write(addr, bytes(data))
        self.uc.mem_write(self.return_address, b"\x00\xbf" * 8)
        self.decoder = isa.Decoder(lambda a, n: bytes(self.flash[a - code_base: a - code_base + n]))
        # Block registry: every (start, size) seen, with its decoded instructions and static class counts.
        self.block_ids: dict[int, int] = {}
        self.block_start: list[int] = []
        self.block_end: list[int] = []
        self.block_first: list[int] = []
        self.block_count: list[int] = []
        self.block_branch: list[bool] = []
        self.block_load_edges: list[tuple[bool, bool]] = []  # (starts with a load, ends with a load)
        self.block_excluded: list[bool] = []
        self.block_classes: list[np.ndarray] = []
        self.insns: list[isa.Insn] = []
        self._packed = b""
        self._packed_count = 0
        self._slots: dict[int, int] = {}
        self._trace: list[int] = []

    # -- memory and calls -------------------------------------------------------------------------

    def address(self, name: str) -> int:
        try:
            return self.symbols[name][0]
        except KeyError:
            raise RunError(f"symbol {name} not in {self.path.name}") from None

    def has(self, name: str) -> bool:
        return name in self.symbols

    def write_i32(self, name: str, values) -> None:
        self.uc.mem_write(self.address(name), struct.pack(f"<{len(values)}i", *values))

    def read_i32(self, name: str, count: int = 1, offset: int = 0) -> list[int]:
        data = self.uc.mem_read(self.address(name) + offset, 4 * count)
        return list(struct.unpack(f"<{count}i", data))

    def call(self, name: str, args=(), trace: bool = False) -> int:
        uc = self.uc
        uc.reg_write(UA.UC_ARM_REG_SP, STACK_TOP)
        uc.reg_write(UA.UC_ARM_REG_LR, self.return_address | 1)
        regs = [UA.UC_ARM_REG_R0, UA.UC_ARM_REG_R1, UA.UC_ARM_REG_R2, UA.UC_ARM_REG_R3]
        for r, v in zip(regs, args):
            uc.reg_write(r, v & 0xFFFFFFFF)
        hook = None
        if trace:
            self._trace = []
            out = self._trace

            def on_block(_uc, address, size, _user):
                out.append((address << 12) | size)

            hook = uc.hook_add(UC_HOOK_BLOCK, on_block)
        try:
            uc.emu_start(self.address(name) | 1, self.return_address, count=MAX_INSTRUCTIONS)
        except Exception as e:  # unicorn raises UcError
            pc = uc.reg_read(UA.UC_ARM_REG_PC)
            raise RunError(f"{name}: emulation stopped at {pc:#x}: {e}") from None
        finally:
            if hook is not None:
                uc.hook_del(hook)
        pc = uc.reg_read(UA.UC_ARM_REG_PC)
        if pc & ~1 != self.return_address:
            raise RunError(f"{name}: did not return (pc {pc:#x}; instruction limit?)")
        return struct.unpack("<i", struct.pack("<I", uc.reg_read(UA.UC_ARM_REG_R0)))[0]

    def buffers(self) -> list[tuple[int, int, int, int, int]]:
        n = self.read_i32("kc_nbuffers")[0]
        raw = self.uc.mem_read(self.address("kc_buffers"), 20 * n) if n else b""
        return [struct.unpack_from("<IIiii", raw, 20 * i) for i in range(n)]

    def fill_buffers(self, rng: np.random.RandomState) -> None:
        """Clears the arena in use, fills every buffer with data of its kind and puts a canary after each."""
        used = self.read_i32("kc_used")[0]
        self.uc.mem_write(self.address("kc_arena"), bytes(used + 64))
        self._canaries = []
        for address, count, kind, lo, hi in self.buffers():
            end = address + count * KIND_BYTES[kind]
            self.uc.mem_write(end, CANARY)
            self._canaries.append(end)
            if count == 0:
                continue
            if kind == 0:
                data = bytes(count)
            elif kind == 1:
                data = rng.randint(lo, hi + 1, size=count).astype("<i1").tobytes()
            elif kind == 2:
                data = rng.randint(lo, hi + 1, size=count).astype("<i2").tobytes()
            elif kind == 3:
                data = rng.randint(lo, hi + 1, size=count, dtype=np.int64).astype("<i4").tobytes()
            elif kind == 4:
                data = (rng.uniform(lo / 1000.0, hi / 1000.0, size=count)).astype("<f4").tobytes()
            elif kind == 5:
                data = rng.randint(lo, hi + 1, size=count, dtype=np.int64).astype("<i8").tobytes()
            else:
                raise RunError(f"unknown buffer kind {kind}")
            self.uc.mem_write(address, data)

    # -- trace analysis ---------------------------------------------------------------------------

    def _register(self, key: int) -> int:
        bid = self.block_ids.get(key)
        if bid is not None:
            return bid
        start, size = key >> 12, key & 0xFFF
        insns = self.decoder.block(start, size)
        bid = len(self.block_start)
        self.block_ids[key] = bid
        self.block_start.append(start)
        self.block_end.append(start + size)
        self.block_first.append(len(self.insns))
        self.block_count.append(len(insns))
        self.block_branch.append(insns[-1].branch != 0)
        self.block_excluded.append(any(lo <= start < hi for lo, hi in self.excluded))
        v = np.zeros(len(isa.CLASSES), dtype=np.int64)
        in_run = False
        for x in insns:
            v[isa.CLASS_INDEX[x.cls]] += 1
            if x.cls == "ldm":
                v[isa.CLASS_INDEX["ldmr"]] += x.regs
            elif x.cls == "stm":
                v[isa.CLASS_INDEX["stmr"]] += x.regs
            if x.branch:
                v[isa.CLASS_INDEX["br"]] += 0 if x.cls == "br" else 1
            if x.cls in RUN_CLASSES:
                if not in_run:
                    v[isa.CLASS_INDEX["ru"]] += 1
                in_run = True
            else:
                in_run = False
        self.block_classes.append(v)
        self.block_load_edges.append((insns[0].cls in RUN_CLASSES, insns[-1].cls in RUN_CLASSES))
        self.insns.extend(insns)
        return bid

    def _packed_insns(self) -> bytes:
        if self._packed_count != len(self.insns):
            self._packed += isa.pack_for_simulator(self.insns[self._packed_count:],
                                                   lambda a: self._slots.setdefault(a, len(self._slots)))
            self._packed_count = len(self.insns)
        return self._packed

    def check_canaries(self, what: str) -> None:
        for end in getattr(self, "_canaries", []):
            if bytes(self.uc.mem_read(end, len(CANARY))) != CANARY:
                raise RunError(f"{what}: the kernel wrote past the buffer ending at {end:#x}")

    def measure(self, exclude_ranges=(), count_library: bool = False, trace=None,
                end_address: int | None = None) -> Measurement:
        """Counts of the last traced call. `exclude_ranges`: extra (start, end) address ranges not counted;
        `count_library`: count memcpy/memset too (when measuring them). `trace`: block keys ((start << 12) | size)
        to count instead, and `end_address` where execution went after the last of them (for its taken branch)."""
        keys = np.asarray(self._trace if trace is None else trace, dtype=np.int64)
        if keys.size == 0:
            raise RunError("empty trace")
        uniq, inverse = np.unique(keys, return_inverse=True)
        lut = np.array([self._register(int(k)) for k in uniq], dtype=np.int64)
        ids = lut[inverse]
        nb = len(self.block_start)
        starts = np.asarray(self.block_start, dtype=np.int64)
        ends = np.asarray(self.block_end, dtype=np.int64)
        branch = np.asarray(self.block_branch, dtype=bool)
        excluded = np.asarray(self.block_excluded, dtype=bool)
        if count_library:
            excluded = np.zeros(nb, dtype=bool)
        if exclude_ranges:
            extra = np.zeros(nb, dtype=bool)
            for lo, hi in exclude_ranges:
                extra |= (starts >= lo) & (starts < hi)
            excluded = excluded | extra
        next_start = np.empty_like(ids)
        next_start[:-1] = starts[ids[1:]]
        next_start[-1] = self.return_address if end_address is None else end_address
        taken = branch[ids] & (next_start != ends[ids])
        keep = ~excluded[ids]
        kept = ids[keep]
        executions = np.bincount(kept, minlength=nb)
        classes = np.vstack(self.block_classes)
        counts = executions @ classes
        counts[isa.CLASS_INDEX["tk"]] = int(np.count_nonzero(taken & keep))
        # Load runs are counted per basic block; where the emulator split a straight-line block in two (no branch
        # at the end, the next starts right after), a run crossing the split is one run, whatever the split.
        edges = np.asarray(self.block_load_edges, dtype=bool).reshape(-1, 2)
        joined = (~branch[ids[:-1]]) & (starts[ids[1:]] == ends[ids[:-1]]) & edges[ids[:-1], 1] & edges[ids[1:], 0] \
            & keep[:-1] & keep[1:]
        counts[isa.CLASS_INDEX["ru"]] -= int(np.count_nonzero(joined))
        issued = int(sum(counts[isa.CLASS_INDEX[c]] for c in isa.ISSUED))
        cycles = None
        if self.core == "m7" and self.simulator is not None:
            packed = self._packed_insns()
            first = np.asarray(self.block_first, dtype=np.int32)
            count = np.asarray(self.block_count, dtype=np.int32)
            start32 = starts.astype(np.uint32)
            end32 = ends.astype(np.uint32)
            trace32 = kept.astype(np.int32)
            taken8 = taken[keep].astype(np.uint8)
            buf = ctypes.create_string_buffer(packed, len(packed))
            cycles = self.simulator.lib.m7_simulate(
                buf, len(self.insns), len(self._slots), first.ctypes.data, count.ctypes.data, start32.ctypes.data, end32.ctypes.data,
                nb, trace32.ctypes.data, taken8.ctypes.data, int(trace32.size), self.return_address)
            if cycles < 0:
                raise RunError("simulator rejected the trace")
        block_counts: dict[int, int] = {}
        for b in np.nonzero(executions)[0]:
            a = int(self.block_start[b])
            block_counts[a] = block_counts.get(a, 0) + int(executions[b])
        return Measurement(counts=counts, cycles_m7=cycles, instructions=issued, block_counts=block_counts)
