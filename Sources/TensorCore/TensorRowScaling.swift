// Each row of a matrix times its own number: the chain rule when one scalar per example (a
// score's gradient) multiplies that example's vector.
//
//     let dV = u.scalingRows(by: g)      // [B, E] rows times g: [B] -> [B, E], dV[b, :] = g[b] · u[b, :]
//
// It is diag(g) · u without building the diagonal matrix.

extension Tensor {
    /// Row i multiplied by factors[i].
    /// self: [m, n], factors: [m] -> [m, n]
    public func scalingRows(by factors: Tensor) -> Tensor {
        precondition(rank == 2 && factors.rank == 1 && factors.shape[0] == shape[0],
                     "scalingRows: needs a matrix [m, n] and factors [m], got \(shape) and \(factors.shape)")
        let n = shape[1]
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            factors.withUnsafeBufferPointer { f in
                for i in 0..<f.count {
                    let factor = f[i]
                    for j in 0..<n { o[i * n + j] *= factor }
                }
            }
        }
        return out
    }
}
