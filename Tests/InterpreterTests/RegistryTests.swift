import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// Every registered operator is defined completely, in its kernel's file: one
/// registration per operator, the options table its parse function reads, its builtin
/// data, and temporary tensors declared where the registration says they are.
final class RegistryTests: XCTestCase {
    func testOneRegistrationPerOperator() {
        let ops = KernelRegistry.all.map(\.op)
        XCTAssertEqual(Set(ops).count, ops.count, "an operator is registered twice")
        for registration in KernelRegistry.all {
            XCTAssertEqual(KernelRegistry.registration(for: registration.op)?.op, registration.op)
        }
    }

    /// The options table decodes every field it lists, by the names `inspect` prints.
    func testOptionsTablesRoundTripByFieldName() throws {
        for registration in KernelRegistry.all {
            guard let type = registration.options else { continue }
            let defaults = type.init()
            let rebuilt = try XCTUnwrap(type.init(fields: defaults.fields), "\(registration.op.name): \(type.schemaName)")
            XCTAssertEqual(rebuilt.fields.map(\.name), defaults.fields.map(\.name))
            XCTAssertEqual(rebuilt.fields.map(\.value), defaults.fields.map(\.value))
            XCTAssertNil(type.init(fields: [("no_such_field", .int(1))]), type.schemaName)
        }
    }

    /// Temporary tensors are declared by the kernels where TFLM's Prepare takes them; a
    /// kernel that takes none must be registered as such, and one registered as taking
    /// some must declare them. Checked on every operator of the project's fixtures and
    /// the shared models, in both kernel variants.
    func testTemporariesMatchTheRegistration() throws {
        var urls = try FileManager.default.contentsOfDirectory(at: SharedReference.fixturesDirectory, includingPropertiesForKeys: nil)
        for directory in [SharedReference.zooDirectory, SharedReference.modelsDirectory] {
            urls += (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        }
        var seen: [OperatorKind: Int] = [:]
        for url in urls.filter({ $0.pathExtension == "tflite" }) {
            guard let model = try? Model(contentsOf: url) else { continue }
            for variant in KernelVariant.allCases {
                guard let contexts = try? CoreKernelTests.prepareAll(model, variant: variant) else { continue }
                for context in contexts {
                    let registration = try XCTUnwrap(KernelRegistry.registration(for: context.op))
                    let temps = context.prepareSteps.filter { if case .tempTensor = $0 { true } else { false } }.count
                    switch registration.temporaries {
                    case .takenInPrepare:
                        XCTAssertGreaterThan(temps, 0, "\(url.lastPathComponent) \(context.op.name) [\(variant.rawValue)] declares no temporaries")
                    case .none:
                        XCTAssertEqual(temps, 0, "\(url.lastPathComponent) \(context.op.name) [\(variant.rawValue)]")
                    }
                    seen[context.op, default: 0] += 1
                }
            }
        }
        // Every registered operator was exercised by some model.
        let unexercised = KernelRegistry.all.map(\.op).filter { seen[$0] == nil }.map(\.name)
        XCTAssertEqual(unexercised, [], "registered operators no fixture uses")
    }

    /// Builtin data: the parse functions of operators whose options TFLM reads into a
    /// params struct allocate one; those without options allocate nothing.
    func testBuiltinDataFollowsTheOptions() {
        // Parse functions that read an options table but keep nothing (TFLM's ParseOpData*
        // stubs), from flatbuffer_conversions.cc.
        let optionsWithoutData: Set<BuiltinOperator> = [.dequantize, .exp, .expandDims, .hardSwish, .maximum, .minimum,
                                                        .pad, .padv2, .quantize, .squaredDifference, .transpose]
        for registration in KernelRegistry.all {
            guard let op = registration.op.builtin else { continue }
            if registration.options == nil {
                XCTAssertNil(registration.builtinData, "\(op.name) reads no options but declares builtin data")
            } else if optionsWithoutData.contains(op) {
                XCTAssertNil(registration.builtinData, op.name)
            } else {
                XCTAssertNotNil(registration.builtinData, "\(op.name) reads options but declares no builtin data")
            }
        }
    }

    /// Every registration names TFLM's MicroMutableOpResolver method for its operator, which
    /// `run --deploy` writes. The table is read from tflite-micro 90b983c,
    /// tensorflow/lite/micro/micro_mutable_op_resolver.h: each builtin's method calls
    /// AddBuiltin(BuiltinOperator_<name>, ...); each signal method calls AddCustom("<name>", ...),
    /// so the method is not derivable from the custom code (SignalWindow -> AddWindow).
    func testEveryRegistrationHasTFLMsResolverMethod() {
        let tflm: [String: String] = [
            "ADD": "AddAdd", "AVERAGE_POOL_2D": "AddAveragePool2D", "BATCH_MATMUL": "AddBatchMatMul", "CAST": "AddCast",
            "CONCATENATION": "AddConcatenation", "CONV_2D": "AddConv2D", "DEPTHWISE_CONV_2D": "AddDepthwiseConv2D",
            "DEQUANTIZE": "AddDequantize", "DIV": "AddDiv", "EXP": "AddExp", "EXPAND_DIMS": "AddExpandDims",
            "FULLY_CONNECTED": "AddFullyConnected", "GATHER": "AddGather", "HARD_SWISH": "AddHardSwish",
            "LEAKY_RELU": "AddLeakyRelu", "LOG": "AddLog", "LOGISTIC": "AddLogistic", "MAX_POOL_2D": "AddMaxPool2D",
            "MAXIMUM": "AddMaximum", "MEAN": "AddMean", "MINIMUM": "AddMinimum", "MUL": "AddMul", "PACK": "AddPack",
            "PAD": "AddPad", "PADV2": "AddPadV2", "PRELU": "AddPrelu", "QUANTIZE": "AddQuantize", "RELU": "AddRelu",
            "RELU6": "AddRelu6", "RESHAPE": "AddReshape", "RESIZE_BILINEAR": "AddResizeBilinear",
            "RESIZE_NEAREST_NEIGHBOR": "AddResizeNearestNeighbor", "RSQRT": "AddRsqrt", "SHAPE": "AddShape",
            "SOFTMAX": "AddSoftmax", "SPLIT": "AddSplit", "SPLIT_V": "AddSplitV", "SQRT": "AddSqrt",
            "SQUARED_DIFFERENCE": "AddSquaredDifference", "SQUEEZE": "AddSqueeze", "STRIDED_SLICE": "AddStridedSlice",
            "SUB": "AddSub", "SUM": "AddSum", "SVDF": "AddSvdf", "TANH": "AddTanh", "TRANSPOSE": "AddTranspose",
            "TRANSPOSE_CONV": "AddTransposeConv", "UNIDIRECTIONAL_SEQUENCE_LSTM": "AddUnidirectionalSequenceLSTM",
            "UNPACK": "AddUnpack",
            "CUSTOM:SignalDelay": "AddDelay", "CUSTOM:SignalEnergy": "AddEnergy", "CUSTOM:SignalFftAutoScale": "AddFftAutoScale",
            "CUSTOM:SignalFilterBank": "AddFilterBank", "CUSTOM:SignalFilterBankLog": "AddFilterBankLog",
            "CUSTOM:SignalFilterBankSpectralSubtraction": "AddFilterBankSpectralSubtraction",
            "CUSTOM:SignalFilterBankSquareRoot": "AddFilterBankSquareRoot", "CUSTOM:SignalFramer": "AddFramer",
            "CUSTOM:SignalIrfft": "AddIrfft", "CUSTOM:SignalOverlapAdd": "AddOverlapAdd", "CUSTOM:SignalPCAN": "AddPCAN",
            "CUSTOM:SignalRfft": "AddRfft", "CUSTOM:SignalStacker": "AddStacker", "CUSTOM:SignalWindow": "AddWindow",
        ]
        var methods = Set<String>()
        for registration in KernelRegistry.all {
            let name = registration.op.name
            XCTAssertTrue(methods.insert(registration.resolverMethod).inserted, "\(registration.resolverMethod) is registered twice")
            XCTAssertEqual(registration.resolverMethod, tflm[name], "\(name): not TFLM's method (or the table lacks the operator)")
        }
        XCTAssertEqual(methods.count, KernelRegistry.all.count)
    }
}
