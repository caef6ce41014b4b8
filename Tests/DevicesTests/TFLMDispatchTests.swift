import XCTest
@testable import Devices
@testable import Interpreter

/// The generated dispatch tables (Generated/TFLMDispatchCounts.swift) are usable: every mix parses to
/// the instruction count the harness recorded, and every key names an operator and a kernel path
/// (or reference kernel and input type) mcusim's workloads can carry.
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
                XCTAssertTrue(parts.count == 2 || parts.count == 3 && parts[1] == "reference", key)
                guard parts.count >= 2, let op = OperatorKind(name: parts[0]) else { return XCTFail("\(core): \(key): not an operator") }
                let copies = op.builtin.map { KernelCosts.copyOperators.contains($0) } ?? false
                if parts.count == 3 {
                    // "OP reference TYPE": a reference kernel with loops, keyed by its input type.
                    XCTAssertFalse(copies, "\(core): \(key)")
                    XCTAssertTrue(TensorType.allCases.contains { $0.name.lowercased() == parts[2] }, "\(core): \(key): not a tensor type")
                } else if parts[1] == "reference" {
                    XCTAssertTrue(copies, "\(core): \(key): a reference key for an operator with loops needs its input type")
                } else {
                    XCTAssertNotNil(CMSISNNFunction(rawValue: parts[1]), "\(core): \(key): not a CMSIS-NN kernel path")
                }
            }
        }
    }
}
