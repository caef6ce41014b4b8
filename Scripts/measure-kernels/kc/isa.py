"""Thumb-2 instruction decoding and classification.

Every executed instruction gets one timing class (the keys of mcusim's
`InstructionMix.parse`) and, for the Cortex-M7 trace simulation (m7sim.c), its
register reads and writes with the pipeline stage they happen in, its latency
and the issue resources it needs. The rules are summarised in README.md
("Instruction classes" and "Cortex-M7 timing model").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import capstone
from capstone import arm_const as A

# Class keys, in the order they are written (InstructionMix.parse keys).
CLASSES = ["ld", "ru", "ldrd", "ldm", "ldmr", "st", "strd", "stm", "stmr", "mac", "simd", "alu", "sh", "it",
           "br", "tk", "div", "fp", "fmac", "fld", "fst", "fdiv"]
CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}
# Classes that are instructions (the others are attributes: runs, register counts, taken flags).
ISSUED = [c for c in CLASSES if c not in ("ru", "ldmr", "stmr", "tk")]

LOADS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrt", "ldrbt", "ldrht", "ldrsbt", "ldrsht", "ldrex", "ldrexb",
         "ldrexh"}
STORES = {"str", "strb", "strh", "strt", "strbt", "strht", "strex", "strexb", "strexh"}
LOAD_MULTIPLE = {"ldm", "ldmia", "ldmdb", "ldmfd", "ldmea", "pop"}
STORE_MULTIPLE = {"stm", "stmia", "stmdb", "stmfd", "stmea", "push"}
MACS = {"mul", "mla", "mls", "smlad", "smladx", "smlsd", "smlsdx", "smlabb", "smlabt", "smlatb", "smlatt", "smlawb",
        "smlawt", "smulbb", "smulbt", "smultb", "smultt", "smulwb", "smulwt", "smull", "umull", "smlal", "umlal",
        "smlalbb", "smlalbt", "smlaltb", "smlaltt", "smlald", "smlaldx", "smlsld", "smlsldx", "smmul", "smmulr",
        "smmla", "smmlar", "smmls", "smmlsr", "smuad", "smuadx", "smusd", "smusdx", "umaal"}
# DSP SIMD, saturation and extension instructions: slot 0 only on the Cortex-M7.
SIMDS = {"sxtb16", "sxtab16", "uxtb16", "uxtab16", "pkhbt", "pkhtb", "ssat", "usat", "ssat16", "usat16", "sxtb",
         "sxth", "uxtb", "uxth", "sxtab", "sxtah", "uxtab", "uxtah", "qadd", "qsub", "qdadd", "qdsub", "qadd16",
         "qadd8", "qsub16", "qsub8", "qasx", "qsax", "uqadd16", "uqadd8", "uqsub16", "uqsub8", "uqasx", "uqsax",
         "sadd16", "sadd8", "ssub16", "ssub8", "sasx", "ssax", "shadd16", "shadd8", "shsub16", "shsub8", "shasx",
         "shsax", "uadd16", "uadd8", "usub16", "usub8", "uasx", "usax", "uhadd16", "uhadd8", "uhsub16", "uhsub8",
         "uhasx", "uhsax", "sel", "usad8", "usada8"}
# SIMD instructions with a 2-cycle result (saturating arithmetic, SSAT/USAT).
SIMD_LATENCY_2 = {"ssat", "usat", "ssat16", "usat16", "qadd", "qsub", "qdadd", "qdsub", "qadd16", "qadd8", "qsub16",
                  "qsub8", "qasx", "qsax", "uqadd16", "uqadd8", "uqsub16", "uqsub8", "uqasx", "uqsax", "usad8",
                  "usada8"}
# SIMD instructions whose (second) operand goes through the EX1 shifter: read a cycle early.
SIMD_SHIFTED = {"pkhbt", "pkhtb", "sxtab16", "uxtab16", "sxtab", "sxtah", "uxtab", "uxtah", "ssat", "usat",
                "ssat16", "usat16", "qdadd", "qdsub"}
DIVIDES = {"sdiv", "udiv"}
BRANCHES = {"b", "bl", "blx", "bx", "cbz", "cbnz", "tbb", "tbh"}
FP_MACS = {"vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"}
FP_DIVIDES = {"vdiv", "vsqrt"}
FP_LOADS = {"vldr", "vldmia", "vldmdb", "vldm", "vpop"}
FP_STORES = {"vstr", "vstmia", "vstmdb", "vstm", "vpush"}
# ALU instructions that are slot-0 only (LLVM: CLZ, BFI, BFC) and those using the EX1 shifter.
ALU_SLOT0 = {"clz", "bfi", "bfc"}
ALU_EX1_SHIFTER = {"bfi", "bfc", "ubfx", "sbfx", "rev", "rev16", "revsh", "rbit", "rrx"}
NONE_ISSUED = {"nop"}

# Resource bits for the Cortex-M7 model.
R_ALU, R_LOAD, R_STORE, R_MAC, R_BRANCH, R_FP, R_SIMD, R_SHIFT = (1 << i for i in range(8))

# Register numbering for the simulator: r0-r15 = 0-15, flags = 16, s0-s31 = 17-48, fpscr = 49.
FLAGS = 16
FPSCR = 49


def _reg_numbers(insn, reg) -> list[int]:
    if A.ARM_REG_R0 <= reg <= A.ARM_REG_R12:
        return [reg - A.ARM_REG_R0]
    if reg == A.ARM_REG_SP:
        return [13]
    if reg == A.ARM_REG_LR:
        return [14]
    if reg == A.ARM_REG_PC:
        return [15]
    if reg in (A.ARM_REG_CPSR, A.ARM_REG_APSR, getattr(A, "ARM_REG_APSR_NZCV", -1)):
        return [FLAGS]
    if A.ARM_REG_S0 <= reg <= A.ARM_REG_S31:
        return [17 + reg - A.ARM_REG_S0]
    if A.ARM_REG_D0 <= reg <= A.ARM_REG_D15:
        k = reg - A.ARM_REG_D0
        return [17 + 2 * k, 18 + 2 * k]
    if reg == A.ARM_REG_FPSCR or insn.reg_name(reg) in ("fpscr", "fpscr_nzcv"):
        return [FPSCR]
    return []


@dataclass
class Insn:
    address: int
    size: int
    name: str          # capstone's base name (no condition, no .w)
    text: str          # mnemonic and operands, for diagnostics
    cls: str           # timing class (CLASSES key)
    regs: int = 0      # registers moved by LDM/STM/PUSH/POP/VLDM/VSTM
    branch: int = 0    # 0 none, 1 direct unconditional, 2 conditional, 3 indirect (bx, pop pc, ldr pc, tbb)
    # Cortex-M7 model
    resources: int = 0
    single: bool = False
    slot0: bool = False
    occupancy: int = 1
    reads: list = field(default_factory=list)   # (reg, advance): positive = read late, negative = early
    writes: list = field(default_factory=list)  # (reg, latency)

    @property
    def is_load(self) -> bool:
        return self.cls in ("ld", "fld")


class Decoder:
    """Decodes instructions from an image on demand (only executed code is decoded, so literal pools never are)."""

    def __init__(self, read_bytes):
        self.read_bytes = read_bytes
        self.md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS | capstone.CS_MODE_V8)
        self.md.detail = True
        self.cache: dict[int, Insn] = {}

    def block(self, address: int, size: int) -> list[Insn]:
        out = []
        a = address
        end = address + size
        while a < end:
            insn = self.cache.get(a)
            if insn is None:
                insn = self._decode(a)
                self.cache[a] = insn
            out.append(insn)
            a += insn.size
        if a != end:
            raise RuntimeError(f"block {address:#x}+{size} does not end on an instruction boundary")
        return out

    def _decode(self, address: int) -> Insn:
        code = self.read_bytes(address, 4)
        decoded = list(self.md.disasm(code, address, count=1))
        if not decoded:
            raise RuntimeError(f"cannot decode instruction at {address:#x}: {code.hex()}")
        return classify(decoded[0])


def _has_shifted_register(insn) -> bool:
    for op in insn.operands:
        if op.type == A.ARM_OP_REG and op.shift.type != A.ARM_SFT_INVALID and not (
                op.shift.type == A.ARM_SFT_LSL and op.shift.value == 0):
            return True
    return False


def classify(insn) -> Insn:
    name = insn.insn_name()
    text = f"{insn.mnemonic} {insn.op_str}".strip()
    reads_raw, writes_raw = insn.regs_access()
    reads = sorted({r for reg in reads_raw for r in _reg_numbers(insn, reg)})
    writes = sorted({r for reg in writes_raw for r in _reg_numbers(insn, reg)})
    if insn.update_flags and FLAGS not in writes:
        writes.append(FLAGS)
    conditional = insn.cc not in (A.ARM_CC_AL, A.ARM_CC_INVALID)
    writes_pc = 15 in writes
    reg_ops = [op for op in insn.operands if op.type == A.ARM_OP_REG]
    mem_ops = [op for op in insn.operands if op.type == A.ARM_OP_MEM]
    address_regs = set()
    for op in mem_ops:
        address_regs |= set(_reg_numbers(insn, op.mem.base)) | set(_reg_numbers(insn, op.mem.index))

    i = Insn(address=insn.address, size=insn.size, name=name, text=text, cls="alu")
    res, single, slot0, occupancy = R_ALU, False, False, 1
    lat_default = 1
    late: dict[int, int] = {}     # reg -> read advance (positive: needed later)
    early: set[int] = set()       # regs needed a cycle early (EX1: addresses, shifter inputs)
    latency: dict[int, int] = {}

    if name in LOADS:
        i.cls = "ld"
        res = R_LOAD
        word = name in ("ldr", "ldrt", "ldrex")
        lat_default = 2 if word else 3
        early |= address_regs
    elif name == "ldrd":
        i.cls, res, single = "ldrd", R_LOAD, True
        lat_default = 2
        early |= address_regs
    elif name in LOAD_MULTIPLE:
        i.cls, res, single = "ldm", R_LOAD, True
        data = [r for op in reg_ops for r in _reg_numbers(insn, op.reg)]
        if name != "pop":
            data = data[1:]  # first register operand is the base
        i.regs = len(data)
        occupancy = max(1, (i.regs + 1) // 2)
        for k, r in enumerate(data):
            latency[r] = 2 + k // 2
        early |= {13} if name == "pop" else set(_reg_numbers(insn, reg_ops[0].reg))
    elif name in STORES:
        i.cls, res = "st", R_STORE
        early |= address_regs
        for op in reg_ops[:1]:
            for r in _reg_numbers(insn, op.reg):
                late[r] = 1
    elif name == "strd":
        i.cls, res, single = "strd", R_STORE, True
        early |= address_regs
        for op in reg_ops[:2]:
            for r in _reg_numbers(insn, op.reg):
                late[r] = 1
    elif name in STORE_MULTIPLE:
        i.cls, res, single = "stm", R_STORE, True
        data = [r for op in reg_ops for r in _reg_numbers(insn, op.reg)]
        if name != "push":
            early |= set(data[:1])
            data = data[1:]
        else:
            early |= {13}
        i.regs = len(data)
        occupancy = max(1, (i.regs + 1) // 2)
    elif name in MACS:
        i.cls, res = "mac", R_MAC
        lat_default = 2
        # Accumulator operands (the last source of MLA/SMLAD/SMLAxy/SMLAW, RdLo/RdHi of SMLAL) are read a cycle late.
        if name in ("smlal", "umlal", "smlald", "smlaldx", "smlsld", "smlsldx", "umaal") or name.startswith("smlal"):
            for op in reg_ops[:2]:
                for r in _reg_numbers(insn, op.reg):
                    late[r] = 1
        elif name not in ("mul", "smull", "umull", "smmul", "smmulr", "smuad", "smuadx", "smusd", "smusdx") \
                and not name.startswith("smul") and len(reg_ops) == 4:
            for r in _reg_numbers(insn, reg_ops[3].reg):
                late[r] = 1
    elif name in SIMDS:
        i.cls, res, slot0 = "simd", R_ALU | R_SIMD, True
        lat_default = 2 if name in SIMD_LATENCY_2 else 1
        if name in SIMD_SHIFTED:
            res |= R_SHIFT
            if reg_ops:
                for r in _reg_numbers(insn, reg_ops[-1].reg):
                    early.add(r)
    elif name in DIVIDES:
        i.cls, res, single = "div", R_ALU, True
        occupancy = 7
        lat_default = 1
    elif name.startswith("it") and name in ("it", "itt", "ite", "ittt", "itte", "itet", "itee", "itttt", "ittte",
                                             "ittet", "ittee", "itett", "itete", "iteet", "iteee"):
        i.cls, res = "it", 0
    elif name in BRANCHES:
        i.cls, res = "br", R_BRANCH
        if name in ("tbb", "tbh"):
            single, occupancy = True, 2
            res |= R_LOAD
            early |= address_regs
    elif name in FP_MACS:
        i.cls, res = "fmac", R_FP
        lat_default = 6
        if reg_ops:
            for r in _reg_numbers(insn, reg_ops[0].reg):
                late[r] = 3
    elif name in FP_DIVIDES:
        i.cls, res = "fdiv", R_FP
        lat_default = 16
    elif name in FP_LOADS:
        i.cls, res = "fld", R_LOAD
        lat_default = 2
        early |= address_regs
        if name in ("vldmia", "vldmdb", "vldm", "vpop"):
            data = [r for op in reg_ops for r in _reg_numbers(insn, op.reg) if r >= 17]
            i.regs = len(data)
            if i.regs > 1:
                single, occupancy = True, (i.regs + 1) // 2
            if name == "vpop":
                early |= {13}
            else:
                early |= set(_reg_numbers(insn, reg_ops[0].reg))
    elif name in FP_STORES:
        i.cls, res = "fst", R_STORE
        early |= address_regs
        if name in ("vstmia", "vstmdb", "vstm", "vpush"):
            data = [r for op in reg_ops for r in _reg_numbers(insn, op.reg) if r >= 17]
            i.regs = len(data)
            if i.regs > 1:
                single, occupancy = True, (i.regs + 1) // 2
            if name == "vpush":
                early |= {13}
            else:
                early |= set(_reg_numbers(insn, reg_ops[0].reg))
        else:
            for op in reg_ops[:1]:
                for r in _reg_numbers(insn, op.reg):
                    late[r] = 2
    elif name.startswith("v"):
        i.cls, res = "fp", R_FP
        lat_default = 3
    else:
        # Data processing: ALU, shifted-operand ALU, moves, compares, bit-field operations.
        if _has_shifted_register(insn) and name not in ("lsl", "lsr", "asr", "ror", "rrx"):
            i.cls = "sh"
            res = R_ALU | R_SHIFT
            shifted = [op for op in reg_ops if op.shift.type != A.ARM_SFT_INVALID]
            for op in shifted:
                for r in _reg_numbers(insn, op.reg):
                    early.add(r)
            if name in ("cmp", "cmn", "tst", "teq"):
                lat_default = 2
        if name in ALU_SLOT0:
            slot0 = True
        if name in ALU_EX1_SHIFTER:
            res |= R_SHIFT
            early |= set(reads) - {FLAGS}
        if name in NONE_ISSUED:
            res = 0

    # Branches: writes to the PC.
    if writes_pc or i.cls == "br":
        if i.cls == "ldm" or i.cls == "ld":
            i.branch = 3
        elif name in ("bx", "blx") and reg_ops:
            i.branch = 3
        elif name in ("tbb", "tbh"):
            i.branch = 3
        elif conditional or name in ("cbz", "cbnz"):
            i.branch = 2
        elif i.cls == "br":
            i.branch = 1
        else:
            i.branch = 3  # mov pc, add pc ...
        if i.cls not in ("br",):
            res |= R_BRANCH
    if conditional and i.branch == 0:
        late.setdefault(FLAGS, 0)
        if FLAGS not in reads:
            reads.append(FLAGS)
    if i.branch == 2 and FLAGS in reads:
        reads.remove(FLAGS)  # predicted: issue does not wait for the flags

    i.resources, i.single, i.slot0, i.occupancy = res, single, slot0, occupancy
    i.reads = []
    for r in reads:
        if r == 15:
            continue
        if r in early:
            i.reads.append((r, -1))
        else:
            i.reads.append((r, late.get(r, 0)))
    i.writes = []
    base_updates = set()
    if insn.writeback and mem_ops:
        base_updates |= set(_reg_numbers(insn, mem_ops[0].mem.base))
    if i.cls in ("ldm", "stm", "fld", "fst") and insn.writeback and reg_ops:
        base_updates |= set(_reg_numbers(insn, reg_ops[0].reg)) if name not in ("pop", "push", "vpop", "vpush") else {13}
    if name in ("pop", "push", "vpop", "vpush"):
        base_updates.add(13)
    for r in writes:
        if r == 15:
            continue
        if r in base_updates:
            i.writes.append((r, 0))
        elif r in latency:
            i.writes.append((r, latency[r]))
        elif r == FLAGS:
            i.writes.append((r, 1 if i.cls not in ("fp",) else 3))
        else:
            i.writes.append((r, lat_default))
    if i.cls in ("ldm", "stm"):
        pass
    return i


def pack_for_simulator(insns: list[Insn], slot_of) -> bytes:
    """Packs instructions into the fixed-size records m7sim.c reads (see `struct insn` there). `slot_of(address)`
    gives the branch-predictor slot of an instruction: one per address, so that the same instruction in two
    emulator blocks (blocks split differently) shares its prediction state."""
    out = bytearray()
    for x in insns:
        reads = x.reads
        writes = x.writes
        if len(x.reads) > 16 or len(x.writes) > 16:
            raise RuntimeError(f"too many operands for the simulator at {x.address:#x}: {x.text}")
        flags = (1 if x.single else 0) | (2 if x.slot0 else 0)
        out += struct.pack("<BBBBBBBB", x.resources, flags, x.occupancy, x.branch, len(reads), len(writes), 0, 0)
        out += bytes(r for r, _ in reads) + bytes(16 - len(reads))
        out += struct.pack("<16b", *([a for _, a in reads] + [0] * (16 - len(reads))))
        out += bytes(r for r, _ in writes) + bytes(16 - len(writes))
        out += bytes(l for _, l in writes) + bytes(16 - len(writes))
        out += struct.pack("<I", slot_of(x.address))
    return bytes(out)


RECORD_BYTES = 76
