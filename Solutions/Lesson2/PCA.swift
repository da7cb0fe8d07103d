// Lesson 2, section 6: principal component analysis by hand, to look at word vectors in 2-D
// and 3-D.
//
//     mean       μ = (1/N) Σ_n x_n                               x: [N, D] -> μ: [D]
//     covariance C = (1/(N−1)) (X − μ)ᵀ (X − μ)                  -> C: [D, D]
//     components the k eigenvectors of C with the largest eigenvalues, found one at a time by
//                power iteration  v ← C v / ‖C v‖  and then deflation  C ← C − λ v vᵀ
//     projection z = (x − μ) Vᵀ                                  V: [k, D] -> z: [N, k]
//
// N is the number of points (words), D their dimension (50 for GloVe 6B 50d), k the number of
// components kept (2 or 3). Eigenvalue λ_i is the variance of the data along component i;
// λ_i / trace(C) is the share of all the variance it explains (scikit-learn's
// `explained_variance_ratio_`). Power iteration converges at the rate λ_{i+1}/λ_i, so close
// eigenvalues need many iterations; for k ≤ 3 of a 50 × 50 matrix that costs nothing.
//
// An eigenvector's sign is arbitrary (−v is one too). To draw the same picture on every run,
// each component is flipped so its largest-magnitude entry is positive, as scikit-learn does.

import TensorCore

/// The sample mean [D] and covariance [D, D] (divisor N − 1) of the rows of x [N, D] (section 6.1).
public func meanAndCovariance(_ x: Tensor<Double>) -> (mean: Tensor<Double>, covariance: Tensor<Double>) {
    precondition(x.rank == 2 && x.shape[0] >= 2, "meanAndCovariance: needs x [N, D] with N ≥ 2, got \(x.shape)")
    // BEGIN SOLUTION: meanAndCovariance (section 6.1)
    let (n, d) = (x.shape[0], x.shape[1])
    var mean = Tensor<Double>(shape: [d])
    for i in 0..<n { for j in 0..<d { mean.scalars[j] += x.scalars[i * d + j] } }
    mean.scale(by: 1 / Double(n))
    var centred = x
    for i in 0..<n { for j in 0..<d { centred.scalars[i * d + j] -= mean.scalars[j] } }
    var covariance = Tensor<Double>(shape: [d, d])
    gemm(centred, transposeA: true, centred, into: &covariance, alpha: 1 / Double(n - 1), beta: 0)
    return (mean, covariance)
    // END SOLUTION
}

/// The `count` largest eigenvalues of a symmetric positive semi-definite matrix a [D, D] and
/// their unit eigenvectors as rows [count, D], by power iteration with deflation (section 6.2).
/// Each vector starts from a seeded random direction and iterates until it moves less than
/// `tolerance` (Euclidean) in one step, or for `maxIterations` steps.
public func topEigenpairs(symmetric a: Tensor<Double>, count: Int, maxIterations: Int = 10_000,
                          tolerance: Double = 1e-12, seed: UInt64 = 0) -> (values: [Double], vectors: Tensor<Double>) {
    precondition(a.rank == 2 && a.shape[0] == a.shape[1], "topEigenpairs: needs a square matrix, got \(a.shape)")
    precondition(count >= 0 && count <= a.shape[0], "topEigenpairs: count \(count) for a \(a.shape) matrix")
    // BEGIN SOLUTION: topEigenpairs (section 6.2)
    let d = a.shape[0]
    var rest = a
    var rng = SeededRNG(seed: seed)
    var values: [Double] = []
    var vectors = Tensor<Double>(shape: [count, d])
    for k in 0..<count {
        var v = Tensor<Double>.normal([d, 1], rng: &rng)
        v.scale(by: 1 / v.norm())
        for _ in 0..<maxIterations {
            var w = matmul(rest, v)
            let length = w.norm()
            // Nothing left: the matrix has rank k, every further eigenvalue is 0.
            if length < 1e-300 { break }
            w.scale(by: 1 / length)
            let moved = (w - v).norm()
            v = w
            if moved < tolerance { break }
        }
        // The Rayleigh quotient vᵀ A v is the eigenvalue of a unit eigenvector.
        let av = matmul(rest, v)
        let lambda = zip(v.scalars, av.scalars).reduce(0.0) { $0 + $1.0 * $1.1 }
        values.append(lambda)
        for j in 0..<d { vectors.scalars[k * d + j] = v.scalars[j] }
        // Deflation: remove this direction so the next iteration finds the next one.
        gemm(v, v, transposeB: true, into: &rest, alpha: -lambda, beta: 1)
    }
    return (values, vectors)
    // END SOLUTION
}

public struct PCA: Sendable {
    /// [D]: the mean that was subtracted.
    public let mean: Tensor<Double>
    /// [k, D]: unit directions, largest variance first, each with its largest-magnitude entry positive.
    public let components: Tensor<Double>
    /// [k]: the variance along each component (eigenvalues of the covariance, divisor N − 1).
    public let explainedVariance: [Double]
    /// [k]: explainedVariance / totalVariance.
    public let explainedVarianceRatio: [Double]
    /// trace of the covariance: the variance of all D dimensions together.
    public let totalVariance: Double

    /// Fits k components to the rows of x [N, D] (section 6.3).
    public init<T: TensorScalar>(fitting x: Tensor<T>, components k: Int, seed: UInt64 = 0) {
        precondition(x.rank == 2 && k >= 1 && k <= x.shape[1], "PCA: needs x [N, D] and 1 ≤ k ≤ D, got \(x.shape) and k = \(k)")
        // BEGIN SOLUTION: PCA.init(fitting:components:) (section 6.3)
        let (mean, covariance) = meanAndCovariance(Tensor<Double>(x))
        var (values, vectors) = topEigenpairs(symmetric: covariance, count: k, seed: seed)
        let d = x.shape[1]
        for c in 0..<k {
            let row = (c * d)..<((c + 1) * d)
            let largest = vectors.scalars[row].max { abs($0) < abs($1) } ?? 0
            if largest < 0 { for j in row { vectors.scalars[j] = -vectors.scalars[j] } }
        }
        let total = (0..<d).reduce(0.0) { $0 + covariance.scalars[$1 * d + $1] }
        values = values.map { max($0, 0) }  // rounding can leave -1e-17 where the truth is 0
        self.mean = mean
        self.components = vectors
        self.explainedVariance = values
        self.explainedVarianceRatio = values.map { total > 0 ? $0 / total : 0 }
        self.totalVariance = total
        // END SOLUTION
    }

    /// Projects rows onto the components: x [N, D] -> z [N, k], z = (x − mean) componentsᵀ (section 6.3).
    public func transform<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<Double> {
        precondition(x.rank == 2 && x.shape[1] == mean.count, "PCA.transform: needs x [N, \(mean.count)], got \(x.shape)")
        // BEGIN SOLUTION: PCA.transform (section 6.3)
        var centred = Tensor<Double>(x)
        let d = mean.count
        for i in 0..<x.shape[0] { for j in 0..<d { centred.scalars[i * d + j] -= mean.scalars[j] } }
        return matmul(centred, components, transposeB: true)
        // END SOLUTION
    }
}
