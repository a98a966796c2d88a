/// Checks one tensor handed to a layer's `init`: its length, and that every value is finite.
/// Not real-time safe: call during set-up.
func checkTensor(_ values: [Float], _ name: String, count: Int) throws(LayerError) {
    guard values.count == count else {
        throw .wrongTensorLength(tensor: name, expected: count, actual: values.count)
    }
    if let index = values.firstIndex(where: { !$0.isFinite }) {
        throw .nonFinite(tensor: name, index: index)
    }
}

extension UnsafeMutableBufferPointer where Element == Float {
    /// Storage owned by a layer, holding a copy of `values`; the layer frees it in `deinit`.
    /// Not real-time safe: call during set-up.
    static func allocate(copying values: [Float]) -> UnsafeMutableBufferPointer<Float> {
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
        _ = storage.initialize(from: values)
        return storage
    }

    /// Storage owned by a layer, `count` zeros; the layer frees it in `deinit`.
    /// Not real-time safe: call during set-up.
    static func allocate(zeros count: Int) -> UnsafeMutableBufferPointer<Float> {
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        storage.initialize(repeating: 0)
        return storage
    }
}
