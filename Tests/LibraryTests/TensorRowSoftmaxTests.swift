// rowLogSumExp and rowSoftmax (TensorRowSoftmax.swift) against the definitions in Double, at
// logits far beyond what e^x can hold, and with a masked (−∞) logit.

import Foundation
import XCTest
@testable import TensorCore

final class TensorRowSoftmaxTests: XCTestCase {
    func testRowLogSumExpAndSoftmaxMatchTheDefinition() {
        var rng = SeededRNG(seed: 9)
        let x = Tensor<Double>.uniform([4, 5], low: -3, high: 3, rng: &rng)
        let lse = x.rowLogSumExp(), p = x.rowSoftmax()
        XCTAssertEqual(lse.shape, [4])
        XCTAssertEqual(p.shape, [4, 5])
        for i in 0..<4 {
            let row = (0..<5).map { x.scalars[i * 5 + $0] }
            let total = row.reduce(0) { $0 + Foundation.exp($1) }
            XCTAssertEqual(lse.scalars[i], Foundation.log(total), accuracy: 1e-12)
            for j in 0..<5 { XCTAssertEqual(p.scalars[i * 5 + j], Foundation.exp(row[j]) / total, accuracy: 1e-12) }
        }
    }

    func testLargeLogitsStayFinite() {
        let x = Tensor<Float>([[1000, 999, -1000], [-500, -501, -502]])
        let lse = x.rowLogSumExp(), p = x.rowSoftmax()
        XCTAssertTrue(lse.isFinite && p.isFinite, "no overflow at logits of ±1000")
        XCTAssertEqual(lse.scalars[0], 1000 + Float(Foundation.log(1 + Foundation.exp(-1.0))), accuracy: 1e-3)
        XCTAssertEqual(p.scalars[0] + p.scalars[1] + p.scalars[2], 1, accuracy: 1e-6)
    }

    func testAMaskedLogitTakesNoProbability() {
        let x = Tensor<Double>([[0, -.infinity, 0]])
        XCTAssertEqual(x.rowSoftmax().scalars, [0.5, 0, 0.5])
        XCTAssertEqual(x.rowLogSumExp().scalars[0], Foundation.log(2), accuracy: 1e-15)
    }
}
