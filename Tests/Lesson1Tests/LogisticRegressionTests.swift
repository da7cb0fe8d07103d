import CourseTesting
import Lesson1
import TensorCore
import XCTest

/// The lesson's model end to end: logits = Linear(x), L = BCE(logits, y); every parameter's
/// gradient by the chain rule against centred differences of L.
final class LogisticRegressionTests: XCTestCase {
    func testLogisticRegression_gradientCheck() {
        var rng = SeededRNG(seed: 11)
        let linear = Linear<Double>(weight: .normal([1, 6], rng: &rng), bias: .normal([1], rng: &rng))
        let x = Tensor<Double>.normal([5, 6], rng: &rng)
        let targets = Tensor<Double>(shape: [5, 1], scalars: [1, 0, 0, 1, 1])
        func loss(_ l: Linear<Double>, _ x: Tensor<Double>) -> Double { bceWithLogits(l(x), targets: targets) }
        let (logits, cache) = linear.forward(x)
        let (dx, grads) = linear.backward(bceWithLogitsBackward(logits, targets: targets), cache: cache)
        let check = GradientCheck(epsilon: 1e-5)
        assertGradientsPass([
            check.check("dWeight", analytic: grads.weight, at: linear.weight) { loss(Linear(weight: $0, bias: linear.bias), x) },
            check.check("dBias", analytic: grads.bias, at: linear.bias) { loss(Linear(weight: linear.weight, bias: $0), x) },
            check.check("dx", analytic: dx, at: x) { loss(linear, $0) },
        ], tolerance: Tolerance.gradientCheck)
    }
}
