import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class DropoutTests: XCTestCase {
    /// About p of the mask is 0, the rest is 1/(1-p): the expected value of x ⊙ m is x.
    func testDropout_maskStatistics() {
        for p in [0.2, 0.5] {
            var rng = SeededRNG(seed: 1)
            let mask = Dropout<Double>(probability: p).mask(shape: [100, 200], rng: &rng)
            let dropped = Double(mask.scalars.filter { $0 == 0 }.count) / Double(mask.count)
            let kept = mask.scalars.filter { $0 != 0 }
            // 20,000 draws: the standard error of the fraction is at most 0.0036.
            XCTAssertEqual(dropped, p, accuracy: 0.015, "p = \(p): fraction of the mask that is 0")
            XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / (1 - p)) < 1e-12 }, "p = \(p): kept entries must be 1/(1-p) = \(1 / (1 - p)), got e.g. \(kept.prefix(3))")
            XCTAssertEqual(mask.mean(), 1, accuracy: 0.03, "p = \(p): mean of the mask (expected value preserved)")
        }
    }

    /// Dropout acts only in training and only between layers: one layer, or evaluation, is
    /// deterministic; two layers in training differ from evaluation only through layer 1.
    func testLSTMDropout_trainingOnlyBetweenLayers() {
        var rng = SeededRNG(seed: 2)
        let x = Tensor<Double>.normal([5, 3, 2], rng: &rng)
        let lengths = [5, 2, 4]
        let single = LSTM<Double>(inputSize: 2, hiddenSize: 4, numLayers: 1, dropout: 0.5, rng: &rng)
        var r1 = SeededRNG(seed: 7), r2 = SeededRNG(seed: 8)
        assertClose(single.forward(x, lengths: lengths, training: true, rng: &r1).output,
                    single.forward(x, lengths: lengths, training: false, rng: &r2).output, tolerance: 0,
                    "1 layer, dropout 0.5: nothing to drop between layers (PyTorch drops only between layers)")

        let stack = LSTM<Double>(inputSize: 2, hiddenSize: 4, numLayers: 2, dropout: 0.5, rng: &rng)
        var a = SeededRNG(seed: 7), b = SeededRNG(seed: 8)
        let eval1 = stack.forward(x, lengths: lengths, training: false, rng: &a)
        let eval2 = stack.forward(x, lengths: lengths, training: false, rng: &b)
        assertClose(eval1.output, eval2.output, tolerance: 0, "2 layers, evaluation: no dropout, same output whatever the rng")
        var c = SeededRNG(seed: 7)
        let train = stack.forward(x, lengths: lengths, training: true, rng: &c)
        XCTAssertGreaterThan(train.output.maxAbsDifference(eval1.output), 1e-3, "2 layers, training: dropout must change the output")
        assertClose(slice(train.final.h, 0), slice(eval1.final.h, 0), tolerance: 0,
                    "2 layers, training: layer 0's own final state is before dropout, so unchanged")
        // Padded positions stay zero under dropout.
        XCTAssertEqual(train.output[4, 1, 0], 0, "output at a padded step must stay 0 in training")
    }

    /// Backward through dropout uses the same mask as forward (checked by centred differences
    /// with the mask fixed by the seed).
    func testLSTMDropout_gradientCheck() {
        var rng = SeededRNG(seed: 3)
        let model = LSTM<Double>(inputSize: 2, hiddenSize: 3, numLayers: 2, dropout: 0.4, rng: &rng)
        let x = Tensor<Double>.normal([4, 2, 2], rng: &rng)
        let lengths = [4, 3]
        let gOut = Tensor<Double>.normal([4, 2, 3], rng: &rng)
        func loss(_ x: Tensor<Double>) -> Double {
            var r = SeededRNG(seed: 21)
            return dot(model.forward(x, lengths: lengths, training: true, rng: &r).output, gOut)
        }
        var r = SeededRNG(seed: 21)
        let fwd = model.forward(x, lengths: lengths, training: true, rng: &r)
        XCTAssertNotNil(fwd.cache.masks[0], "training with dropout 0.4: layer 0's output must have a mask")
        let back = model.backward(dOutput: gOut, dFinalH: nil, cache: fwd.cache)
        let result = GradientCheck().check("dx through dropout", analytic: back.dx, at: x, loss: loss)
        assertGradientsPass([result], tolerance: Tolerance.gradientCheck)
    }
}
