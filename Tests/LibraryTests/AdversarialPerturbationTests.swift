// The perturbation of adversarial training (Sources/LSTMKernels/AdversarialPerturbation.swift)
// on hand-made gradients: length ε per review along that review's own gradient, nothing at padding.

import LSTMKernels
import TensorCore
import XCTest

final class AdversarialPerturbationTests: XCTestCase {
    /// dx [T = 3, B = 3, E = 2]: review 0 reads 3 steps, review 1 one step (numbers at its padded
    /// steps must be ignored), review 2 two steps with a zero gradient.
    func testAdversarialPerturbation_hasLengthEpsilonPerReviewAlongItsGradient() {
        let dx = Tensor<Double>(shape: [3, 3, 2], scalars: [
            3, 0, /**/ 1, 1, /**/ 0, 0,   // t = 0: reviews 0, 1, 2
            0, 4, /**/ 7, 7, /**/ 0, 0,   // t = 1
            0, 0, /**/ 7, 7, /**/ 9, 9,   // t = 2 (review 2's third step is padding)
        ])
        let r = AdversarialPerturbation.along(dx, lengths: [3, 1, 2], epsilon: 2)
        let h = 2 / 2.0.squareRoot()
        let expected: [Double] = [
            1.2, 0, /**/ h, h, /**/ 0, 0,
            0, 1.6, /**/ 0, 0, /**/ 0, 0,
            0, 0, /**/ 0, 0, /**/ 0, 0,
        ]
        XCTAssertEqual(r.shape, [3, 3, 2])
        for (i, (got, want)) in zip(r.scalars, expected).enumerated() {
            let (t, b, e) = (i / 6, (i / 2) % 3, i % 2)
            XCTAssertEqual(got, want, accuracy: 1e-15, "r[t=\(t), review \(b), \(e)]: each review's perturbation is ε·g/‖g‖ over its "
                           + "own real steps; 0 at padding and for a review whose gradient is 0")
        }
    }

    /// Float gradients give the same perturbation as Double ones, to Float's rounding.
    func testAdversarialPerturbation_floatMatchesDouble() {
        var rng = SeededRNG(seed: 4)
        let dx = Tensor<Double>.normal([4, 3, 5], rng: &rng)
        let r = AdversarialPerturbation.along(dx, lengths: [4, 1, 3], epsilon: 0.7)
        let rf = AdversarialPerturbation.along(Tensor<Float>(dx), lengths: [4, 1, 3], epsilon: 0.7)
        for (i, (a, b)) in zip(r.scalars, rf.scalars).enumerated() {
            XCTAssertEqual(Double(b), a, accuracy: 1e-6, "r[\(i)] in Float")
        }
    }
}
