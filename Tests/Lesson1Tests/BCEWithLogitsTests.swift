import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class BCEWithLogitsTests: XCTestCase {
    func testBCEWithLogits_loss() throws {
        for name in bceCases {
            let f = try loadFixture("lesson1/\(name)")
            let loss = bceWithLogits(try f.tensor("logits"), targets: try f.tensor("targets"))
            assertClose(loss, try f.scalar("loss"), tolerance: Tolerance.double, "\(name) loss")
        }
    }

    func testBCEWithLogits_extremeLogits() throws {
        let f = try loadFixture("lesson1/bce_extreme")
        let loss = bceWithLogits(try f.tensor("logits"), targets: try f.tensor("targets"))
        XCTAssertTrue(loss.isFinite, "bce_extreme loss is \(loss); logits of ±1e4 must give a finite loss")
        assertClose(loss, try f.scalar("loss"), tolerance: Tolerance.double, "bce_extreme loss")
        let lossFloat = bceWithLogits(try f.tensor("logits", as: Float.self), targets: try f.tensor("targets", as: Float.self))
        assertClose(Double(lossFloat), try f.scalar("loss"), tolerance: Tolerance.float, "bce_extreme Float loss")
    }

    func testBCEWithLogitsBackward_dLogits() throws {
        for name in bceCases {
            let f = try loadFixture("lesson1/\(name)")
            let d = bceWithLogitsBackward(try f.tensor("logits"), targets: try f.tensor("targets"))
            assertClose(d, try f.tensor("dlogits"), tolerance: Tolerance.double, "\(name) dLogits")
        }
    }

    func testBCEWithLogitsBackward_extremeLogits() throws {
        let f = try loadFixture("lesson1/bce_extreme")
        let d = bceWithLogitsBackward(try f.tensor("logits"), targets: try f.tensor("targets"))
        XCTAssertTrue(d.isFinite, "bce_extreme dLogits must be finite, got \(d.scalars)")
        assertClose(d, try f.tensor("dlogits"), tolerance: Tolerance.double, "bce_extreme dLogits")
        let dFloat = bceWithLogitsBackward(try f.tensor("logits", as: Float.self), targets: try f.tensor("targets", as: Float.self))
        assertClose(dFloat, try f.tensor("dlogits"), tolerance: Tolerance.float, "bce_extreme Float dLogits")
    }

    /// Hard targets keep |σ(z) - y| away from 0, so every entry of the gradient is large enough
    /// for a relative error to mean something.
    func testBCEWithLogitsBackward_gradientCheck() throws {
        var rng = SeededRNG(seed: 5)
        let logits = Tensor<Double>.normal([6, 2], std: 1.5, rng: &rng)
        let targets = Tensor<Double>(shape: [6, 2], scalars: (0..<12).map { Double(($0 * 7 + 3) % 2) })
        let d = bceWithLogitsBackward(logits, targets: targets)
        let result = GradientCheck(epsilon: 1e-5).check("dLogits", analytic: d, at: logits) {
            bceWithLogits($0, targets: targets)
        }
        assertGradientsPass([result], tolerance: Tolerance.gradientCheck)
    }

    func testBCEWithLogits_float() throws {
        for name in bceCases {
            let f = try loadFixture("lesson1/\(name)")
            let logits = try f.tensor("logits", as: Float.self), targets = try f.tensor("targets", as: Float.self)
            assertClose(Double(bceWithLogits(logits, targets: targets)), try f.scalar("loss"),
                        tolerance: Tolerance.float, "\(name) Float loss")
            assertClose(bceWithLogitsBackward(logits, targets: targets), try f.tensor("dlogits"),
                        tolerance: Tolerance.float, "\(name) Float dLogits")
        }
        // A large batch: 2^21 terms of log 2 (z = 0). A running Float sum near 10^6 rounds every
        // addition to a multiple of 0.0625 or 0.125, the same way each time, so its mean is off
        // by about 1%; a sum in Double is off by nothing Float can show.
        let n = 1 << 21
        let zeros = Tensor<Float>(shape: [n])
        let mean = Double(bceWithLogits(zeros, targets: zeros))
        assertClose(mean, Double(Float.log(2)), tolerance: Tolerance.float, "mean loss of 2^21 Float logits 0")
    }
}
