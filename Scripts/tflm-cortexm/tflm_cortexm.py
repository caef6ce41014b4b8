#!/usr/bin/env python3
"""Ground truth from a real Cortex-M build of TFLM: arena use under QEMU and flash from the link.

Subcommands (see README.md):
  prepare  lay out TFLM's third-party sources from local git checkouts (no network)
  build    compile the TFLM objects the recorded models need, per core and kernel set
  arena    run every model under QEMU, write Tests/Fixtures/cortexm/arena.json
  flash    link firmware per model/op/registration, write Tests/Fixtures/cortexm/flash.json
  verify   check the union model in flash.json against every linked total
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from tflite_min import ELEMENT_BYTES, read_model  # noqa: E402

FIXTURE_DIR = REPO / "Tests" / "Fixtures" / "cortexm"
DEFAULT_TFLM = Path(os.environ.get("TFLM_DIR", "/work/ext/tflite-micro"))
DEFAULT_BUILD = Path(os.environ.get("TFLM_CORTEXM_BUILD", "/work/ext/tflm-cortexm-build"))
SHARED = REPO.parent / "shared"

# TFLM's cortex_m_generic TARGET_ARCH values with the FPU (hard float), and the QEMU boards.
CORES = {
    "m4": {"target_arch": "cortex-m4+fp", "machine": "mps2-an386"},
    "m7": {"target_arch": "cortex-m7+fp", "machine": "mps2-an500"},
}
KERNEL_SETS = {"reference": "", "cmsis-nn": "cmsis_nn"}

# Where TFLM's download scripts put each dependency (relative to tools/make/downloads),
# the repository and the commit or tag they pin at the TFLM commit used.
DEPENDENCIES = [
    ("flatbuffers", "google/flatbuffers", "v25.9.23", "tensorflow/lite/micro/tools/make/flatbuffers.patch"),
    ("gemmlowp", "google/gemmlowp", "719139ce755a0f31cbf1c37f7f98adcc7fc9f425", None),
    ("ruy", "google/ruy", "d37128311b445e758136b8602d1bbd2a755e115d", None),
    ("kissfft", "mborgerding/kissfft", "v130", "third_party/kissfft/kissfft.patch"),
    ("cmsis", "ARM-software/CMSIS_6", "5782d6f8057906d360f4b95ec08a2354afe5c9b9", None),
    ("cmsis/Cortex_DFP", "ARM-software/Cortex_DFP", "c2c70a97a20fb355815e2ead3d4a40e35a4a3cdf", None),
    ("cmsis_nn", "ARM-software/CMSIS-NN", "4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae", None),
]

# Core objects that no application links (test and kernel-test helpers): not compiled.
SKIPPED_CORE = ("test_helpers.o", "test_helper_custom_ops.o", "mock_micro_graph.o", "fake_micro_context.o",
                "recording_micro_allocator.o", "recording_single_arena_buffer_allocator.o")
# Kernel sources every operator may pull in besides its own file.
KERNEL_HELPERS = ("kernels/kernel_util.cc", "kernels/micro_tensor_utils.cc")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, cwd=None, capture=True, check=True, timeout=None, env=None):
    result = subprocess.run(cmd, cwd=cwd, capture_output=capture, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s\n%s" % (result.returncode, " ".join(map(str, cmd)),
                                                                result.stdout[-4000:] if capture else "",
                                                                result.stderr[-4000:] if capture else ""))
    return result


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def dump_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


# ---------------------------------------------------------------------------------------------
# prepare

def cmd_prepare(args):
    """Extracts each dependency from a local git directory into TFLM's downloads folder.

    --git-root DIR must hold one bare or normal git directory per dependency, found as
    DIR/<owner>+<name>/repo, DIR/<owner>+<name> or DIR/<name> (a clone made by the user).
    """
    tflm = Path(args.tflm)
    downloads = tflm / "tensorflow/lite/micro/tools/make/downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    root = Path(args.git_root)
    for folder, repo, ref, patch in DEPENDENCIES:
        target = downloads / folder
        if target.exists() and any(p for p in target.iterdir() if p.name != "Cortex_DFP"):
            log("exists:", target)
            continue
        owner, name = repo.split("/")
        candidates = [root / ("%s+%s" % (owner, name)) / "repo", root / ("%s+%s" % (owner, name)), root / name]
        git_dir = next((c for c in candidates if c.exists()), None)
        if git_dir is None:
            raise SystemExit("prepare: no git checkout of %s under %s (tried %s)" % (repo, root, candidates))
        target.mkdir(parents=True, exist_ok=True)
        git = ["git", "--git-dir", str(git_dir if (git_dir / "HEAD").exists() else git_dir / ".git")]
        data = subprocess.run(git + ["archive", "--format=tar", ref], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=data, check=True)
        if patch:
            subprocess.run(["patch", "-p1", "-d", str(target), "-i", str(tflm / patch)], check=True)
        log("extracted %s@%s -> %s" % (repo, ref, target))
    (downloads / "pigweed").mkdir(exist_ok=True)  # only TFLM's tests use it; an empty folder skips its download


# ---------------------------------------------------------------------------------------------
# operators

def builtin_names(tflm):
    """BuiltinOperator values from schema.fbs: {code: NAME}."""
    text = (tflm / "tensorflow/compiler/mlir/lite/schema/schema.fbs").read_text()
    body = re.search(r"enum BuiltinOperator : int32 \{(.*?)\}", text, re.S).group(1)
    names = {}
    for m in re.finditer(r"^\s*([A-Z0-9_]+)\s*=\s*(-?\d+)", body, re.M):
        names[int(m.group(2))] = m.group(1)
    return names


def resolver_methods(tflm):
    """MicroMutableOpResolver's Add methods: {BUILTIN_NAME: {"method", "register"}}.

    Only methods whose registration argument has a default (what TFLM's examples call).
    """
    text = (tflm / "tensorflow/lite/micro/micro_mutable_op_resolver.h").read_text()
    methods = {}
    for m in re.finditer(r"TfLiteStatus (Add\w+)\(([^)]*(?:\(\))?[^)]*)\)\s*\{(.*?)\n  \}", text, re.S):
        name, params, body = m.group(1), m.group(2), m.group(3)
        builtin = re.search(r"AddBuiltin\(BuiltinOperator_(\w+)", body)
        if not builtin:
            continue
        params = " ".join(params.split())
        default = re.search(r"=\s*([\w:]+)\(\)", params)
        if params and not default:
            continue
        if default:
            register = default.group(1)
        else:
            inline = re.search(r"AddBuiltin\(BuiltinOperator_\w+,\s*([\w:]+)\(\)", body)
            register = inline.group(1) if inline else None
        methods[builtin.group(1)] = {"method": name, "register": register.split("::")[-1] if register else None,
                                     "takes_registration": bool(default)}
    return methods


def int8_variants(tflm, kernel_dir):
    """Register_<OP>_INT8 functions the kernel set defines (not the header fallbacks)."""
    found = set()
    folder = tflm / "tensorflow/lite/micro/kernels" / kernel_dir if kernel_dir else None
    if folder is None:
        # Reference kernels: kernels/*.h define Register_X_INT8 as inline returns of Register_X.
        for h in (tflm / "tensorflow/lite/micro/kernels").glob("*.h"):
            for m in re.finditer(r"inline TFLMRegistration (Register_\w+_INT8)\(\)", h.read_text()):
                found.add(m.group(1))
        return found
    for cc in folder.glob("*.cc"):
        for m in re.finditer(r"TFLMRegistration (Register_\w+_INT8)\(\)\s*\{", cc.read_text()):
            found.add(m.group(1))
    return found


# ---------------------------------------------------------------------------------------------
# models

def model_files():
    """(group, path) for every model the harness records; ../shared ones only when present."""
    groups = [
        ("shared", SHARED / "models", "*.tflite"),
        ("zoo", SHARED / "reference" / "zoo", "*.tflite"),
        ("fixtures", REPO / "Tests" / "Fixtures" / "models", "*.tflite"),
        ("examples", REPO / "Examples" / "models", "*.tflite"),
    ]
    out = []
    for group, folder, pattern in groups:
        if folder.is_dir():
            out += [(group, p) for p in sorted(folder.glob(pattern))]
    return out


def golden_paths(group, path):
    """Input and output .npy files stored next to a model (or in models-golden)."""
    stem = path.stem
    folders = [path.parent]
    if group == "shared":
        folders = [SHARED / "reference" / "models-golden"]
    for folder in folders:
        inputs = []
        i = 0
        while True:
            p = folder / ("%s.input%s.npy" % (stem, "" if i == 0 else str(i)))
            if not p.exists():
                break
            inputs.append(p)
            i += 1
        outputs = []
        i = 0
        while True:
            p = folder / ("%s.output%s.npy" % (stem, "" if i == 0 else str(i)))
            if not p.exists():
                break
            outputs.append(p)
            i += 1
        if inputs:
            return inputs, outputs
    return [], []


def npy_bytes(path):
    """Raw little-endian data of a C-ordered .npy file (no numpy needed)."""
    data = Path(path).read_bytes()
    if data[:6] != b"\x93NUMPY":
        raise ValueError("%s: not a .npy file" % path)
    major = data[6]
    if major == 1:
        header_len = struct.unpack_from("<H", data, 8)[0]
        start = 10 + header_len
    else:
        header_len = struct.unpack_from("<I", data, 8)[0]
        start = 12 + header_len
    header = data[start - header_len:start].decode("latin1")
    if "'fortran_order': True" in header:
        raise ValueError("%s: Fortran order" % path)
    return data[start:]


def deterministic_input(info):
    """Bytes for each subgraph-0 input when no stored input exists: a fixed pattern."""
    sg = info["subgraphs"][0]
    out = b""
    for t in sg["inputs"]:
        tensor = sg["tensors"][t]
        count = 1
        for d in tensor["shape"]:
            count *= max(d, 1)
        size = count * ELEMENT_BYTES.get(tensor["type"], 1)
        seed = hashlib.sha256(("%d" % t).encode()).digest()
        out += (seed * (size // len(seed) + 1))[:size]
    return out


# ---------------------------------------------------------------------------------------------
# build

class Config:
    def __init__(self, args, core, kernels):
        self.tflm = Path(args.tflm)
        self.core = core
        self.kernels = kernels
        self.arch = CORES[core]["target_arch"]
        self.kernel_dir = KERNEL_SETS[kernels]
        self.out = Path(args.build_dir) / ("%s_%s" % (core, kernels))
        self.make = ["make", "-s", "-f", "tensorflow/lite/micro/tools/make/Makefile", "TARGET=cortex_m_generic",
                     "TARGET_ARCH=" + self.arch, "BUILD_TYPE=release", "TARGET_TOOLCHAIN_ROOT=/usr/bin/",
                     # Debug information only (gcc's code does not depend on -g): `invoke` reads where the
                     # reference kernels are inlined into their Evals from it. The flags themselves stay TFLM's.
                     "CXX_TOOL=g++ -g", "CC_TOOL=gcc -g"]
        if self.kernel_dir:
            self.make.append("OPTIMIZED_KERNEL_DIR=" + self.kernel_dir)
        self._vars = None

    def var(self, name):
        if self._vars is None:
            self._vars = {}
        if name not in self._vars:
            r = run(self.make + ["print-" + name], cwd=self.tflm)
            line = [l for l in r.stdout.splitlines() if l.startswith(name + "=")][-1]
            self._vars[name] = line[len(name) + 1:].strip()
        return self._vars[name]

    @property
    def library(self):
        return self.out / "libtflm.a"


def select_objects(cfg, ops):
    """Object files to compile: the core, the kernels of `ops`, their helpers, and (CMSIS-NN) its library."""
    core = [o for o in cfg.var("MICROLITE_LIB_OBJS").split() if not o.endswith(SKIPPED_CORE)]
    kernel_srcs = cfg.var("MICROLITE_CC_KERNEL_SRCS").split()
    kernel_objs = cfg.var("MICROLITE_KERNEL_OBJS").split()
    by_src = {}
    for src in kernel_srcs:
        stem = src.rsplit(".", 1)[0]
        match = [o for o in kernel_objs if o.endswith("/" + stem + ".o")]
        if match:
            by_src[src] = match[0]
    methods = resolver_methods(cfg.tflm)
    wanted = set()
    for op in ops:
        reg = methods[op]["register"]
        pattern = re.compile(r"TFLMRegistration\s+%s\(\)\s*\{" % reg)
        for src in by_src:
            text = (cfg.tflm / src).read_text(errors="replace")
            if pattern.search(text):
                wanted.add(src)
                common = src.replace("/cmsis_nn/", "/").rsplit(".", 1)[0] + "_common.cc"
                if common in by_src:
                    wanted.add(common)
    for src in by_src:
        if src.endswith(KERNEL_HELPERS):
            wanted.add(src)
    # Operators whose kernels need extra files (found by the link, named here once).
    extra = {"UNIDIRECTIONAL_SEQUENCE_LSTM": ["lstm_eval.cc", "lstm_eval_common.cc"],
             "SVDF": ["svdf_common.cc"]}
    for op, files in extra.items():
        if op in ops:
            wanted |= {s for s in by_src if s.endswith(tuple("/" + f for f in files))}
    third = cfg.var("MICROLITE_THIRD_PARTY_KERNEL_OBJS").split() if cfg.kernel_dir else []
    return core + sorted(by_src[s] for s in wanted) + third


def cmd_build(args):
    ops = needed_operators(args)
    for core in args.cores:
        for kernels in args.kernels:
            cfg = Config(args, core, kernels)
            objs = select_objects(cfg, ops)
            log("[%s/%s] %d objects for %d operators" % (core, kernels, len(objs), len(ops)))
            t0 = time.time()
            if kernels == "reference" and args.reuse_cmsis_objects:
                reuse_common_objects(cfg, Config(args, core, "cmsis-nn"), objs)
            run(cfg.make + ["-j%d" % args.jobs] + objs, cwd=cfg.tflm, capture=False)
            cfg.out.mkdir(parents=True, exist_ok=True)
            if cfg.library.exists():
                cfg.library.unlink()
            # P: members keep their relative paths, so the two kernel_util.o (and any other
            # objects sharing a file name) stay distinct in the archive and in the link map.
            run(["arm-none-eabi-ar", "rcsP", str(cfg.library)] + objs, cwd=cfg.tflm)
            flags = {
                "CXXFLAGS": cfg.var("CXXFLAGS"), "CCFLAGS": cfg.var("CCFLAGS"), "INCLUDES": cfg.var("INCLUDES"),
                "CORE_OPTIMIZATION_LEVEL": cfg.var("CORE_OPTIMIZATION_LEVEL"),
                "KERNEL_OPTIMIZATION_LEVEL": cfg.var("KERNEL_OPTIMIZATION_LEVEL"),
                "THIRD_PARTY_KERNEL_OPTIMIZATION_LEVEL": cfg.var("THIRD_PARTY_KERNEL_OPTIMIZATION_LEVEL"),
                "LDFLAGS": cfg.var("LDFLAGS"), "MICROLITE_LIBS": cfg.var("MICROLITE_LIBS"),
                "objects": [o.split("/obj/", 1)[-1] for o in objs], "operators": sorted(ops),
            }
            (cfg.out / "flags.json").write_text(json.dumps(flags, indent=1, sort_keys=True))
            log("[%s/%s] library built in %.0f s" % (core, kernels, time.time() - t0))


# Core objects whose source tests CMSIS_NN itself: always compiled per kernel set.
NOT_REUSED = ("micro_profiler.o",)


def reuse_common_objects(reference, cmsis, objs):
    """Copies objects the CMSIS-NN build already compiled from the same source with the same
    flags except -DCMSIS_NN, -DARM_NN_ENABLE_F16/F32 and CMSIS include paths, which only
    change kernel *declarations* (kernels/*.h) for sources that cmsis_nn/ does not replace.
    Spot check (README): identical disassembly and section sizes. Saves about 100 compiles."""
    src_gen = cmsis.var("GENDIR").rstrip("/")
    dst_gen = reference.var("GENDIR").rstrip("/")
    copied = 0
    for obj in objs:
        if obj.endswith(NOT_REUSED) or "/kernels/cmsis_nn/" in obj:
            continue
        source = reference.tflm / obj.replace(dst_gen, src_gen, 1)
        target = reference.tflm / obj
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied += 1
    log("[%s/reference] reused %d objects of the CMSIS-NN build" % (reference.core, copied))


def needed_operators(args):
    names = builtin_names(Path(args.tflm))
    methods = resolver_methods(Path(args.tflm))
    ops = set()
    for _, path in model_files():
        try:
            info = read_model(path.read_bytes())
        except Exception:  # noqa: BLE001 - a model the reader cannot parse is recorded by `arena`
            continue
        for code in info["op_codes"]:
            name = names.get(code)
            if name in methods:
                ops.add(name)
    return ops


# ---------------------------------------------------------------------------------------------
# firmware

def firmware_flags(cfg):
    flags = json.loads((cfg.out / "flags.json").read_text())
    # make passes these through the shell: split them the same way.
    includes = shlex.split(flags["INCLUDES"])
    includes = [i if not i.startswith("-I") or i[2:].startswith("/") else "-I" + str(cfg.tflm / i[2:]) for i in includes]
    cxx = [f for f in shlex.split(flags["CXXFLAGS"]) if f != "-MD"]
    cc = [f for f in shlex.split(flags["CCFLAGS"]) if f != "-MD"]
    platform = [f for f in cxx if f.startswith(("-mcpu", "-mfpu", "-mfloat-abi", "-mthumb", "-mlittle-endian"))]
    return flags, cxx, cc, includes, platform


def compile_objects(cfg, sources, workdir, extra_includes=()):
    flags, cxx, cc, includes, _ = firmware_flags(cfg)
    objs = []
    for src in sources:
        obj = workdir / (Path(src).stem + ".o")
        if Path(src).suffix == ".c":
            cmd = ["arm-none-eabi-gcc"] + cc + [flags["CORE_OPTIMIZATION_LEVEL"]]
        else:
            cmd = ["arm-none-eabi-g++"] + cxx + [flags["CORE_OPTIMIZATION_LEVEL"]]
        cmd += ["-I" + str(HERE / "firmware")] + ["-I" + str(i) for i in extra_includes] + includes
        cmd += ["-Wno-error", "-c", str(src), "-o", str(obj)]
        run(cmd, cwd=cfg.tflm)
        objs.append(obj)
    return objs


def link(cfg, objs, elf, with_tflm=True):
    flags, _, _, _, platform = firmware_flags(cfg)
    cmd = ["arm-none-eabi-g++"] + platform + [
        "--specs=nano.specs", "--specs=nosys.specs", "-nostartfiles", "-Wl,--gc-sections",
        "-T", str(HERE / "firmware" / "link.ld"), "-Wl,-Map=" + str(elf.with_suffix(".map")), "-o", str(elf)]
    cmd += [str(o) for o in objs]
    if with_tflm:
        cmd += [str(cfg.library)]
    cmd += ["-lm"]
    run(cmd, cwd=cfg.tflm)


def support_objects(cfg, workdir):
    return compile_objects(cfg, [HERE / "firmware" / "startup.c", HERE / "firmware" / "semihost.c"], workdir)


def write_ops_switch(cfg, path):
    methods = resolver_methods(cfg.tflm)
    built = set(json.loads((cfg.out / "flags.json").read_text())["operators"])
    lines = []
    for name in sorted(built & set(methods)):
        lines.append("    case tflite::BuiltinOperator_%s:\n      return resolver.%s();" % (name, methods[name]["method"]))
    path.write_text("\n".join(lines) + "\n")


def build_runner(cfg):
    work = cfg.out / "runner"
    work.mkdir(parents=True, exist_ok=True)
    elf = work / "runner.elf"
    inputs = [cfg.library, cfg.out / "flags.json"] + sorted((HERE / "firmware").iterdir())
    if elf.exists() and all(p.stat().st_mtime < elf.stat().st_mtime for p in inputs):
        return elf
    write_ops_switch(cfg, work / "ops_switch.inc")
    objs = support_objects(cfg, work) + compile_objects(cfg, [HERE / "firmware" / "runner.cc"], work, [work])
    elf = work / "runner.elf"
    link(cfg, objs, elf)
    return elf


# ---------------------------------------------------------------------------------------------
# arena

def run_qemu(cfg, elf, workdir, timeout):
    cmd = ["qemu-system-arm", "-M", CORES[cfg.core]["machine"], "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", "enable=on,target=native", "-kernel", str(elf)]
    try:
        r = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, {"error": "timeout after %d s" % timeout}
    values = {}
    outputs = []
    # QEMU writes the semihosting console to stderr when -nographic is given.
    for line in (r.stdout + "\n" + r.stderr).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            if k == "output_bytes":
                outputs.append(int(v))
            elif v.lstrip("-").isdigit():
                values[k] = int(v)
            else:
                values[k] = v
    values["exit_code"] = r.returncode
    values["output_sizes"] = outputs
    return r, values


def trial(cfg, elf, workdir, size, timeout):
    """One fresh QEMU run: does an arena of `size` bytes work? None when TFLM crashed."""
    (workdir / "trial.txt").write_text(str(size))
    try:
        _, values = run_qemu(cfg, elf, workdir, timeout)
    finally:
        (workdir / "trial.txt").unlink()
    return None if "trial_ok" not in values else values["trial_ok"] == 1


def confirm_minimum(cfg, elf, workdir, minimum, timeout):
    """The in-process bisection reuses one arena; confirm its answer with fresh runs."""
    return trial(cfg, elf, workdir, minimum, timeout) is True and \
        (minimum <= 16 or trial(cfg, elf, workdir, minimum - 16, timeout) is not True)


def host_bisect(cfg, elf, workdir, used, timeout):
    """Smallest working arena in 16-byte steps, one QEMU run per trial."""
    crashed = 0

    def works(size):
        nonlocal crashed
        ok = trial(cfg, elf, workdir, size, timeout)
        if ok is None:
            crashed += 1
        return ok is True

    hi = (used + 15) // 16
    while not works(hi * 16):
        hi *= 2
        if hi * 16 > 4 << 20:
            return None, crashed
    lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid * 16):
            hi = mid
        else:
            lo = mid
    return hi * 16, crashed


def cmd_arena(args):
    models = model_files()
    if args.only:
        models = [(g, p) for g, p in models if any(s in p.name for s in args.only)]
    out_path = FIXTURE_DIR / "arena.json"
    previous = json.loads(out_path.read_text()) if out_path.exists() and args.merge else {}
    records = previous.get("models", {})
    runners = {}
    for core in args.cores:
        for kernels in args.kernels:
            cfg = Config(args, core, kernels)
            runners[(core, kernels)] = (cfg, build_runner(cfg))
    t0 = time.time()
    for group, path in models:
        data = path.read_bytes()
        key = path.name
        entry = records.get(key, {})
        entry.update({"group": group, "sha256": hashlib.sha256(data).hexdigest(), "model_bytes": len(data)})
        info = read_model(data)
        inputs, outputs = golden_paths(group, path)
        if inputs:
            input_bytes = b"".join(npy_bytes(p) for p in inputs)
            entry["input"] = "stored"
        else:
            input_bytes = deterministic_input(info)
            entry["input"] = "pattern"
        golden = [hashlib.sha256(npy_bytes(p)).hexdigest() for p in outputs] if outputs else None
        results = entry.setdefault("runs", {})
        for (core, kernels), (cfg, elf) in runners.items():
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                (tmp / "model.tflite").write_bytes(data)
                (tmp / "input.bin").write_bytes(input_bytes)
                _, values = run_qemu(cfg, elf, tmp, args.timeout)
                rec = {}
                if values.get("done") == 1 and not confirm_minimum(cfg, elf, tmp, values["min_arena_bytes"], args.timeout):
                    # The in-process search disagrees with fresh runs: redo it from the host.
                    values.pop("done")
                if values.get("done") == 1:
                    blob = (tmp / "output.bin").read_bytes()
                    hashes, offset = [], 0
                    for size in values["output_sizes"]:
                        hashes.append(hashlib.sha256(blob[offset:offset + size]).hexdigest())
                        offset += size
                    rec = {
                        "arena_used_bytes": values["arena_used_bytes"],
                        "head_bytes": values["head_bytes"],
                        "tail_bytes": values["tail_bytes"],
                        "min_arena_bytes": values["min_arena_bytes"],
                        "output_sha256": hashes,
                    }
                    if values["plain_arena_used_bytes"] != values["arena_used_bytes"]:
                        rec["plain_arena_used_bytes"] = values["plain_arena_used_bytes"]
                    if golden is not None:
                        rec["output_equals_golden"] = hashes == golden
                elif "arena_used_bytes" in values and "output_sizes" in values and (tmp / "output.bin").exists():
                    # The in-process search crashed on a too-small arena: finish it from the
                    # host, one QEMU run per trial; a crash counts as "does not work".
                    blob = (tmp / "output.bin").read_bytes()
                    hashes, offset = [], 0
                    for size in values["output_sizes"]:
                        hashes.append(hashlib.sha256(blob[offset:offset + size]).hexdigest())
                        offset += size
                    minimum, crashed = host_bisect(cfg, elf, tmp, values["arena_used_bytes"], args.timeout)
                    rec = {
                        "arena_used_bytes": values["arena_used_bytes"],
                        "head_bytes": values["head_bytes"],
                        "tail_bytes": values["tail_bytes"],
                        "min_arena_bytes": minimum,
                        "min_arena_note": "bisected from the host; %d smaller arenas crashed TFLM" % crashed,
                        "output_sha256": hashes,
                    }
                    if golden is not None:
                        rec["output_equals_golden"] = hashes == golden
                else:
                    rec = {"error": {k: v for k, v in values.items()
                                     if k in ("allocate_status", "invoke_status", "exit_code", "unsupported_operator",
                                              "input_mismatch_bytes", "error")}}
                results["%s/%s" % (core, kernels)] = rec
        records[key] = entry
        summary = {k: v.get("arena_used_bytes", "ERR") for k, v in results.items()}
        log("%-50s %s" % (key, summary))
    provenance = provenance_record(args)
    dump_json(out_path, {"about": ARENA_ABOUT, "provenance": provenance, "models": records})
    log("arena: %d models in %.0f s" % (len(models), time.time() - t0))


ARENA_ABOUT = ("TFLM built for Cortex-M with arm-none-eabi-gcc (release build) and run under QEMU by "
               "Scripts/tflm-cortexm/tflm_cortexm.py; see Scripts/tflm-cortexm/README.md for every field.")


def provenance_record(args):
    tflm = Path(args.tflm)
    commit = run(["git", "-C", str(tflm), "rev-parse", "HEAD"]).stdout.strip()
    gcc = run(["arm-none-eabi-gcc", "--version"]).stdout.splitlines()[0]
    qemu = run(["qemu-system-arm", "--version"]).stdout.splitlines()[0]
    configs = {}
    for core in CORES:
        for kernels in KERNEL_SETS:
            f = Path(args.build_dir) / ("%s_%s" % (core, kernels)) / "flags.json"
            if f.exists():
                fl = json.loads(f.read_text())
                configs["%s/%s" % (core, kernels)] = {
                    "target_arch": CORES[core]["target_arch"], "qemu_machine": CORES[core]["machine"],
                    "cxxflags": " ".join(x for x in fl["CXXFLAGS"].split() if not x.startswith("-W") and x != "-MD"),
                    "core_opt": fl["CORE_OPTIMIZATION_LEVEL"], "kernel_opt": fl["KERNEL_OPTIMIZATION_LEVEL"],
                    "third_party_kernel_opt": fl["THIRD_PARTY_KERNEL_OPTIMIZATION_LEVEL"],
                }
    return {
        "tflm_commit": commit,
        "tflm_note": ("the Python oracle (tflite-micro 0.dev20261023182759) was built from TFLM 8f6596d, which the "
                      "available snapshot of tensorflow/tflite-micro lacks; this is the newest main commit in it"),
        "dependencies": {folder: "%s@%s" % (repo, ref) for folder, repo, ref, _ in DEPENDENCIES},
        "gcc": gcc, "qemu": qemu, "configs": configs,
        "link": "--specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections -lm, own startup and linker script",
    }


# ---------------------------------------------------------------------------------------------

def comma_list(allowed):
    def parse(text):
        items = [t for t in text.split(",") if t]
        bad = [t for t in items if t not in allowed]
        if bad:
            raise argparse.ArgumentTypeError("unknown %s (choose from %s)" % (", ".join(bad), ", ".join(allowed)))
        return items
    return parse


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tflm", default=str(DEFAULT_TFLM), help="TFLM checkout (default %(default)s)")
    ap.add_argument("--build-dir", default=str(DEFAULT_BUILD), help="build output (default %(default)s)")
    ap.add_argument("--cores", type=comma_list(CORES), default=list(CORES), help="comma-separated: m4,m7")
    ap.add_argument("--kernels", type=comma_list(KERNEL_SETS), default=list(KERNEL_SETS),
                    help="comma-separated: reference,cmsis-nn")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--git-root", required=True, help="folder holding git checkouts of the dependencies")
    p = sub.add_parser("build")
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("--reuse-cmsis-objects", action="store_true",
                   help="reference build: copy objects the CMSIS-NN build compiled from unspecialized sources")
    p = sub.add_parser("arena")
    p.add_argument("--only", nargs="*", help="substrings of model file names to run")
    p.add_argument("--merge", action="store_true", help="keep records of models not run this time")
    p.add_argument("--timeout", type=int, default=600)
    p = sub.add_parser("flash")
    p.add_argument("--only", nargs="*", help="substrings of model file names to link")
    p.add_argument("--merge", action="store_true", help="keep configurations already in flash.json")
    p.add_argument("--all-operators", action="store_true",
                   help="also link each operator the harness built, not only those of the flash models")
    p = sub.add_parser("verify")
    p = sub.add_parser("invoke", help="instructions of one Invoke per operator (CMSIS-NN set) -> invoke.json")
    p.add_argument("--only", nargs="*", help="substrings of model file names to run")
    p.add_argument("--merge", action="store_true", help="keep records of models not run this time")
    args = ap.parse_args()
    {"prepare": cmd_prepare, "build": cmd_build, "arena": cmd_arena,
     "flash": lambda a: __import__("flash_link").cmd_flash(a),
     "verify": lambda a: __import__("flash_link").cmd_verify(a),
     "invoke": lambda a: __import__("invoke_trace").cmd_invoke(a)}[args.command](args)


if __name__ == "__main__":
    main()
