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
}
