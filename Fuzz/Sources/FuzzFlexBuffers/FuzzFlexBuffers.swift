import MCUSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlexBuffers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.flexBuffers(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
