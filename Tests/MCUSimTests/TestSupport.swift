import Foundation
import XCTest
@testable import MCUSim

/// Runs the CLI in-process with captured output.
struct CLIResult {
    let code: Int32
    let out: String
    let err: String
}

func runCLI(_ args: [String]) -> CLIResult {
    let console = Console(capture: true)
    let code = MCUSimCLI.run(args, console: console)
    return CLIResult(code: code, out: console.out, err: console.err)
}
