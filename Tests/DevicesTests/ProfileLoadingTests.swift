import Foundation
import XCTest
@testable import Devices

/// Hostile and unsupported profile files, each written by the test into a temporary
/// directory: every one is refused at load with its file and field, none traps later, and
/// one bad file among good ones leaves the others usable.
final class ProfileLoadingTests: XCTestCase {
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

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcusim-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The bundled F411 profile's text, to derive hostile variants from by text substitution
    /// (so numbers JSONSerialization cannot write, and duplicate keys, can be made).
    private func f411Text() throws -> String {
        try String(contentsOf: Self.bundledDirectory.appendingPathComponent("stm32f411re.json"), encoding: .utf8)
    }

    private func replacing(_ text: String, _ old: String, _ new: String) throws -> String {
        XCTAssertTrue(text.contains(old), "the bundled F411 profile no longer contains \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    /// Writes `text` as `name` and returns the loader's error for it.
    private func error(loading text: String, name: String = "hostile.json") throws -> ProfileError {
        let file = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        do {
            _ = try ProfileLoader.load(file: file)
        } catch let error as ProfileError {
            XCTAssertEqual(error.file, file.path)
            return error
        }
        XCTFail("\(name) loaded")
        throw ProfileError.unreadable(file: file.path, reason: "loaded")
    }

    // MARK: Cores and -O levels without data

    func testCoresBeyondTheModelledOnesAreUnsupportedAndSaySoByName() throws {
        for core in ["cortex-m0plus", "cortex-m33"] {
            let text = try replacing(try f411Text(), "\"core\": \"cortex-m4\"", "\"core\": \"\(core)\"")
            let error = try error(loading: text)
            XCTAssertTrue(error.isUnsupported, "\(core): \(error)")
            XCTAssertEqual(error.field, "core")
            XCTAssertTrue(error.description.hasSuffix("field 'core': unsupported core \"\(core)\"; mcusim models cortex-m4, cortex-m7"), error.description)
        }
    }

    func testOptimisationLevelsWithoutDataAreUnsupported() throws {
        for level in ["-O0", "-Og", "-O1"] {
            let text = try replacing(try f411Text(), "\"opt\": \"-O2\"", "\"opt\": \"\(level)\"")
            let error = try error(loading: text)
            XCTAssertTrue(error.isUnsupported, "\(level): \(error)")
            XCTAssertEqual(error.field, "toolchain.opt")
            XCTAssertTrue(error.description.hasSuffix("no measured kernel data for \(level); supported levels: -Os, -O2, -O3"), error.description)
        }
        // Not an -O level at all: invalid, not unsupported.
        let text = try replacing(try f411Text(), "\"opt\": \"-O2\"", "\"opt\": \"fast\"")
        let invalid = try error(loading: text)
        XCTAssertFalse(invalid.isUnsupported)
        XCTAssertEqual(invalid.field, "toolchain.opt")
    }

    func testEnumeratedValuesListTheAllowedOnes() throws {
        let text = try replacing(try f411Text(), "\"kind\": \"art\"", "\"kind\": \"cache\"")
        let error = try error(loading: text)
        XCTAssertEqual(error.field, "flash.accelerator.kind")
        XCTAssertTrue(error.description.hasSuffix("expected one of art, nvmc-icache, none, got \"cache\""), error.description)
    }

    // MARK: Numbers bounded at load

    func testCacheSizeNearIntMaxIsRefusedWithItsField() throws {
        // Fits an Int (the decoder takes it) but no cache: refused by the physical range.
        var text = try replacing(try f411Text(), "\"dcache_bytes\": 128", "\"dcache_bytes\": 1099511627776")
        let large = try error(loading: text)
        XCTAssertEqual(large.field, "flash.accelerator.dcache_bytes")
        XCTAssertTrue(large.description.contains("1099511627776 B is outside the physical range 0...1048576 B"), large.description)
        // Int.max - 807: a Double rounds it up past Int.max; refused before any conversion.
        text = try replacing(try f411Text(), "\"dcache_bytes\": 128", "\"dcache_bytes\": 9223372036854775000")
        let huge = try error(loading: text)
        XCTAssertEqual(huge.field, "flash.accelerator.dcache_bytes")
        XCTAssertTrue(huge.description.contains("out of range"), huge.description)
    }

    func testTooBigNumberIsReportedAtItsFieldNotTheRoot() throws {
        let text = try replacing(try f411Text(), "\"clock_hz\": 100000000", "\"clock_hz\": 1e300")
        XCTAssertEqual(try error(loading: text).field, "clock_hz")
        let nested = try replacing(try f411Text(), "\"bytes\": 131072", "\"bytes\": 123456789012345678901234567890")
        XCTAssertEqual(try error(loading: nested).field, "ram_regions[0].bytes")
    }

    func testEveryFigureHasAPhysicalRange() throws {
        let cases: [(old: String, new: String, field: String)] = [
            ("\"clock_hz\": 100000000", "\"clock_hz\": 3000000000", "clock_hz"),
            ("\"wait_states\": 3", "\"wait_states\": 16", "flash.wait_states"),
            ("\"access_bits\": 128", "\"access_bits\": 4096", "flash.access_bits"),
            ("\"line_bytes\": 16", "\"line_bytes\": 65536", "flash.accelerator.line_bytes"),
            ("\"bytes\": 131072", "\"bytes\": 8589934592", "ram_regions[0].bytes"),
            ("\"run_current_ma\": 22.5", "\"run_current_ma\": 5000", "power.run_current_ma"),
            ("\"supply_v\": 3.3", "\"supply_v\": 33", "power.supply_v"),
            ("\"address\": \"0x20000000\"", "\"address\": \"0xFFFFF000\"", "ram_regions[0].address"),
        ]
        for c in cases {
            let text = try replacing(try f411Text(), c.old, c.new)
            XCTAssertEqual(try error(loading: text).field, c.field, c.new)
        }
    }

    // MARK: Duplicate keys and file size

    func testDuplicateKeysAreRefusedWithTheirPath() throws {
        let top = try replacing(try f411Text(), "\"clock_hz\": 100000000,", "\"clock_hz\": 100000000,\n  \"clock_hz\": 1,")
        let error = try error(loading: top)
        XCTAssertEqual(error.field, "clock_hz")
        XCTAssertTrue(error.description.contains("duplicate key \"clock_hz\" (line "), error.description)
        let nested = try replacing(try f411Text(), "\"wait_states\": 3,", "\"wait_states\": 3,\n    \"wait_states\": 0,")
        XCTAssertEqual(try self.error(loading: nested).field, "flash.wait_states")
        let inArray = try replacing(try f411Text(), "\"name\": \"SRAM\",", "\"name\": \"SRAM\", \"name\": \"SRAM2\",")
        XCTAssertEqual(try self.error(loading: inArray).field, "ram_regions[0].name")
    }

    func testOversizedFileIsRefusedUnread() throws {
        // A valid profile padded past the 1 MiB limit with whitespace: refused by size, not parsed.
        let text = try f411Text() + String(repeating: " ", count: ProfileLoader.maxFileBytes)
        let error = try error(loading: text, name: "huge.json")
        guard case .unreadable(_, let reason) = error else { return XCTFail("unexpected \(error)") }
        XCTAssertTrue(reason.contains("larger than 1048576 bytes"), reason)
    }

    // MARK: One bad file among good ones

    func testOneInvalidFileDoesNotStopTheOthers() throws {
        let directory = try temporaryDirectory()
        var good = try replacing(try f411Text(), "\"id\": \"stm32f411re\"", "\"id\": \"good-board\"")
        good = try replacing(good, "\"run_current_ma\": 22.5", "\"run_current_ma\": 20")
        try Data(good.utf8).write(to: directory.appendingPathComponent("good.json"))
        let m33 = try replacing(try replacing(try f411Text(), "\"id\": \"stm32f411re\"", "\"id\": \"m33-board\""),
                                "\"core\": \"cortex-m4\"", "\"core\": \"cortex-m33\"")
        try Data(m33.utf8).write(to: directory.appendingPathComponent("m33.json"))
        try Data("{ \"id\": ".utf8).write(to: directory.appendingPathComponent("truncated.json"))

        let catalog = try ProfileLoader.load(directories: [.init(url: Self.bundledDirectory, origin: .bundled),
                                                           .init(url: directory, origin: .commandLine)])
        XCTAssertEqual(catalog.ids, ["good-board", "nano33ble", "stm32f411re", "stm32f746zg"])
        XCTAssertEqual(try catalog.profile(id: "good-board").power.runCurrentMilliamps, 20)
        XCTAssertEqual(catalog.invalid.map(\.id), ["m33-board", "truncated"])
        // Selecting a bad one gives its own error.
        XCTAssertThrowsError(try catalog.profile(id: "m33-board")) { error in
            XCTAssertEqual((error as? ProfileError)?.isUnsupported, true)
            XCTAssertEqual((error as? ProfileError)?.field, "core")
        }
        XCTAssertThrowsError(try catalog.profile(id: "truncated")) { error in
            guard case .unreadable(let file, let reason)? = error as? ProfileError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(file.hasSuffix("truncated.json"))
            XCTAssertTrue(reason.hasPrefix("invalid JSON at line 1, column "), reason)
        }
    }

    func testBrokenOverrideHidesTheProfileItMeantToReplace() throws {
        let directory = try temporaryDirectory()
        let broken = try replacing(try f411Text(), "\"wait_states\": 3", "\"wait_states\": 99")
        try Data(broken.utf8).write(to: directory.appendingPathComponent("f411-mine.json"))
        let catalog = try ProfileLoader.load(directories: [.init(url: Self.bundledDirectory, origin: .bundled),
                                                           .init(url: directory, origin: .environment)])
        // The user meant their own F411: using the bundled one quietly would be wrong.
        XCTAssertThrowsError(try catalog.profile(id: "stm32f411re")) { error in
            XCTAssertEqual((error as? ProfileError)?.field, "flash.wait_states")
        }
        XCTAssertEqual(catalog.ids, ["nano33ble", "stm32f746zg"])
        XCTAssertTrue(catalog.notes.contains { $0.contains("hides 'stm32f411re'") }, "\(catalog.notes)")
    }

    /// The validation page's profile (docs/validation.md) must keep loading as the schema evolves.
    func testValidationProfileLoads() throws {
        let profile = try ProfileLoader.load(file: Self.packageRoot.appendingPathComponent("docs/validation/profiles/nucleo-l4r5zi.json"))
        XCTAssertEqual(profile.clockHz, 120_000_000)        // the submission's system description
        XCTAssertEqual(profile.flash.waitStates, 5)         // L4+ at 120 MHz, range 1
        XCTAssertEqual(profile.toolchain.opt, .os)          // mbed's default develop profile
        XCTAssertFalse(profile.flash.accelerator.prefetch)  // mbed-os hal_conf: PREFETCH_ENABLE 0
    }
}
