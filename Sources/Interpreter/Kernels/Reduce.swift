import Foundation

// MEAN and SUM, as TFLM's reduce.cc / reduce_common.cc: float32, int8, int16.
//
// Both walk the input in row-major order and add each element into its output
// slot (so float sums are accumulated in exactly TFLM's order). The quantized kernels
// sum into an int32 scratch buffer, subtract zero_point * count, and requantize with
// input_scale / output_scale; MEAN folds 1 / count into that multiplier (TFLM's
// integer division of the multiplier, not a float division). The float MEAN divides
// the float sums by the count. TFLM's special 4D path (keep_dims, axes {1, 2}) adds in
// the same order and divides by the same count, so it is covered by the general one.

final class ReduceKernel: Kernel {
    enum Kind { case mean, sum }

    static let meanRegistration = registration(.mean, .mean, resolver: "AddMean")
    static let sumRegistration = registration(.sum, .sum, resolver: "AddSum")

    private static func registration(_ op: BuiltinOperator, _ kind: Kind, resolver: String) -> OperatorRegistration {
        OperatorRegistration(op, resolver: resolver, options: ReducerOptions.self, builtinData: CStruct("TfLiteReducerParams", [.bool]), temporaries: .takenInPrepare,
                             macs: .perInputElement) { ReduceKernel(kind) }
    }

    /// reduce.h OpDataReduce: int32 multiplier, int shift, three scratch indices, int
    /// zero point, float scale, int zero point, float scale, two ints.
    static let opData = CStruct("OpDataReduce", Array(repeating: .int32, count: 6) + [.float32, .int32, .float32, .int32, .int32])

    private let kind: Kind
    private var type: TensorType = .float32
    private var operatorIndex = 0
    private var opName = ""

    private var rank = 0
    private var inputCount = 0
    private var outputCount = 0
    private var axisCount = 0
    private var axisIsConstant = false
    private var hasEmptyDimension = false
    /// Host-side iteration state (dims, output stride per dimension, 0 on reduced
    /// dimensions, and the index counter): fixed size, allocated in prepare.
    private var dims = OwnedBuffer<Int>(count: 0, repeating: 0)
    private var outputStrides = OwnedBuffer<Int>(count: 0, repeating: 0)
    private var counter = OwnedBuffer<Int>(count: 0, repeating: 0)
    private var reducedCount: Int64 = 0

    // OpDataReduce (the quantized part).
    private var multiplier: Int32 = 0
    private var shift: Int32 = 0
    private var inputZeroPoint: Int32 = 0
    private var outputZeroPoint: Int32 = 0
    private var accumulatorScratch = -1
    private var resolvedAxisScratch = -1

    init(_ kind: Kind) {
        self.kind = kind
    }


    func prepare(_ context: PrepareContext) throws {
        operatorIndex = context.operatorIndex
        opName = context.op.name
        context.allocatePersistent(.opData(Self.opData))
        // PrepareMeanOrSumHelper, then PrepareSimple (the output only for int8 input).
        context.tempInput(0)
        context.tempOutput(0)
        context.tempInput(1)
        context.tempInput(0)
        context.tempInput(1)
        if context.input(0)?.type == .int8 { context.tempOutput(0) }
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let axis = try context.requireInput(1)
        let output = try context.requireOutput(0)
        try context.expectType(input, [.float32, .int8, .int16], "input")
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        guard axis.type == .int32 else {
            throw context.unsupported("axis type \(axis.type.name) is not supported (TFLM requires INT32)")
        }
        type = input.type
        rank = input.rank
        inputCount = input.elementCount
        outputCount = output.elementCount
        axisCount = axis.elementCount
        hasEmptyDimension = input.shape.contains(0)
        context.runsReference(type)

        // Scratch, in TFLM's order: int32 accumulators (quantized only), the index
        // counter (one int per input dimension), the resolved axes (one int per axis).
        if type != .float32 {
            let inputScale = try ElementwiseOperands.scale(input, "input", context)
            let outputScale = try ElementwiseOperands.scale(output, "output", context)
            (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(inputScale) / Double(outputScale))
            accumulatorScratch = context.requestScratch(bytes: 4 * outputCount)
            inputZeroPoint = input.scalarZeroPoint
            outputZeroPoint = output.scalarZeroPoint
        }
        context.requestScratch(bytes: 4 * rank)
        resolvedAxisScratch = context.requestScratch(bytes: 4 * axisCount)

        dims = OwnedBuffer(count: rank, repeating: 0)
        outputStrides = OwnedBuffer(count: rank, repeating: 0)
        counter = OwnedBuffer(count: rank, repeating: 0)
        for (d, n) in input.shape.enumerated() { dims[d] = n }

        if let axes = axis.constantValues(Int32.self), axes.count == axisCount {
            axisIsConstant = true
            let resolved = OwnedBuffer<Int32>(count: axisCount, repeating: 0)
            let ok = axes.withUnsafeBufferPointer { resolve(axes: $0.baseAddress, resolved: resolved.base) }
            guard ok else {
                throw context.invalid("axis \(axes) is out of range for input shape \(input.shape), or output shape \(output.shape) does not match the reduction")
            }
        }
        var geometry = AxisGeometry()
        geometry.reducedElements = axisIsConstant ? Int(reducedCount) : 0
        geometry.axisCount = axisCount
        // resolve() gave every reduced dimension an output stride of 0.
        geometry.reducedAxes = axisIsConstant ? (0..<rank).filter { outputStrides[$0] == 0 } : []
        context.geometry = .axis(geometry)
    }

    /// TFLM's ResolveAxis (negative axes counted from the end, duplicates dropped) into
    /// `resolved`, then the output strides and reduced count; false when an axis is out
    /// of range or the output's element count differs from the reduction's.
    private func resolve(axes: UnsafePointer<Int32>?, resolved: UnsafeMutablePointer<Int32>) -> Bool {
        var resolvedCount = 0
        if rank > 0, let axes {
            for i in 0..<axisCount {
                let raw = Int(axes[i])
                let current = raw < 0 ? raw + rank : raw
                guard current >= 0, current < rank else { return false }
                var duplicate = false
                for j in 0..<resolvedCount where Int(resolved[j]) == current { duplicate = true }
                if !duplicate {
                    resolved[resolvedCount] = Int32(current)
                    resolvedCount += 1
                }
            }
        }
        var stride = 1
        var reduced: Int64 = 1
        var d = rank - 1
        while d >= 0 {
            var isAxis = false
            for j in 0..<resolvedCount where Int(resolved[j]) == d { isAxis = true }
            if isAxis {
                outputStrides[d] = 0
                reduced = reduced &* Int64(dims[d])
            } else {
                outputStrides[d] = stride
                stride = stride &* dims[d]
            }
            d -= 1
        }
        reducedCount = reduced
        // Every output slot is written from the input walk: the counts must agree.
        return hasEmptyDimension || stride == outputCount
    }

    func eval(_ context: EvalContext) throws {
        if !axisIsConstant && !hasEmptyDimension {
            let axes = context.input(1, as: Int32.self)
            let resolved = context.scratch[resolvedAxisScratch].assumingMemoryBound(to: Int32.self)
            guard resolve(axes: UnsafePointer(axes), resolved: resolved) else {
                throw InvalidOperatorError(operatorIndex: operatorIndex, op: opName,
                                           reason: "axis values are out of range or do not match the output shape")
            }
        }
        switch type {
        case .float32: evalFloat(context)
        case .int8: evalQuantized(context, Int8.self)
        default: evalQuantized(context, Int16.self)
        }
    }

    /// Adds every input element into its output slot, in row-major input order.
    @inline(__always)
    private func accumulate<In, Acc>(_ input: UnsafeMutablePointer<In>, into acc: UnsafeMutablePointer<Acc>,
                                     _ add: (Acc, In) -> Acc) {
        for d in 0..<rank { counter[d] = 0 }
        var out = 0
        for n in 0..<inputCount {
            acc[out] = add(acc[out], input[n])
            var d = rank - 1
            while d >= 0 {
                counter[d] += 1
                if counter[d] < dims[d] {
                    out += outputStrides[d]
                    break
                }
                out -= outputStrides[d] * (dims[d] - 1)
                counter[d] = 0
                d -= 1
            }
        }
    }

    private func evalFloat(_ context: EvalContext) {
        let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
        for i in 0..<outputCount { y[i] = 0 }
        guard !hasEmptyDimension else { return }
        // TFLM's reducer is `in + current`; float addition commutes exactly.
        accumulate(x, into: y) { current, value in value + current }
        if kind == .mean, reducedCount > 0 {
            let divisor = Float(reducedCount)
            for i in 0..<outputCount { y[i] = y[i] / divisor }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let x = context.input(0, as: T.self), y = context.output(0, as: T.self)
        let sums = context.scratch[accumulatorScratch].assumingMemoryBound(to: Int32.self)
        for i in 0..<outputCount {
            y[i] = 0
            sums[i] = 0
        }
        guard !hasEmptyDimension, reducedCount > 0 else { return }
        accumulate(x, into: sums) { current, value in current &+ Int32(value) }

        var m = multiplier, s = shift
        if kind == .mean {
            // Fold 1 / count into the multiplier: scale it up by 2^floor(log2 count),
            // divide by the count in integers, and shift back.
            var extra = 63 - Int32((UInt64(reducedCount)).leadingZeroBitCount)
            extra = min(extra, 32)
            extra = min(extra, 31 + s)
            m = Int32(truncatingIfNeeded: (Int64(m) << Int64(extra)) / reducedCount)
            s -= extra
        }
        let lo = Int32(T.min), hi = Int32(T.max)
        let zeroSum = Int64(inputZeroPoint) &* reducedCount
        let outZP = outputZeroPoint
        for i in 0..<outputCount {
            let shifted = Int32(truncatingIfNeeded: Int64(sums[i]) &- zeroSum)
            let v = QuantizedMath.multiplyByQuantizedMultiplier(shifted, m, s) &+ outZP
            y[i] = T(truncatingIfNeeded: min(max(v, lo), hi))
        }
    }
}
