import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class SGDTests: XCTestCase {
    /// Replays torch's gradients: after every step the parameters must equal torch.optim.SGD's.
    func testSGDStep_matchesTorch() throws {
        let f = try OptimiserFixture("sgd_steps")
        let sgd = SGD<Double>(learningRate: try f.learningRate)
        var weight = try f.fixture.tensor("weight0"), bias = try f.fixture.tensor("bias0")
        for step in 0..<f.steps {
            sgd.step(&weight, gradient: try f.slice("dweights", step, as: Double.self))
            sgd.step(&bias, gradient: try f.slice("dbiases", step, as: Double.self))
            assertClose(weight, try f.slice("weights", step, as: Double.self), tolerance: Tolerance.double, "weight after SGD step \(step + 1)")
            assertClose(bias, try f.slice("biases", step, as: Double.self), tolerance: Tolerance.double, "bias after SGD step \(step + 1)")
        }
    }

    /// The whole loop with the lesson's own pieces: Linear forward, BCE, backward, SGD step.
    func testSGDTraining_matchesTorch() throws {
        let f = try OptimiserFixture("sgd_steps")
        let sgd = SGD<Double>(learningRate: try f.learningRate)
        var linear = Linear(weight: try f.fixture.tensor("weight0"), bias: try f.fixture.tensor("bias0"))
        let x = try f.fixture.tensor("x"), targets = try f.fixture.tensor("targets")
        let losses = try f.fixture.tensor("losses")
        for step in 0..<f.steps {
            let (logits, cache) = linear.forward(x)
            assertClose(bceWithLogits(logits, targets: targets), losses.scalars[step], tolerance: 1e-10, "loss before SGD step \(step + 1)")
            let (_, grads) = linear.backward(bceWithLogitsBackward(logits, targets: targets), cache: cache)
            sgd.step(&linear.weight, gradient: grads.weight)
            sgd.step(&linear.bias, gradient: grads.bias)
        }
        assertClose(linear.weight, try f.slice("weights", f.steps - 1, as: Double.self), tolerance: 1e-10, "weight after \(f.steps) SGD steps")
        assertClose(linear.bias, try f.slice("biases", f.steps - 1, as: Double.self), tolerance: 1e-10, "bias after \(f.steps) SGD steps")
    }
}
