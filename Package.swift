// swift-tools-version:6.0
import PackageDescription

// mcusim: a microcontroller emulator and profiler for quantized TFLite models.
// No package dependencies: the Swift toolchain (Foundation, XCTest) only.
let package = Package(
    name: "mcusim",
    products: [
        .executable(name: "mcusim", targets: ["MCUSim"]),
        .library(name: "Interpreter", targets: ["Interpreter"]),
        .library(name: "Devices", targets: ["Devices"]),
    ],
    targets: [
        // Model reading, arena, memory planner, kernels. Knows nothing of devices.
        .target(name: "Interpreter"),
        // Device profiles and the Cortex-M cost model. Consumes the interpreter's workload records.
        // Resources/kernel-counts.json is read at run time from a path (KernelCountsData.swift), as Profiles/ is.
        .target(name: "Devices", dependencies: ["Interpreter"], exclude: ["Resources", "README.md"]),
        // The `mcusim` command and its reports.
        .executableTarget(name: "MCUSim", dependencies: ["Interpreter", "Devices"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "Interpreter"]),
        .testTarget(name: "MCUSimTests", dependencies: ["MCUSim", "Interpreter", "Devices"]),
    ],
    swiftLanguageModes: [.v5]
)
