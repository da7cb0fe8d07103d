// Gradient checking by centred differences, in Double, as CS231n does it:
//
//     ∂L/∂θ_i ≈ (L(θ + ε e_i) - L(θ - ε e_i)) / 2ε,   error O(ε²)
//
// and the relative error  |a - n| / max(1e-8, |a| + |n|)  between the analytic gradient a and
// the numeric one n, worst element reported. In Double with ε = 1e-6 a correct backward pass
// scores about 1e-8 or better; 1e-2 means a bug. Large tensors are checked on a seeded sample
// of entries so a check stays fast; the report names the tensor, the index and both values.

/// The relative error CS231n uses, for one pair of numbers.
@inlinable
public func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(1e-8, abs(a) + abs(b))
}

/// The worst elementwise relative error between two tensors of one shape.
public func relativeError<T: TensorScalar>(_ a: Tensor<T>, _ b: Tensor<T>) -> Double {
    precondition(a.shape == b.shape, "relativeError: shapes \(a.shape) and \(b.shape) differ")
    var worst = 0.0
    for (x, y) in zip(a.scalars, b.scalars) { worst = max(worst, relativeError(Double(x), Double(y))) }
    return worst
}

/// The outcome of checking one tensor's gradient.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    public let name: String
    /// Entries compared (all of them, or a sample for large tensors).
    public let checked: Int
    public let total: Int
    /// The multi-dimensional index of the worst entry.
    public let worstIndex: [Int]
    public let analytic: Double
    public let numeric: Double
    public let relativeError: Double

    public func passed(tolerance: Double) -> Bool { relativeError <= tolerance }

    public var description: String {
        let sample = checked < total ? " (\(checked) of \(total) entries sampled)" : ""
        return "\(name): worst relative error \(formatError(relativeError)) at \(worstIndex): analytic \(analytic), numeric \(numeric)\(sample)"
    }
}

func formatError(_ e: Double) -> String {
    e == 0 ? "0" : String(format: "%.2e", e)
}

import Foundation

public struct GradientCheck: Sendable {
    /// The step ε of the centred difference.
    public var epsilon: Double
    /// Entries checked per tensor at most; larger tensors are sampled with `seed`.
    public var maxEntries: Int
    public var seed: UInt64

    public init(epsilon: Double = 1e-6, maxEntries: Int = 200, seed: UInt64 = 0) {
        self.epsilon = epsilon
        self.maxEntries = maxEntries
        self.seed = seed
    }

    /// The numeric gradient of `loss` with respect to `x` at the given flat indices.
    public func numericGradient(of loss: (Tensor<Double>) -> Double, at x: Tensor<Double>, indices: [Int]) -> [Double] {
        var probe = x
        return indices.map { i in
            let saved = probe.scalars[i]
            probe.scalars[i] = saved + epsilon
            let plus = loss(probe)
            probe.scalars[i] = saved - epsilon
            let minus = loss(probe)
            probe.scalars[i] = saved
            return (plus - minus) / (2 * epsilon)
        }
    }

    /// The full numeric gradient (every entry) of `loss` at `x`.
    public func numericGradient(of loss: (Tensor<Double>) -> Double, at x: Tensor<Double>) -> Tensor<Double> {
        Tensor(shape: x.shape, scalars: numericGradient(of: loss, at: x, indices: Array(0..<x.count)))
    }

    /// Compares `analytic` (what a backward pass returned for tensor `x`) with centred differences
    /// of `loss`, a function that recomputes the scalar loss with `x` replaced by its argument.
    public func check(_ name: String, analytic: Tensor<Double>, at x: Tensor<Double>,
                      loss: (Tensor<Double>) -> Double) -> GradientCheckResult {
        precondition(analytic.shape == x.shape,
                     "GradientCheck \(name): gradient has shape \(analytic.shape) but the tensor has \(x.shape)")
        let indices: [Int]
        if x.count <= maxEntries {
            indices = Array(0..<x.count)
        } else {
            var rng = SeededRNG(seed: seed ^ UInt64(truncatingIfNeeded: name.hashValueStable))
            indices = Array(rng.permutation(x.count).prefix(maxEntries)).sorted()
        }
        let numeric = numericGradient(of: loss, at: x, indices: indices)
        var worst = (flat: indices.first ?? 0, error: -1.0, a: 0.0, n: 0.0)
        for (i, n) in zip(indices, numeric) {
            let a = analytic.scalars[i]
            let e = relativeError(a, n)
            if e > worst.error || e.isNaN { worst = (i, e, a, n) }
        }
        return GradientCheckResult(name: name, checked: indices.count, total: x.count,
                                   worstIndex: unflatten(worst.flat, shape: x.shape),
                                   analytic: worst.a, numeric: worst.n, relativeError: max(worst.error, 0))
    }
}

/// The multi-dimensional index of flat index `i` in a row-major tensor of `shape`.
public func unflatten(_ i: Int, shape: [Int]) -> [Int] {
    var rest = i
    var index = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
        index[d] = rest % shape[d]
        rest /= shape[d]
    }
    return index
}

extension String {
    /// A hash that is the same in every run (String.hashValue is seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
