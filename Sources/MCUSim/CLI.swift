import Foundation
enum MCUSimCLI { static func main(_ args: [String]) -> Int32 { 0 } }
