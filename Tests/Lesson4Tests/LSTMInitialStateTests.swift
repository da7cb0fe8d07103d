// nn.LSTM's state interface through the whole stack: an initial (h0, c0) for every layer and
// direction, gradients arriving at h_n and c_n, and dh0, dc0 coming back. The fixtures give every
// row l·D + d its own random numbers, so a state fed to the wrong layer or direction, or a
// gradient left out, changes the result.

import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class LSTMInitialStateTests: XCTestCase {
    /// 3 layers both ways; H = 1; E = 1; B = 1 with H = 1; T = 1; everything 1 in 3 layers.
    static let cases = ["lstm_state_bi3", "lstm_state_uni3_h1", "lstm_state_bi2_e1", "lstm_state_bi3_b1_h1",
                        "lstm_state_bi2_t1", "lstm_state_uni3_ones"]

    func testLSTMForward_initialState() throws {
        for name in Self.cases {
            let f = try loadFixture("lesson4/\(name)")
            let model = try lstm(f)
            var rng = SeededRNG(seed: 0)
            let r = model.forward(try f.tensor("x"), lengths: try f.ints("lengths"), initial: (try f.tensor("h0"), try f.tensor("c0")),
                                  training: false, rng: &rng)
            assertClose(r.output, try f.tensor("output"), tolerance: Tolerance.double, "\(name) output [T, B, D·H]")
            try assertStatesClose(r.final, (f.tensor("h_n"), f.tensor("c_n")), model: model, "\(name) (h_n, c_n)")
        }
    }

    func testLSTMBackward_finalStateGradients() throws {
        for name in Self.cases {
            let f = try loadFixture("lesson4/\(name)")
            let (model, back) = try backwardThroughFixture(f)
            assertClose(back.dx, try f.tensor("dx"), tolerance: Tolerance.double, "\(name) dx [T, B, E]")
            for l in 0..<model.numLayers {
                for d in 0..<model.directions {
                    assertGradientsClose(back.grads[l][d], try lstmGradients(f, layer: l, reverse: d == 1), tolerance: Tolerance.double,
                                         "\(name) layer \(l) direction \(d)")
                }
            }
        }
    }

    func testLSTMBackward_dInitial() throws {
        for name in Self.cases {
            let f = try loadFixture("lesson4/\(name)")
            let (model, back) = try backwardThroughFixture(f)
            try assertStatesClose(back.dInitial, (f.tensor("dh0"), f.tensor("dc0")), model: model, "\(name) (dh0, dc0)")
        }
    }

    /// Centred differences in Double of dh0 and dc0 (and dx) through two bidirectional layers,
    /// with gradients arriving at the output, h_n and c_n.
    func testLSTMBackward_dInitialGradientCheck() {
        var rng = SeededRNG(seed: 11)
        let (t, b, e, h) = (4, 3, 2, 3)
        let lengths = [2, 4, 1]
        let model = LSTM<Double>(inputSize: e, hiddenSize: h, numLayers: 2, bidirectional: true, rng: &rng)
        let x = Tensor<Double>.normal([t, b, e], rng: &rng)
        let h0 = Tensor<Double>.normal([4, b, h], rng: &rng), c0 = Tensor<Double>.normal([4, b, h], rng: &rng)
        let gOut = Tensor<Double>.normal([t, b, 2 * h], rng: &rng)
        let gH = Tensor<Double>.normal([4, b, h], rng: &rng), gC = Tensor<Double>.normal([4, b, h], rng: &rng)
        func loss(x: Tensor<Double>, h0: Tensor<Double>, c0: Tensor<Double>) -> Double {
            var r = SeededRNG(seed: 0)
            let out = model.forward(x, lengths: lengths, initial: (h0, c0), training: false, rng: &r)
            return dot(out.output, gOut) + dot(out.final.h, gH) + dot(out.final.c, gC)
        }
        var r = SeededRNG(seed: 0)
        let fwd = model.forward(x, lengths: lengths, initial: (h0, c0), training: false, rng: &r)
        let back = model.backward(dOutput: gOut, dFinalH: gH, dFinalC: gC, cache: fwd.cache)
        let check = GradientCheck()
        assertGradientsPass([
            check.check("dh0", analytic: back.dInitial.h, at: h0) { loss(x: x, h0: $0, c0: c0) },
            check.check("dc0", analytic: back.dInitial.c, at: c0) { loss(x: x, h0: h0, c0: $0) },
            check.check("dx", analytic: back.dx, at: x) { loss(x: $0, h0: h0, c0: c0) },
        ], tolerance: Tolerance.gradientCheckStack)
    }

    /// Forward from the fixture's (h0, c0), then backward with its gradients of the output, h_n
    /// and c_n.
    private func backwardThroughFixture(_ f: Fixture) throws
        -> (model: LSTM<Double>, back: (dx: Tensor<Double>, dInitial: LSTM<Double>.StackedState, grads: [[LSTMParameters<Double>]])) {
        let model = try lstm(f)
        var rng = SeededRNG(seed: 0)
        let r = model.forward(try f.tensor("x"), lengths: try f.ints("lengths"), initial: (try f.tensor("h0"), try f.tensor("c0")),
                              training: false, rng: &rng)
        let back = model.backward(dOutput: try f.tensor("grad_output"), dFinalH: try f.tensor("grad_h_n"),
                                  dFinalC: try f.tensor("grad_c_n"), cache: r.cache)
        return (model, back)
    }
}

/// Compares stacked states [L·D, B, H] row by row, naming each row's layer and direction.
func assertStatesClose(_ got: (h: Tensor<Double>, c: Tensor<Double>), _ expected: (h: Tensor<Double>, c: Tensor<Double>),
                       model: LSTM<Double>, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let shape = expected.h.shape
    guard got.h.shape == shape, got.c.shape == shape else {
        XCTFail("\(name): h and c must be \(shape) [L·D, B, H], got \(got.h.shape) and \(got.c.shape)", file: file, line: line)
        return
    }
    for l in 0..<model.numLayers {
        for d in 0..<model.directions {
            let row = l * model.directions + d
            let which = "\(name) row \(row) (layer \(l), \(d == 0 ? "forward" : "reverse") direction)"
            assertClose(slice(got.h, row), slice(expected.h, row), tolerance: Tolerance.double, "\(which) h [B, H]", file: file, line: line)
            assertClose(slice(got.c, row), slice(expected.c, row), tolerance: Tolerance.double, "\(which) c [B, H]", file: file, line: line)
        }
    }
}
