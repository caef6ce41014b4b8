// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for mcusim, in a package of their own: the main package does not depend
// on it, so `swift build` and `swift test` there stay dependency-free and fast. Build and run
// them with `Fuzz/fuzz.sh` (see Fuzz/README.md). Each target is one Swift entry point
// (LLVMFuzzerTestOneInput, calling MCUSim's FuzzTargets) plus the C driver that defines the
// target's entry point and hands control to libFuzzer.
let package = Package(
    name: "mcusim-fuzz",
    dependencies: [.package(name: "mcusim", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzModel", dependencies: ["FuzzDriver", .product(name: "MCUSim", package: "mcusim")]),
        .executableTarget(name: "FuzzNpy", dependencies: ["FuzzDriver", .product(name: "MCUSim", package: "mcusim")]),
        .executableTarget(name: "FuzzProfile", dependencies: ["FuzzDriver", .product(name: "MCUSim", package: "mcusim")]),
        .executableTarget(name: "FuzzBudget", dependencies: ["FuzzDriver", .product(name: "MCUSim", package: "mcusim")]),
        .executableTarget(name: "FuzzFlexBuffers", dependencies: ["FuzzDriver", .product(name: "MCUSim", package: "mcusim")]),
    ],
    swiftLanguageModes: [.v5]
)
