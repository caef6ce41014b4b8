import Foundation
import TestSupport
import XCTest
@testable import Devices
@testable import Interpreter

/// The footprint's TFLM runtime + kernel code against real Cortex-M4 links of each model
/// (Scripts/tflm-cortexm `flash`, figures in Tests/Fixtures/cortexm/flash.json): release
/// build, kernels -O2, both kernel sets, default and int8-only registration. Models under
/// ../shared are skipped when it is absent; the bundled examples are always checked.
final class FlashLinkTests: XCTestCase {
    struct Link {
        let model: String
        let url: URL
        let variant: KernelVariant
        let registration: KernelRegistration
        let linkedBytes: Int
        let unionBytes: Int
        let registrations: [String]
    }

    /// The code a firmware links depends on its operator set and registrations, not on the
    /// weights: a model file that changed since the link (the MNIST example was retrained) is
    /// compared when its operator codes are the ones linked.
    private func links() throws -> (links: [Link], operators: [String: [String]], skipped: Set<String>) {
        let root = try SharedReference.json(SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/cortexm/flash.json"))
        let models = try XCTUnwrap(root["models"] as? [String: [String: Any]])
        var out: [Link] = [], operators: [String: [String]] = [:], skipped = Set<String>()
        for (name, entry) in models.sorted(by: { $0.key < $1.key }) {
            let candidates = [SharedReference.packageRoot.appendingPathComponent("Examples/models/\(name)"),
                              SharedReference.modelsDirectory.appendingPathComponent(name)]
            guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                skipped.insert(name)
                continue
            }
            // The hybrid KWS model is linked but TFLM refuses it at run time (as mcusim does).
            guard entry["tflm_runs"] as? Bool != false else { continue }
            operators[name] = entry["operators"] as? [String]
            for (key, value) in try XCTUnwrap(entry["links"] as? [String: [String: Any]]) {
                let parts = key.split(separator: "/").map(String.init)   // m4/cmsis-nn/int8-only
                XCTAssertEqual(parts.count, 3, key)
                out.append(Link(model: name, url: url, variant: try XCTUnwrap(KernelVariant(rawValue: parts[1])),
                                registration: try XCTUnwrap(KernelRegistration(rawValue: parts[2])),
                                linkedBytes: try XCTUnwrap(value["flash_bytes"] as? Int),
                                unionBytes: try XCTUnwrap(value["union_flash_bytes"] as? Int),
                                registrations: value["registrations"] as? [String] ?? []))
            }
        }
        return (out, operators, skipped)
    }

    private func profile(_ id: String) throws -> DeviceProfile {
        try ProfileLoader.load(file: SharedReference.packageRoot.appendingPathComponent("Profiles/\(id).json"))
    }

    private func footprint(_ link: Link, device: DeviceProfile, operatorCodes: [String]?) throws -> Footprint {
        let model = try Model(contentsOf: link.url)
        XCTAssertEqual(model.operatorCodes.map(\.kind.name), operatorCodes,
                       "\(link.model): its operator codes differ from the ones linked; rerun Scripts/tflm-cortexm flash")
        let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: link.variant, allocatesArena: false))
        var input = FootprintInput(interpreter: interpreter)
        // The harness registers every operator code of the model's table, used or not (ResNet-8
        // lists QUANTIZE and DEQUANTIZE that no operator uses); mcusim counts the operators the
        // model runs, which must be among them.
        let registered = try link.registrations.map { try XCTUnwrap(OperatorKind(name: String($0.split(separator: ":")[0])), $0) }
        XCTAssertTrue(Set(input.operators).isSubset(of: Set(registered)), link.model)
        input.operators = registered
        input.registration = link.registration
        return Footprint.estimate(input, optimization: .o2, device: device, reserveOverride: nil)
    }

    /// Runtime + kernel code equals the union of sections verify recorded, and is within
    /// max(1%, 512 B) of the real link, for every model, kernel set and registration.
    func testRuntimeAndKernelCodeMatchTheLinks() throws {
        let (links, operators, skipped) = try links()
        let device = try profile("stm32f411re")
        var worst = 0.0
        for link in links {
            let f = try footprint(link, device: device, operatorCodes: operators[link.model])
            XCTAssertEqual(f.codeBasis, .link)
            let code = f.flash.tflmRuntime + f.flash.kernelCode
            let label = "\(link.model) \(link.variant.rawValue)/\(link.registration.rawValue)"
            XCTAssertEqual(code, link.unionBytes, label)
            XCTAssertLessThanOrEqual(abs(code - link.linkedBytes), max(link.linkedBytes / 100, 512), label)
            worst = max(worst, Double(code - link.linkedBytes) / Double(link.linkedBytes))
            // The operators registered int8-only are exactly the link's.
            let int8 = Set(f.kernelCodeItems.filter(\.int8Only).map(\.op.name))
            XCTAssertEqual(int8, Set(link.registrations.filter { $0.hasSuffix(":int8") }.map { String($0.dropLast(5)) }), label)
        }
        XCTAssertGreaterThanOrEqual(links.count, skipped.isEmpty ? 30 : 4)
        XCTAssertLessThan(worst, 0.0071)
        if !skipped.isEmpty { print("FlashLinkTests: \(skipped.count) models skipped (../shared absent)") }
    }

    /// The int8-only savings fit reports are the two links' difference (union model), and the
    /// per-operator items with the shared support add up to the kernel code.
    func testInt8OnlySavingsAndItems() throws {
        let (links, operators, _) = try links()
        let device = try profile("stm32f411re")
        let byKey = Dictionary(links.map { ("\($0.model) \($0.variant.rawValue) \($0.registration.rawValue)", $0) },
                               uniquingKeysWith: { a, _ in a })
        var checked = 0
        for link in links where link.registration == .standard {
            let f = try footprint(link, device: device, operatorCodes: operators[link.model])
            XCTAssertEqual(f.flash.kernelCode, f.kernelSupportBytes + f.kernelCodeItems.reduce(0) { $0 + $1.bytes }, link.model)
            if let int8 = byKey["\(link.model) \(link.variant.rawValue) int8-only"] {
                XCTAssertEqual(f.int8OnlySavings, link.unionBytes - int8.unionBytes, link.model)
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 2)
        // The MNIST example with CMSIS-NN: default 67,340 B and int8-only 45,036 B linked.
        let mnist = try XCTUnwrap(links.first { $0.model == "mnist_cnn_int8.tflite" && $0.variant == .cmsisNN && $0.registration == .standard })
        let f = try footprint(mnist, device: device, operatorCodes: operators[mnist.model])
        XCTAssertEqual(f.int8OnlySavings, 67_502 - 45_174)   // the union figures; linked: 67,340 - 45,036
    }

    /// At -Os (not linked) the per-operator sizes and the profile's runtime figure stand in.
    func testOsUsesPerOperatorSizes() throws {
        let nano = try profile("nano33ble")
        let f = Footprint.estimate(FootprintInput(modelBytes: 1000, weightBytes: 500, operators: [.builtin(.conv2D)], variant: .cmsisNN,
                                                  plannedBytes: 0, persistentBytes: 0),
                                   optimization: .os, device: nano, reserveOverride: nil)
        XCTAssertEqual(f.codeBasis, .perOperator)
        XCTAssertEqual(f.flash.tflmRuntime, nano.tflmRuntimeFlashBytes)
        XCTAssertNil(f.int8OnlySavings)
    }
}
