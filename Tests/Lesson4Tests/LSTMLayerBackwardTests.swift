import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class LSTMLayerBackwardTests: XCTestCase {
    private func run(_ f: Fixture) throws -> (dx: Tensor<Double>, dInitial: LSTMState<Double>, grads: LSTMParameters<Double>) {
        let layer = LSTMLayer(parameters: try lstmParameters(f, layer: 0, reverse: false))
        let initial = LSTMState(h: slice(try f.tensor("h0"), 0), c: slice(try f.tensor("c0"), 0))
        let (_, _, cache) = layer.forward(try f.tensor("x"), lengths: try f.ints("lengths"), initial: initial)
        let dFinal = LSTMState(h: slice(try f.tensor("grad_h_n"), 0), c: slice(try f.tensor("grad_c_n"), 0))
        return layer.backward(dOutput: try f.tensor("grad_output"), dFinal: dFinal, cache: cache)
    }

    func testLSTMLayerBackward_dWih() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let grads = try run(f).grads
        assertClose(grads.weightIH, try f.tensor("grad_weight_ih_l0"), tolerance: Tolerance.double, "lstm_uni dWeightIH")
    }

    func testLSTMLayerBackward_dWhh() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let grads = try run(f).grads
        assertClose(grads.weightHH, try f.tensor("grad_weight_hh_l0"), tolerance: Tolerance.double, "lstm_uni dWeightHH")
    }

    func testLSTMLayerBackward_biases() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let grads = try run(f).grads
        assertClose(grads.biasIH, try f.tensor("grad_bias_ih_l0"), tolerance: Tolerance.double, "lstm_uni dBiasIH")
        assertClose(grads.biasHH, try f.tensor("grad_bias_hh_l0"), tolerance: Tolerance.double, "lstm_uni dBiasHH")
    }

    func testLSTMLayerBackward_dx() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        assertClose(try run(f).dx, try f.tensor("dx"), tolerance: Tolerance.double, "lstm_uni dx [T, B, E] (zero at padded steps)")
    }

    func testLSTMLayerBackward_dInitial() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let d = try run(f).dInitial
        assertClose(d.h, slice(try f.tensor("dh0"), 0), tolerance: Tolerance.double, "lstm_uni dInitial.h")
        assertClose(d.c, slice(try f.tensor("dc0"), 0), tolerance: Tolerance.double, "lstm_uni dInitial.c")
    }

    func testLSTMLayerBackward_reverse() throws {
        let f = try loadFixture("lesson4/lstm_bi")
        let h = try f.int("hidden_size")
        let layer = LSTMLayer(parameters: try lstmParameters(f, layer: 0, reverse: true), reverse: true)
        let (_, _, cache) = layer.forward(try f.tensor("x"), lengths: try f.ints("lengths"))
        let dFinal = LSTMState(h: slice(try f.tensor("grad_h_n"), 1), c: .zeros(slice(try f.tensor("grad_h_n"), 1).shape))
        let back = layer.backward(dOutput: lastAxis(try f.tensor("grad_output"), from: h, width: h), dFinal: dFinal, cache: cache)
        assertGradientsClose(back.grads, try lstmGradients(f, layer: 0, reverse: true), tolerance: Tolerance.double, "lstm_bi reverse")
    }

    /// Centred differences of L = Σ output ⊙ gOut + Σ h_n ⊙ gH + Σ c_n ⊙ gC, in both directions,
    /// with respect to x, the initial state and every parameter.
    func testLSTMLayerBackward_gradientCheck() {
        var rng = SeededRNG(seed: 4)
        let (t, b, e, h) = (6, 3, 3, 4)
        let lengths = [4, 6, 2]
        let x = Tensor<Double>.normal([t, b, e], rng: &rng)
        let h0 = Tensor<Double>.normal([b, h], rng: &rng), c0 = Tensor<Double>.normal([b, h], rng: &rng)
        let gOut = Tensor<Double>.normal([t, b, h], rng: &rng)
        let gH = Tensor<Double>.normal([b, h], rng: &rng), gC = Tensor<Double>.normal([b, h], rng: &rng)
        for reverse in [false, true] {
            let layer = LSTMLayer<Double>(inputSize: e, hiddenSize: h, reverse: reverse, rng: &rng)
            func loss(_ l: LSTMLayer<Double>, _ x: Tensor<Double>, _ h0: Tensor<Double>, _ c0: Tensor<Double>) -> Double {
                let r = l.forward(x, lengths: lengths, initial: LSTMState(h: h0, c: c0))
                return dot(r.output, gOut) + dot(r.final.h, gH) + dot(r.final.c, gC)
            }
            let (_, _, cache) = layer.forward(x, lengths: lengths, initial: LSTMState(h: h0, c: c0))
            let back = layer.backward(dOutput: gOut, dFinal: LSTMState(h: gH, c: gC), cache: cache)
            let check = GradientCheck()
            func with(_ edit: (inout LSTMParameters<Double>) -> Void) -> LSTMLayer<Double> {
                var l = layer
                edit(&l.parameters)
                return l
            }
            let p = layer.parameters
            let results = [
                check.check("dx", analytic: back.dx, at: x) { loss(layer, $0, h0, c0) },
                check.check("dInitial.h", analytic: back.dInitial.h, at: h0) { loss(layer, x, $0, c0) },
                check.check("dInitial.c", analytic: back.dInitial.c, at: c0) { loss(layer, x, h0, $0) },
                check.check("dWeightIH", analytic: back.grads.weightIH, at: p.weightIH) { w in loss(with { $0.weightIH = w }, x, h0, c0) },
                check.check("dWeightHH", analytic: back.grads.weightHH, at: p.weightHH) { w in loss(with { $0.weightHH = w }, x, h0, c0) },
                check.check("dBiasIH", analytic: back.grads.biasIH, at: p.biasIH) { w in loss(with { $0.biasIH = w }, x, h0, c0) },
                check.check("dBiasHH", analytic: back.grads.biasHH, at: p.biasHH) { w in loss(with { $0.biasHH = w }, x, h0, c0) },
            ]
            assertGradientsPass(results, tolerance: Tolerance.gradientCheck)
        }
    }
}
