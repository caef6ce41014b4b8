import Foundation
import Interpreter

// Memory stalls on top of the zero-wait-state core timing: weights read from flash, and on the
// Cortex-M7 activations outside the DTCM going through the L1 D-cache. Instruction fetch is
// assumed to hit (hot loops are a few hundred bytes: ART I-cache 1 KiB on the F411, L1 I-cache
// 4 KiB on the F746, NVMC I-cache on the nRF52840 assumed enabled). See README.md.

enum MemorySystem {
    /// AXI/bus-matrix cycles added to every L1 line fill on the STM32F7 besides the memory's own
    /// access time (address phase, arbitration, allocation). Assumption, not a datasheet figure.
    static let axiLineFillOverhead = 4.0
    /// Cycles to fill one 32-byte L1 line from SRAM1/SRAM2 over the 64-bit AXI: four data beats
    /// plus the overhead above. Assumption (AN4667 gives measured effects, not this number).
    static let sramLineFill = 4.0 + axiLineFillOverhead
    /// Flash read width when the profile does not state it: 128 bits, the F4/F7 flash interface.
    static let defaultFlashReadBytes = 16

    struct Stall {
        var name: String
        var cycles: Double
        var why: String
        /// Flash stalls follow from the datasheet's wait states; AXI line fills rest on assumed cycles.
        var basis: CostBasis = .datasheet
    }

    static func stalls(_ w: OperatorWorkload, work: KernelWork, device: DeviceProfile) -> [Stall] {
        var result = weightStalls(w, work: work, device: device)
        if let l1 = device.l1Cache {
            result += activationStalls(w, work: work, device: device, l1: l1)
        }
        return result.filter { $0.cycles > 0 }
    }

    /// Flash reads of constant operands (weights, biases). Whether re-reads hit depends on the
    /// kernel's walk (its working set) against the data cache in front of the flash.
    static func weightStalls(_ w: OperatorWorkload, work: KernelWork, device: DeviceProfile) -> [Stall] {
        let weightBytes = Double(w.weightBytes)
        guard weightBytes > 0 else { return [] }
        let ws = Double(device.flash.waitStates)
        let walk = work.weightWalk
        let passes = max(1, walk.passes)
        if let l1 = device.l1Cache {
            // Cortex-M7: flash on AXI through the L1 D-cache. Half the cache is left to the
            // weights when activations also go through it (not in DTCM).
            let activationsInTCM = arenaFractionOutsideDTCM(w, device: device) == 0
            let capacity = Double(l1.dcacheBytes) * (activationsInTCM ? 1 : 0.5)
            let reused = walk.workingSetBytes <= capacity
            let streamed = reused ? weightBytes : weightBytes * passes
            let line = Double(l1.lineBytes)
            let readBytes = Double((device.flash.accessBits.map { $0 / 8 }) ?? defaultFlashReadBytes)
            let accesses = max(1, (line / readBytes).rounded(.up))
            let read = accesses * (ws + 1)
            let lines = (streamed / line).rounded(.up)
            let why = "\(Int(weightBytes)) B of weights in flash (\(device.flash.waitStates) WS) read through the \(l1.dcacheBytes) B L1 D-cache: "
                + (reused ? "working set \(Int(walk.workingSetBytes)) B fits in \(Int(capacity)) B, streamed once; "
                          : "working set \(Int(walk.workingSetBytes)) B exceeds \(Int(capacity)) B, streamed \(fmt(passes)) times; ")
                + "\(fmt(lines)) line fills of \(l1.lineBytes) B x \(fmt(accesses)) flash reads of \(Int(readBytes)) B"
                + (device.flash.accessBits == nil ? " (width assumed: the profile does not state it)" : "")
                + " x \(device.flash.waitStates + 1) cycles = \(fmt(read)) cycles each"
            // The read width is the profile's figure when it states one; the bus overhead is ours.
            return [
                Stall(name: "flash wait states (weights)", cycles: lines * read, why: why,
                      basis: device.flash.accessBits == nil ? .assumption : .datasheet),
                Stall(name: "AXI line-fill overhead (weights)", cycles: lines * axiLineFillOverhead,
                      why: "\(fmt(lines)) weight line fills x \(fmt(axiLineFillOverhead)) cycles of AXI address phase, arbitration and allocation (assumption)",
                      basis: .assumption),
            ]
        }
        let accelerator = device.flash.accelerator
        let dcache = Double(accelerator.dcacheBytes ?? 0)
        if dcache > 0 {
            // Cortex-M4 with an ART-style D-cache on the D-Code bus (no data prefetch): a line miss
            // waits the flash wait states once for the whole line; hits are free.
            let line = Double(accelerator.lineBytes ?? (device.flash.accessBits.map { $0 / 8 }) ?? defaultFlashReadBytes)
            let reused = walk.workingSetBytes <= dcache
            let streamed = reused ? weightBytes : weightBytes * passes
            let lines = (streamed / line).rounded(.up)
            let why = "\(Int(weightBytes)) B of weights in flash through the \(Int(dcache)) B flash D-cache (\(Int(line)) B lines, no data prefetch): "
                + (reused ? "working set \(Int(walk.workingSetBytes)) B fits, read once; "
                          : "working set \(Int(walk.workingSetBytes)) B does not fit, re-read \(fmt(passes)) times; ")
                + "\(fmt(lines)) line misses x \(device.flash.waitStates) wait states"
            return [Stall(name: "flash wait states (weights)", cycles: lines * ws, why: why)]
        }
        // No data cache in front of the flash (nRF52840 NVMC caches instruction fetches only):
        // every load of a weight waits the wait states.
        let accesses = (weightBytes * passes / max(1, walk.bytesPerAccess)).rounded(.up)
        let why = "\(Int(weightBytes)) B of weights in flash with no data cache: read \(fmt(passes)) times "
            + "in \(Int(walk.bytesPerAccess))-byte loads = \(fmt(accesses)) flash accesses x \(device.flash.waitStates) wait states"
        return [Stall(name: "flash wait states (weights)", cycles: accesses * ws, why: why)]
    }

    /// Cortex-M7: arena tensors outside the DTCM are reached over AXI through the L1 D-cache
    /// (write-back, write-allocate): reads fill lines, writes fill and later write back.
    static func activationStalls(_ w: OperatorWorkload, work: KernelWork, device: DeviceProfile,
                                 l1: DeviceProfile.L1Cache) -> [Stall] {
        guard let dtcm = dtcmBytes(device) else { return [] }
        let line = Double(l1.lineBytes)
        var readLines = 0.0
        var inputBytesOutside = 0.0
        for t in w.inputs.compactMap({ $0 }) where t.location != .flash {
            let outside = bytesOutside(t, dtcm: dtcm)
            guard outside > 0 else { continue }
            inputBytesOutside += outside
            // Re-walked activations stay cached only if the tensor fits in the cache.
            let passes = Double(t.bytes) <= Double(l1.dcacheBytes) / 2 ? 1 : max(1, work.activationPasses)
            readLines += (outside * passes / line).rounded(.up)
        }
        var writeLines = 0.0
        for t in w.outputs {
            writeLines += (bytesOutside(t, dtcm: dtcm) / line).rounded(.up)
        }
        var stalls: [Stall] = []
        if readLines > 0 {
            stalls.append(Stall(name: "AXI SRAM reads (activations)", cycles: readLines * sramLineFill,
                                why: "\(Int(inputBytesOutside)) B of input activations lie outside the \(dtcm / 1024) KiB DTCM (arena assumed to start at the DTCM base): "
                                    + "\(fmt(readLines)) L1 line fills x \(fmt(sramLineFill)) cycles (32 B over 64-bit AXI; assumption)",
                                basis: .assumption))
        }
        if writeLines > 0 {
            stalls.append(Stall(name: "AXI SRAM writes (activations)", cycles: writeLines * 2 * sramLineFill,
                                why: "output bytes outside the DTCM: \(fmt(writeLines)) lines, each allocated (fill) and later written back: 2 x \(fmt(sramLineFill)) cycles (assumption)",
                                basis: .assumption))
        }
        return stalls
    }

    /// Size of the DTCM at the start of the largest contiguous arena block, if there is one.
    static func dtcmBytes(_ device: DeviceProfile) -> Int? {
        let usable = device.ramRegions.filter { $0.usableForArena && $0.address != nil }.sorted { ($0.address ?? 0) < ($1.address ?? 0) }
        guard let first = usable.first, first.kind == .dtcm else { return nil }
        return first.bytes
    }

    /// Bytes of an arena tensor beyond the DTCM, assuming the arena starts at the DTCM base.
    static func bytesOutside(_ t: TensorWorkload, dtcm: Int) -> Double {
        guard t.location != .flash else { return 0 }
        guard let offset = t.arenaOffset else { return t.location == .persistent ? 0 : Double(max(0, t.bytes)) }
        let start = Double(max(0, offset)), end = start + Double(max(0, t.bytes))
        return max(0, end - max(start, Double(dtcm)))
    }

    static func arenaFractionOutsideDTCM(_ w: OperatorWorkload, device: DeviceProfile) -> Double {
        guard let dtcm = dtcmBytes(device) else { return 1 }
        let tensors = w.inputs.compactMap { $0 }.filter { $0.location != .flash } + w.outputs
        let total = tensors.reduce(0.0) { $0 + Double($1.bytes) }
        guard total > 0 else { return 0 }
        return tensors.reduce(0.0) { $0 + bytesOutside($1, dtcm: dtcm) } / total
    }

    static func fmt(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return String(format: "%.1f", x)
    }
}
