"""`invoke`: the instructions one TFLM Invoke executes on a Cortex-M, operator by operator.

The runner firmware (firmware/runner.cc, trial mode: AllocateTensors, inputs, one Invoke) runs in Unicorn with
semihosting answered here. Every basic block executed inside MicroInterpreter::Invoke is recorded and classified
with measure-kernels' decoder (the same instruction classes as Sources/Devices/Resources/kernel-counts.json).

Per operator the blocks split four ways:
- **kernel**: inside a call to a function measure-kernels measures from its entry (the CMSIS-NN kernel
  paths of kernel-counts.json, with everything they call);
- **library**: newlib memcpy/memset called from the operator's Eval outside those kernels;
- **reference**: inside a TFLM reference kernel (a function of reference_ops / reference_integer_ops, or one
  measure-kernels names for a reference path), whether inlined into the Eval (found from the build's debug
  information: DW_TAG_inlined_subroutine ranges) or called, with everything it calls;
- **outside**: the rest of the Eval (fetching eval tensors and shapes, parameter structs, CMSIS-NN wrappers),
  which is TFLM's dispatch;
- **graph**: the graph loop's own instructions after the operator (MicroInterpreterGraph::InvokeSubgraph, the
  temp reset).
`invoke` is everything before the first operator and after the last.
"""

from __future__ import annotations

import array
import bisect
import functools
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from elftools.elf.elffile import ELFFile
from unicorn import UC_HOOK_BLOCK, UC_HOOK_CODE
from unicorn import arm_const as UA

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "measure-kernels"))
from kc import emulator, isa  # noqa: E402

import tflm_cortexm as tc  # noqa: E402

OUT = tc.FIXTURE_DIR / "invoke.json"
KERNEL_COUNTS = tc.REPO / "Sources" / "Devices" / "Resources" / "kernel-counts.json"
CODE_BASE, CODE_SIZE = 0, 4 << 20
INVOKE = "_ZN6tflite16MicroInterpreter6InvokeEv"
GRAPH = "_ZN6tflite21MicroInterpreterGraph14InvokeSubgraphEi"
INSIDE = 1 << 40          # flag on a block key: executed inside a measured kernel function
REFERENCE = 1 << 41       # flag on a block key: executed inside a reference kernel (inlined or called)
INLINED = 1 << 42         # (block classification only) the block lies in an inlined reference kernel
MAX_INSTRUCTIONS = 2_000_000_000


class TraceError(RuntimeError):
    pass


@functools.lru_cache(maxsize=None)
def measured_kernels() -> tuple:
    """kernel-counts.json's entries, read once."""
    return tuple(json.loads(KERNEL_COUNTS.read_text())["kernels"])


def measured_entries():
    """Functions measure-kernels measures from entry to return: the first function of every CMSIS-NN kernel path
    (the function TFLM calls: arm_transpose_conv_wrapper_s8 for the path arm_transpose_conv_s8)."""
    return sorted({k["functions"][0] for k in measured_kernels() if k["kernel_path"].startswith("arm_")})


@functools.lru_cache(maxsize=None)
def entry_paths():
    """Entry function -> kernel path, where they differ (kernel_calls names the kernel path the cost model keys)."""
    return {k["functions"][0]: k["kernel_path"] for k in measured_kernels()
            if k["kernel_path"].startswith("arm_") and k["functions"][0] != k["kernel_path"]}


# The input whose type selects an operator's Eval branch, where it is not input 0 (TFLMDispatch.dataInput in Swift).
DATA_INPUT = {"TRANSPOSE_CONV": 2}


# Reference functions that are not the kernel's work but the Eval's (TFLM calls them before the kernel).
NOT_KERNELS = {"tflite::reference_ops::ProcessBroadcastShapes"}


def reference_function_names():
    """Qualified names (no template arguments) measure-kernels gives for its reference paths."""
    names = set()
    for k in measured_kernels():
        if k["kernel_path"].startswith("reference"):
            for f in k["functions"]:
                if f.startswith("tflite::"):   # not the C library's expf
                    names.add(plain_name(f.split(" (")[0]))
    return names


def plain_name(name: str) -> str:
    """`void tflite::reference_ops::Add<signed char>(...)` -> `tflite::reference_ops::Add` (a demangled template
    instance names its return type first)."""
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            break
        elif depth == 0:
            out.append(ch)
    words = "".join(out).split()
    return words[-1] if words else ""


def is_reference_kernel(name: str, named: set[str]) -> bool:
    if name in NOT_KERNELS:
        return False
    return name in named or name.startswith(("tflite::reference_ops::", "tflite::reference_integer_ops::"))


def dwarf_qualified_name(die) -> str | None:
    """The qualified name of a subprogram DIE (through abstract origin and specification)."""
    seen = 0
    while die is not None and seen < 8:
        seen += 1
        for link in ("DW_AT_abstract_origin", "DW_AT_specification"):
            if link in die.attributes:
                die = die.get_DIE_from_attribute(link)
                break
        else:
            break
    if die is None or "DW_AT_name" not in die.attributes:
        return None
    parts = [die.attributes["DW_AT_name"].value.decode("utf-8", "replace")]
    parent = die.get_parent()
    while parent is not None and parent.tag in ("DW_TAG_namespace", "DW_TAG_class_type", "DW_TAG_structure_type"):
        if "DW_AT_name" in parent.attributes:
            parts.append(parent.attributes["DW_AT_name"].value.decode("utf-8", "replace"))
        parent = parent.get_parent()
    return plain_name("::".join(reversed(parts)))


def inlined_reference_ranges(elf: Path, named: set[str], function_of):
    """[(low, high, name)] of every reference kernel inlined into a linked function (outermost instances)."""
    found = []
    with open(elf, "rb") as f:
        ef = ELFFile(f)
        if not ef.has_dwarf_info():
            raise TraceError("%s has no debug information (build with `build`: it adds -g)" % elf)
        dwarf = ef.get_dwarf_info()
        lists = dwarf.range_lists()
        for cu in dwarf.iter_CUs():
            top = cu.get_top_DIE()
            cu_base = top.attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in top.attributes else 0
            for die in cu.iter_DIEs():
                if die.tag != "DW_TAG_inlined_subroutine" or "DW_AT_abstract_origin" not in die.attributes:
                    continue
                name = dwarf_qualified_name(die)
                if not name or not is_reference_kernel(name, named):
                    continue
                a = die.attributes
                spans = []
                if "DW_AT_low_pc" in a and "DW_AT_high_pc" in a:
                    low, high = a["DW_AT_low_pc"].value, a["DW_AT_high_pc"]
                    spans.append((low, high.value if high.form == "DW_FORM_addr" else low + high.value))
                elif "DW_AT_ranges" in a and lists is not None:
                    base = cu_base
                    for e in lists.get_range_list_at_offset(a["DW_AT_ranges"].value, cu=cu):
                        if hasattr(e, "base_address"):
                            base = e.base_address
                        elif e.is_absolute:
                            spans.append((e.begin_offset, e.end_offset))
                        else:
                            spans.append((base + e.begin_offset, base + e.end_offset))
                for low, high in spans:
                    # Code the linker discarded (--gc-sections) keeps address 0 here: only ranges inside one
                    # linked function count.
                    if high > low > 0 and function_of(low) >= 0 and function_of(low) == function_of(high - 1):
                        found.append((low, high, name))
    # Outermost instances: drop a range inside an earlier (larger) one.
    found.sort(key=lambda r: (r[0], -r[1]))
    outer = []
    for low, high, name in found:
        if outer and low < outer[-1][1]:
            continue
        outer.append((low, high, name))
    return outer


class Firmware:
    """The runner ELF in Unicorn, with semihosting calls answered by the host."""

    def __init__(self, elf: Path, core: str):
        # The M7 build uses FPv5 double precision, which Unicorn's Cortex-M7 lacks (emulator.Image).
        self.image = emulator.Image(elf, core, None, code_base=CODE_BASE, code_size=CODE_SIZE,
                                    a_profile_fpu=core == "m7")
        with open(elf, "rb") as f:
            functions = [(s["st_value"] & ~1, s["st_size"], s.name)
                         for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()
                         if s["st_info"]["type"] == "STT_FUNC" and s.name and s["st_size"] > 0]
        functions.sort()
        self.function_starts = [f[0] for f in functions]
        self.function_ends = [f[0] + f[1] for f in functions]
        self.function_names = [f[2] for f in functions]
        self.by_name = {name: start for start, _, name in functions}
        demangled = subprocess.run(["arm-none-eabi-c++filt"], input="\n".join(self.function_names), capture_output=True,
                                   text=True, check=True).stdout.split("\n")
        named = reference_function_names()
        # Out-of-line reference kernels (entry address -> plain name), followed like the measured kernels.
        self.reference_entries = {start: plain_name(d) for start, d in zip(self.function_starts, demangled)
                                  if is_reference_kernel(plain_name(d), named)}
        ranges = inlined_reference_ranges(elf, named, self.function_of)
        self.range_starts = [r[0] for r in ranges]
        self.range_ends = [r[1] for r in ranges]
        self.range_names = [r[2] for r in ranges]
        uc = self.image.uc
        # The startup code enables the FPU in the system control space (CPACR): a page of plain memory here.
        uc.mem_map(0xE000E000, 0x1000)
        vectors = uc.mem_read(CODE_BASE, 8)
        self.stack_top = int.from_bytes(vectors[0:4], "little")
        self.reset = int.from_bytes(vectors[4:8], "little")

    def function_of(self, address):
        i = bisect.bisect_right(self.function_starts, address) - 1
        if i >= 0 and address < self.function_ends[i]:
            return i
        return -1

    def inlined_reference(self, address):
        """The name of the inlined reference kernel `address` is in, or None."""
        i = bisect.bisect_right(self.range_starts, address) - 1
        if i >= 0 and address < self.range_ends[i]:
            return self.range_names[i]
        return None

    def run(self, files: dict[str, bytes], kernels: list[str]):
        """Runs the firmware to its exit; returns (exit code, console text, Invoke trace as block keys)."""
        uc = self.image.uc
        img = self.image
        for addr, data in img.segments:   # fresh .data for every run
            uc.mem_write(addr, bytes(data))
        handles: dict[int, list] = {}
        console: list[str] = []
        state = {"exit": None}

        def c_string(address):
            out = bytearray()
            while len(out) < 256:
                b = uc.mem_read(address + len(out), 1)[0]
                if b == 0:
                    break
                out.append(b)
            return out.decode("latin1")

        def reg(r):
            return uc.reg_read(r)

        def answer(value):
            uc.reg_write(UA.UC_ARM_REG_R0, value & 0xFFFFFFFF)
            uc.reg_write(UA.UC_ARM_REG_PC, reg(UA.UC_ARM_REG_LR) | 1)

        def sh_open(*_):
            name, write = c_string(reg(UA.UC_ARM_REG_R0)), reg(UA.UC_ARM_REG_R1)
            if write:
                handle = 100 + len(handles)
                handles[handle] = [name, bytearray(), 0]
            elif name in files:
                handle = 100 + len(handles)
                handles[handle] = [name, bytearray(files[name]), 0]
            else:
                handle = -1
            answer(handle)

        def sh_read(*_):
            h, buf, n = reg(UA.UC_ARM_REG_R0), reg(UA.UC_ARM_REG_R1), reg(UA.UC_ARM_REG_R2)
            _, data, pos = handles[h]
            chunk = bytes(data[pos:pos + n])
            uc.mem_write(buf, chunk)
            handles[h][2] = pos + len(chunk)
            answer(len(chunk))

        def sh_write(*_):
            h, buf, n = reg(UA.UC_ARM_REG_R0), reg(UA.UC_ARM_REG_R1), reg(UA.UC_ARM_REG_R2)
            handles[h][1] += uc.mem_read(buf, n)
            answer(0)

        def sh_file_length(*_):
            answer(len(handles[reg(UA.UC_ARM_REG_R0)][1]))

        def sh_close(*_):
            answer(0)

        def sh_puts(*_):
            console.append(c_string(reg(UA.UC_ARM_REG_R0)))
            answer(0)

        def sh_exit(*_):
            state["exit"] = reg(UA.UC_ARM_REG_R0)
            uc.emu_stop()

        hooks = []
        for name, fn in [("sh_open", sh_open), ("sh_read", sh_read), ("sh_write", sh_write),
                         ("sh_file_length", sh_file_length), ("sh_close", sh_close), ("sh_puts", sh_puts),
                         ("sh_exit", sh_exit)]:
            a = self.by_name[name]
            hooks.append(uc.hook_add(UC_HOOK_CODE, fn, begin=a, end=a))

        # The trace: block keys from the entry of Invoke to its return. A call to a measured kernel function is
        # followed by its return address and stack pointer, so everything it calls is flagged INSIDE.
        # Reference kernels (flag REFERENCE) are followed the same way when called, and recognised by address when
        # inlined; a call made from inside an inlined one is followed too.
        invoke_entry = self.by_name[INVOKE]
        entries = {self.by_name[k] for k in kernels if k in self.by_name}
        reference_entries = self.reference_entries
        inlined = self.inlined_reference
        decoder = self.image.decoder
        trace = array.array("q")
        rec = {"on": False, "ret": None, "sp": None, "kret": None, "ksp": None, "kind": 0, "invokes": 0}
        prev = [False, 0, 0]   # the previous block (outside followed calls): inside an inlined kernel, start, end
        kinds = {}             # block address -> (INSIDE | REFERENCE | INLINED | 0, reference kernel name)
        self.kernel_calls = []   # (trace position, entry address) of every call into a measured kernel
        self.reference_calls = []   # (trace position, name) of every entry into a reference kernel

        def on_block(_uc, address, size, _user):
            if not rec["on"]:
                if address != invoke_entry:
                    return
                rec.update(on=True, ret=reg(UA.UC_ARM_REG_LR) & ~1, sp=reg(UA.UC_ARM_REG_SP), kret=None)
                rec["invokes"] += 1
            elif address == rec["ret"] and reg(UA.UC_ARM_REG_SP) == rec["sp"]:
                rec["on"] = False
                rec["end"] = address
                return
            key = (address << 12) | size
            if rec["kret"] is not None:
                if address != rec["kret"] or reg(UA.UC_ARM_REG_SP) != rec["ksp"]:
                    trace.append(key | rec["kind"])
                    return
                rec["kret"] = None   # back in the caller: this block is classified below
            what = kinds.get(address)
            if what is None:
                if address in entries:
                    what = (INSIDE, None)
                elif address in reference_entries:
                    what = (REFERENCE, reference_entries[address])
                else:
                    name = inlined(address)
                    what = (INLINED, name) if name is not None else (0, None)
                kinds[address] = what
            kind, name = what
            if kind == INLINED:
                if not prev[0]:
                    self.reference_calls.append((len(trace), name))
                prev[0], prev[1], prev[2] = True, address, address + size
                trace.append(key | REFERENCE)
                return
            if kind == INSIDE:
                rec.update(kret=reg(UA.UC_ARM_REG_LR) & ~1, ksp=reg(UA.UC_ARM_REG_SP), kind=INSIDE)
                self.kernel_calls.append((len(trace), address))
                key |= INSIDE
            elif kind == REFERENCE:
                rec.update(kret=reg(UA.UC_ARM_REG_LR) & ~1, ksp=reg(UA.UC_ARM_REG_SP), kind=REFERENCE)
                self.reference_calls.append((len(trace), name))
                key |= REFERENCE
            elif prev[0] and (reg(UA.UC_ARM_REG_LR) & ~1) == prev[2] and \
                    decoder.block(prev[1], prev[2] - prev[1])[-1].name in ("bl", "blx"):
                # Called from an inlined reference kernel: its callee is the kernel's work.
                rec.update(kret=prev[2], ksp=reg(UA.UC_ARM_REG_SP), kind=REFERENCE)
                key |= REFERENCE
            prev[0], prev[1], prev[2] = False, address, address + size
            trace.append(key)

        hooks.append(uc.hook_add(UC_HOOK_BLOCK, on_block))
        uc.reg_write(UA.UC_ARM_REG_SP, self.stack_top)
        try:
            uc.emu_start(self.reset | 1, 0xFFFFFFFF, count=MAX_INSTRUCTIONS)
        except Exception as e:  # UcError
            raise TraceError("emulation stopped at %#x: %s" % (reg(UA.UC_ARM_REG_PC), e)) from None
        finally:
            for h in hooks:
                uc.hook_del(h)
        if state["exit"] is None:
            raise TraceError("the firmware did not exit (instruction limit?)")
        text = "".join(console)
        if "trial_ok=1" not in text:
            raise TraceError("the runner failed (exit %d): %s" % (state["exit"], "; ".join(l for l in text.split("\n") if l and not l.startswith("pool_arena_bytes"))))
        if rec["invokes"] != 1:
            raise TraceError("%d Invoke calls (expected 1)" % rec["invokes"])
        return state["exit"], text, trace, rec.get("end")


def mix_text(counts) -> str:
    """Class counts as mcusim's InstructionMix.parse reads them: "ld=20 ru=15 alu=19 ..."."""
    return " ".join("%s=%d" % (c, counts[i]) for i, c in enumerate(isa.CLASSES) if counts[i])


def class_counts(m: emulator.Measurement | None) -> str:
    return mix_text(m.counts) if m is not None else ""


def difference(whole: emulator.Measurement | None, part: emulator.Measurement | None) -> str:
    """Class counts of `whole` minus `part` (memcpy/memset: counted with the library minus without)."""
    if whole is None:
        return ""
    return mix_text(whole.counts - (part.counts if part is not None else 0))


def split_invoke(fw: Firmware, trace: list[int], end: int, operators: int):
    """Per-operator kernel / library / outside / graph counts of one Invoke trace."""
    paths = entry_paths()
    keys = np.frombuffer(trace, dtype=np.int64) if isinstance(trace, array.array) else np.asarray(trace, np.int64)
    inside = (keys & INSIDE) != 0
    reference = (keys & REFERENCE) != 0
    keys = keys & ~(INSIDE | REFERENCE)
    unique_starts, which = np.unique(keys >> 12, return_inverse=True)
    fn = np.array([fw.function_of(int(a)) for a in unique_starts], dtype=np.int64)[which]
    graph_index = fw.function_of(fw.by_name[GRAPH])
    is_graph = fn == graph_index
    positions = np.flatnonzero(is_graph)
    if positions.size == 0:
        raise TraceError("no InvokeSubgraph blocks in the trace")
    # Segments between graph blocks: an operator's Eval when the loop reached it by the indirect call
    # registration->invoke; the other calls from the loop are the graph's (operator count, temp reset).
    segments = []
    for a, b in zip(positions[:-1], positions[1:]):
        if b > a + 1:
            segments.append((int(a) + 1, int(b)))
    op_segments = []
    for s, e in segments:
        name = fw.function_names[fn[s]] if fn[s] >= 0 else "?"
        last_graph_block = int(keys[s - 1])
        insns = fw.image.decoder.block(last_graph_block >> 12, last_graph_block & 0xFFF)
        # registration->invoke is an indirect call; so is the virtual allocator_->ResetTempAllocations().
        if insns[-1].name == "blx" and "ResetTempAllocations" not in name:
            op_segments.append((s, e))
    if len(op_segments) != operators:
        raise TraceError("found %d operator calls in the trace, the model has %d" % (len(op_segments), operators))

    img = fw.image

    def count(sel, library, end_address=None):
        if sel.size == 0:
            return None
        return img.measure(trace=sel, count_library=library, end_address=end_address)

    records = []
    for i, (s, e) in enumerate(op_segments):
        span, span_inside, span_reference = keys[s:e], inside[s:e], reference[s:e]
        span_outside = ~(span_inside | span_reference)
        graph_end = op_segments[i + 1][0] if i + 1 < len(op_segments) else int(positions[-1]) + 1
        kernel = count(span[span_inside], True)
        ref = count(span[span_reference & ~span_inside], True)
        out_all = count(span[span_outside], True)
        out_plain = count(span[span_outside], False)
        names = []
        for p, n in fw.reference_calls:
            if s <= p < e and n not in names:
                names.append(n)
        graph = count(keys[e:graph_end], True)
        rec = {
            # The measured functions the Eval called, in call order (not the ones they call in turn).
            "kernel_calls": [paths.get(n, n) for n in (fw.function_names[fw.function_of(a)] for p, a in fw.kernel_calls if s <= p < e)],
            "kernel_instructions": kernel.instructions if kernel else 0,
            # The reference kernels the Eval ran (inlined or called), in order of first entry.
            "reference_calls": names,
            "reference_instructions": ref.instructions if ref else 0,
            "reference": class_counts(ref),
            "library_instructions": (out_all.instructions - out_plain.instructions) if out_all else 0,
            "library": difference(out_all, out_plain),
            "outside_instructions": out_plain.instructions if out_plain else 0,
            "outside": class_counts(out_plain),
            "graph_instructions": graph.instructions if graph else 0,
            "graph": class_counts(graph),
        }
        records.append(rec)
    last_graph = int(positions[-1]) + 1
    invoke = count(np.concatenate([keys[:op_segments[0][0]], keys[last_graph:]]), True, end)
    total = img.measure(trace=keys, count_library=True, end_address=end)
    return records, {"instructions": invoke.instructions, "mix": class_counts(invoke)}, total.instructions


def cmd_invoke(args):
    kernels = measured_entries()
    models = tc.model_files()
    if args.only:
        models = [(g, p) for g, p in models if any(s in p.name for s in args.only)]
    previous = json.loads(OUT.read_text()) if OUT.exists() and args.merge else {}
    records = previous.get("models", {})
    names = tc.builtin_names(Path(args.tflm))
    configs = {}
    for core in args.cores:
        cfg = tc.Config(args, core, "cmsis-nn")
        configs[core] = (cfg, Firmware(tc.build_runner(cfg), core))
    t0 = time.time()
    for group, path in models:
        data = path.read_bytes()
        info = tc.read_model(data)
        entry = {"group": group, "sha256": hashlib.sha256(data).hexdigest()}
        if len(info["subgraphs"]) != 1:
            entry["skipped"] = "more than one subgraph (control flow): operators do not follow one loop"
            records[path.name] = entry
            continue
        inputs, _ = tc.golden_paths(group, path)
        input_bytes = b"".join(tc.npy_bytes(p) for p in inputs) if inputs else tc.deterministic_input(info)
        sg = info["subgraphs"][0]
        entry["operators"] = [names.get(info["op_codes"][op["opcode_index"]], "?") for op in sg["operators"]]
        # The data input's type: which of its type branches an Eval took (it keys a reference kernel's dispatch).
        # The first input, except TRANSPOSE_CONV's (its first input is the int32 output shape; the data is input 2).
        def data_type(op, name):
            k = DATA_INPUT.get(name, 0)
            return sg["tensors"][op["inputs"][k]]["type"] if len(op["inputs"]) > k and op["inputs"][k] >= 0 else "none"
        entry["input_types"] = [data_type(op, name) for op, name in zip(sg["operators"], entry["operators"])]
        runs = {}
        for core, (cfg, fw) in configs.items():
            files = {"model.tflite": data, "input.bin": input_bytes, "trial.txt": str(1 << 20).encode()}   # fits the 4 MiB pool beside any model here
            try:
                _, _, trace, end = fw.run(files, kernels)
                ops, invoke, total = split_invoke(fw, trace, end, len(sg["operators"]))
            except (TraceError, emulator.RunError) as e:
                runs[core + "/cmsis-nn"] = {"error": str(e)}
                continue
            runs[core + "/cmsis-nn"] = {"total_instructions": total, "invoke": invoke, "operators": ops}
        entry["runs"] = runs
        records[path.name] = entry
        tc.log("[invoke] %s %s (%.0f s)" % (path.name, " ".join(
            "%s=%s" % (k, v.get("total_instructions", "error")) for k, v in runs.items()), time.time() - t0))
    gcc = subprocess.run(["arm-none-eabi-gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    out = {
        "about": "Instructions one TFLM Invoke executes, per operator: kernel (inside the measured CMSIS-NN "
                 "functions), reference (inside a TFLM reference kernel, inlined or called), library "
                 "(memcpy/memset outside them), outside (the rest of the Eval), graph (the graph loop after the "
                 "operator); invoke (before the first and after the last operator). Written by "
                 "Scripts/tflm-cortexm/tflm_cortexm.py invoke.",
        "provenance": {"tflm_commit": "90b983c2b3f1480642e040bbd2ddb37b998f3424",
                       "dependencies": {folder: "%s@%s" % (repo, ref) for folder, repo, ref, _ in tc.DEPENDENCIES},
                       "gcc": gcc, "emulator": "unicorn 2.1.4, capstone 5.0.9 (measure-kernels' classes)",
                       "build": "TFLM Makefile, TARGET=cortex_m_generic BUILD_TYPE=release, OPTIMIZED_KERNEL_DIR="
                                "cmsis_nn: core -Os, kernels and CMSIS-NN -O2; -g for the inlined reference kernels",
                       "measured_kernel_functions": kernels},
        "models": dict(sorted(records.items())),
    }
    # One line per model: the file is large (245 models x 2 cores), and a line per record keeps diffs readable.
    models = out.pop("models")
    lines = [json.dumps(out, indent=1, sort_keys=True)[:-2] + ',\n "models": {']
    lines += [" %s: %s," % (json.dumps(k), json.dumps(v, sort_keys=True, separators=(",", ":"))) for k, v in models.items()]
    lines[-1] = lines[-1][:-1]
    OUT.write_text("\n".join(lines) + "\n }\n}\n")
    tc.log("wrote %s (%.0f s)" % (OUT, time.time() - t0))
