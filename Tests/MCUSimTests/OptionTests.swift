import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// The command line from declarations: usage and help list every declared option, typed
/// options are built and validated in one place, and the rough edges of issue #13 (headroom
/// as a percentage, device ids in any case, programs on PATH, profile JSON positions, the
/// reserve, verdict percentages, baseline wording, shares that add up).
final class OptionTests: XCTestCase {
    var kws: String { SharedReference.examplesDirectory.appendingPathComponent("models/kws_dscnn_int8.tflite").path }
    var mnist: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }

    func json(_ result: CLIResult) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], result.err)
    }

    // MARK: Declarations

    /// Usage lines and help come from the declarations, so none can leave an option out.
    func testUsageAndHelpListEveryDeclaredOption() {
        for command in MCUSimCLI.commands {
            let spec = command.spec
            let help = spec.helpText()
            XCTAssertTrue(help.contains("USAGE: \(spec.usage)\n"), spec.name)
            for option in spec.options {
                XCTAssertTrue(spec.usage.contains(option.synopsis), "\(spec.name) usage lacks \(option.synopsis)")
                XCTAssertTrue(help.contains("  \(option.synopsis) "), "\(spec.name) help lacks \(option.synopsis)")
            }
            XCTAssertTrue(help.split(separator: "\n").allSatisfy { $0.count <= CommandSpec.helpWidth || !$0.hasPrefix("  ") }, spec.name)
        }
        let run = RunCommand.spec.usage
        for option in ["--repeat N", "--device ID", "--opt -Os|-O2|-O3", "--reserve flash=SIZE,ram=SIZE", "--profiles DIR]...", "--input FILE.npy]..."] {
            XCTAssertTrue(run.contains(option), "run usage: \(run)")
        }
        XCTAssertTrue(ReportCommand.spec.usage.hasPrefix("mcusim report MODEL.tflite --device ID --out FILE [--svg]"), "required options unbracketed")
    }

    func testTypedOptionsAreBuiltAndValidated() throws {
        let run = try XCTUnwrap(try RunCommand.options(["m.tflite", "--input=a.npy", "--input", "b.npz", "--arena-size", "96KB", "--repeat", "3",
                                                        "--device", "nano33ble", "--opt", "O3", "--reserve", "flash=64KB", "--json"]))
        XCTAssertEqual(run.model, "m.tflite")
        XCTAssertEqual(run.inputs, ["a.npy", "b.npz"])
        XCTAssertEqual(run.arenaSize, 98_304)
        XCTAssertEqual(run.repeats, 3)
        XCTAssertEqual(run.simulation.optimization, .o3)
        XCTAssertEqual(run.simulation.reserve, SoftwareReserve(flash: 65_536, ram: nil))
        XCTAssertTrue(run.output.json)
        XCTAssertNil(try RunCommand.options(["--help"]), "help asked for")

        let errors: [(Command.Type, [String], String)] = [
            (RunCommand.self, ["m", "--input", "a.npy", "--random", "2"], "--input and --random are exclusive"),
            (RunCommand.self, ["m", "--reserve", "ram=1KB"], "--opt and --reserve need --device"),
            (RunCommand.self, ["m", "--repeat", "0"], "--repeat must be at least 1"),
            (RunCommand.self, ["m", "--repeat", "x"], "--repeat expects an integer, got 'x'"),
            (RunCommand.self, ["m", "--kernels", "fast"], "--kernels expects cmsis-nn or reference, got 'fast'"),
            (RunCommand.self, ["m", "--reserve", "rom=1KB"], "--reserve: unknown part 'rom' (flash or ram)"),
            (RunCommand.self, ["m", "--repeat", "1", "--repeat", "2"], "option '--repeat' given more than once"),
            (RunCommand.self, ["m", "--devise", "x"], "unknown option '--devise'; did you mean '--device'?"),
            (RunCommand.self, [], "expected 1 argument, got 0 (usage: mcusim run MODEL.tflite [--input FILE.npy]..."),
            (FitCommand.self, ["m", "--headroom", "120%"], "--headroom must be in (0, 1], got '120%'"),
            (FitCommand.self, ["m", "--headroom", "most"], "--headroom expects a fraction such as 0.8 or a percentage such as 80%, got 'most'"),
            (ReportCommand.self, ["m", "--out", "r.html"], "report needs --device ID (see 'mcusim devices')"),
            (ReportCommand.self, ["m", "--device", "x", "--out", "r.html", "--svg"], "--svg writes an SVG file, but --out r.html names an HTML file"),
            (BenchCommand.self, ["m", "--seconds", "0"], "--seconds must be in (0, 600]"),
            (BenchCommand.self, [], "expected at least 1 argument, got 0"),
        ]
        for (command, args, message) in errors {
            let result = runCLI([command.spec.name] + args)
            XCTAssertEqual(result.code, 2, "\(args)")
            XCTAssertTrue(result.err.hasPrefix("mcusim: error: \(message)"), "\(args): \(result.err)")
        }
    }

    // MARK: Issue #13 rough edges

    func testHeadroomAcceptsAPercentage() throws {
        let fraction = try json(runCLI(["fit", mnist, "--device", "nano33ble", "--headroom", "0.5", "--json"]))
        let percent = try json(runCLI(["fit", mnist, "--device", "nano33ble", "--headroom", "50%", "--json"]))
        XCTAssertEqual(percent["headroom"] as? Double, 0.5)
        XCTAssertEqual(NSDictionary(dictionary: percent), NSDictionary(dictionary: fraction))
        XCTAssertTrue(runCLI(["fit", mnist, "--device", "nano33ble", "--headroom", "62.5%"]).out.contains("headroom 62.5%"))
    }

    func testDeviceIDsMatchWithoutCase() throws {
        let upper = runCLI(["fit", mnist, "--device", "STM32F411RE", "--json"])
        XCTAssertEqual(upper.code, 0, upper.err)
        XCTAssertEqual((try json(upper)["devices"] as? [[String: Any]])?.first?["device"] as? String, "stm32f411re")
        let near = runCLI(["run", mnist, "--device", "STM32F41RE"])
        XCTAssertEqual(near.code, 2)
        XCTAssertTrue(near.err.contains("did you mean 'stm32f411re'?"), near.err)
        // Budget files too.
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let budget = dir.appendingPathComponent("b.json")
        try Data("{\"entries\": [{\"model\": \"\(mnist)\", \"device\": \"Nano33BLE\"}]}".utf8).write(to: budget)
        let check = runCLI(["check", budget.path])
        XCTAssertEqual(check.code, 0, check.err)
        XCTAssertTrue(check.out.hasPrefix("PASS mnist_cnn_int8@Nano33BLE: "), check.out)
    }

    func testProgramsAreLookedUpOnPath() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let program = dir.appendingPathComponent("my-python")
        try Data("#!/bin/sh\n".utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        XCTAssertEqual(Program.find("my-python", path: "/nonexistent:\(dir.path)"), program.path)
        XCTAssertNil(Program.find("my-python", path: "/usr/bin"))
        XCTAssertEqual(Program.find(program.path, path: ""), program.path, "a path is taken as it is")
        XCTAssertNil(Program.find(dir.path, path: ""), "a directory is not a program")

        let missing = runCLI(["bench", mnist, "--seconds", "0.01", "--tflm-python", "no-such-python-\(UUID().uuidString)"])
        XCTAssertEqual(missing.code, 2)
        XCTAssertTrue(missing.err.contains("--tflm-python: no program 'no-such-python-"), missing.err)
        // `sh` is found on PATH and started; it is not Python, so TFLM's timing fails, naming the program found.
        let shell = runCLI(["bench", mnist, "--seconds", "0.01", "--tflm-python", "sh"])
        XCTAssertEqual(shell.code, 2)
        XCTAssertTrue(shell.err.contains("TFLM reference run failed under /") && shell.err.hasSuffix("/sh\n"), shell.err)
    }

    func testBrokenProfileJSONGivesLineAndColumn() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("board.json")
        try Data("{\n  \"id\": \"board\",\n  \"name\" \"x\"\n}\n".utf8).write(to: file)
        // `devices` lists it as invalid; a command that selects it fails with the same error.
        let listed = runCLI(["devices", "--profiles", dir.path])
        XCTAssertEqual(listed.code, 0, listed.err)
        XCTAssertTrue(listed.out.contains("  board (--profiles): \(file.path): invalid JSON at line 3, column 10: expected ':' after the key \"name\"\n"), listed.out)
        let model = SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path
        let result = runCLI(["fit", model, "--device", "board", "--profiles", dir.path])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "mcusim: error: \(file.path): invalid JSON at line 3, column 10: expected ':' after the key \"name\"\n")
    }

    /// `--reserve flash=` is what the application adds: TFLM's runtime stays on its own line.
    func testReserveIsTheApplicationsShare() throws {
        func flash(_ reserve: String) throws -> [String: Any] {
            let device = try XCTUnwrap((try json(runCLI(["fit", kws, "--device", "stm32f411re", "--reserve", reserve, "--json"]))["devices"]
                as? [[String: Any]])?.first)
            return try XCTUnwrap(device["flash"] as? [String: Any])
        }
        let sixtyFour = try flash("flash=64KB")
        XCTAssertEqual(sixtyFour["application_reserve"] as? Int, 65_536)
        // At -O2 the runtime is the Cortex-M4 link with no operator (Tests/Fixtures/cortexm/flash.json).
        XCTAssertEqual(sixtyFour["code_basis"] as? String, "tflm-link")
        XCTAssertEqual(sixtyFour["tflm_runtime"] as? Int, 10_690, "the no-operator link")
        let none = try flash("flash=0")
        XCTAssertEqual(none["application_reserve"] as? Int, 0)
        XCTAssertEqual(none["tflm_runtime"] as? Int, 10_690)
        let ramOnly = try XCTUnwrap((try json(runCLI(["fit", kws, "--device", "stm32f411re", "--reserve", "ram=16KB", "--json"]))["devices"]
            as? [[String: Any]])?.first)
        XCTAssertEqual((ramOnly["ram"] as? [String: Any])?["reserve"] as? Int, 16_384)
        XCTAssertEqual((ramOnly["flash"] as? [String: Any])?["application_reserve"] as? Int, 14_336, "the profile's flash reserve minus the runtime")
    }

    /// 80.45% of flash against an 80% headroom reads "80.5% > 80%", never "80% > 80%".
    func testVerdictPercentagesShowTheDecimalThatDecides() throws {
        XCTAssertEqual(Percent.text(0.8045, against: 0.8), "80.5%")
        XCTAssertEqual(Percent.text(0.7996, against: 0.8), "79.96%")
        XCTAssertEqual(Percent.text(0.83, against: 0.8), "83%")
        XCTAssertEqual(Percent.text(0.8, against: 0.8), "80%")
        XCTAssertEqual(Percent.limit(0.805), "80.5%")

        // Make the KWS model's flash on the F411 (512 KiB) 80.45%: application = target - the rest.
        let base = try XCTUnwrap((try json(runCLI(["fit", kws, "--device", "stm32f411re", "--reserve", "flash=0", "--json"]))["devices"]
            as? [[String: Any]])?.first?["flash_bytes"] as? Int)
        let target = Int((0.8045 * 524_288).rounded(.up))
        let result = runCLI(["fit", kws, "--device", "stm32f411re", "--reserve", "flash=\(target - base)", "--json"])
        XCTAssertEqual(result.code, 1)
        let device = try XCTUnwrap((try json(result)["devices"] as? [[String: Any]])?.first)
        XCTAssertEqual(device["flash_bytes"] as? Int, target)
        XCTAssertEqual(device["reasons"] as? [String], ["flash 80.5% > 80%"])
        let text = runCLI(["fit", kws, "--device", "stm32f411re", "--reserve", "flash=\(target - base)"])
        XCTAssertTrue(text.out.contains("(80.5%)") && text.out.contains("no: flash 80.5% > 80%"), text.out)
    }

    /// A 60% drop against the baseline is not "within 5% of the baseline".
    func testBaselineImprovementIsNotCalledWithinTheTolerance() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let budget = dir.appendingPathComponent("b.json")
        try Data("{\"entries\": [{\"name\": \"m\", \"model\": \"\(mnist)\", \"device\": \"nano33ble\", \"tolerance\": \"3%\"}]}".utf8).write(to: budget)
        let first = runCLI(["check", budget.path, "--json"])
        var baseline = try json(first)
        var entries = try XCTUnwrap(baseline["entries"] as? [[String: Any]])
        var totals = try XCTUnwrap(entries[0]["totals"] as? [String: Any])
        totals["latency_ms"] = try XCTUnwrap(totals["latency_ms"] as? Double) * 2.5
        entries[0]["totals"] = totals
        baseline["entries"] = entries
        let file = dir.appendingPathComponent("baseline.json")
        try JSONSerialization.data(withJSONObject: baseline).write(to: file)
        let result = runCLI(["check", budget.path, "--baseline", file.path])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertTrue(result.out.contains("PASS m: no growth beyond 3% over the baseline"), result.out)
        XCTAssertFalse(result.out.contains("within 3%"), result.out)
        XCTAssertTrue(result.out.contains("m improved: latency_ms vs baseline: ") && result.out.contains("-60.0%"), result.out)
    }

    /// Operator shares and the framework's share add up to the whole inference.
    func testSharesAddUpWithTheFramework() throws {
        let result = runCLI(["run", SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.tflite").path, "--device", "nano33ble", "--json"])
        let object = try json(result)
        let operators = try XCTUnwrap(object["operators"] as? [[String: Any]])
        let framework = try XCTUnwrap((object["latency"] as? [String: Any])?["framework_share"] as? Double)
        XCTAssertGreaterThan(framework, 0.001, "a one-operator model: the framework's loop is a visible share")
        XCTAssertEqual(operators.compactMap { $0["share"] as? Double }.reduce(framework, +), 1, accuracy: 1e-12)
        let text = runCLI(["run", mnist, "--device", "nano33ble"]).out
        XCTAssertTrue(text.contains("(framework)"), text)
    }
}
