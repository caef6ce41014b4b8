import TestSupport
import XCTest
@testable import Devices
@testable import Interpreter

/// What the cost and footprint models must know of every registered operator: its
/// kernel code size, and how each kernel path it dispatches to is costed.
final class RegistryCoverageTests: XCTestCase {
    /// Operators whose kernel code size is not measured yet and is estimated (the median
    /// of the measured kernels, labelled): TFLM's signal library. Explicit, so that a newly
    /// measured operator leaves the list.
    static let unmeasuredCodeSize: Set<OperatorKind> = Set(KernelRegistry.tflmCustomOperators.filter { $0.hasPrefix("Signal") }.map { .custom($0) })

    func testEveryRegisteredOperatorHasMeasuredCodeSize() {
        for registration in KernelRegistry.all {
            for variant in KernelVariant.allCases {
                for optimization in OptimizationLevel.allCases {
                    let size = KernelCodeSize.bytes(op: registration.op, variant: variant, optimization: optimization, core: .cortexM4)
                    XCTAssertEqual(size.measured, !Self.unmeasuredCodeSize.contains(registration.op),
                                   "\(registration.op.name) [\(variant.rawValue) \(optimization.rawValue)]: measured code size \(size.measured), listed as unmeasured \(Self.unmeasuredCodeSize.contains(registration.op))")
                    XCTAssertGreaterThan(size.bytes, 0, registration.op.name)
                }
            }
        }
    }

    /// CMSIS-NN functions without measured loops are costed by a labelled generic
    /// estimate; the list is explicit so that a newly measured path leaves it.
    static let unmeasuredCMSISNN: Set<CMSISNNFunction> = [
        .svdfS8, .svdfStateS16S8, .lstmUnidirectionalS8, .lstmUnidirectionalS16, .batchMatMulS8, .transposeConvS8,
        .transposeS8, .padS8, .maximumS8, .minimumS8,
    ]

    func testEveryCMSISNNPathIsMeasuredOrListedAsEstimated() {
        for function in CMSISNNFunction.allCases {
            let op: OperatorKind = switch function {
            case .convolve1x1S8Fast, .convolve1x1S8, .convolveS8, .convolveS16: .builtin(.conv2D)
            case .depthwiseConv3x3S8, .depthwiseConvS8Opt, .depthwiseConvS8, .depthwiseConvS16: .builtin(.depthwiseConv2D)
            case .fullyConnectedS8, .fullyConnectedPerChannelS8, .fullyConnectedS16: .builtin(.fullyConnected)
            case .avgPoolS8, .avgPoolS16: .builtin(.averagePool2D)
            case .maxPoolS8, .maxPoolS16: .builtin(.maxPool2D)
            case .elementwiseAddS8, .elementwiseAddS16: .builtin(.add)
            case .elementwiseMulS8, .elementwiseMulS16: .builtin(.mul)
            case .softmaxS8, .softmaxS8S16, .softmaxS16: .builtin(.softmax)
            case .svdfS8, .svdfStateS16S8: .builtin(.svdf)
            case .lstmUnidirectionalS8, .lstmUnidirectionalS16: .builtin(.unidirectionalSequenceLstm)
            case .batchMatMulS8: .builtin(.batchMatmul)
            case .transposeConvS8: .builtin(.transposeConv)
            case .transposeS8: .builtin(.transpose)
            case .padS8: .builtin(.pad)
            case .maximumS8: .builtin(.maximum)
            case .minimumS8: .builtin(.minimum)
            }
            let tensor = TensorWorkload(tensorIndex: 0, type: .int8, shape: [1, 8, 8, 8], bytes: 512, location: .arena,
                                        arenaOffset: 0, perChannel: false)
            let work = KernelCosts.work(for: OperatorWorkload(index: 0, op: op, variant: .cmsisNN, kernelPath: .cmsisNN(function),
                                                              inputs: [tensor, tensor], outputs: [tensor], geometry: .none,
                                                              macs: 512, scratchBytes: 0))
            XCTAssertEqual(work.isGeneric, Self.unmeasuredCMSISNN.contains(function), function.rawValue)
            XCTAssertFalse(work.units.isEmpty, function.rawValue)
        }
    }
}
