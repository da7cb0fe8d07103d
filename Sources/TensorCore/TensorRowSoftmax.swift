// A softmax over each row of a matrix, and its log-normaliser: a classifier over C classes for
// each of N examples (a language model's next word at N positions).
//
//     let lse = logits.rowLogSumExp()      // [N, C] -> [N],     log Σ_c e^{x_nc}
//     let p = logits.rowSoftmax()          // [N, C] -> [N, C],  e^{x_nc} / Σ_c e^{x_nc}
//
// Both subtract each row's largest element first (the e^{-max} cancels), so a logit of 1000
// does not overflow and every exponent is ≤ 0. A logit of −∞ (a class masked out) gives
// e^{−∞} = 0: it takes no probability, as long as its row has one finite logit.

extension Tensor {
    /// log Σ_j e^{self[i, j]} for every row i, computed as max_i + log Σ_j e^{self[i, j] − max_i}.
    /// self: [m, n] with n ≥ 1 and a finite largest element in every row -> [m]
    public func rowLogSumExp() -> Tensor {
        precondition(rank == 2 && shape[1] >= 1, "rowLogSumExp: needs a matrix with at least one column, got \(shape)")
        let (m, n) = (shape[0], shape[1])
        var out = Tensor.uninitialized([m])
        withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<m {
                    let row = i * n
                    var top = x[row]
                    for j in 1..<n { top = Swift.max(top, x[row + j]) }
                    var total: Scalar = 0
                    for j in 0..<n { total += Scalar.exp(x[row + j] - top) }
                    o[i] = top + Scalar.log(total)
                }
            }
        }
        return out
    }

    /// Each row's softmax: e^{self[i, j] − max_i} / Σ_k e^{self[i, k] − max_i}; every row sums to 1.
    /// self: [m, n] with n ≥ 1 and a finite largest element in every row -> [m, n]
    public func rowSoftmax() -> Tensor {
        precondition(rank == 2 && shape[1] >= 1, "rowSoftmax: needs a matrix with at least one column, got \(shape)")
        let (m, n) = (shape[0], shape[1])
        var out = self
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<m {
                let row = i * n
                var top = p[row]
                for j in 1..<n { top = Swift.max(top, p[row + j]) }
                var total: Scalar = 0
                for j in 0..<n {
                    p[row + j] = Scalar.exp(p[row + j] - top)
                    total += p[row + j]
                }
                for j in 0..<n { p[row + j] /= total }
            }
        }
        return out
    }
}
