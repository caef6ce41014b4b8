import MCUSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.model(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
