// swift-tools-version:6.0
import Foundation
import PackageDescription

// On x86-64 the interpreter's kernels are compiled for x86-64-v3 (AVX2, FMA, BMI2; LLVM's
// "haswell" feature set): every x86-64 desktop and server CPU since 2013-2015, and RHEL 10's
// baseline. The bit-exact int8 kernels need its 256-bit multiply-adds, signed 32x32->64
// multiplies and per-lane shifts (measured: 1.2-2x the inferences/s of baseline x86-64).
// The executable checks the CPU at start-up and says so on an older one;
// MCUSIM_PORTABLE=1 in the build's environment compiles for baseline x86-64 instead.
// Floating point is unaffected: Swift contracts no multiply-add into an FMA.
#if arch(x86_64)
let hostVectorISA = ProcessInfo.processInfo.environment["MCUSIM_PORTABLE"] == nil
#else
let hostVectorISA = false
#endif
let kernelSettings: [SwiftSetting] = hostVectorISA ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
let cpuCheckSettings: [SwiftSetting] = hostVectorISA ? [.define("MCUSIM_X86_64_V3")] : []

// mcusim: a microcontroller emulator and profiler for quantized TFLite models.
// No package dependencies: the Swift toolchain (Foundation, XCTest) only.
let package = Package(
    name: "mcusim",
    products: [
        .executable(name: "mcusim", targets: ["MCUSimMain"]),
        .library(name: "Interpreter", targets: ["Interpreter"]),
        .library(name: "Devices", targets: ["Devices"]),
        // For the fuzz targets in Fuzz/ (a separate package); nothing here depends on them.
        .library(name: "MCUSim", targets: ["MCUSim"]),
    ],
    targets: [
        // Model reading, arena, memory planner, kernels. Knows nothing of devices.
        .target(name: "Interpreter", exclude: ["README.md"], swiftSettings: kernelSettings),
        // Device profiles and the Cortex-M cost model. Consumes the interpreter's workload records.
        // Resources/kernel-counts.json (the measured kernel data) is read at run time from a path, as Profiles/ is
        // (KernelCountsData.swift finds it next to the executable, in ../share/mcusim or in the source tree).
        .target(name: "Devices", dependencies: ["Interpreter"], exclude: ["Resources", "README.md"]),
        // The commands, their options and reports: a library, so tests call it in-process.
        .target(name: "MCUSim", dependencies: ["Interpreter", "Devices"], exclude: ["main"], swiftSettings: cpuCheckSettings),
        // The `mcusim` executable: a two-line main over the MCUSim library.
        .executableTarget(name: "MCUSimMain", dependencies: ["MCUSim"], path: "Sources/MCUSim/main"),
        // Locating ../shared and the project's fixtures, for every test target.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter", "TestSupport"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "Interpreter", "TestSupport"]),
        .testTarget(name: "MCUSimTests", dependencies: ["MCUSim", "MCUSimMain", "Interpreter", "Devices", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
