import Devices
import Foundation

/// `mcusim devices`: the device profiles mcusim knows, and where each was loaded from.
enum DevicesCommand: Command {
    static let spec = CommandSpec(
        name: "devices",
        summary: "List the device profiles (bundled and user) and where each was loaded from.",
        usage: "mcusim devices [--profiles DIR]... [--json]",
        options: [
            OptionSpec(name: "profiles", value: "DIR", help: "Also load every *.json profile in DIR (after MCUSIM_PROFILES).", repeatable: true),
            OptionSpec(name: "json", value: nil, help: "Write JSON to stdout."),
        ],
        details: "Profiles are searched in: the bundled Profiles/ directory, then $MCUSIM_PROFILES (colon-separated), then --profiles; a later profile with the same id replaces an earlier one.",
        positionalRange: 0...0)

    static func loadCatalog(_ args: ParsedArguments) throws -> ProfileLoader.Catalog {
        do {
            return try ProfileLoader.loadAll(commandLineDirectories: args.all("profiles"))
        } catch let error as ProfileError {
            let file = error.file ?? "profiles"
            let text = error.description
            let message = text.hasPrefix(file + ": ") ? String(text.dropFirst(file.count + 2)) : text
            throw FileError(file: file, message: message, code: ExitCode.invalidInput)
        }
    }

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let catalog = try loadCatalog(args)
        if args.flag("json") {
            console.write(JSON.obj([
                "devices": .array(catalog.ids.compactMap { id -> JSON? in
                    guard let entry = try? catalog.entry(id: id) else { return nil }
                    let p = entry.profile
                    return .obj([
                        "id": .string(p.id), "name": .string(p.name), "mcu": .string(p.mcu), "core": .string(p.core.rawValue),
                        "clock_hz": .int(p.clockHz), "flash_bytes": .int(p.flash.bytes),
                        "ram_bytes": .int(p.totalRAMBytes), "arena_ram_bytes": .int(p.largestContiguousArenaBytes),
                        "flash_wait_states": .int(p.flash.waitStates),
                        "toolchain": .string("\(p.toolchain.compiler) \(p.toolchain.opt)"),
                        "run_current_ma": p.power.runCurrentMilliamps.map { .double($0) } ?? .null,
                        "supply_v": .double(p.power.supplyVolts),
                        "reserve_flash_bytes": .int(p.reserve.flashBytes), "reserve_ram_bytes": .int(p.reserve.ramBytes),
                        "source": .string(entry.origin.rawValue), "file": .string(entry.file.path),
                    ])
                }),
                "notes": .array(catalog.notes.map { .string($0) }),
            ]).rendered())
            return ExitCode.ok
        }
        var table = TextTable(headers: ["id", "core", "MHz", "flash", "RAM (arena)", "flash WS", "toolchain", "from"], rightAligned: [2])
        for id in catalog.ids {
            guard let entry = try? catalog.entry(id: id) else { continue }
            let p = entry.profile
            table.rows.append([p.id, p.core.rawValue, String(p.clockHz / 1_000_000), ByteSize.format(p.flash.bytes),
                               "\(ByteSize.format(p.totalRAMBytes)) (\(ByteSize.format(p.largestContiguousArenaBytes)))",
                               String(p.flash.waitStates), "\(p.toolchain.compiler) \(p.toolchain.opt)",
                               "\(entry.origin.rawValue): \(entry.file.path)"])
        }
        console.print(table.render())
        for note in catalog.notes { console.print("note: \(note)") }
        return ExitCode.ok
    }
}
