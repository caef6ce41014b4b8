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

    /// A workload of `op` on `path` with a geometry of the kind its kernel reports.
    static func sampleWorkload(_ op: OperatorKind, _ path: KernelPath, type: TensorType) -> OperatorWorkload {
        let shape = [1, 8, 8, 8]
        let bytes = 512 * (type == .float32 ? 4 : type == .int16 ? 2 : 1)
        let tensor = TensorWorkload(tensorIndex: 0, type: type, shape: shape, bytes: bytes, location: .arena, arenaOffset: 0, perChannel: false)
        let output = TensorWorkload(tensorIndex: 1, type: type, shape: shape, bytes: bytes, location: .arena, arenaOffset: 4096, perChannel: false)
        let geometry: OperatorGeometry
        switch op.builtin {
        case .conv2D?, .depthwiseConv2D?, .transposeConv?, .averagePool2D?, .maxPool2D?:
            var c = ConvolutionGeometry()
            (c.inputHeight, c.inputWidth, c.inputDepth, c.outputHeight, c.outputWidth, c.outputDepth) = (8, 8, 8, 8, 8, 8)
            (c.filterHeight, c.filterWidth, c.filterDepth, c.paddingHeight, c.paddingWidth) = (3, 3, 8, 1, 1)
            geometry = .convolution(c)
        case .fullyConnected?, .batchMatmul?:
            var m = MatrixGeometry()
            (m.rows, m.depth, m.columns) = (8, 64, 8)
            geometry = .matrix(m)
        case .softmax?: geometry = .rows(RowGeometry(rows: 64, rowSize: 8))
        case .pad?, .padv2?: geometry = .pad(PadGeometry(top: 1, left: 1, bottom: 1, right: 1))
        case .svdf?, .unidirectionalSequenceLstm?:
            var q = SequenceGeometry()
            (q.batches, q.timeSteps, q.inputSize, q.units, q.filters, q.rank, q.memorySize) = (1, 8, 16, 8, 8, 1, 4)
            geometry = .sequence(q)
        case .concatenation?, .pack?, .unpack?, .split?, .splitV?, .gather?, .mean?, .sum?:
            var a = AxisGeometry()
            (a.axis, a.inputs) = (3, 2)
            geometry = .axis(a)
        default: geometry = .elementwise(ElementwiseGeometry(elements: 512))
        }
        return OperatorWorkload(index: 0, op: op, variant: path.isCMSISNN ? .cmsisNN : .reference, kernelPath: path,
                                inputs: [tensor, tensor], outputs: [output], geometry: geometry, macs: 512, scratchBytes: 0)
    }

    static func operatorOf(_ function: CMSISNNFunction) -> OperatorKind {
        switch function {
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
    }

    /// Every CMSIS-NN function is costed from measured loops, unless KernelCosts gives a reason
    /// for estimating it (today none).
    func testEveryCMSISNNPathIsMeasuredOrHasAReasonedEstimate() throws {
        try XCTSkipIf(MeasuredKernelData.shared == nil, "Sources/Devices/Resources/kernel-counts.json not found")
        var estimated: [String] = []
        for function in CMSISNNFunction.allCases {
            let type: TensorType = function.rawValue.contains("s16") ? .int16 : .int8
            let w = Self.sampleWorkload(Self.operatorOf(function), .cmsisNN(function), type: type)
            let work = KernelCosts.work(for: w)
            XCTAssertEqual(work.isGeneric, KernelCosts.estimateReason(w) != nil,
                           "\(function.rawValue): generic \(work.isGeneric), reason \(KernelCosts.estimateReason(w) ?? "none")")
            XCTAssertFalse(work.units.isEmpty, function.rawValue)
            if work.isGeneric { estimated.append(function.rawValue) }
        }
        XCTAssertEqual(estimated, [])

        // TRANSPOSE_CONV with more than 16 input channels and strides of at most 2 runs arm_convolve_s8 on the
        // upscaled input (the interpreter's path .convolveS8): measured as the wrapper's reverse path.
        let sample = Self.sampleWorkload(.builtin(.transposeConv), .cmsisNN(.convolveS8), type: .int8)
        guard case var .convolution(c) = sample.geometry else { return XCTFail("the sample has no convolution geometry") }
        (c.inputDepth, c.filterDepth) = (32, 32)
        let reverse = OperatorWorkload(index: 0, op: sample.op, variant: .cmsisNN, kernelPath: sample.kernelPath, inputs: sample.inputs,
                                       outputs: sample.outputs, geometry: .convolution(c), macs: sample.macs, scratchBytes: 0)
        let work = KernelCosts.work(for: reverse)
        XCTAssertFalse(work.isGeneric, work.label)
        XCTAssertNil(KernelCosts.estimateReason(reverse))
        XCTAssertTrue(work.units.contains { $0.description.hasPrefix("arm_transpose_conv_s8:reverse") }, work.label)
    }

    /// Every registered builtin operator's reference path, for each type a model may give it,
    /// is measured or carries an explicit reason for its estimate; a reason on a measured path
    /// fails too, so the list shrinks as paths are measured.
    func testEveryReferencePathIsMeasuredOrHasAReasonedEstimate() throws {
        try XCTSkipIf(MeasuredKernelData.shared == nil, "Sources/Devices/Resources/kernel-counts.json not found")
        for registration in KernelRegistry.all {
            guard registration.op.builtin != nil else { continue }
            for type in [TensorType.int8, .int16, .float32] {
                let w = Self.sampleWorkload(registration.op, .reference(registration.op, type), type: type)
                let work = KernelCosts.work(for: w)
                let reason = KernelCosts.estimateReason(w)
                XCTAssertEqual(work.isGeneric, reason != nil,
                               "\(registration.op.name) \(type.name): generic \(work.isGeneric) (\(work.label)), reason \(reason ?? "none")")
            }
        }
    }
}
