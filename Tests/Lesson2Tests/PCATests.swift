// Lesson 2, section 6: PCA by hand against numpy and scikit-learn
// (Tests/Fixtures/lesson2/pca.json: x [60, 6] with variances about 9, 4, 1.7, 0.5, 0.2, 0.04
// in a random orientation). An eigenvector's sign is arbitrary, so components and projections
// are compared up to the sign of each component.

import CourseTesting
import Lesson2
import TensorCore
import XCTest

final class PCATests: XCTestCase {
    /// Flips each row of `got` [k, D] (or each column of [N, k] when `columns`) to agree in
    /// sign with `expected`, so the comparison ignores the arbitrary sign of eigenvectors.
    func alignSigns(_ got: Tensor<Double>, to expected: Tensor<Double>, columns: Bool = false) -> Tensor<Double> {
        guard got.shape == expected.shape, got.rank == 2 else { return got }
        var out = got
        let (n, k) = (got.shape[0], got.shape[1])
        let groups = columns ? k : n
        for g in 0..<groups {
            let cells = columns ? (0..<n).map { $0 * k + g } : (0..<k).map { g * k + $0 }
            let dot = cells.reduce(0.0) { $0 + got.scalars[$1] * expected.scalars[$1] }
            if dot < 0 { for i in cells { out.scalars[i] = -out.scalars[i] } }
        }
        return out
    }

    func testMeanAndCovariance_matchesNumpy() throws {
        let f = try loadFixture("lesson2/pca")
        let (mean, covariance) = meanAndCovariance(try f.tensor("x"))
        assertClose(mean, try f.tensor("mean"), tolerance: 1e-12, "mean [D]")
        assertClose(covariance, try f.tensor("covariance"), tolerance: 1e-12, "covariance [D, D] (np.cov, divisor N - 1)")
    }

    func testTopEigenpairs_diagonalMatrix() {
        let a = Tensor<Double>([[2, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0.5, 0], [0, 0, 0, 3]])
        let (values, vectors) = topEigenpairs(symmetric: a, count: 3)
        XCTAssertEqual(values.count, 3, "three eigenvalues")
        for (i, (got, expected)) in zip(values, [5.0, 3.0, 2.0]).enumerated() {
            XCTAssertEqual(got, expected, accuracy: 1e-9, "eigenvalue \(i) (largest first)")
        }
        // Eigenvector i is ± the unit vector of axis 1, 3, 0.
        for (i, axis) in [1, 3, 0].enumerated() {
            XCTAssertEqual(abs(vectors[i, axis]), 1, accuracy: 1e-9, "vectors[\(i), \(axis)] should be ±1; row is \(vectors.row(i))")
        }
    }

    func testTopEigenpairs_vectorsAreOrthonormalEigenvectors() throws {
        let f = try loadFixture("lesson2/pca")
        let c = try f.tensor("covariance")
        let (values, vectors) = topEigenpairs(symmetric: c, count: 4)
        for i in 0..<4 {
            let v = vectors.row(i)
            let cv = matmul(c, v.reshaped([6, 1])).reshaped([6])
            assertClose(cv, values[i] * v, tolerance: 1e-8, "C v = λ v for eigenpair \(i) (λ = \(values[i]))")
            for j in 0..<4 {
                let dot = zip(v.scalars, vectors.row(j).scalars).reduce(0) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-8, "v\(i) · v\(j) (deflation must give orthonormal vectors)")
            }
        }
        XCTAssertTrue(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 }, "eigenvalues in decreasing order: \(values)")
    }

    func testPCA3_componentsMatchSklearnUpToSign() throws {
        let f = try loadFixture("lesson2/pca")
        let pca = PCA(fitting: try f.tensor("x"), components: 3)
        let expected = try f.tensor("components3")
        assertClose(alignSigns(pca.components, to: expected), expected, tolerance: 1e-7, "components [3, D] (up to sign)")
        assertClose(pca.mean, try f.tensor("mean"), tolerance: 1e-12, "mean [D]")
    }

    func testPCA3_explainedVarianceMatchesSklearn() throws {
        let f = try loadFixture("lesson2/pca")
        let pca = PCA(fitting: try f.tensor("x"), components: 3)
        assertClose(Tensor(pca.explainedVariance), try f.tensor("explained_variance3"), tolerance: 1e-9, "explainedVariance [3]")
        assertClose(Tensor(pca.explainedVarianceRatio), try f.tensor("explained_variance_ratio3"), tolerance: 1e-9,
                    "explainedVarianceRatio [3]")
    }

    func testPCA2_projectionMatchesSklearnUpToSign() throws {
        let f = try loadFixture("lesson2/pca")
        let x = try f.tensor("x")
        let pca = PCA(fitting: x, components: 2)
        let expected = try f.tensor("projection2")
        assertClose(alignSigns(pca.transform(x), to: expected, columns: true), expected, tolerance: 1e-7, "projection [N, 2] (up to sign)")
        assertClose(Tensor(pca.explainedVarianceRatio), try f.tensor("explained_variance_ratio2"), tolerance: 1e-9,
                    "explainedVarianceRatio [2]")
    }

    func testPCA3_projectionOfFloatInputMatchesSklearn() throws {
        let f = try loadFixture("lesson2/pca")
        let x = Tensor<Float>(try f.tensor("x"))
        let pca = PCA(fitting: x, components: 3)
        let expected = try f.tensor("projection3")
        assertClose(alignSigns(pca.transform(x), to: expected, columns: true), expected, tolerance: 1e-5,
                    "projection [N, 3] of Float input (up to sign)")
    }

    func testPCA_signConventionLargestEntryPositive() throws {
        let f = try loadFixture("lesson2/pca")
        let pca = PCA(fitting: try f.tensor("x"), components: 3)
        for i in 0..<3 {
            let row = pca.components.row(i).scalars
            let largest = row.max { abs($0) < abs($1) } ?? 0
            XCTAssertGreaterThan(largest, 0, "component \(i) \(row): its largest-magnitude entry must be positive")
        }
    }
}
