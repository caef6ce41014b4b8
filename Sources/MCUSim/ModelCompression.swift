import Interpreter

// What a model would take compressed: figures for an over-the-air download or a deployment
// that decompresses or decodes sparse weights, shown beside the flash figure and never mixed
// with it. TFLM links the flatbuffer as it is: a pruned weight is a stored zero, so
// unstructured sparsity changes neither its flash nor its latency.

/// The DEFLATE size of a model file and the size of its weights in sparse encodings.
struct CompressionFigures {
    /// One weight tensor in three encodings. The "zero" is the stored zero point (0.0 for floats).
    struct Tensor {
        let index: Int
        let elements: Int
        let zeros: Int
        let elementBytes: Int
        /// CSR's matrix: the first dimension as rows, the rest flattened as columns.
        let rows: Int
        let columns: Int

        var nonzero: Int { elements - zeros }
        var dense: Int { elements * elementBytes }
        /// One bit per element, then the nonzero values.
        var bitmap: Int { (elements + 7) / 8 + nonzero * elementBytes }
        /// Row pointers hold up to `nonzero`; column indices up to `columns − 1`: each in the
        /// narrowest of 1, 2 or 4 bytes that holds it.
        var rowPointerWidth: Int { Self.width(nonzero) }
        var columnIndexWidth: Int { Self.width(max(columns - 1, 0)) }
        var csr: Int { (rows + 1) * rowPointerWidth + nonzero * columnIndexWidth + nonzero * elementBytes }

        enum Encoding: String { case dense, bitmap, csr }

        /// The smallest of the three (dense on a tie: no index to decode).
        var encoding: Encoding {
            if dense <= bitmap && dense <= csr { return .dense }
            return bitmap <= csr ? .bitmap : .csr
        }

        var encoded: Int {
            switch encoding {
            case .dense: dense
            case .bitmap: bitmap
            case .csr: csr
            }
        }

        static func width(_ maximum: Int) -> Int { maximum <= 0xFF ? 1 : maximum <= 0xFFFF ? 2 : 4 }
    }

    /// The flatbuffer as TFLM links it.
    let fileBytes: Int
    /// The whole file as one DEFLATE stream (`Deflate`, zlib level 9's method), no container.
    let deflateBytes: Int
    let tensors: [Tensor]

    /// The weight tensors as stored, zeros included.
    var denseWeightBytes: Int { tensors.reduce(0) { $0 + $1.dense } }
    /// Each weight tensor in the smallest of dense, bitmap and CSR, indices included.
    var sparseWeightBytes: Int { tensors.reduce(0) { $0 + $1.encoded } }
    /// Only the bitmap or only CSR for every tensor, to show what each costs on its own.
    var bitmapWeightBytes: Int { tensors.reduce(0) { $0 + $1.bitmap } }
    var csrWeightBytes: Int { tensors.reduce(0) { $0 + $1.csr } }

    init(model: Model, weights: [ModelSummary.WeightTensor]) {
        fileBytes = model.bytes.count
        deflateBytes = Deflate.compress(model.bytes).count
        tensors = weights.map { w in
            let rows = max(w.shape.first ?? 1, 1)
            return Tensor(index: w.index, elements: w.elements, zeros: w.zeros, elementBytes: w.elementBytes,
                          rows: rows, columns: w.elements / rows)
        }
    }

    func tensor(_ index: Int) -> Tensor? { tensors.first { $0.index == index } }

    /// The lines `inspect` and `fit` print, labelled as what TFLM does not flash.
    var summaryLines: [String] {
        let counts = Dictionary(grouping: tensors, by: \.encoding).mapValues(\.count)
        let choice = [Tensor.Encoding.bitmap, .csr, .dense].compactMap { e in counts[e].map { "\(e.rawValue) \($0)" } }.joined(separator: ", ")
        return [
            "not what TFLM flashes (it links the \(fileBytes.grouped) B flatbuffer as is, pruned zeros included); what a compressing deployment or an over-the-air download would need:",
            "  DEFLATE of the file: \(deflateBytes.grouped) B (\(String(format: "%.1f%%", 100 * Double(deflateBytes) / Double(max(fileBytes, 1)))) of the file)",
            "  weights sparse-encoded: \(sparseWeightBytes.grouped) B of \(denseWeightBytes.grouped) B dense (per tensor the smallest of dense, "
                + "bitmap and CSR, index bytes included; tensors: \(choice.isEmpty ? "none" : choice)); all bitmap \(bitmapWeightBytes.grouped) B, all CSR \(csrWeightBytes.grouped) B",
        ]
    }

    /// Zeros over elements of the weight tensors of rank 2 and more (kernels; biases left out).
    static func kernelSparsity(_ weights: [ModelSummary.WeightTensor]) -> Double {
        let kernels = weights.filter { $0.shape.count >= 2 }
        let elements = kernels.reduce(0) { $0 + $1.elements }
        return elements > 0 ? Double(kernels.reduce(0) { $0 + $1.zeros }) / Double(elements) : 0
    }
}
