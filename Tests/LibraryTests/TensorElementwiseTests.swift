// The elementwise functions (TensorElementwise.swift), maxRows and placing (TensorMaxRows.swift),
// stack and softmax, against naive loops over the scalars, in Float and Double. Elementwise maps
// do the same arithmetic on each element as the loop, so they must agree exactly.

import XCTest
@testable import TensorCore

final class TensorElementwiseTests: XCTestCase {
    private func random<T: TensorScalar>(_ shape: [Int], _ rng: inout SeededRNG, low: T = -3, high: T = 3) -> Tensor<T> {
        Tensor.uniform(shape, low: low, high: high, rng: &rng)
    }

    private func checkElementwise<T: TensorScalar>(_: T.Type) {
        var rng = SeededRNG(seed: 11)
        for shape in [[1], [5], [3, 4], [2, 3, 2]] {
            let x: Tensor<T> = random(shape, &rng)
            let positive: Tensor<T> = random(shape, &rng, low: 0.1, high: 4)
            XCTAssertEqual(exp(x).scalars, x.scalars.map { T.exp($0) })
            XCTAssertEqual(log1p(positive).scalars, positive.scalars.map { T.log1p($0) })
            XCTAssertEqual(sqrt(positive).scalars, positive.scalars.map { $0.squareRoot() })
            XCTAssertEqual(x.magnitude.scalars, x.scalars.map { Swift.abs($0) })
            XCTAssertEqual(x.clamped(min: 0).scalars, x.scalars.map { Swift.max($0, 0) })
            XCTAssertEqual((x / positive).scalars, zip(x.scalars, positive.scalars).map { $0 / $1 })
            XCTAssertEqual((2 / positive).scalars, positive.scalars.map { 2 / $0 })
            for result in [exp(x), log1p(positive), sqrt(positive), x.magnitude, x.clamped(min: 0), x / positive, 2 / positive] {
                XCTAssertEqual(result.shape, shape)
            }
        }
    }

    func testElementwiseFunctionsMatchNaiveLoops() {
        checkElementwise(Float.self)
        checkElementwise(Double.self)
    }

    func testTheStableBCEFormReadsLikeItsEquation() {
        // max(z, 0) - z y + log(1 + e^{-|z|}) = -[y log σ(z) + (1 - y) log(1 - σ(z))]
        let z = Tensor<Double>([-30, -2, 0, 0.5, 20])
        let y = Tensor<Double>([0, 1, 1, 0, 1])
        let terms = z.clamped(min: 0) - z * y + log1p(exp(-z.magnitude))
        for i in 0..<z.count {
            let s = 1 / (1 + Double.exp(-z[i]))
            let direct = -(y[i] * Double.log(s) + (1 - y[i]) * Double.log(1 - s))
            XCTAssertEqual(terms[i], direct, accuracy: 1e-9 * Swift.max(1, direct))
        }
    }

    private func checkMaxRows<T: TensorScalar>(_: T.Type) {
        var rng = SeededRNG(seed: 12)
        for (m, n) in [(1, 1), (1, 4), (5, 1), (6, 3), (7, 8)] {
            let x: Tensor<T> = random([m, n], &rng)
            let (values, rows) = x.maxRows()
            XCTAssertEqual(values.shape, [n])
            XCTAssertEqual(rows.count, n)
            for j in 0..<n {
                let column = (0..<m).map { x[$0, j] }
                XCTAssertEqual(values[j], column.max())
                XCTAssertEqual(rows[j], column.firstIndex(of: column.max()!))
            }
            let dValues: Tensor<T> = random([n], &rng)
            let placed = Tensor.placing(dValues, atRows: rows, height: m)
            XCTAssertEqual(placed.shape, [m, n])
            for i in 0..<m {
                for j in 0..<n { XCTAssertEqual(placed[i, j], i == rows[j] ? dValues[j] : 0) }
            }
        }
    }

    func testMaxRowsAndPlacingMatchNaiveLoops() {
        checkMaxRows(Float.self)
        checkMaxRows(Double.self)
    }

    func testMaxRowsKeepsTheFirstOfEqualRows() {
        let x = Tensor<Float>([[1, 5], [3, 5], [3, 2]])
        let (values, rows) = x.maxRows()
        XCTAssertEqual(values.scalars, [3, 5])
        XCTAssertEqual(rows, [1, 0])
    }

    func testStackPutsTheVectorsInRows() {
        let stacked = stack([Tensor<Float>([1, 2, 3]), Tensor<Float>([4, 5, 6])])
        XCTAssertEqual(stacked, Tensor<Float>([[1, 2, 3], [4, 5, 6]]))
        XCTAssertEqual(stack([Tensor<Double>([7])]).shape, [1, 1])
    }

    private func checkSoftmax<T: TensorScalar>(_: T.Type, tolerance: T) {
        var rng = SeededRNG(seed: 13)
        for n in [1, 2, 7] {
            let x: Tensor<T> = random([n], &rng, low: -5, high: 5)
            let s = softmax(x)
            let e = x.scalars.map { T.exp($0) }
            let total = e.reduce(0, +)
            for i in 0..<n { XCTAssertEqual(s[i], e[i] / total, accuracy: tolerance) }
            XCTAssertEqual(s.sum(), 1, accuracy: tolerance)
        }
        // Shifted by the maximum: scores of 1000 do not overflow.
        let big = softmax(Tensor<T>([1000, 1000 - T.log(3)]))
        // (1000 - log 3 rounds to Float's spacing there, 6e-5, hence the looser bound.)
        XCTAssertEqual(big[0], 0.75, accuracy: 1e-4)
        XCTAssertEqual(big[1], 0.25, accuracy: 1e-4)
    }

    func testSoftmaxMatchesItsDefinitionAndDoesNotOverflow() {
        checkSoftmax(Float.self, tolerance: 1e-5)
        checkSoftmax(Double.self, tolerance: 1e-12)
    }
}
