// The elementwise algebra of the lesson equations, beside what TensorOps.swift already has
// (a + b, a - b, a * b for ⊙, s * a, -a, matmul with transposes, addingRow, sumRows) and
// Activations.swift (x.sigmoid(), x.tanh(), and their derivatives from the outputs): scalars on
// either side of a tensor, and sums along each axis.
// With them a line of code reads like its equation:
//
//     let dCell = dc + dh * o * (1 - tanhC * tanhC)   // dĉ = dc' + dh' ⊙ o ⊙ (1 - tanh²(c'))
//
// Every operation here returns a new tensor of the shape given in its comment.

// MARK: A scalar with a tensor

extension Tensor {
    /// s - a, elementwise: `1 - f` for the complement of a gate. a: any shape -> same shape
    public static func - (s: Scalar, a: Tensor) -> Tensor { a.map { s - $0 } }
    /// a - s, elementwise. a: any shape -> same shape
    public static func - (a: Tensor, s: Scalar) -> Tensor { a.map { $0 - s } }
    /// s + a, elementwise. a: any shape -> same shape
    public static func + (s: Scalar, a: Tensor) -> Tensor { a.map { s + $0 } }
    /// a + s, elementwise. a: any shape -> same shape
    public static func + (a: Tensor, s: Scalar) -> Tensor { a.map { $0 + s } }
    /// a · s, elementwise (s · a is in TensorOps.swift). a: any shape -> same shape
    public static func * (a: Tensor, s: Scalar) -> Tensor { a.map { $0 * s } }
    /// a / s, elementwise. a: any shape -> same shape
    public static func / (a: Tensor, s: Scalar) -> Tensor { a.map { $0 / s } }
}

// MARK: Sums along one axis

extension Tensor {
    /// Sum over the columns of a matrix, one total per row: [m, n] -> [m].
    /// (sumRows() is the other axis, [m, n] -> [n]: the sum over a batch, as bias gradients need.)
    public func sumColumns() -> Tensor {
        precondition(rank == 2, "sumColumns: tensor of shape \(shape) is not a matrix")
        let (m, n) = (shape[0], shape[1])
        var out = Tensor.uninitialized([m])
        withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<m {
                    var total: Scalar = 0
                    for j in 0..<n { total += p[i * n + j] }
                    o[i] = total
                }
            }
        }
        return out
    }
}
