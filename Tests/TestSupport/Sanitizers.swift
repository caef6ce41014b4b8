#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which sanitizer runtime this test process runs under (`swift test --sanitize=address`,
/// as CI's sanitizer step runs it): some tools cannot run on such a build.
public enum Sanitizers {
    /// The AddressSanitizer runtime is linked in.
    public static let address: Bool = {
        #if os(Linux)
        let everything: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #else
        let everything = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        return dlsym(everything, "__asan_init") != nil
    }()
}
