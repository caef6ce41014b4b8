// Device profiles: the datasheet facts about one board that the cost model and `fit` use.
// The JSON schema is documented in Profiles/README.md; keys there are snake_case.
import Foundation

public struct DeviceProfile: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public enum Core: String, Codable, Sendable, CaseIterable {
        case cortexM4 = "cortex-m4"
        case cortexM7 = "cortex-m7"
    }

    public struct Accelerator: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case art
            case nvmcICache = "nvmc-icache"
            case none
        }
        public var kind: Kind
        public var prefetch: Bool
        /// nil: the documents consulted do not state it.
        public var icacheBytes: Int?
        public var dcacheBytes: Int?
        public var lineBytes: Int?

        enum CodingKeys: String, CodingKey {
            case kind, prefetch
            case icacheBytes = "icache_bytes"
            case dcacheBytes = "dcache_bytes"
            case lineBytes = "line_bytes"
        }
    }

    public struct Flash: Codable, Sendable, Equatable {
        public var bytes: Int
        /// Wait states of an uncached flash read at `clock_hz` and the board's supply.
        public var waitStates: Int
        /// Width of one flash read (the line the accelerator fills); nil when not documented.
        public var accessBits: Int?
        /// Bus path code is fetched over in the assumed link layout, e.g. "itcm", "axi", "icode".
        public var interface: String?
        public var accelerator: Accelerator

        enum CodingKeys: String, CodingKey {
            case bytes
            case waitStates = "wait_states"
            case accessBits = "access_bits"
            case interface, accelerator
        }
    }

    public struct RAMRegion: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case dtcm, sram, itcm
        }
        public var name: String
        public var bytes: Int
        public var kind: Kind
        public var waitStates: Int
        /// Whether a TFLM tensor arena may be placed here.
        public var usableForArena: Bool
        /// Start address; lets adjacent regions be treated as one contiguous block.
        public var address: UInt64?

        enum CodingKeys: String, CodingKey {
            case name, bytes, kind
            case waitStates = "wait_states"
            case usableForArena = "usable_for_arena"
            case address
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            bytes = try container.decode(Int.self, forKey: .bytes)
            kind = try container.decode(Kind.self, forKey: .kind)
            waitStates = try container.decode(Int.self, forKey: .waitStates)
            usableForArena = try container.decode(Bool.self, forKey: .usableForArena)
            // Addresses are written as hex strings ("0x20000000") because JSON has no hex literals.
            if let text = try container.decodeIfPresent(String.self, forKey: .address) {
                guard let value = DeviceProfile.parseAddress(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .address, in: container,
                        debugDescription: "expected a hex address such as \"0x20000000\", got \"\(text)\"")
                }
                address = value
            } else {
                address = nil
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(kind, forKey: .kind)
            try container.encode(waitStates, forKey: .waitStates)
            try container.encode(usableForArena, forKey: .usableForArena)
            if let address {
                try container.encode("0x" + String(address, radix: 16, uppercase: true), forKey: .address)
            }
        }
    }

    public struct L1Cache: Codable, Sendable, Equatable {
        public var icacheBytes: Int
        public var dcacheBytes: Int
        public var lineBytes: Int

        enum CodingKeys: String, CodingKey {
            case icacheBytes = "icache_bytes"
            case dcacheBytes = "dcache_bytes"
            case lineBytes = "line_bytes"
        }
    }

    public struct Power: Codable, Sendable, Equatable {
        /// nil when no datasheet figure was available; see the profile's sources.
        public var runCurrentMilliamps: Double?
        public var supplyVolts: Double
        public var condition: String

        enum CodingKeys: String, CodingKey {
            case runCurrentMilliamps = "run_current_ma"
            case supplyVolts = "supply_v"
            case condition
        }
    }

    public struct Toolchain: Codable, Sendable, Equatable {
        public var compiler: String
        /// The level the firmware is built at; only levels with measured data load.
        public var opt: OptimizationLevel
        public var flags: [String]?

        enum CodingKeys: String, CodingKey {
            case compiler, opt, flags
        }
    }

    public struct ReserveItem: Codable, Sendable, Equatable {
        public var name: String
        public var flashBytes: Int
        public var ramBytes: Int
        public var reason: String
        public var assumption: Bool

        enum CodingKeys: String, CodingKey {
            case name
            case flashBytes = "flash_bytes"
            case ramBytes = "ram_bytes"
            case reason, assumption
        }
    }

    /// Flash and RAM the software stack takes before the model and its arena.
    public struct Reserve: Codable, Sendable, Equatable {
        public var flashBytes: Int
        public var ramBytes: Int
        public var items: [ReserveItem]

        enum CodingKeys: String, CodingKey {
            case flashBytes = "flash_bytes"
            case ramBytes = "ram_bytes"
            case items
        }
    }

    /// Where a value comes from. `verified` says whether the figure was checked against
    /// retrieved text (the datasheet or a vendor file that encodes it); `checked` says how.
    public struct Citation: Codable, Sendable, Equatable {
        public var doc: String
        public var rev: String?
        public var location: String?
        public var note: String?
        public var assumption: Bool?
        public var verified: Bool?
        public var checked: String?

        enum CodingKeys: String, CodingKey {
            case doc, rev
            case location = "where"
            case note, assumption, verified, checked
        }

        public var isAssumption: Bool { assumption ?? false }
        public var isVerified: Bool { verified ?? false }
    }

    public var schemaVersion: Int?
    public var id: String
    public var name: String
    public var board: String
    public var mcu: String
    public var core: Core
    public var fpu: String
    public var clockHz: Int
    public var flash: Flash
    public var ramRegions: [RAMRegion]
    public var l1Cache: L1Cache?
    public var power: Power
    public var toolchain: Toolchain
    public var reserve: Reserve
    /// Field path (e.g. "flash.wait_states", "ram_regions[DTCM].bytes") to its citation.
    public var sources: [String: Citation]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case id, name, board, mcu, core, fpu
        case clockHz = "clock_hz"
        case flash
        case ramRegions = "ram_regions"
        case l1Cache = "l1_cache"
        case power, toolchain, reserve, sources
    }

    static func parseAddress(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("0x"), lower.count > 2 else { return nil }
        return UInt64(lower.dropFirst(2).replacingOccurrences(of: "_", with: ""), radix: 16)
    }
}

// MARK: - Values derived for `fit` and the cost model

extension DeviceProfile {
    /// Every RAM region, arena-usable or not.
    public var totalRAMBytes: Int { ramRegions.reduce(0) { $0 + $1.bytes } }

    /// RAM in regions where an arena may live.
    public var arenaUsableRAMBytes: Int {
        ramRegions.filter(\.usableForArena).reduce(0) { $0 + $1.bytes }
    }

    /// The largest single arena TFLM could get: a tensor arena is one contiguous buffer, so
    /// only arena-usable regions that abut in the address map add up.
    public var largestContiguousArenaBytes: Int {
        let usable = ramRegions.filter(\.usableForArena)
        let placed = usable.compactMap { region in region.address.map { (start: $0, bytes: region.bytes) } }
            .sorted { $0.start < $1.start }
        var best = usable.filter { $0.address == nil }.map(\.bytes).max() ?? 0
        var runStart: UInt64? = nil
        var runEnd: UInt64 = 0
        var runBytes = 0
        for region in placed {
            if runStart != nil, region.start == runEnd {
                runBytes += region.bytes
            } else {
                runStart = region.start
                runBytes = region.bytes
            }
            runEnd = region.start &+ UInt64(region.bytes)
            best = max(best, runBytes)
        }
        return best
    }

    public var flashCapacityBytes: Int { flash.bytes }

    /// TFLM's interpreter, allocator and planner (the reserve item "tflm-framework"): part of
    /// the profile's reserve, but counted on a line of its own in the footprint.
    public var tflmRuntimeFlashBytes: Int { reserve.items.first { $0.name == "tflm-framework" }?.flashBytes ?? 0 }

    /// Flash left for the model and its kernels once the software stack's reserve is taken.
    public var flashAvailableBytes: Int { max(0, flash.bytes - reserve.flashBytes) }

    /// Arena budget: the largest contiguous arena-usable block less the stack's RAM reserve.
    /// Conservative: it assumes the reserve (stacks, statics) lives in that same block, as it
    /// does with the default linker scripts of all three bundled boards.
    public var arenaBudgetBytes: Int { max(0, largestContiguousArenaBytes - reserve.ramBytes) }

    public var hasL1Cache: Bool { l1Cache != nil }

    public func seconds(forCycles cycles: Double) -> Double { cycles / Double(clockHz) }

    public func region(named name: String) -> RAMRegion? { ramRegions.first { $0.name == name } }
}

// MARK: - Validation

/// One problem with a profile, named by its field path.
public struct ProfileIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "field '\(field)': \(message)" }
}

/// The physical range of every number a profile holds. A value outside it is refused at
/// load with its field, so the cost model and footprint never meet a size that overflows
/// (a 32-bit address space bounds every memory; 2 GHz every Cortex-M clock).
public enum ProfileLimits {
    public static let clockHz = 1_000...2_000_000_000
    /// A 32-bit address space: no memory, region end or reserve exceeds it.
    public static let addressSpaceBytes = 1 << 32
    public static let memoryBytes = 1...addressSpaceBytes
    public static let reserveBytes = 0...addressSpaceBytes
    public static let waitStates = 0...15
    public static let accessBits = 8...1024
    /// Flash accelerator and L1 caches: the largest Cortex-M7 L1 is 64 KiB; 1 MiB leaves room.
    public static let cacheBytes = 0...(1 << 20)
    public static let lineBytes = 4...1024
    public static let runCurrentMilliamps = 0.0...1_000.0
    public static let supplyVolts = 0.0...10.0
}

extension DeviceProfile {
    /// Checks the values a decoder cannot: physical ranges, consistency, and that every source names a field.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> ProfileIssue { ProfileIssue(field: field, message: message) }
        func within(_ value: Int, _ range: ClosedRange<Int>, _ field: String, _ unit: String = "") throws {
            guard range.contains(value) else {
                throw fail(field, "\(value)\(unit) is outside the physical range \(range.lowerBound)...\(range.upperBound)\(unit)")
            }
        }
        /// Positive, finite and at most `range.upperBound`.
        func within(_ value: Double, _ range: ClosedRange<Double>, _ field: String, _ unit: String) throws {
            guard value.isFinite, value > range.lowerBound, value <= range.upperBound else {
                throw fail(field, "\(value) \(unit) is outside the physical range (\(range.lowerBound), \(range.upperBound)] \(unit)")
            }
        }

        if let version = schemaVersion, version != Self.currentSchemaVersion {
            throw fail("schema_version", "unsupported version \(version); this mcusim reads version \(Self.currentSchemaVersion)")
        }
        let idCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
        if id.isEmpty || id.count > 64 || !id.allSatisfy({ idCharacters.contains($0) }) {
            throw fail("id", "must be 1 to 64 characters of a-z, 0-9, '-', '_', '.' (got \"\(id.prefix(80))\")")
        }
        for (field, value) in [("name", name), ("board", board), ("mcu", mcu), ("fpu", fpu)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw fail(field, "must not be empty")
        }
        try within(clockHz, ProfileLimits.clockHz, "clock_hz", " Hz")

        try within(flash.bytes, ProfileLimits.memoryBytes, "flash.bytes", " B")
        try within(flash.waitStates, ProfileLimits.waitStates, "flash.wait_states")
        if let bits = flash.accessBits {
            try within(bits, ProfileLimits.accessBits, "flash.access_bits")
            if bits % 8 != 0 { throw fail("flash.access_bits", "must be a multiple of 8 (got \(bits))") }
        }
        let accelerator = flash.accelerator
        for (field, value) in [("icache_bytes", accelerator.icacheBytes), ("dcache_bytes", accelerator.dcacheBytes)] {
            if let value { try within(value, ProfileLimits.cacheBytes, "flash.accelerator.\(field)", " B") }
        }
        if let line = accelerator.lineBytes { try within(line, ProfileLimits.lineBytes, "flash.accelerator.line_bytes", " B") }
        if accelerator.kind == .none {
            if (accelerator.icacheBytes ?? 0) != 0 || (accelerator.dcacheBytes ?? 0) != 0 || accelerator.prefetch {
                throw fail("flash.accelerator.kind", "is \"none\" but cache sizes or prefetch are set")
            }
        }

        if ramRegions.isEmpty { throw fail("ram_regions", "must list at least one region") }
        var seenNames = Set<String>()
        for (index, region) in ramRegions.enumerated() {
            let path = "ram_regions[\(index)]"
            if region.name.isEmpty { throw fail("\(path).name", "must not be empty") }
            if !seenNames.insert(region.name).inserted {
                throw fail("\(path).name", "duplicate region name \"\(region.name)\"")
            }
            try within(region.bytes, ProfileLimits.memoryBytes, "\(path).bytes", " B")
            try within(region.waitStates, ProfileLimits.waitStates, "\(path).wait_states")
            if let start = region.address, start + UInt64(region.bytes) > UInt64(ProfileLimits.addressSpaceBytes) {
                throw fail("\(path).address", "region runs past the end of the 32-bit address space")
            }
        }
        if !ramRegions.contains(where: \.usableForArena) {
            throw fail("ram_regions", "no region is usable_for_arena")
        }

        if let l1 = l1Cache {
            // The Cortex-M4 has no L1 cache; caches in front of its flash belong in flash.accelerator.
            if core == .cortexM4 { throw fail("l1_cache", "a cortex-m4 has no L1 cache") }
            for (field, value) in [("icache_bytes", l1.icacheBytes), ("dcache_bytes", l1.dcacheBytes)] {
                try within(value, 1...ProfileLimits.cacheBytes.upperBound, "l1_cache.\(field)", " B")
            }
            try within(l1.lineBytes, ProfileLimits.lineBytes, "l1_cache.line_bytes", " B")
        }

        if let current = power.runCurrentMilliamps {
            try within(current, ProfileLimits.runCurrentMilliamps, "power.run_current_ma", "mA")
        }
        try within(power.supplyVolts, ProfileLimits.supplyVolts, "power.supply_v", "V")

        if toolchain.compiler.isEmpty { throw fail("toolchain.compiler", "must not be empty") }

        try within(reserve.flashBytes, ProfileLimits.reserveBytes, "reserve.flash_bytes", " B")
        try within(reserve.ramBytes, ProfileLimits.reserveBytes, "reserve.ram_bytes", " B")
        var itemFlash = 0
        var itemRAM = 0
        var itemNames = Set<String>()
        for (index, item) in reserve.items.enumerated() {
            let path = "reserve.items[\(index)]"
            if item.name.isEmpty { throw fail("\(path).name", "must not be empty") }
            if !itemNames.insert(item.name).inserted { throw fail("\(path).name", "duplicate item name \"\(item.name)\"") }
            try within(item.flashBytes, ProfileLimits.reserveBytes, "\(path).flash_bytes", " B")
            try within(item.ramBytes, ProfileLimits.reserveBytes, "\(path).ram_bytes", " B")
            if item.reason.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("\(path).reason", "must say why") }
            // Each item is at most 4 GiB and a file holds at most a few thousand: no overflow.
            itemFlash += item.flashBytes
            itemRAM += item.ramBytes
        }
        if !reserve.items.isEmpty {
            if itemFlash != reserve.flashBytes {
                throw fail("reserve.flash_bytes", "is \(reserve.flashBytes) but the items add up to \(itemFlash)")
            }
            if itemRAM != reserve.ramBytes {
                throw fail("reserve.ram_bytes", "is \(reserve.ramBytes) but the items add up to \(itemRAM)")
            }
        }
        if reserve.flashBytes > flash.bytes {
            throw fail("reserve.flash_bytes", "\(reserve.flashBytes) exceeds flash.bytes \(flash.bytes)")
        }
        if reserve.ramBytes > totalRAMBytes {
            throw fail("reserve.ram_bytes", "\(reserve.ramBytes) exceeds total RAM \(totalRAMBytes)")
        }

        let known = knownFieldPaths
        for key in sources.keys.sorted() {
            if !known.contains(key) { throw fail("sources.\(key)", "does not name a field of this profile") }
            if let citation = sources[key], citation.doc.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("sources.\(key).doc", "must name the document")
            }
        }
    }

    /// Paths a `sources` key may use. Array elements are addressed by their name, which stays
    /// stable when regions or items are reordered: "ram_regions[DTCM].bytes".
    public var knownFieldPaths: Set<String> {
        var paths: Set<String> = [
            "schema_version", "id", "name", "board", "mcu", "core", "fpu", "clock_hz",
            "flash", "flash.bytes", "flash.wait_states", "flash.access_bits", "flash.interface",
            "flash.accelerator", "flash.accelerator.kind", "flash.accelerator.prefetch",
            "flash.accelerator.icache_bytes", "flash.accelerator.dcache_bytes", "flash.accelerator.line_bytes",
            "ram_regions", "power", "power.run_current_ma", "power.supply_v", "power.condition",
            "toolchain", "toolchain.compiler", "toolchain.opt", "toolchain.flags",
            "reserve", "reserve.flash_bytes", "reserve.ram_bytes", "reserve.items",
        ]
        if l1Cache != nil {
            paths.formUnion(["l1_cache", "l1_cache.icache_bytes", "l1_cache.dcache_bytes", "l1_cache.line_bytes"])
        }
        for region in ramRegions {
            let base = "ram_regions[\(region.name)]"
            paths.insert(base)
            for field in ["bytes", "kind", "wait_states", "usable_for_arena", "address"] { paths.insert("\(base).\(field)") }
        }
        for item in reserve.items {
            let base = "reserve.items[\(item.name)]"
            paths.insert(base)
            for field in ["flash_bytes", "ram_bytes"] { paths.insert("\(base).\(field)") }
        }
        return paths
    }
}
