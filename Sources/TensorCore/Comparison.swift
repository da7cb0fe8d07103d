// Comparing a result with a reference, reported per tensor with the worst index, the way
// llm.c's test prints OK / NOT OK with the largest difference.

public struct TensorComparison: CustomStringConvertible, Sendable {
    public let name: String
    public let shape: [Int]
    public let worstIndex: [Int]
    public let got: Double
    public let expected: Double
    public let maxAbsDifference: Double
    public let tolerance: Double
    /// Set when the shapes differ; then nothing else was compared.
    public let shapeMismatch: [Int]?

    public var ok: Bool { shapeMismatch == nil && maxAbsDifference <= tolerance && !maxAbsDifference.isNaN }

    public var description: String {
        if let other = shapeMismatch {
            return "NOT OK \(name): shape \(other), expected \(shape)"
        }
        let verdict = ok ? "OK" : "NOT OK"
        return "\(verdict) \(name) \(shape): max |got - expected| = \(formatError(maxAbsDifference)) at \(worstIndex) (got \(got), expected \(expected); tolerance \(formatError(tolerance)))"
    }
}

/// Compares `got` with `expected` elementwise; `tolerance` bounds |got - expected| scaled by
/// max(1, |expected|), so large values are held to the same number of digits as small ones.
public func compare<T: TensorScalar, U: TensorScalar>(_ name: String, got: Tensor<T>, expected: Tensor<U>, tolerance: Double) -> TensorComparison {
    guard got.shape == expected.shape else {
        return TensorComparison(name: name, shape: expected.shape, worstIndex: [], got: .nan, expected: .nan,
                                maxAbsDifference: .infinity, tolerance: tolerance, shapeMismatch: got.shape)
    }
    var worst = (i: 0, d: -1.0)
    for i in 0..<got.count {
        let g = Double(got.scalars[i]), e = Double(expected.scalars[i])
        let d = abs(g - e) / max(1, abs(e))
        if d > worst.d || d.isNaN { worst = (i, d.isNaN ? .infinity : d) }
    }
    let g = got.count > 0 ? Double(got.scalars[worst.i]) : 0
    let e = got.count > 0 ? Double(expected.scalars[worst.i]) : 0
    return TensorComparison(name: name, shape: expected.shape, worstIndex: unflatten(worst.i, shape: expected.shape),
                            got: g, expected: e, maxAbsDifference: max(worst.d, 0), tolerance: tolerance, shapeMismatch: nil)
}
