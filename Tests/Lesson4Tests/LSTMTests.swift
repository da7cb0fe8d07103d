import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class LSTMTests: XCTestCase {
    static let stackCases = ["lstm_bi", "lstm_2layer", "lstm_2layer_uni"]

    func testLSTMInit_shapes() {
        var rng = SeededRNG(seed: 2)
        let model = LSTM<Double>(inputSize: 5, hiddenSize: 3, numLayers: 2, bidirectional: true, dropout: 0.25, rng: &rng)
        XCTAssertEqual(model.layers.count, 2, "layers: one entry per layer")
        XCTAssertEqual(model.layers.map(\.count), [2, 2], "layers[l]: two directions when bidirectional")
        XCTAssertEqual(model.layers[0][0].parameters.weightIH.shape, [12, 5], "layer 0 weightIH: [4H, E]")
        XCTAssertEqual(model.layers[1][0].parameters.weightIH.shape, [12, 6], "layer 1 weightIH: [4H, 2H] (both directions below)")
        XCTAssertEqual(model.layers.map { $0.map(\.reverse) }, [[false, true], [false, true]], "direction 1 is the reverse one")
        let bound = 1 / 3.0.squareRoot()
        XCTAssertLessThanOrEqual(model.layers[1][1].parameters.weightHH.maxAbs(), bound, "weights uniform in ±1/sqrt(H)")
    }

    func testLSTMForward_outputs() throws {
        for name in Self.stackCases {
            let f = try loadFixture("lesson4/\(name)")
            var rng = SeededRNG(seed: 0)
            let r = try lstm(f).forward(try f.tensor("x"), lengths: try f.ints("lengths"), training: false, rng: &rng)
            assertClose(r.output, try f.tensor("output"), tolerance: Tolerance.double, "\(name) output [T, B, D·H]")
            assertClose(r.final.h, try f.tensor("h_n"), tolerance: Tolerance.double, "\(name) h_n [L·D, B, H]")
            assertClose(r.final.c, try f.tensor("c_n"), tolerance: Tolerance.double, "\(name) c_n [L·D, B, H]")
        }
    }

    func testLSTMBackward_weightGradients() throws {
        for name in Self.stackCases {
            let f = try loadFixture("lesson4/\(name)")
            let model = try lstm(f)
            var rng = SeededRNG(seed: 0)
            let r = model.forward(try f.tensor("x"), lengths: try f.ints("lengths"), training: false, rng: &rng)
            let back = model.backward(dOutput: try f.tensor("grad_output"), dFinalH: try f.tensor("grad_h_n"), cache: r.cache)
            for l in 0..<model.numLayers {
                for d in 0..<model.directions {
                    assertGradientsClose(back.grads[l][d], try lstmGradients(f, layer: l, reverse: d == 1), tolerance: Tolerance.double,
                                         "\(name) layer \(l) direction \(d)")
                }
            }
        }
    }

    func testLSTMBackward_dx() throws {
        for name in Self.stackCases {
            let f = try loadFixture("lesson4/\(name)")
            let model = try lstm(f)
            var rng = SeededRNG(seed: 0)
            let r = model.forward(try f.tensor("x"), lengths: try f.ints("lengths"), training: false, rng: &rng)
            let back = model.backward(dOutput: try f.tensor("grad_output"), dFinalH: try f.tensor("grad_h_n"), cache: r.cache)
            assertClose(back.dx, try f.tensor("dx"), tolerance: Tolerance.double, "\(name) dx [T, B, E]")
        }
    }

    /// Centred differences through two bidirectional layers (dropout off).
    func testLSTMBackward_gradientCheck() {
        var rng = SeededRNG(seed: 9)
        let (t, b, e, h) = (5, 3, 2, 3)
        let lengths = [3, 5, 1]
        let model = LSTM<Double>(inputSize: e, hiddenSize: h, numLayers: 2, bidirectional: true, rng: &rng)
        let x = Tensor<Double>.normal([t, b, e], rng: &rng)
        let gOut = Tensor<Double>.normal([t, b, 2 * h], rng: &rng)
        let gH = Tensor<Double>.normal([4, b, h], rng: &rng)
        func loss(_ m: LSTM<Double>, _ x: Tensor<Double>) -> Double {
            var r = SeededRNG(seed: 0)
            let out = m.forward(x, lengths: lengths, training: false, rng: &r)
            return dot(out.output, gOut) + dot(out.final.h, gH)
        }
        var r = SeededRNG(seed: 0)
        let fwd = model.forward(x, lengths: lengths, training: false, rng: &r)
        let back = model.backward(dOutput: gOut, dFinalH: gH, cache: fwd.cache)
        let check = GradientCheck()
        var results = [check.check("dx", analytic: back.dx, at: x) { loss(model, $0) }]
        for l in 0..<2 {
            for d in 0..<2 {
                results.append(check.check("layer \(l) dir \(d) dWeightIH", analytic: back.grads[l][d].weightIH,
                                           at: model.layers[l][d].parameters.weightIH) { w in
                    var m = model
                    m.layers[l][d].parameters.weightIH = w
                    return loss(m, x)
                })
                results.append(check.check("layer \(l) dir \(d) dWeightHH", analytic: back.grads[l][d].weightHH,
                                           at: model.layers[l][d].parameters.weightHH) { w in
                    var m = model
                    m.layers[l][d].parameters.weightHH = w
                    return loss(m, x)
                })
            }
        }
        assertGradientsPass(results, tolerance: Tolerance.gradientCheckStack)
    }
}
