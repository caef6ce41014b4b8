import MCUSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.profile(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
