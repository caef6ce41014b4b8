import XCTest
@testable import Devices
@testable import Interpreter

/// The generated dispatch tables (Generated/TFLMDispatchCounts.swift) are usable: every mix parses to
/// the instruction count the harness recorded, and every key names an operator and a kernel path
/// mcusim's workloads can carry, so no entry is dead data.
final class TFLMDispatchTests: XCTestCase {
    func testEveryEntryParsesToItsRecordedCount() {
        for core in DeviceProfile.Core.allCases {
            let table = TFLMDispatch.forCore(core)
            let entries = [("invoke", table.invoke), ("unmeasured", table.unmeasured)] + table.operators.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (key, e) in entries {
                XCTAssertGreaterThan(e.instructions, 0, "\(core) \(key)")
                XCTAssertEqual(e.mix.instructions, Double(e.instructions), "\(core) \(key): the mix does not parse to its count")
                XCTAssertTrue(e.range.contains(e.instructions) || key == "unmeasured", "\(core) \(key)")
                XCTAssertGreaterThan(e.instances, 0, "\(core) \(key)")
            }
            XCTAssertGreaterThanOrEqual(table.operators.count, 25, "\(core)")
        }
    }

    func testEveryKeyIsALookupMCUSimCanMake() {
        for core in DeviceProfile.Core.allCases {
            for key in TFLMDispatch.forCore(core).operators.keys {
                let parts = key.split(separator: " ").map(String.init)
                XCTAssertEqual(parts.count, 2, key)
                guard parts.count == 2, let op = OperatorKind(name: parts[0]) else { return XCTFail("\(core): \(key): not an operator") }
                if parts[1] == "reference" {
                    XCTAssertTrue(op.builtin.map { KernelCosts.copyOperators.contains($0) } ?? false, "\(core): \(key): a reference key for an operator with loops")
                } else {
                    XCTAssertNotNil(CMSISNNFunction(rawValue: parts[1]), "\(core): \(key): not a CMSIS-NN kernel path")
                }
            }
        }
    }
}
