// The padding bug: a layer that runs padded steps like real ones reports, as a short review's
// "final" state, what the padding did to it afterwards. These tests pin down the fixed version.

import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class PaddingTests: XCTestCase {
    private let lengths = [7, 3, 5, 1]

    private func batch(padding value: Double?, seed: UInt64) -> Tensor<Double> {
        var rng = SeededRNG(seed: seed)
        var x = Tensor<Double>.normal([7, 4, 3], rng: &rng)
        if let value {
            for t in 0..<7 { for b in 0..<4 where t >= lengths[b] { for e in 0..<3 { x[t, b, e] = value } } }
        }
        return x
    }

    /// Whatever sits in the padded positions, outputs, final states and all gradients are the same.
    func testPadding_paddedInputsChangeNothing() {
        var rng = SeededRNG(seed: 3)
        let model = LSTM<Double>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, rng: &rng)
        let gOut = Tensor<Double>.normal([7, 4, 8], rng: &rng)
        let gH = Tensor<Double>.normal([4, 4, 4], rng: &rng)
        var results: [(output: Tensor<Double>, h: Tensor<Double>, c: Tensor<Double>, dx: Tensor<Double>, grads: [[LSTMParameters<Double>]])] = []
        for padding in [nil, 0, 1000] as [Double?] {
            let x = batch(padding: padding, seed: 11)
            var r = SeededRNG(seed: 0)
            let fwd = model.forward(x, lengths: lengths, training: false, rng: &r)
            let back = model.backward(dOutput: gOut, dFinalH: gH, cache: fwd.cache)
            results.append((fwd.output, fwd.final.h, fwd.final.c, back.dx, back.grads))
        }
        for (k, other) in results.enumerated().dropFirst() {
            let what = "padding \(k == 1 ? "zeros" : "1000s") vs random"
            assertClose(other.output, results[0].output, tolerance: 0, "\(what): output")
            assertClose(other.h, results[0].h, tolerance: 0, "\(what): h_n")
            assertClose(other.c, results[0].c, tolerance: 0, "\(what): c_n")
            assertClose(other.dx, results[0].dx, tolerance: 0, "\(what): dx")
            for l in 0..<2 {
                for d in 0..<2 {
                    assertClose(other.grads[l][d].weightIH, results[0].grads[l][d].weightIH, tolerance: 0, "\(what): layer \(l) dir \(d) dWeightIH")
                    assertClose(other.grads[l][d].weightHH, results[0].grads[l][d].weightHH, tolerance: 0, "\(what): layer \(l) dir \(d) dWeightHH")
                }
            }
        }
    }

    /// Outputs and dx are zero at padded steps (pad_packed_sequence's convention).
    func testPadding_zeroAtPaddedSteps() {
        var rng = SeededRNG(seed: 5)
        let layer = LSTMLayer<Double>(inputSize: 3, hiddenSize: 4, rng: &rng)
        let x = batch(padding: 7, seed: 12)
        let fwd = layer.forward(x, lengths: lengths)
        let back = layer.backward(dOutput: .normal([7, 4, 4], rng: &rng), dFinal: nil, cache: fwd.cache)
        for t in 0..<7 {
            for b in 0..<4 where t >= lengths[b] {
                for u in 0..<4 { XCTAssertEqual(fwd.output[t, b, u], 0, "output[\(t), \(b), \(u)]: step \(t) is padding (length \(lengths[b]))") }
                for e in 0..<3 { XCTAssertEqual(back.dx[t, b, e], 0, "dx[\(t), \(b), \(e)]: step \(t) is padding (length \(lengths[b]))") }
            }
        }
    }

    /// Each sequence of a padded batch gets exactly what it gets when run alone, unpadded, in
    /// both directions.
    func testPadding_sameAsEachSequenceAlone() {
        var rng = SeededRNG(seed: 6)
        let x = batch(padding: nil, seed: 13)
        for reverse in [false, true] {
            let layer = LSTMLayer<Double>(inputSize: 3, hiddenSize: 4, reverse: reverse, rng: &rng)
            let all = layer.forward(x, lengths: lengths)
            for (b, length) in lengths.enumerated() {
                var alone = Tensor<Double>(shape: [length, 1, 3])
                for t in 0..<length { for e in 0..<3 { alone[t, 0, e] = x[t, b, e] } }
                let one = layer.forward(alone, lengths: [length])
                for u in 0..<4 {
                    XCTAssertEqual(all.final.h[b, u], one.final.h[0, u], accuracy: 1e-12,
                                   "final h[\(b), \(u)] (reverse \(reverse)): batched vs alone (length \(length))")
                    for t in 0..<length {
                        XCTAssertEqual(all.output[t, b, u], one.output[t, 0, u], accuracy: 1e-12,
                                       "output[\(t), \(b), \(u)] (reverse \(reverse)): batched vs alone")
                    }
                }
            }
        }
    }
}
