import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class SigmoidTests: XCTestCase {
    func testSigmoid_forward() throws {
        let f = try loadFixture("lesson1/sigmoid")
        let y = sigmoid(try f.tensor("z"))
        assertClose(y, try f.tensor("y"), tolerance: Tolerance.double, "sigmoid(z)")
    }

    func testSigmoid_largeMagnitudeIsFinite() {
        let z = Tensor<Double>([-1e4, -1000, -745, 745, 1000, 1e4])
        let y = sigmoid(z)
        for i in 0..<z.count {
            XCTAssertTrue(y.scalars[i].isFinite, "sigmoid(\(z.scalars[i])) = \(y.scalars[i]); it must be finite")
            XCTAssertTrue(y.scalars[i] >= 0 && y.scalars[i] <= 1, "sigmoid(\(z.scalars[i])) = \(y.scalars[i]) is outside [0, 1]")
        }
        let yFloat = sigmoid(Tensor<Float>([-1e4, -100, -88.8, 88.8, 100, 1e4]))
        XCTAssertTrue(yFloat.isFinite, "Float sigmoid of large |z| must be finite, got \(yFloat.scalars)")
        XCTAssertEqual(yFloat.scalars[0], 0, "Float sigmoid(-1e4)")
        XCTAssertEqual(yFloat.scalars[5], 1, "Float sigmoid(1e4)")
    }

    func testSigmoidBackward_dz() throws {
        let f = try loadFixture("lesson1/sigmoid")
        let y = sigmoid(try f.tensor("z"))
        let dz = sigmoidBackward(try f.tensor("dy"), output: y)
        assertClose(dz, try f.tensor("dz"), tolerance: Tolerance.double, "sigmoidBackward dz")
    }

    func testSigmoidBackward_gradientCheck() throws {
        var rng = SeededRNG(seed: 3)
        let z = Tensor<Double>.normal([3, 5], std: 2, rng: &rng)
        let dy = Tensor<Double>.normal([3, 5], rng: &rng)
        let dz = sigmoidBackward(dy, output: sigmoid(z))
        let result = GradientCheck(epsilon: 1e-5).check("dz", analytic: dz, at: z) { (sigmoid($0) * dy).sum() }
        assertGradientsPass([result], tolerance: Tolerance.gradientCheck)
    }
}
