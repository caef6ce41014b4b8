import MCUSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.npy(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
