import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class NumericalGradientTests: XCTestCase {
    /// f(x) = Σ x³ has f' = 3x² and f''' = 6, so the centred difference is off by exactly ε²
    /// per entry; a one-sided difference is off by about 3xε, a thousand times more here.
    func testNumericalGradient_cubic() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [-1.5, -0.2, 0.3, 0.8, 1.1, 2.0])
        let epsilon = 1e-3
        let n = numericalGradient(of: { $0.scalars.reduce(0) { $0 + $1 * $1 * $1 } }, at: x, epsilon: epsilon)
        XCTAssertEqual(n.shape, x.shape, "the numeric gradient must have the shape of x")
        for i in 0..<x.count {
            let exact = 3 * x.scalars[i] * x.scalars[i]
            XCTAssertEqual(n.scalars[i], exact + epsilon * epsilon, accuracy: 1e-9,
                           "d(Σx³)/dx at index \(unflatten(i, shape: x.shape)), x = \(x.scalars[i]): got \(n.scalars[i]), expected 3x² + ε² = \(exact + epsilon * epsilon)")
        }
    }

    /// Shrinking ε tenfold shrinks a centred difference's error about a hundredfold (O(ε²)).
    func testNumericalGradient_errorIsQuadraticInEpsilon() {
        let x = Tensor<Double>([0.5, -1.0, 2.0])
        let f: (Tensor<Double>) -> Double = { $0.scalars.reduce(0) { $0 + Foundation.exp($1) } }
        for i in 0..<x.count {
            let exact = Foundation.exp(x.scalars[i])
            let coarse = abs(numericalGradient(of: f, at: x, epsilon: 1e-2).scalars[i] - exact)
            let fine = abs(numericalGradient(of: f, at: x, epsilon: 1e-3).scalars[i] - exact)
            let ratio = coarse / fine
            XCTAssertTrue(ratio > 50 && ratio < 200,
                          "d(Σ eˣ)/dx[\(i)]: error \(coarse) at ε = 1e-2 and \(fine) at ε = 1e-3, ratio \(ratio); a centred difference gives about 100")
        }
    }

    /// f mixes entries, so an entry left perturbed (not restored) corrupts the next ones.
    func testNumericalGradient_mixedTerms() {
        let x = Tensor<Double>(shape: [2, 2], scalars: [0.7, -1.3, 0.4, 2.5])
        let f: (Tensor<Double>) -> Double = { v in
            let s = v.scalars
            return s[0] * s[1] + s[2] * s[2] * s[3] + 3 * s[3]
        }
        let s = x.scalars
        let exact = Tensor<Double>(shape: [2, 2], scalars: [s[1], s[0], 2 * s[2] * s[3], s[2] * s[2] + 3])
        let n = numericalGradient(of: f, at: x, epsilon: 1e-4)
        assertClose(n, exact, tolerance: 1e-8, "numeric gradient of x0·x1 + x2²·x3 + 3·x3")
    }

    func testNumericalGradient_checksLinearBackward() throws {
        let f = try loadFixture("lesson1/linear_b4_in5_out3")
        let linear = Linear(weight: try f.tensor("weight"), bias: try f.tensor("bias"))
        let x = try f.tensor("x"), dy = try f.tensor("dy")
        let (_, cache) = linear.forward(x)
        let (_, grads) = linear.backward(dy, cache: cache)
        let numeric = numericalGradient(of: { (Linear(weight: $0, bias: linear.bias)(x) * dy).sum() },
                                        at: linear.weight, epsilon: 1e-4)
        assertClose(numeric, try f.tensor("dweight"), tolerance: 1e-8, "numeric dWeight vs PyTorch")
        let error = gradientRelativeError(analytic: grads.weight, numeric: numeric)
        XCTAssertLessThanOrEqual(error, Tolerance.gradientCheck, "relative error of dWeight vs its numeric gradient")
    }

    func testGradientRelativeError_knownValues() {
        func error(_ a: [Double], _ n: [Double]) -> Double {
            gradientRelativeError(analytic: Tensor(a), numeric: Tensor(n))
        }
        XCTAssertEqual(error([1, 2], [1, 2]), 0, "equal gradients")
        XCTAssertEqual(error([1], [-1]), 1, accuracy: 1e-15, "|1 - (-1)| / (|1| + |-1|)")
        XCTAssertEqual(error([0, 0], [0, 0]), 0, "two zero gradients: the 1e-8 floor avoids 0/0")
        XCTAssertEqual(error([1e-12], [0]), 1e-4, accuracy: 1e-18, "tiny entries: |1e-12 - 0| / max(1e-8, 1e-12) = 1e-4")
        XCTAssertEqual(error([3, 1.0], [3, 1.1]), 0.1 / 2.1, accuracy: 1e-15, "the worst entry: |1 - 1.1| / (1 + 1.1)")
        XCTAssertEqual(error([100, 1], [101, 1]), 1.0 / 201, accuracy: 1e-15, "relative, not absolute: |100 - 101| / 201")
    }

    /// A backward that produced a NaN must never pass a gradient check: NaN compares false with
    /// everything, so a plain running maximum would skip it and report the other entries' error.
    func testGradientRelativeError_nanIsNeverAMatch() {
        for (analytic, numeric) in [([Double.nan, 1], [1.0, 1]), ([1, 2], [1, Double.nan]), ([0.5, .nan, 0.5], [0.5, 0.5, 0.5])] {
            let e = gradientRelativeError(analytic: Tensor(analytic), numeric: Tensor(numeric))
            XCTAssertTrue(e.isNaN, "analytic \(analytic), numeric \(numeric): a NaN entry must make the error NaN, got \(e)")
        }
    }
}
