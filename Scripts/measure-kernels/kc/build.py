"""Compiles CMSIS-NN, the TFLM reference kernels and our shims for every core and -O level, and
links one image per build (README.md, "Method")."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHIMS = HERE / "shims"
LINKER_SCRIPT = HERE / "link.ld"

CORES = {
    "m4": ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"],
    "m7": ["-mcpu=cortex-m7", "-mfpu=fpv5-sp-d16"],
}
LEVELS = ["Os", "O2", "O3"]
BUILDS = [f"{core}-{level}" for core in CORES for level in LEVELS]
COMMON_FLAGS = ["-mthumb", "-mfloat-abi=hard", "-ffunction-sections", "-fdata-sections", "-g", "-DNDEBUG"]
C_FLAGS = []
CXX_FLAGS = ["-std=c++17", "-fno-rtti", "-fno-exceptions", "-fno-threadsafe-statics", "-fno-unwind-tables",
             "-fno-asynchronous-unwind-tables", "-DTF_LITE_STATIC_MEMORY"]
CC = "arm-none-eabi-gcc"
CXX = "arm-none-eabi-g++"


def tool_version() -> str:
    out = subprocess.run([CC, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0].strip()


def newlib_version() -> str:
    """newlib's version from its _newlib_version.h (the library memcpy/memset come from)."""
    header = subprocess.run([CC, "-print-file-name=include/_newlib_version.h"], capture_output=True, text=True).stdout.strip()
    try:
        for line in Path(header).read_text().splitlines():
            if line.startswith("#define _NEWLIB_VERSION "):
                return line.split()[-1].strip('"')
    except OSError:
        pass
    for candidate in ["/usr/lib/arm-none-eabi/include/_newlib_version.h"]:
        try:
            for line in Path(candidate).read_text().splitlines():
                if line.startswith("#define _NEWLIB_VERSION "):
                    return line.split()[-1].strip('"')
        except OSError:
            pass
    return "unknown"


@dataclass
class Sources:
    cmsis_nn: Path
    tflm: Path
    gemmlowp: Path
    ruy: Path

    def include_dirs(self) -> list[Path]:
        return [SHIMS, self.cmsis_nn / "Include", self.tflm, self.gemmlowp, self.ruy]

    def cmsis_sources(self) -> list[Path]:
        out = []
        for p in sorted((self.cmsis_nn / "Source").rglob("*.c")):
            rel = p.relative_to(self.cmsis_nn / "Source")
            if rel.parts[0] == "Bindings" or p.name.endswith(("_f16.c", "_f32.c")):
                continue
            out.append(p)
        return out

    def tflm_sources(self) -> list[Path]:
        base = self.tflm / "tensorflow/lite/kernels/internal"
        return [base / "common.cc", base / "reference/portable_tensor_utils.cc", base / "runtime_shape.cc",
                base / "quantization_util.cc"]

    def shim_sources(self) -> list[Path]:
        return sorted(p for p in SHIMS.iterdir() if p.suffix in (".c", ".cc"))


def _object_name(src: Path, root: Path) -> str:
    rel = str(src.relative_to(root)) if src.is_relative_to(root) else str(src)
    return rel.replace("/", "__") + ".o"


def _stale(obj: Path, dep: Path, flags_file: Path, flags: str) -> bool:
    if not obj.exists() or not dep.exists() or not flags_file.exists():
        return True
    if flags_file.read_text() != flags:
        return True
    t = obj.stat().st_mtime
    text = dep.read_text().replace("\\\n", " ")
    _, _, deps = text.partition(":")
    for d in deps.split():
        try:
            if os.stat(d).st_mtime > t:
                return True
        except OSError:
            return True
    return False


def compile_all(sources: Sources, build: str, work: Path, jobs: int, log) -> list[Path]:
    core, level = build.split("-")
    out_dir = work / "obj" / build
    out_dir.mkdir(parents=True, exist_ok=True)
    includes = [f"-I{d}" for d in sources.include_dirs()]
    arch = ["-mthumb", *CORES[core]]
    tasks = []
    groups = [(sources.cmsis_sources(), sources.cmsis_nn, "cmsis"),
              (sources.tflm_sources(), sources.tflm, "tflm"),
              (sources.shim_sources(), SHIMS, "shim")]
    for files, root, tag in groups:
        for src in files:
            cxx = src.suffix == ".cc"
            flags = [*arch, *COMMON_FLAGS, f"-{level}", *(CXX_FLAGS if cxx else C_FLAGS), *includes]
            obj = out_dir / f"{tag}__{_object_name(src, root)}"
            tasks.append((CXX if cxx else CC, flags, src, obj))

    def run(task):
        compiler, flags, src, obj = task
        dep = obj.with_suffix(".d")
        flags_file = obj.with_suffix(".flags")
        key = " ".join([compiler, *flags])
        if not _stale(obj, dep, flags_file, key):
            return obj, False
        cmd = [compiler, *flags, "-MMD", "-MF", str(dep), "-c", str(src), "-o", str(obj)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"compile failed: {' '.join(cmd)}\n{r.stderr}")
        flags_file.write_text(key)
        return obj, True

    objs = []
    built = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for obj, fresh in pool.map(run, tasks):
            objs.append(obj)
            built += fresh
    log(f"{build}: {len(objs)} objects ({built} compiled)")
    return objs


def link(objs: list[Path], build: str, work: Path) -> Path:
    core, level = build.split("-")
    elf = work / f"kernels-{build}.elf"
    cmd = [CXX, "-mthumb", *CORES[core], "-mfloat-abi=hard", "-nostartfiles", "--specs=nosys.specs",
           f"-T{LINKER_SCRIPT}", "-Wl,--gc-sections", f"-Wl,-Map={elf.with_suffix('.map')}",
           *[str(o) for o in objs], "-Wl,--start-group", "-lm", "-lc", "-lgcc", "-lnosys", "-Wl,--end-group",
           "-o", str(elf)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"link failed: {' '.join(cmd)}\n{r.stderr}")
    return elf


def build_images(sources: Sources, work: Path, jobs: int, log, builds=BUILDS) -> dict[str, Path]:
    out = {}
    for b in builds:
        objs = compile_all(sources, b, work, jobs, log)
        out[b] = link(objs, b, work)
    return out


def compile_host_simulator(work: Path) -> Path:
    src = HERE / "kc" / "m7sim.c"
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:12]
    lib = work / f"m7sim-{digest}.so"
    if not lib.exists():
        work.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return lib
