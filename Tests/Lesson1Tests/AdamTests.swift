import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class AdamTests: XCTestCase {
    /// Replays torch's gradients: after every step the parameters must equal torch.optim.Adam's.
    func testAdamStep_matchesTorch() throws {
        let f = try OptimiserFixture("adam_steps")
        let adam = Adam<Double>(learningRate: try f.learningRate)
        var weight = try f.fixture.tensor("weight0"), bias = try f.fixture.tensor("bias0")
        var weightState = Adam<Double>.State(like: weight), biasState = Adam<Double>.State(like: bias)
        for step in 0..<f.steps {
            adam.step(&weight, gradient: try f.slice("dweights", step, as: Double.self), state: &weightState)
            adam.step(&bias, gradient: try f.slice("dbiases", step, as: Double.self), state: &biasState)
            XCTAssertEqual(weightState.step, step + 1, "Adam.State.step after \(step + 1) steps")
            assertClose(weight, try f.slice("weights", step, as: Double.self), tolerance: Tolerance.double, "weight after Adam step \(step + 1)")
            assertClose(bias, try f.slice("biases", step, as: Double.self), tolerance: Tolerance.double, "bias after Adam step \(step + 1)")
        }
    }

    /// With bias correction the first step moves every entry by η·g/(|g| + ε) ≈ η·sign(g);
    /// without it, by about η·(1-β₁)/√(1-β₂) ≈ 3.16η.
    func testAdamStep_firstStepIsBiasCorrected() {
        let adam = Adam<Double>(learningRate: 0.01)
        var p = Tensor<Double>([1, 1, 1, 1])
        let g = Tensor<Double>([0.5, -2, 1e-3, -30])
        var state = Adam<Double>.State(like: p)
        adam.step(&p, gradient: g, state: &state)
        for i in 0..<4 {
            let moved = p.scalars[i] - 1
            let expected = -0.01 * g.scalars[i] / (abs(g.scalars[i]) + 1e-8)
            XCTAssertEqual(moved, expected, accuracy: 1e-12,
                           "first Adam step of entry \(i) (g = \(g.scalars[i])): moved \(moved), expected -η·g/(|g| + ε) = \(expected)")
        }
    }

    func testAdamStep_floatMatchesTorch() throws {
        let f = try OptimiserFixture("adam_steps")
        let adam = Adam<Float>(learningRate: Float(try f.learningRate))
        var weight = try f.fixture.tensor("weight0", as: Float.self), bias = try f.fixture.tensor("bias0", as: Float.self)
        var weightState = Adam<Float>.State(like: weight), biasState = Adam<Float>.State(like: bias)
        for step in 0..<f.steps {
            adam.step(&weight, gradient: try f.slice("dweights", step, as: Float.self), state: &weightState)
            adam.step(&bias, gradient: try f.slice("dbiases", step, as: Float.self), state: &biasState)
        }
        assertClose(weight, try f.slice("weights", f.steps - 1, as: Double.self), tolerance: Tolerance.floatAdam, "Float weight after \(f.steps) Adam steps")
        assertClose(bias, try f.slice("biases", f.steps - 1, as: Double.self), tolerance: Tolerance.floatAdam, "Float bias after \(f.steps) Adam steps")
    }

    /// The whole loop with the lesson's own pieces: Linear forward, BCE, backward, Adam step.
    func testAdamTraining_matchesTorch() throws {
        let f = try OptimiserFixture("adam_steps")
        let adam = Adam<Double>(learningRate: try f.learningRate)
        var linear = Linear(weight: try f.fixture.tensor("weight0"), bias: try f.fixture.tensor("bias0"))
        var weightState = Adam<Double>.State(like: linear.weight), biasState = Adam<Double>.State(like: linear.bias)
        let x = try f.fixture.tensor("x"), targets = try f.fixture.tensor("targets")
        let losses = try f.fixture.tensor("losses")
        for step in 0..<f.steps {
            let (logits, cache) = linear.forward(x)
            assertClose(bceWithLogits(logits, targets: targets), losses.scalars[step], tolerance: 1e-10, "loss before Adam step \(step + 1)")
            let (_, grads) = linear.backward(bceWithLogitsBackward(logits, targets: targets), cache: cache)
            adam.step(&linear.weight, gradient: grads.weight, state: &weightState)
            adam.step(&linear.bias, gradient: grads.bias, state: &biasState)
        }
        assertClose(linear.weight, try f.slice("weights", f.steps - 1, as: Double.self), tolerance: 1e-10, "weight after \(f.steps) Adam steps")
        assertClose(linear.bias, try f.slice("biases", f.steps - 1, as: Double.self), tolerance: 1e-10, "bias after \(f.steps) Adam steps")
    }
}
