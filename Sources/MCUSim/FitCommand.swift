import Devices
import Foundation
import Interpreter

/// `mcusim fit MODEL`: every device side by side: flash and RAM used against what the
/// board has, latency, energy, and whether the model fits under the headroom.
enum FitCommand: Command {
    static let spec = CommandSpec(
        name: "fit",
        summary: "Compare devices side by side: flash and RAM used / available, latency, energy, and a verdict.",
        usage: "mcusim fit MODEL.tflite [--device ID]... [--headroom 0.8] [--kernels cmsis-nn|reference] [--opt -Os|-O2|-O3] [--reserve flash=SIZE,ram=SIZE] [--profiles DIR]... [--json]",
        options: [
            OptionSpec(name: "device", value: "ID", help: "A device to compare (default: every bundled and user profile).", repeatable: true),
            OptionSpec(name: "headroom", value: "F", help: "A model fits when flash and RAM use are at most F of capacity (default 0.8)."),
            OptionSpec(name: "kernels", value: "VARIANT", help: "cmsis-nn (default, TFLM on Arm) or reference."),
            OptionSpec(name: "opt", value: "LEVEL", help: "Firmware optimisation level -Os, -O2 or -O3 (default: each profile's toolchain)."),
            OptionSpec(name: "reserve", value: "SPEC", help: "Override the software reserve outside the arena, e.g. flash=64KB,ram=16KB."),
            OptionSpec(name: "profiles", value: "DIR", help: "Also load device profiles from DIR.", repeatable: true),
            OptionSpec(name: "json", value: nil, help: "Write JSON to stdout."),
        ],
        details: """
        Flash = model flatbuffer + TFLM runtime + the kernels this model uses + the application reserve.
        RAM = arena (planned + persistent, 32-bit build) + the reserve (stack, heap, runtime statics).
        Exit 0 when the model fits at least one of the devices, 1 when it fits none.
        """)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let path = args.positionals[0]
        let headroom = try args.double("headroom") ?? 0.8
        guard headroom > 0, headroom <= 1 else { throw UsageError(message: "--headroom must be in (0, 1], got \(headroom)") }
        let settings = try Simulation.Settings.from(args)
        let catalog = try DevicesCommand.loadCatalog(args)
        let devices = try Simulation.devices(args.all("device"), catalog: catalog)
        guard !devices.isEmpty else { throw UsageError(message: "no device profiles are loaded (see 'mcusim devices')") }
        let (model, interpreter) = try Simulation.interpreter(for: path, variant: settings.variant)
        let sims = devices.map { Simulation(modelPath: path, model: model, interpreter: interpreter, device: $0, settings: settings) }
        let anyFits = sims.contains { $0.fits(headroom: headroom) }

        if args.flag("json") {
            console.write(JSON.obj([
                "model": .string(path),
                "kernels": .string(settings.variant.rawValue),
                "headroom": .double(headroom),
                "devices": .array(sims.map { deviceJSON($0, headroom: headroom) }),
            ]).rendered())
        } else {
            console.print("\(path): \(interpreter.workloads.count) operators, \(interpreter.workloads.reduce(0) { $0 + $1.macs }.grouped) MACs, kernels \(settings.variant.rawValue), headroom \(Int(headroom * 100))%")
            console.print()
            var table = TextTable(headers: ["device", "core", "opt", "flash used / available", "RAM used / available", "latency ms", "energy µJ", "verdict"],
                                  rightAligned: [3, 4, 5, 6])
            for s in sims {
                let f = s.footprint
                table.rows.append([
                    s.device.id, "\(s.device.core.rawValue) @ \(s.device.clockHz / 1_000_000) MHz", s.optimization.rawValue,
                    "\(ByteSize.format(f.flash.total)) / \(ByteSize.format(f.flashCapacity)) (\(percent(f.flash.total, f.flashCapacity)))",
                    "\(ByteSize.format(f.ram.total)) / \(ByteSize.format(f.ramCapacity)) (\(percent(f.ram.total, f.ramCapacity)))",
                    String(format: "%.2f", s.cost.milliseconds),
                    s.energyText,
                    verdict(s, headroom: headroom, console: console),
                ])
            }
            console.print(table.render())
            if sims.contains(where: { $0.cost.energyMicrojoules == nil }) {
                console.print("n/a: the profile has no run current, so no energy figure")
            }
            if sims.contains(where: { $0.cost.energyMicrojoules != nil && !$0.energyVerified }) {
                console.print("~: energy from a run current the profile has not verified against its datasheet (see its sources)")
            }
        }
        return anyFits ? ExitCode.ok : ExitCode.checkFailed
    }

    static func percent(_ used: Int, _ capacity: Int) -> String {
        capacity > 0 ? String(format: "%.0f%%", 100 * Double(used) / Double(capacity)) : "-"
    }

    static func reasons(_ s: Simulation, headroom: Double) -> [String] {
        var out: [String] = []
        let f = s.footprint
        if Double(f.flash.total) > headroom * Double(f.flashCapacity) {
            out.append("flash \(percent(f.flash.total, f.flashCapacity)) > \(Int(headroom * 100))%")
        }
        if Double(f.ram.total) > headroom * Double(f.ramCapacity) {
            out.append("RAM \(percent(f.ram.total, f.ramCapacity)) > \(Int(headroom * 100))%")
        }
        return out
    }

    static func verdict(_ s: Simulation, headroom: Double, console: Console) -> String {
        let r = reasons(s, headroom: headroom)
        return r.isEmpty ? console.green("fits") : console.red("no: " + r.joined(separator: ", "))
    }

    static func deviceJSON(_ s: Simulation, headroom: Double) -> JSON {
        let f = s.footprint
        return .obj([
            "device": .string(s.device.id),
            "name": .string(s.device.name),
            "core": .string(s.device.core.rawValue),
            "clock_hz": .int(s.device.clockHz),
            "optimization": .string(s.optimization.rawValue),
            "fits": .bool(s.fits(headroom: headroom)),
            "reasons": .array(reasons(s, headroom: headroom).map { .string($0) }),
            "flash_bytes": .int(f.flash.total),
            "flash_capacity_bytes": .int(f.flashCapacity),
            "ram_bytes": .int(f.ram.total),
            "ram_capacity_bytes": .int(f.ramCapacity),
            "arena_bytes": .int(f.ram.arena),
            "latency_ms": .double(s.cost.milliseconds),
            "cycles": .int(Int(s.cost.totalCycles.rounded())),
            "energy_uj": s.cost.energyMicrojoules.map { .double($0) } ?? .null,
            "energy_verified": .bool(s.energyVerified),
            "flash": .obj([
                "model_weights": .int(f.flash.modelWeights), "model_structure": .int(f.flash.modelStructure),
                "tflm_runtime": .int(f.flash.tflmRuntime), "kernel_code": .int(f.flash.kernelCode),
                "application_reserve": .int(f.flash.applicationReserve),
            ]),
            "ram": .obj([
                "arena_planned": .int(f.ram.arenaPlanned), "arena_persistent": .int(f.ram.arenaPersistent),
                "reserve": .int(f.ram.reserve),
            ]),
        ])
    }
}
