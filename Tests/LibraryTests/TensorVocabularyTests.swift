// The tensor vocabulary (TensorBlocks, TensorRows, TensorAlgebra, and the TensorOps it builds on)
// against naive element loops, on random shapes that include 1-sized dimensions, in Float and
// Double. Copies and elementwise maps must agree exactly (they do the same arithmetic on each
// element); sums and matrix products within a tolerance, since BLAS may add in another order.

import CourseTesting
import Foundation
import XCTest
@testable import TensorCore

final class TensorVocabularyTests: XCTestCase {
    // MARK: Helpers

    /// A random size in 1...max, 1 about a third of the time (the edge loops get wrong).
    private func size(_ rng: inout SeededRNG, max: Int = 7) -> Int {
        rng.int(below: 3) == 0 ? 1 : 1 + rng.int(below: max)
    }

    private func random<T: TensorScalar>(_ shape: [Int], _ rng: inout SeededRNG) -> Tensor<T> {
        Tensor.uniform(shape, low: -2, high: 2, rng: &rng)
    }

    /// A random range within 0..<n (possibly empty).
    private func range(within n: Int, _ rng: inout SeededRNG) -> Range<Int> {
        let lo = rng.int(below: n + 1)
        return lo..<(lo + rng.int(below: n - lo + 1))
    }

    /// Random cases per test and scalar type.
    private let cases = 40

    private func tolerance<T: TensorScalar>(_: T.Type) -> Double { T.self == Float.self ? 1e-5 : 1e-12 }

    // MARK: Column blocks

    private func checkColumns<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let (m, n) = (size(&rng), size(&rng))
        let a: Tensor<T> = random([m, n], &rng)
        let r = range(within: n, &rng)
        let block = a.columns(r)
        XCTAssertEqual(block.shape, [m, r.count])
        for i in 0..<m { for j in 0..<r.count { XCTAssertEqual(block[i, j], a[i, r.lowerBound + j]) } }

        var b = a
        let replacement: Tensor<T> = random([m, r.count], &rng)
        b.setColumns(r, to: replacement)
        for i in 0..<m {
            for j in 0..<n {
                XCTAssertEqual(b[i, j], r.contains(j) ? replacement[i, j - r.lowerBound] : a[i, j], "setColumns [\(i), \(j)]")
            }
        }
    }

    func testColumnsAndSetColumnsMatchNaiveLoops() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkColumns(&rng, Float.self); checkColumns(&rng, Double.self) }
    }

    private func checkConcatColumns<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let m = size(&rng)
        let widths = (0..<(1 + rng.int(below: 4))).map { _ in rng.int(below: 4) }  // 0-wide blocks too
        let blocks: [Tensor<T>] = widths.map { random([m, $0], &rng) }
        let joined = concatColumns(blocks)
        XCTAssertEqual(joined.shape, [m, widths.reduce(0, +)])
        var start = 0
        for block in blocks {
            for i in 0..<m { for j in 0..<block.cols { XCTAssertEqual(joined[i, start + j], block[i, j]) } }
            XCTAssertEqual(joined.columns(start..<(start + block.cols)), block)
            start += block.cols
        }
    }

    func testConcatColumnsMatchesNaiveLoopAndUndoesColumns() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkConcatColumns(&rng, Float.self); checkConcatColumns(&rng, Double.self) }
    }

    // MARK: Rows

    private func checkRows<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let (m, n) = (size(&rng), size(&rng))
        let a: Tensor<T> = random([m, n], &rng)

        let r = range(within: m, &rng)
        let block = a.rows(r)
        XCTAssertEqual(block.shape, [r.count, n])
        for i in 0..<r.count { for j in 0..<n { XCTAssertEqual(block[i, j], a[r.lowerBound + i, j]) } }

        let indices = (0..<rng.int(below: 2 * m + 1)).map { _ in rng.int(below: m) }  // repeats too
        let gathered = a.rows(indices)
        XCTAssertEqual(gathered.shape, [indices.count, n])
        for (k, row) in indices.enumerated() { for j in 0..<n { XCTAssertEqual(gathered[k, j], a[row, j]) } }

        // setRows over a range.
        let rangeBlock: Tensor<T> = random([r.count, n], &rng)
        var b = a
        b.setRows(r, to: rangeBlock)
        for i in 0..<m {
            for j in 0..<n { XCTAssertEqual(b[i, j], r.contains(i) ? rangeBlock[i - r.lowerBound, j] : a[i, j]) }
        }

        // addToRows over a range.
        var c = a
        c.addToRows(r, rangeBlock)
        for i in 0..<m {
            for j in 0..<n { XCTAssertEqual(c[i, j], r.contains(i) ? a[i, j] + rangeBlock[i - r.lowerBound, j] : a[i, j]) }
        }

        // setRows and addToRows at indices, with repeats: the last write stays, every add adds.
        let indexBlock: Tensor<T> = random([indices.count, n], &rng)
        var expectedSet = a, expectedAdd = a
        for (k, row) in indices.enumerated() {
            for j in 0..<n {
                expectedSet[row, j] = indexBlock[k, j]
                expectedAdd[row, j] += indexBlock[k, j]
            }
        }
        var d = a
        d.setRows(indices, to: indexBlock)
        XCTAssertEqual(d, expectedSet)
        var e = a
        e.addToRows(indices, indexBlock)
        XCTAssertEqual(e, expectedAdd)
    }

    func testRowGatherAndScatterMatchNaiveLoops() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkRows(&rng, Float.self); checkRows(&rng, Double.self) }
    }

    private func checkConcatRows<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let n = size(&rng)
        let heights = (0..<(1 + rng.int(below: 4))).map { _ in rng.int(below: 4) }
        let blocks: [Tensor<T>] = heights.map { random([$0, n], &rng) }
        let stacked = concatRows(blocks)
        XCTAssertEqual(stacked.shape, [heights.reduce(0, +), n])
        var start = 0
        for block in blocks {
            for i in 0..<block.rows { for j in 0..<n { XCTAssertEqual(stacked[start + i, j], block[i, j]) } }
            XCTAssertEqual(stacked.rows(start..<(start + block.rows)), block)
            start += block.rows
        }
    }

    func testConcatRowsMatchesNaiveLoopAndUndoesRows() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkConcatRows(&rng, Float.self); checkConcatRows(&rng, Double.self) }
    }

    // MARK: Elementwise

    private func checkElementwise<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let shape = [size(&rng), size(&rng)]
        let a: Tensor<T> = random(shape, &rng), b: Tensor<T> = random(shape, &rng)
        let s = T(rng.uniform(0.5, 2))
        func same(_ got: Tensor<T>, _ f: (T, T) -> T, _ name: String) {
            XCTAssertEqual(got.shape, shape, name)
            for i in 0..<shape[0] { for j in 0..<shape[1] { XCTAssertEqual(got[i, j], f(a[i, j], b[i, j]), "\(name) [\(i), \(j)]") } }
        }
        same(a + b, { $0 + $1 }, "a + b")
        same(a - b, { $0 - $1 }, "a - b")
        same(a * b, { $0 * $1 }, "a * b (⊙)")
        same(-a, { x, _ in -x }, "-a")
        same(1 - a, { x, _ in 1 - x }, "1 - a")
        same(s - a, { x, _ in s - x }, "s - a")
        same(a - s, { x, _ in x - s }, "a - s")
        same(s + a, { x, _ in s + x }, "s + a")
        same(a + s, { x, _ in x + s }, "a + s")
        same(s * a, { x, _ in s * x }, "s * a")
        same(a * s, { x, _ in x * s }, "a * s")
        same(a / s, { x, _ in x / s }, "a / s")
        // Float tensors take FastMath's approximations (≤ 3.2e-7 relative), Double the exact functions.
        for i in 0..<shape[0] {
            for j in 0..<shape[1] {
                assertClose(Double(a.sigmoid()[i, j]), Double(sigmoid(a[i, j])), tolerance: T.self == Float.self ? 1e-6 : 0, "sigmoid [\(i), \(j)]")
                assertClose(Double(a.tanh()[i, j]), Double(T.tanh(a[i, j])), tolerance: T.self == Float.self ? 1e-6 : 0, "tanh [\(i), \(j)]")
            }
        }
        let y = a.sigmoid(), t = a.tanh()
        XCTAssertEqual(y.sigmoidDerivativeFromOutput(), y * (1 - y), "σ' from the output")
        XCTAssertEqual(t.tanhDerivativeFromOutput(), 1 - t * t, "tanh' from the output")
        // Through the derivative's definition: σ'(x) = σ(x)(1 - σ(x)), tanh'(x) = 1 - tanh²(x).
        for i in 0..<shape[0] {
            for j in 0..<shape[1] {
                let x = Double(a[i, j]), sx = 1 / (1 + Foundation.exp(-x)), tx = Foundation.tanh(x)
                assertClose(Double(y.sigmoidDerivativeFromOutput()[i, j]), sx * (1 - sx), tolerance: tolerance(T.self), "σ'")
                assertClose(Double(t.tanhDerivativeFromOutput()[i, j]), 1 - tx * tx, tolerance: tolerance(T.self), "tanh'")
            }
        }
    }

    func testElementwiseOperationsMatchNaiveLoops() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkElementwise(&rng, Float.self); checkElementwise(&rng, Double.self) }
    }

    // MARK: Sums and products

    private func checkSums<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let (m, n) = (size(&rng), size(&rng))
        let a: Tensor<T> = random([m, n], &rng)
        var overRows = Tensor<Double>.zeros([n]), overColumns = Tensor<Double>.zeros([m])
        for i in 0..<m {
            for j in 0..<n {
                overRows[j] += Double(a[i, j])
                overColumns[i] += Double(a[i, j])
            }
        }
        assertClose(a.sumRows(), overRows, tolerance: tolerance(T.self), "sumRows")
        assertClose(a.sumColumns(), overColumns, tolerance: tolerance(T.self), "sumColumns")

        let v: Tensor<T> = random([n], &rng)
        let shifted = a.addingRow(v)
        for i in 0..<m { for j in 0..<n { XCTAssertEqual(shifted[i, j], a[i, j] + v[j]) } }
    }

    func testRowAndColumnSumsMatchNaiveLoops() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkSums(&rng, Float.self); checkSums(&rng, Double.self) }
    }

    private func checkMatmul<T: TensorScalar>(_ rng: inout SeededRNG, _: T.Type) {
        let (m, k, n) = (size(&rng), size(&rng), size(&rng))
        let a: Tensor<T> = random([m, k], &rng), b: Tensor<T> = random([k, n], &rng)
        var expected = Tensor<Double>.zeros([m, n])
        for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i, j] += Double(a[i, p]) * Double(b[p, j]) } } }
        // Each transposed operand is stored transposed, so every form computes the same a·b.
        assertClose(matmul(a, b), expected, tolerance: tolerance(T.self), "a b")
        assertClose(matmul(a.transposed, transposeA: true, b), expected, tolerance: tolerance(T.self), "(aᵀ)ᵀ b")
        assertClose(matmul(a, b.transposed, transposeB: true), expected, tolerance: tolerance(T.self), "a (bᵀ)ᵀ")
        assertClose(matmul(a.transposed, transposeA: true, b.transposed, transposeB: true), expected,
                    tolerance: tolerance(T.self), "(aᵀ)ᵀ (bᵀ)ᵀ")
    }

    func testMatmulWithTransposesMatchesNaiveLoop() {
        var rng = SeededRNG(seed: 12)
        for _ in 0..<cases { checkMatmul(&rng, Float.self); checkMatmul(&rng, Double.self) }
    }

    // MARK: Shape messages

    func testShapeMessagesNameBothShapes() {
        XCTAssertNil(Tensor<Double>.columnsProblem("columns", shape: [2, 8], range: 6..<8))
        XCTAssertEqual(Tensor<Double>.columnsProblem("columns", shape: [2, 8], range: 6..<9),
                       "columns: columns 6..<9 out of range for shape [2, 8] (0..<8)")
        XCTAssertEqual(Tensor<Double>.columnsProblem("setColumns", shape: [8], range: 0..<1),
                       "setColumns: tensor of shape [8] is not a matrix")
        XCTAssertNil(Tensor<Double>.rowsProblem("rows", shape: [3, 2], range: 0..<3))
        XCTAssertEqual(Tensor<Double>.rowsProblem("rows", shape: [3, 2], range: 1..<4),
                       "rows: rows 1..<4 out of range for shape [3, 2] (0..<3)")
        XCTAssertEqual(Tensor<Double>.rowsProblem("addToRows", shape: [3, 2], indices: [0, 3]),
                       "addToRows: row index 3 out of range for shape [3, 2] (0..<3)")
        XCTAssertNil(concatColumnsProblem([[2, 3], [2, 1]]))
        XCTAssertEqual(concatColumnsProblem([[2, 3], [3, 3]]),
                       "concatColumns: blocks [2, 3] and [3, 3] have different numbers of rows")
        XCTAssertEqual(concatColumnsProblem([]), "concatColumns: no blocks to concatenate")
        XCTAssertNil(concatRowsProblem([[2, 3], [1, 3]]))
        XCTAssertEqual(concatRowsProblem([[2, 3], [2, 4]]),
                       "concatRows: blocks [2, 3] and [2, 4] have different numbers of columns")
    }
}
