import Devices
import Foundation

/// `mcusim devices`: the device profiles mcusim knows, and where each was loaded from.
enum DevicesCommand: ParsableCommand {
    static let name = "devices"
    static let summary = "List the device profiles (bundled and user) and where each was loaded from."
    static let details = """
        Profiles are searched in: the bundled Profiles/ directory, then $MCUSIM_PROFILES (colon-separated), then --profiles; a later profile with the same id replaces an earlier one.
        A profile file that does not load is listed as invalid with its error; commands that select its id fail with that error, the others run.
        """

    struct Options: ParsableOptions {
        var profiles = ProfileOptions()
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = .group(\.profiles) + .group(\.output)
    }

    /// The catalog `arguments` ask for (tests build it from a command line).
    static func loadCatalog(_ arguments: ParsedArguments) throws -> ProfileLoader.Catalog {
        try Options.parse(arguments, command: name).profiles.loadCatalog()
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        options.output.emit(DeviceList(catalog: try options.profiles.loadCatalog()), console: console)
        return ExitCode.ok
    }
}

/// What `devices` lists.
struct DeviceList: CommandOutput {
    let catalog: ProfileLoader.Catalog

    var entries: [ProfileLoader.LoadedProfile] { catalog.ids.compactMap { try? catalog.entry(id: $0) } }

    func text(console: Console) -> String {
        var table = TextTable(headers: ["id", "core", "MHz", "flash", "RAM (arena)", "flash WS", "toolchain", "from"], rightAligned: [2])
        for entry in entries {
            let p = entry.profile
            table.rows.append([p.id, p.core.rawValue, String(p.clockHz / 1_000_000), ByteSize.format(p.flash.bytes),
                               "\(ByteSize.format(p.totalRAMBytes)) (\(ByteSize.format(p.largestContiguousArenaBytes)))",
                               String(p.flash.waitStates), "\(p.toolchain.compiler) \(p.toolchain.opt.rawValue)",
                               "\(entry.origin.rawValue): \(entry.file.path)"])
        }
        var lines = [table.render()]
        if !catalog.invalid.isEmpty {
            lines.append("")
            lines.append("invalid (commands that select these fail with the error shown):")
            for bad in catalog.invalid {
                lines.append("  \(bad.id) (\(bad.origin.rawValue)): \(bad.error.fileError.file): \(bad.error.fileError.message)")
            }
        }
        return (lines + catalog.notes.map { "note: \($0)" }).joined(separator: "\n") + "\n"
    }
}
