// The live gradient check of the walkthrough: every backward pass of the lesson against the
// student's own centred differences, one row per gradient, and how the error of a finite
// difference depends on ε.

import Foundation
import Lesson1
import TensorCore

enum GradientTable {
    struct Row {
        let name: String
        let analytic: Tensor<Double>
        let numeric: Tensor<Double>
    }

    /// Checks Linear, sigmoid, BCE and the two together with `numericalGradient` and
    /// `gradientRelativeError` (the student's), in Double.
    static func rows() -> [Row] {
        var rng = SeededRNG(seed: 2024)
        let linear = Linear<Double>(inputSize: 5, outputSize: 3, rng: &rng)
        let x = Tensor<Double>.normal([4, 5], rng: &rng)
        let r = Tensor<Double>.normal([4, 3], rng: &rng)  // L = Σ y ⊙ r, so ∂L/∂y = r
        let (_, cache) = linear.forward(x)
        let (dx, grads) = linear.backward(r, cache: cache)
        func linearLoss(_ l: Linear<Double>, _ x: Tensor<Double>) -> Double { (l(x) * r).sum() }

        let z = Tensor<Double>.normal([4, 3], std: 2, rng: &rng)
        let dz = sigmoidBackward(r, output: sigmoid(z))

        let logits = Tensor<Double>.normal([8, 1], std: 2, rng: &rng)
        let targets = Tensor<Double>(shape: [8, 1], scalars: [1, 0, 1, 1, 0, 0, 1, 0])
        let dLogits = bceWithLogitsBackward(logits, targets: targets)

        let model = Linear<Double>(inputSize: 6, outputSize: 1, rng: &rng)
        let features = Tensor<Double>.normal([8, 6], rng: &rng)
        let (modelLogits, modelCache) = model.forward(features)
        let (_, modelGrads) = model.backward(bceWithLogitsBackward(modelLogits, targets: targets), cache: modelCache)
        func modelLoss(_ m: Linear<Double>) -> Double { bceWithLogits(m(features), targets: targets) }

        let eps = 1e-5
        return [
            Row(name: "Linear dx       [4, 5]", analytic: dx,
                numeric: numericalGradient(of: { linearLoss(linear, $0) }, at: x, epsilon: eps)),
            Row(name: "Linear dWeight  [3, 5]", analytic: grads.weight,
                numeric: numericalGradient(of: { linearLoss(Linear(weight: $0, bias: linear.bias), x) }, at: linear.weight, epsilon: eps)),
            Row(name: "Linear dBias    [3]", analytic: grads.bias,
                numeric: numericalGradient(of: { linearLoss(Linear(weight: linear.weight, bias: $0), x) }, at: linear.bias, epsilon: eps)),
            Row(name: "sigmoid dz      [4, 3]", analytic: dz,
                numeric: numericalGradient(of: { (sigmoid($0) * r).sum() }, at: z, epsilon: eps)),
            Row(name: "BCE dLogits     [8, 1]", analytic: dLogits,
                numeric: numericalGradient(of: { bceWithLogits($0, targets: targets) }, at: logits, epsilon: eps)),
            Row(name: "LogReg dWeight  [1, 6]", analytic: modelGrads.weight,
                numeric: numericalGradient(of: { modelLoss(Linear(weight: $0, bias: model.bias)) }, at: model.weight, epsilon: eps)),
            Row(name: "LogReg dBias    [1]", analytic: modelGrads.bias,
                numeric: numericalGradient(of: { modelLoss(Linear(weight: model.weight, bias: $0)) }, at: model.bias, epsilon: eps)),
        ]
    }

    static func printTable(_ rows: [Row], threshold: Double) {
        print("  gradient                 entries   max |analytic|   relative error   verdict")
        print("  " + String(repeating: "-", count: 78))
        for row in rows {
            let error = gradientRelativeError(analytic: row.analytic, numeric: row.numeric)
            let verdict = error <= threshold ? "OK" : (error < 1e-4 ? "suspicious" : "WRONG")
            print("  " + row.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: " %7d   %14.4g   %14.2e   %@", row.analytic.count, row.analytic.maxAbs(), error, verdict))
        }
    }

    /// dL/dz of L = mean BCE at one logit, by a one-sided and a centred difference, for ε from
    /// 1e-1 down to 1e-12: truncation error falls (like ε and ε²) until rounding error,
    /// about 1e-16 · |L| / ε, takes over.
    static func printEpsilonSweep() {
        let z = Tensor<Double>(shape: [1], scalars: [0.8])
        let y = Tensor<Double>(shape: [1], scalars: [1])
        let exact = bceWithLogitsBackward(z, targets: y).scalars[0]
        func loss(_ v: Double) -> Double { bceWithLogits(Tensor(shape: [1], scalars: [v]), targets: y) }
        print("      ε        one-sided (f(z+ε) - f(z)) / ε     centred (student's numericalGradient)")
        for k in stride(from: 1, through: 12, by: 1) {
            let eps = Foundation.pow(10, -Double(k))
            let oneSided = (loss(0.8 + eps) - loss(0.8)) / eps
            let centred = numericalGradient(of: { bceWithLogits($0, targets: y) }, at: z, epsilon: eps).scalars[0]
            print(String(format: "   1e-%02d      relative error %9.2e          relative error %9.2e",
                         k, relativeError(oneSided, exact), relativeError(centred, exact)))
        }
    }
}
