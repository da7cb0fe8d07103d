// Your copy of Solutions/Lesson2/PCA.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
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
    unimplemented("meanAndCovariance", lesson: 2, see: "section 6.1")
}

/// The `count` largest eigenvalues of a symmetric positive semi-definite matrix a [D, D] and
/// their unit eigenvectors as rows [count, D], by power iteration with deflation (section 6.2).
/// Each vector starts from a seeded random direction and iterates until it moves less than
/// `tolerance` (Euclidean) in one step, or for `maxIterations` steps.
public func topEigenpairs(symmetric a: Tensor<Double>, count: Int, maxIterations: Int = 10_000,
                          tolerance: Double = 1e-12, seed: UInt64 = 0) -> (values: [Double], vectors: Tensor<Double>) {
    precondition(a.rank == 2 && a.shape[0] == a.shape[1], "topEigenpairs: needs a square matrix, got \(a.shape)")
    precondition(count >= 0 && count <= a.shape[0], "topEigenpairs: count \(count) for a \(a.shape) matrix")
    unimplemented("topEigenpairs", lesson: 2, see: "section 6.2")
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
        unimplemented("PCA.init(fitting:components:)", lesson: 2, see: "section 6.3")
    }

    /// Projects rows onto the components: x [N, D] -> z [N, k], z = (x − mean) componentsᵀ (section 6.3).
    public func transform<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<Double> {
        precondition(x.rank == 2 && x.shape[1] == mean.count, "PCA.transform: needs x [N, \(mean.count)], got \(x.shape)")
        unimplemented("PCA.transform", lesson: 2, see: "section 6.3")
    }
}
