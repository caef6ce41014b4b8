import Foundation
import XCTest
@testable import Devices

final class DeviceProfileTests: XCTestCase {
    // MARK: Helpers

    private static var packageRoot: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return directory
    }

    private static var bundledDirectory: URL { packageRoot.appendingPathComponent("Profiles") }

    private func bundled(_ id: String) throws -> DeviceProfile {
        try ProfileLoader.load(file: Self.bundledDirectory.appendingPathComponent("\(id).json"))
    }

    private func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcusim-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The bundled F411 profile as a mutable JSON object, to derive user and broken profiles from.
    private func f411JSON() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.bundledDirectory.appendingPathComponent("stm32f411re.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func write(_ object: [String: Any], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Writes `object` as `name` in a fresh directory and returns the loader's error for it.
    private func loadError(_ object: [String: Any], name: String = "broken.json") throws -> ProfileError {
        let directory = try makeTemporaryDirectory()
        let file = directory.appendingPathComponent(name)
        try write(object, to: file)
        do {
            _ = try ProfileLoader.load(file: file)
        } catch let error as ProfileError {
            XCTAssertEqual(error.file, file.path, "error should name the file")
            XCTAssertTrue(error.description.contains(name), "description should name the file: \(error)")
            return error
        }
        XCTFail("expected \(name) to be rejected")
        throw ProfileError.unreadable(file: file.path, reason: "unexpectedly loaded")
    }

    // MARK: Bundled profiles against the datasheets

    func testBundledCatalogHasTheThreeBoards() throws {
        let catalog = try ProfileLoader.load(directories: [.init(url: Self.bundledDirectory, origin: .bundled)])
        XCTAssertEqual(catalog.ids, ["nano33ble", "stm32f411re", "stm32f746zg"])
        XCTAssertTrue(catalog.notes.isEmpty, "no overrides expected: \(catalog.notes)")
        for id in catalog.ids {
            XCTAssertEqual(try catalog.entry(id: id).origin, .bundled)
        }
    }

    func testNano33BLEMatchesNRF52840AndArduinoCore() throws {
        let profile = try bundled("nano33ble")
        XCTAssertEqual(profile.core, .cortexM4)
        XCTAssertEqual(profile.clockHz, 64_000_000)                 // nRF52840 PS: 64 MHz Cortex-M4F
        XCTAssertEqual(profile.flashCapacityBytes, 1_048_576)       // 1 MB; core cflags MBED_ROM_SIZE=0x100000
        XCTAssertEqual(profile.totalRAMBytes, 262_144)              // 256 kB; MBED_RAM_SIZE=0x40000
        XCTAssertEqual(profile.flash.accelerator.kind, .nvmcICache)
        XCTAssertEqual(profile.flash.accelerator.dcacheBytes, 0)    // I-code cache only
        XCTAssertNil(profile.l1Cache)
        XCTAssertEqual(profile.toolchain.opt, .os)                 // Arduino core cflags.txt
        // Arduino memory layout: bootloader below APPLICATION_ADDR 0x10000, 32 KiB main-thread stack.
        let items = Dictionary(uniqueKeysWithValues: profile.reserve.items.map { ($0.name, $0) })
        XCTAssertEqual(items["bootloader"]?.flashBytes, 0x10000)
        XCTAssertEqual(items["main-thread-stack"]?.ramBytes, 32_768)
        XCTAssertEqual(items["isr-stack"]?.ramBytes, 2_048)
        // What the sketch can use is what boards.txt allows: upload.maximum_size 983040 = 1 MiB - 0x10000.
        XCTAssertEqual(profile.flash.bytes - (items["bootloader"]?.flashBytes ?? 0), 983_040)
    }

    func testSTM32F411REMatchesRM0383() throws {
        let profile = try bundled("stm32f411re")
        XCTAssertEqual(profile.core, .cortexM4)
        XCTAssertEqual(profile.clockHz, 100_000_000)
        XCTAssertEqual(profile.flash.bytes, 524_288)                // 0x08000000-0x0807FFFF
        XCTAssertEqual(profile.flash.waitStates, 3)                 // 2.7-3.6 V, 90 < HCLK <= 100 MHz
        XCTAssertEqual(profile.flash.accessBits, 128)
        XCTAssertEqual(profile.flash.accelerator.kind, .art)
        XCTAssertTrue(profile.flash.accelerator.prefetch)
        XCTAssertEqual(profile.flash.accelerator.icacheBytes, 64 * 16)   // 64 lines of 128 bits
        XCTAssertEqual(profile.flash.accelerator.dcacheBytes, 8 * 16)    // 8 lines of 128 bits
        XCTAssertEqual(profile.flash.accelerator.lineBytes, 16)
        XCTAssertEqual(profile.ramRegions.map(\.bytes), [131_072])  // SRAM1 128 KB
        XCTAssertEqual(profile.largestContiguousArenaBytes, 131_072)
        XCTAssertNil(profile.l1Cache)
    }

    func testSTM32F746ZGMatchesRM0385() throws {
        let profile = try bundled("stm32f746zg")
        XCTAssertEqual(profile.core, .cortexM7)
        XCTAssertEqual(profile.clockHz, 216_000_000)
        XCTAssertEqual(profile.flash.bytes, 1_048_576)              // 0x08000000-0x080FFFFF
        XCTAssertEqual(profile.flash.waitStates, 7)                 // 2.7-3.6 V, 210 < HCLK <= 216 MHz
        XCTAssertEqual(profile.region(named: "DTCM")?.bytes, 65_536)
        XCTAssertEqual(profile.region(named: "DTCM")?.kind, .dtcm)
        XCTAssertEqual(profile.region(named: "SRAM1")?.bytes, 245_760)
        XCTAssertEqual(profile.region(named: "SRAM2")?.bytes, 16_384)
        XCTAssertEqual(profile.region(named: "ITCM")?.bytes, 16_384)
        XCTAssertEqual(profile.region(named: "ITCM")?.kind, .itcm)
        XCTAssertEqual(profile.region(named: "ITCM")?.usableForArena, false)
        XCTAssertEqual(profile.l1Cache, DeviceProfile.L1Cache(icacheBytes: 4_096, dcacheBytes: 4_096, lineBytes: 32))
        // 320 KB of data RAM (DTCM + SRAM1 + SRAM2) plus 16 KB ITCM.
        XCTAssertEqual(profile.arenaUsableRAMBytes, 327_680)
        XCTAssertEqual(profile.totalRAMBytes, 344_064)
        // DTCM 0x20000000+64K = SRAM1 0x20010000, +240K = SRAM2 0x2004C000: one 320 KB block.
        XCTAssertEqual(profile.largestContiguousArenaBytes, 327_680)
    }

    func testDerivedBudgetsSubtractTheReserve() throws {
        let nano = try bundled("nano33ble")
        // Reserve items: 64 KiB + 512 + 80 KiB + 9732 flash; 12 KiB + 512 + 32 KiB + 2 KiB + 1 KiB RAM.
        XCTAssertEqual(nano.reserve.flashBytes, 65_536 + 512 + 81_920 + 9_732)
        XCTAssertEqual(nano.reserve.ramBytes, 12_288 + 512 + 32_768 + 2_048 + 1_024)
        XCTAssertEqual(nano.flashAvailableBytes, 1_048_576 - 157_700)
        XCTAssertEqual(nano.arenaBudgetBytes, 262_144 - 48_640)
        let f7 = try bundled("stm32f746zg")
        XCTAssertEqual(f7.arenaBudgetBytes, 327_680 - 6_144)
        XCTAssertEqual(f7.seconds(forCycles: 216_000_000), 1.0, accuracy: 1e-12)
    }

    func testBundledProfilesCiteTheirKeyFigures() throws {
        for id in ["nano33ble", "stm32f411re", "stm32f746zg"] {
            let profile = try bundled(id)
            var required = ["clock_hz", "flash.bytes", "flash.wait_states", "flash.accelerator.kind", "toolchain.opt", "power.supply_v"]
            required += profile.ramRegions.map { "ram_regions[\($0.name)].bytes" }
            required += profile.reserve.items.map { "reserve.items[\($0.name)]" }
            if profile.power.runCurrentMilliamps != nil { required.append("power.run_current_ma") }
            if profile.l1Cache != nil { required += ["l1_cache.icache_bytes", "l1_cache.dcache_bytes", "l1_cache.line_bytes"] }
            for path in required {
                XCTAssertNotNil(profile.sources[path], "\(id): no source for \(path)")
            }
            // An item marked as an assumption must say so in its citation too.
            for item in profile.reserve.items where item.assumption {
                XCTAssertEqual(profile.sources["reserve.items[\(item.name)]"]?.isAssumption, true, "\(id): \(item.name)")
            }
        }
    }

    func testProfileRoundTripsThroughJSON() throws {
        let profile = try bundled("stm32f746zg")
        let data = try JSONEncoder().encode(profile)
        XCTAssertEqual(try ProfileLoader.decode(data, file: "round-trip"), profile)
    }

    // MARK: User directories

    func testUserDirectoryAddsAndOverridesProfiles() throws {
        let userDirectory = try makeTemporaryDirectory()
        var custom = try f411JSON()
        custom["id"] = "custom-f411"
        custom["clock_hz"] = 84_000_000
        try write(custom, to: userDirectory.appendingPathComponent("custom.json"))
        var override = try f411JSON()
        override["clock_hz"] = 96_000_000
        try write(override, to: userDirectory.appendingPathComponent("f411-slower.json"))

        let directories = ProfileLoader.searchDirectories(
            commandLineDirectories: [userDirectory.path], environment: [:], bundledDirectory: Self.bundledDirectory)
        XCTAssertEqual(directories.map(\.origin), [.bundled, .commandLine])
        let catalog = try ProfileLoader.load(directories: directories)

        XCTAssertEqual(catalog.ids, ["custom-f411", "nano33ble", "stm32f411re", "stm32f746zg"])
        let added = try catalog.entry(id: "custom-f411")
        XCTAssertEqual(added.profile.clockHz, 84_000_000)
        XCTAssertEqual(added.origin, .commandLine)
        XCTAssertEqual(added.file.lastPathComponent, "custom.json")

        let replaced = try catalog.entry(id: "stm32f411re")
        XCTAssertEqual(replaced.profile.clockHz, 96_000_000)
        XCTAssertEqual(replaced.file.lastPathComponent, "f411-slower.json")
        XCTAssertEqual(replaced.overrides.map(\.lastPathComponent), ["stm32f411re.json"])
        XCTAssertEqual(catalog.notes.count, 1)
        XCTAssertTrue(catalog.notes[0].contains("stm32f411re") && catalog.notes[0].contains("overrides"), catalog.notes[0])
    }

    func testSearchOrderIsBundledThenEnvironmentThenCommandLine() {
        let directories = ProfileLoader.searchDirectories(
            commandLineDirectories: ["/cli"], environment: ["MCUSIM_PROFILES": "/env/a::/env/b"],
            bundledDirectory: URL(fileURLWithPath: "/bundled"))
        XCTAssertEqual(directories.map(\.url.path), ["/bundled", "/env/a", "/env/b", "/cli"])
        XCTAssertEqual(directories.map(\.origin), [.bundled, .environment, .environment, .commandLine])
    }

    func testMissingUserDirectoryIsAnError() {
        let missing = "/nonexistent-\(UUID().uuidString)"
        XCTAssertThrowsError(try ProfileLoader.load(directories: [.init(url: URL(fileURLWithPath: missing), origin: .commandLine)])) { error in
            XCTAssertEqual(error as? ProfileError, .missingDirectory(path: missing, origin: "--profiles"))
        }
    }

    func testTwoFilesWithOneIDInADirectoryAreRejected() throws {
        let directory = try makeTemporaryDirectory()
        try write(try f411JSON(), to: directory.appendingPathComponent("a.json"))
        try write(try f411JSON(), to: directory.appendingPathComponent("b.json"))
        // The catalog loads (the bundled boards stay usable); the doubly defined id does not.
        let catalog = try ProfileLoader.load(directories: [.init(url: Self.bundledDirectory, origin: .bundled),
                                                           .init(url: directory, origin: .environment)])
        XCTAssertEqual(catalog.ids, ["nano33ble", "stm32f746zg"])
        XCTAssertThrowsError(try catalog.entry(id: "stm32f411re")) { error in
            guard case let .duplicateID(id, first, second)? = error as? ProfileError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(id, "stm32f411re")
            XCTAssertTrue(first.hasSuffix("a.json") && second.hasSuffix("b.json"))
        }
    }

    func testUnknownProfileIDListsTheKnownOnes() throws {
        let catalog = try ProfileLoader.load(directories: [.init(url: Self.bundledDirectory, origin: .bundled)])
        XCTAssertThrowsError(try catalog.profile(id: "esp32")) { error in
            XCTAssertEqual(error as? ProfileError, .unknownProfile(id: "esp32", known: ["nano33ble", "stm32f411re", "stm32f746zg"]))
        }
    }

    // MARK: Finding the bundled directory

    func testBundledDirectoryIsFoundInTheSourceTree() {
        let found = ProfileLoader.bundledProfilesDirectory(executableURL: nil)
        XCTAssertEqual(found?.standardizedFileURL.path, Self.bundledDirectory.standardizedFileURL.path)
    }

    func testBundledDirectoryNextToTheExecutableWins() throws {
        let root = try makeTemporaryDirectory()
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin.appendingPathComponent("Profiles"), withIntermediateDirectories: true)
        let found = ProfileLoader.bundledProfilesDirectory(executableURL: bin.appendingPathComponent("mcusim"))
        XCTAssertEqual(found?.path, bin.appendingPathComponent("Profiles").standardizedFileURL.path)
    }

    func testBundledDirectoryInShareLayout() throws {
        let root = try makeTemporaryDirectory()
        let share = root.appendingPathComponent("share/mcusim/Profiles")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let found = ProfileLoader.bundledProfilesDirectory(executableURL: root.appendingPathComponent("bin/mcusim"))
        XCTAssertEqual(found?.path, share.standardizedFileURL.path)
    }

    // MARK: Malformed profiles name the file and the field

    func testMissingFieldIsNamed() throws {
        var json = try f411JSON()
        json.removeValue(forKey: "clock_hz")
        let error = try loadError(json)
        XCTAssertEqual(error.field, "clock_hz")
        XCTAssertTrue(error.description.contains("'clock_hz'"), error.description)
    }

    func testWrongTypeIsNamedWithItsPath() throws {
        var json = try f411JSON()
        var flash = try XCTUnwrap(json["flash"] as? [String: Any])
        flash["wait_states"] = "three"
        json["flash"] = flash
        XCTAssertEqual(try loadError(json).field, "flash.wait_states")
    }

    func testOutOfRangeValuesAreRejected() throws {
        var json = try f411JSON()
        json["clock_hz"] = 0
        XCTAssertEqual(try loadError(json).field, "clock_hz")

        json = try f411JSON()
        json["core"] = "cortex-m55"
        XCTAssertEqual(try loadError(json).field, "core")

        json = try f411JSON()
        var regions = try XCTUnwrap(json["ram_regions"] as? [[String: Any]])
        regions[0]["bytes"] = -1
        json["ram_regions"] = regions
        XCTAssertEqual(try loadError(json).field, "ram_regions[0].bytes")

        json = try f411JSON()
        regions = try XCTUnwrap(json["ram_regions"] as? [[String: Any]])
        regions[0]["address"] = "20000000"
        json["ram_regions"] = regions
        XCTAssertEqual(try loadError(json).field, "ram_regions[0].address")
    }

    func testMisspeltKeyIsRejectedNotIgnored() throws {
        var json = try f411JSON()
        var flash = try XCTUnwrap(json["flash"] as? [String: Any])
        flash["access_bit"] = 128
        json["flash"] = flash
        XCTAssertEqual(try loadError(json).field, "flash.access_bit")
    }

    func testReserveTotalsMustMatchItems() throws {
        var json = try f411JSON()
        var reserve = try XCTUnwrap(json["reserve"] as? [String: Any])
        reserve["flash_bytes"] = 1
        json["reserve"] = reserve
        XCTAssertEqual(try loadError(json).field, "reserve.flash_bytes")
    }

    func testL1CacheOnCortexM4IsRejected() throws {
        var json = try f411JSON()
        json["l1_cache"] = ["icache_bytes": 4096, "dcache_bytes": 4096, "line_bytes": 32]
        XCTAssertEqual(try loadError(json).field, "l1_cache")
    }

    func testSourceForUnknownFieldIsRejected() throws {
        var json = try f411JSON()
        var sources = try XCTUnwrap(json["sources"] as? [String: Any])
        sources["flash.waitstates"] = ["doc": "RM0383"]
        json["sources"] = sources
        XCTAssertEqual(try loadError(json).field, "sources.flash.waitstates")
    }

    func testInvalidJSONNamesTheFile() throws {
        let directory = try makeTemporaryDirectory()
        let file = directory.appendingPathComponent("truncated.json")
        try Data("{ \"id\": \"x\", ".utf8).write(to: file)
        XCTAssertThrowsError(try ProfileLoader.load(file: file)) { error in
            guard case let .unreadable(path, _)? = error as? ProfileError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, file.path)
        }
    }
}
