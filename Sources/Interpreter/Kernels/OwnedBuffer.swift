// Memory a kernel object owns for its loops (tables, prepared weights, accumulators,
// operand pointers): allocated in prepare, freed with the kernel. It is host-side
// working memory of the simulator, not part of the modelled arena, and the one place in
// the kernels where raw memory is allocated and freed; eval's loops read `base`.

final class OwnedBuffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    /// `count` elements, each `value`.
    init(count: Int, repeating value: Element) {
        self.count = max(count, 0)
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(self.count, 1))
    }

    /// A copy of `values`.
    init(_ values: [Element]) {
        count = values.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(values.count, 1))
        if !values.isEmpty { base.initialize(from: values, count: values.count) }
    }

    deinit {
        // A buffer made with repeating: initialised one slot even when empty.
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Unchecked: kernels index within bounds established in prepare.
    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }
}
