// scalingRows (TensorRowScaling.swift) against a naive loop, in Float and Double, and its shape check.

import XCTest
@testable import TensorCore

final class TensorRowScalingTests: XCTestCase {
    private func check<T: TensorScalar>(_: T.Type) {
        var rng = SeededRNG(seed: 5)
        for (m, n) in [(1, 1), (3, 4), (7, 2), (4, 0)] {
            let x = Tensor<T>.uniform([m, n], low: -2, high: 2, rng: &rng)
            let g = Tensor<T>.uniform([m], low: -2, high: 2, rng: &rng)
            let scaled = x.scalingRows(by: g)
            XCTAssertEqual(scaled.shape, [m, n])
            var expected = x.scalars
            for i in 0..<m { for j in 0..<n { expected[i * n + j] = x.scalars[i * n + j] * g.scalars[i] } }
            XCTAssertEqual(scaled.scalars, expected, "scalingRows [\(m), \(n)] in \(T.self)")
        }
    }

    func testScalingRowsMatchesANaiveLoop() {
        check(Float.self)
        check(Double.self)
    }

    func testScalingRowsIsDiagonalTimesMatrix() {
        let x = Tensor<Double>([[1, 2], [3, 4], [5, 6]])
        let g = Tensor<Double>([10, 0, -1])
        XCTAssertEqual(x.scalingRows(by: g).scalars, [10, 20, 0, 0, -5, -6])
    }
}
