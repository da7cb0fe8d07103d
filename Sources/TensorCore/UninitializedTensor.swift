// Tensors whose every element the caller is about to overwrite.
//
// Tensor(shape:) fills with zeros: one extra pass over memory, which for the large buffers of a
// recurrent layer (gates [N, 4H] for thousands of tokens) costs as much as some of the
// arithmetic done in them afterwards.

extension Tensor {
    /// A tensor of `shape` whose scalars are not set: whatever the allocator returned. Only for
    /// a result that is then written completely before anything reads it (e.g. by BLAS with
    /// beta = 0, which never reads C, or by a loop over every element).
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        // Float and Double are trivial types: no element needs constructing or destroying.
        let scalars = [Scalar](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        return Tensor(shape: shape, scalars: scalars)
    }
}
