import Foundation
exit(MCUSimCLI.main(Array(CommandLine.arguments.dropFirst())))
