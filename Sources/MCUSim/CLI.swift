import Devices
import Foundation
import Interpreter

/// Exit codes, the same for every command.
enum ExitCode {
    static let ok: Int32 = 0
    /// A check that ran and failed (budgets, fit, an arena too small).
    static let checkFailed: Int32 = 1
    /// A usage error, or an invalid or unreadable input.
    static let invalidInput: Int32 = 2
    /// A model that uses something mcusim cannot simulate.
    static let unsupported: Int32 = 3
}

/// An error with the file it concerns: printed as `mcusim: error: <file>: <what> (<where>)`.
struct FileError: Error {
    let file: String
    let message: String
    let code: Int32
}

/// What the dispatcher knows of a command: its description (for the overview, help and
/// the syntax pass) and how to run it from the words after its name.
protocol Command {
    static var spec: CommandSpec { get }
    static func main(_ arguments: [String], console: Console) throws -> Int32
}

/// A command with typed options: `Options` is parsed, checked and validated before `run`
/// sees it, and the usage line and help come from `Options.declarations`.
protocol ParsableCommand: Command {
    associatedtype Options: ParsableOptions
    static var name: String { get }
    static var summary: String { get }
    /// Extra help text after the options (formats, exit codes).
    static var details: String { get }
    static func run(_ options: Options, console: Console) throws -> Int32
}

extension ParsableCommand {
    static var details: String { "" }

    static var spec: CommandSpec {
        CommandSpec(name: name, summary: summary, positionals: Options.positionalHelp, options: Options.optionHelp, details: details)
    }

    /// The typed options for `arguments` (nil when help was asked for and printed).
    static func options(_ arguments: [String]) throws -> Options? {
        let parsed = try ParsedArguments.parse(arguments, spec: spec)
        return parsed.helpRequested ? nil : try Options.parse(parsed, command: name)
    }

    static func main(_ arguments: [String], console: Console) throws -> Int32 {
        guard let options = try options(arguments) else {
            console.write(spec.helpText())
            return ExitCode.ok
        }
        return try run(options, console: console)
    }
}

public enum MCUSimCLI {
    static let version = "0.1.0"

    /// Every command, in the order the overview lists them.
    static let commands: [Command.Type] = [
        InspectCommand.self, RunCommand.self, EvalCommand.self, FitCommand.self, CheckCommand.self, ReportCommand.self, DevicesCommand.self, BenchCommand.self,
    ]

    /// The `mcusim` executable: runs the command line and exits with its code.
    public static func main() -> Never {
        if let message = HostCPU.unsupportedMessage() {
            FileHandle.standardError.write(Data("mcusim: error: \(message)\n".utf8))
            exit(ExitCode.unsupported)
        }
        exit(run(Array(CommandLine.arguments.dropFirst()), console: Console(capture: false)))
    }

    static func overview() -> String {
        var lines = [
            "mcusim \(version): will this TensorFlow Lite model fit a microcontroller, and how fast will it run there?",
            "",
            "USAGE: mcusim <command> [options]",
            "",
            "COMMANDS:",
        ]
        let width = commands.map { $0.spec.name.count }.max() ?? 0
        for c in commands {
            lines.append("  " + c.spec.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + c.spec.summary)
        }
        lines += ["", "Run 'mcusim <command> --help' for a command's options.",
                  "Exit codes: 0 ok, 1 a check failed, 2 usage error or invalid input, 3 unsupported model."]
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(_ args: [String], console: Console) -> Int32 {
        guard let first = args.first else {
            console.error(overview().trailingNewlineTrimmed)
            return ExitCode.invalidInput
        }
        if first == "--help" || first == "-h" || first == "help" {
            if first == "help", args.count > 1, let c = commands.first(where: { $0.spec.name == args[1] }) {
                console.write(c.spec.helpText())
            } else {
                console.write(overview())
            }
            return ExitCode.ok
        }
        if first == "--version" {
            console.print("mcusim \(version)")
            return ExitCode.ok
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            let suggestion = ParsedArguments.closest(first, among: commands.map { $0.spec.name })
            console.error("mcusim: error: unknown command '\(first)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (see 'mcusim --help')")
            return ExitCode.invalidInput
        }
        do {
            return try command.main(Array(args.dropFirst()), console: console)
        } catch {
            return report(error, console: console)
        }
    }

    /// Prints `error` as the one-line error contract and returns its exit code.
    static func report(_ error: Error, console: Console) -> Int32 {
        switch error {
        case let error as UsageError:
            console.error("mcusim: error: \(error.message)")
            return ExitCode.invalidInput
        case let error as FileError:
            console.error("mcusim: error: \(error.file): \(error.message)")
            return error.code
        default:
            console.error("mcusim: error: \(error)")
            return ExitCode.invalidInput
        }
    }

    /// Maps interpreter and reader errors to the error contract for `file`.
    static func fileError(_ error: Error, file: String) -> FileError {
        switch error {
        case let e as FileError: return e
        case let e as ModelError: return FileError(file: file, message: e.description, code: ExitCode.invalidInput)
        case let e as UnsupportedOperatorError:
            return FileError(file: file, message: "unsupported: \(e.op): \(e.reason) (operator \(e.operatorIndex))", code: ExitCode.unsupported)
        case let e as InvalidOperatorError:
            return FileError(file: file, message: "invalid model: \(e.op): \(e.reason) (operator \(e.operatorIndex))", code: ExitCode.invalidInput)
        case let e as UnsupportedModelError: return FileError(file: file, message: "unsupported: \(e.description)", code: ExitCode.unsupported)
        case let e as ArenaTooSmallError: return FileError(file: file, message: e.description, code: ExitCode.checkFailed)
        case let e as HostArenaLimitError:
            return FileError(file: file, message: "\(e.description) (a guard against hostile files; raise it with --max-arena)",
                             code: ExitCode.invalidInput)
        case let e as NpyError: return FileError(file: file, message: e.description, code: ExitCode.invalidInput)
        default: return FileError(file: file, message: "\(error)", code: ExitCode.invalidInput)
        }
    }

    static func loadModel(_ path: String) throws -> Model {
        let bytes = try FileAccess.contents(of: path, limit: FileAccess.Limit.model, what: "a model")
        do {
            return try Model(bytes: bytes)
        } catch {
            throw fileError(error, file: path)
        }
    }
}

extension String {
    var trailingNewlineTrimmed: String { hasSuffix("\n") ? String(dropLast()) : self }
}
