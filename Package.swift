// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "Interpreter", exclude: ["README.md"]),
        // Device profiles and the Cortex-M cost model. Consumes the interpreter's workload records.
        .target(name: "Devices", dependencies: ["Interpreter"], exclude: ["README.md"]),
        // The commands, their options and reports: a library, so tests call it in-process.
        .target(name: "MCUSim", dependencies: ["Interpreter", "Devices"], exclude: ["main"]),
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
