import XCTest
@testable import TensorCore

final class TensorTests: XCTestCase {
    func testMatmulMatchesHandComputedProduct() {
        let a = Tensor<Double>([[1, 2, 3], [4, 5, 6]])
        let b = Tensor<Double>([[7, 8], [9, 10], [11, 12]])
        XCTAssertEqual(matmul(a, b), Tensor([[58, 64], [139, 154]]))
        XCTAssertEqual(matmul(a, transposeA: true, a), Tensor([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
        XCTAssertEqual(matmul(Tensor<Float>([[1, 2, 3]]), Tensor<Float>([[1, 2, 3]]), transposeB: true), Tensor([[14]]))
    }

    /// matmul's result starts uninitialised: every element must still be the product, for an
    /// empty inner dimension too (zeros), and whatever NaNs the freed memory held must not show.
    func testMatmulOverwritesEveryElement() {
        for _ in 0..<3 {
            var garbage = Tensor<Float>(shape: [64, 64], repeating: .nan)
            garbage.scale(by: 1)
            _ = garbage   // freed, its memory likely reused by the next allocation of this size
            let p = matmul(Tensor<Float>(shape: [64, 8], repeating: 1), Tensor<Float>(shape: [8, 64], repeating: 0.5))
            XCTAssertEqual(p.scalars, [Float](repeating: 4, count: 64 * 64))
        }
        let empty = matmul(Tensor<Double>(shape: [2, 0]), Tensor<Double>(shape: [0, 3]))
        XCTAssertEqual(empty, Tensor<Double>(shape: [2, 3]))
        var c = Tensor<Double>(shape: [2, 3], repeating: .nan)
        gemm(Tensor<Double>(shape: [2, 0]), Tensor<Double>(shape: [0, 3]), into: &c, beta: 0)
        XCTAssertEqual(c, Tensor<Double>(shape: [2, 3]), "beta = 0 overwrites C, as BLAS does")
    }
}
