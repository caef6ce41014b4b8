import Foundation

/// The interpreter's kernels are compiled for x86-64-v3 on x86-64 (see Package.swift). This
/// module is not, so it can look at the CPU before any kernel runs and refuse in one line
/// instead of dying on an illegal instruction.
enum HostCPU {
    /// The features the build needs, as /proc/cpuinfo and macOS's hw.optional names spell them.
    static let requiredFeatures = ["avx2", "fma", "bmi2"]

    /// nil when this build's kernels can run here, else the message to print.
    static func unsupportedMessage() -> String? {
        #if MCUSIM_X86_64_V3
        guard let present = presentFeatures() else { return nil }  // cannot tell: let it run
        let missing = requiredFeatures.filter { !present.contains($0) }
        guard !missing.isEmpty else { return nil }
        return "this build of mcusim needs an x86-64-v3 CPU (AVX2, FMA, BMI2) and this one lacks \(missing.joined(separator: ", ")): "
            + "rebuild with MCUSIM_PORTABLE=1 swift build -c release"
        #else
        return nil
        #endif
    }

    #if MCUSIM_X86_64_V3
    private static func presentFeatures() -> Set<String>? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        #elseif canImport(Darwin)
        var present = Set<String>()
        for name in requiredFeatures {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            let key = name == "avx2" ? "hw.optional.avx2_0" : name == "fma" ? "hw.optional.fma" : "hw.optional.bmi2"
            if sysctlbyname(key, &value, &size, nil, 0) == 0, value != 0 { present.insert(name) }
        }
        return present
        #else
        return nil
        #endif
    }
    #endif
}
