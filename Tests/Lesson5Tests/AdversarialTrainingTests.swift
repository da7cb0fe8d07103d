// Adversarial training on the embedded words (provided, AdversarialTraining.swift; Lesson 7,
// section 17.2) on your model: the gradient the perturbation is built from is ∂L/∂x (centred
// differences), the perturbation raises the loss by ε‖g‖ to first order and more than other
// directions of the same length, and a step trains on both passes. The perturbation alone, on
// hand-made gradients, is LibraryTests' AdversarialPerturbationTests.

import CourseTesting
import Lesson5
import LSTMKernels
import TensorCore
import XCTest

final class AdversarialTrainingTests: XCTestCase {
    private struct Batch {
        var model: SentimentLSTM<Double>
        var ids: [Int32]
        var lengths: [Int]
        var targets: Tensor<Double>
    }

    /// A small bidirectional model without dropout, so every pass sees the same function.
    private func batch(pooling: Pooling, seed: UInt64) -> Batch {
        var rng = SeededRNG(seed: seed)
        let config = SentimentLSTMConfig(vocabularySize: 12, embeddingSize: 3, hiddenSize: 4, layers: 1, bidirectional: true,
                                         pooling: pooling, dropout: 0)
        let model = SentimentLSTM<Double>(config: config, rng: &rng)
        let lengths = [5, 2, 4]
        var ids = [Int32](repeating: 0, count: 5 * 3)
        for b in 0..<3 {
            for t in 0..<lengths[b] { ids[t * 3 + b] = Int32(1 + rng.int(below: 11)) }
        }
        return Batch(model: model, ids: ids, lengths: lengths, targets: Tensor([1, 0, 1]))
    }

    private func loss(_ s: Batch, perturbation: Tensor<Double>?) -> (loss: Double, dx: Tensor<Double>) {
        var rng = SeededRNG(seed: 0)
        let r = s.model.lossAndInputGradient(ids: s.ids, lengths: s.lengths, targets: s.targets, training: true, rng: &rng,
                                             perturbation: perturbation)
        return (r.loss, r.dx)
    }

    /// dx against centred differences of the loss in each entry of x (perturbed one at a time),
    /// padding included: there the LSTM never reads x, so its gradient must be 0.
    func testLossAndInputGradient_dxMatchesCentredDifferences() {
        for (pooling, seed) in [(Pooling.attention, UInt64(3)), (.maxMean, 4)] {
            let s = batch(pooling: pooling, seed: seed)
            let dx = loss(s, perturbation: nil).dx
            XCTAssertEqual(dx.shape, [5, 3, 3])
            for i in 0..<dx.count {
                var plus = Tensor<Double>(shape: dx.shape), minus = plus
                plus.scalars[i] = 1e-6
                minus.scalars[i] = -1e-6
                let numeric = (loss(s, perturbation: plus).loss - loss(s, perturbation: minus).loss) / 2e-6
                let (t, b, e) = (i / 9, (i / 3) % 3, i % 3)
                XCTAssertEqual(dx.scalars[i], numeric, accuracy: 1e-7,
                               "\(pooling.rawValue) pooling: dx[t=\(t), review \(b), \(e)] against centred differences of the loss")
            }
        }
    }

    /// To first order, r = ε·g/‖g‖ per review raises the mean loss by ε·Σ_b ‖g_b‖, and no other
    /// perturbation of length ε per review raises it more (Cauchy-Schwarz, review by review).
    func testAdversarialPerturbation_raisesTheLossMoreThanRandomDirections() {
        let s = batch(pooling: .attention, seed: 5)
        let (clean, dx) = loss(s, perturbation: nil)
        let epsilon = 1e-4
        let r = AdversarialPerturbation.along(dx, lengths: s.lengths, epsilon: epsilon)
        var firstOrder = 0.0
        for b in 0..<3 {
            var sum = 0.0
            for t in 0..<s.lengths[b] {
                for e in 0..<3 { sum += dx.scalars[(t * 3 + b) * 3 + e] * dx.scalars[(t * 3 + b) * 3 + e] }
            }
            firstOrder += epsilon * sum.squareRoot()
        }
        let rise = loss(s, perturbation: r).loss - clean
        XCTAssertEqual(rise / firstOrder, 1, accuracy: 1e-3, "the loss at x + r should exceed the clean loss by ε·Σ‖g_b‖ to first order")
        var rng = SeededRNG(seed: 9)
        for trial in 0..<20 {
            let random = AdversarialPerturbation.along(Tensor<Double>.normal([5, 3, 3], rng: &rng), lengths: s.lengths,
                                                                        epsilon: epsilon)
            let randomRise = loss(s, perturbation: random).loss - clean
            XCTAssertLessThan(randomRise, rise, "random direction \(trial) of the same length raised the loss more than the adversarial one")
        }
    }

    /// With ε = 0 both passes are the clean one: twice its gradients, its loss and logits.
    /// With ε > 0 the step adds the gradients at x + r to the clean ones.
    func testAdversarialLossAndGradients_sumsTheCleanAndThePerturbedPass() {
        let s = batch(pooling: .attention, seed: 6)
        var rng = SeededRNG(seed: 1)
        let clean = s.model.lossAndGradients(ids: s.ids, lengths: s.lengths, targets: s.targets, training: true, rng: &rng)
        let names = s.model.namedParameters.map(\.name)
        for epsilon in [0.0, 0.5] {
            var r1 = SeededRNG(seed: 1)
            let step = s.model.adversarialLossAndGradients(ids: s.ids, lengths: s.lengths, targets: s.targets, epsilon: epsilon, rng: &r1)
            XCTAssertEqual(step.loss, clean.loss, accuracy: 1e-12, "ε = \(epsilon): the reported loss is the clean batch's")
            assertClose(step.logits, clean.logits, tolerance: 1e-10, "ε = \(epsilon): the logits are the clean batch's")
            let dx = loss(s, perturbation: nil).dx
            let r = AdversarialPerturbation.along(dx, lengths: s.lengths, epsilon: epsilon)
            var r2 = SeededRNG(seed: 1)
            let perturbed = s.model.lossAndInputGradient(ids: s.ids, lengths: s.lengths, targets: s.targets, training: true, rng: &r2,
                                                         perturbation: r)
            XCTAssertEqual(step.adversarialLoss, perturbed.loss, accuracy: 1e-12, "ε = \(epsilon): the loss at x + r")
            if epsilon > 0 { XCTAssertGreaterThan(step.adversarialLoss, step.loss, "ε = \(epsilon): x + r should raise the loss") }
            XCTAssertEqual(step.gradients.count, names.count)
            for (i, g) in step.gradients.enumerated() {
                assertClose(g, clean.gradients.list[i] + perturbed.gradients.list[i], tolerance: 1e-10,
                            "ε = \(epsilon): gradient of \(names[i]) should be the clean pass's plus the perturbed pass's")
            }
        }
    }
}
