// softmax(x)_i = e^{x_i} / Σ_j e^{x_j}: scores into weights that are positive and add up to 1
// (attention over the steps of a sequence).
//
// Shifting every score by the largest one first gives the same result (the e^{-max} cancels)
// and keeps every exponent <= 0, so a score of 1000 does not overflow to inf / inf = NaN.

/// The softmax of all elements of x. x: [n], n >= 1 -> [n], positive, summing to 1
public func softmax<T>(_ x: Tensor<T>) -> Tensor<T> {
    precondition(x.rank == 1 && x.count >= 1, "softmax: needs a vector with at least one element, got \(x.shape)")
    let top = x.scalars.reduce(-T.infinity) { Swift.max($0, $1) }
    let e = exp(x - top)
    return e / e.sum()
}
