// The fast layer's per-step products (StepMatrix): the panel kernel of Sources/StepProduct and
// OpenBLAS in tiles, each against the product summed in Double, on shapes that cover the kernel's
// edges (row blocks of 1-6, a last panel narrower than 16 columns, row strides wider than rows).

import CourseTesting
@testable import LSTMKernels
import StepProduct
import TensorCore
import XCTest

final class StepProductTests: XCTestCase {
    /// (k, n): inner dimension and columns; 5, 37 and 50 leave a partial last panel.
    let shapes = [(1, 16), (7, 5), (16, 37), (33, 50), (64, 128)]
    let rowCounts = [1, 2, 3, 4, 5, 6, 7, 13, 64]

    /// C[m, n] = A·B + beta·C in Double, A with row stride lda, C with row stride ldc.
    func reference(_ a: [Float], lda: Int, _ b: Tensor<Float>, m: Int, beta: Float, c: [Float], ldc: Int) -> [Double] {
        let (k, n) = (b.shape[0], b.shape[1])
        var out = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for r in 0..<k { sum += Double(a[i * lda + r]) * Double(b.scalars[r * n + j]) }
                out[i * ldc + j] = sum + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j]))
            }
        }
        return out
    }

    /// Runs the product of every shape, row count and beta with the matrix `make` builds from B,
    /// checking each element of C against `reference` and each padding element (columns n..<ldc)
    /// unchanged.
    func check(_ label: String, make: (Tensor<Float>) -> StepMatrix<Float>) {
        var rng = SeededRNG(seed: 12)
        for (k, n) in shapes {
            let b = Tensor<Float>.uniform([k, n], low: -1, high: 1, rng: &rng)
            let matrix = make(b)
            for m in rowCounts {
                let (lda, ldc) = (k + 3, n + 2)
                let a = Tensor<Float>.uniform([m, lda], low: -1, high: 1, rng: &rng).scalars
                for beta: Float in [0, 1] {
                    let start = Tensor<Float>.uniform([m, ldc], low: -1, high: 1, rng: &rng).scalars
                    // beta 0 must overwrite C, whatever it held.
                    var c = beta == 0 ? start.map { _ in Float.nan } : start
                    a.withUnsafeBufferPointer { ap in
                        c.withUnsafeMutableBufferPointer { cp in
                            matrix.multiply(m: m, a: ap.baseAddress!, lda: lda, beta: beta, c: cp.baseAddress!, ldc: ldc)
                        }
                    }
                    let expected = reference(a, lda: lda, b, m: m, beta: beta, c: start, ldc: ldc)
                    for i in 0..<m {
                        for j in 0..<ldc {
                            let got = c[i * ldc + j], at = "\(label): k \(k), n \(n), m \(m), beta \(beta), C[\(i), \(j)]"
                            if j < n {
                                XCTAssertEqual(Double(got), expected[i * ldc + j], accuracy: 1e-5 * Double(k + 1), at)
                            } else {
                                XCTAssertEqual(got.bitPattern, (beta == 0 ? Float.nan : start[i * ldc + j]).bitPattern,
                                               "\(at): a column past n was written")
                            }
                        }
                    }
                }
            }
        }
    }

    func testPanelKernel_matchesTheDoubleProduct() throws {
        try XCTSkipUnless(step_product_available() == 1, "this processor has no AVX2 and FMA: the layer uses OpenBLAS")
        check("panels of B") { b in
            let matrix = StepMatrix(b, panels: true)
            guard case .panels = matrix else { XCTFail("Float on an AVX2 processor should pack panels"); return matrix }
            return matrix
        }
        // Forward multiplies by W_hhᵀ: packing a transpose must read W by columns.
        check("panels of Wᵀ") { b in StepMatrix(transposeOf: transposedCopy(b), panels: true) }
    }

    func testOpenBLASTiles_matchTheDoubleProduct() {
        check("OpenBLAS tiles") { b in
            let matrix = StepMatrix(b, panels: false)
            guard case .rowMajor = matrix else { XCTFail("panels: false must keep B row-major"); return matrix }
            return matrix
        }
        check("OpenBLAS tiles of Wᵀ") { b in StepMatrix(transposeOf: transposedCopy(b), panels: false) }
    }

    /// Each row of C is summed in the same order whatever the other rows: a sequence's numbers do
    /// not depend on how many others share its batch (or its thread's batch group).
    func testPanelKernel_rowsDoNotDependOnTheBatch() throws {
        try XCTSkipUnless(step_product_available() == 1, "this processor has no AVX2 and FMA: the layer uses OpenBLAS")
        var rng = SeededRNG(seed: 5)
        let (m, k, n) = (13, 40, 37)
        let matrix = StepMatrix(Tensor<Float>.uniform([k, n], low: -1, high: 1, rng: &rng), panels: true)
        let a = Tensor<Float>.uniform([m, k], low: -1, high: 1, rng: &rng).scalars
        var all = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            all.withUnsafeMutableBufferPointer { matrix.multiply(m: m, a: ap.baseAddress!, lda: k, beta: 0, c: $0.baseAddress!, ldc: n) }
        }
        for i in 0..<m {
            var one = [Float](repeating: 0, count: n)
            a.withUnsafeBufferPointer { ap in
                one.withUnsafeMutableBufferPointer { matrix.multiply(m: 1, a: ap.baseAddress! + i * k, lda: k, beta: 0, c: $0.baseAddress!, ldc: n) }
            }
            XCTAssertEqual(one.map(\.bitPattern), all[(i * n)..<((i + 1) * n)].map(\.bitPattern), "row \(i) alone against in a batch of \(m)")
        }
    }

    /// Double never packs panels: the kernel is Float only.
    func testDoubleStaysWithOpenBLAS() {
        guard case .rowMajor = StepMatrix(Tensor<Double>(shape: [4, 4]), panels: true) else {
            return XCTFail("a Double matrix must stay row-major for OpenBLAS")
        }
    }
}
