import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class LSTMLayerForwardTests: XCTestCase {
    private func run(_ f: Fixture) throws -> (output: Tensor<Double>, final: LSTMState<Double>) {
        let layer = LSTMLayer(parameters: try lstmParameters(f, layer: 0, reverse: false))
        let initial = LSTMState(h: slice(try f.tensor("h0"), 0), c: slice(try f.tensor("c0"), 0))
        let r = layer.forward(try f.tensor("x"), lengths: try f.ints("lengths"), initial: initial)
        return (r.output, r.final)
    }

    func testLSTMLayerForward_output() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let (output, _) = try run(f)
        assertClose(output, try f.tensor("output"), tolerance: Tolerance.double, "lstm_uni output [T, B, H] (zero at padded steps)")
    }

    func testLSTMLayerForward_finalState() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let (_, final) = try run(f)
        assertClose(final.h, slice(try f.tensor("h_n"), 0), tolerance: Tolerance.double, "lstm_uni final h (at each sequence's last real step)")
        assertClose(final.c, slice(try f.tensor("c_n"), 0), tolerance: Tolerance.double, "lstm_uni final c (at each sequence's last real step)")
    }

    func testLSTMLayerForward_reverse() throws {
        // The second half of a bidirectional output is the reverse direction on its own.
        let f = try loadFixture("lesson4/lstm_bi")
        let h = try f.int("hidden_size")
        let layer = LSTMLayer(parameters: try lstmParameters(f, layer: 0, reverse: true), reverse: true)
        let r = layer.forward(try f.tensor("x"), lengths: try f.ints("lengths"))
        assertClose(r.output, lastAxis(try f.tensor("output"), from: h, width: h), tolerance: Tolerance.double,
                    "lstm_bi reverse output (starts at each sequence's own last real token)")
        assertClose(r.final.h, slice(try f.tensor("h_n"), 1), tolerance: Tolerance.double, "lstm_bi reverse final h (at time 0)")
        assertClose(r.final.c, slice(try f.tensor("c_n"), 1), tolerance: Tolerance.double, "lstm_bi reverse final c (at time 0)")
    }

    func testLSTMLayerFloat_matchesFixture() throws {
        let f = try loadFixture("lesson4/lstm_uni")
        let layer = LSTMLayer<Float>(parameters: LSTMParameters(try lstmParameters(f, layer: 0, reverse: false)))
        let initial = LSTMState<Float>(h: Tensor(slice(try f.tensor("h0"), 0)), c: Tensor(slice(try f.tensor("c0"), 0)))
        let r = layer.forward(try f.tensor("x", as: Float.self), lengths: try f.ints("lengths"), initial: initial)
        assertClose(r.output, try f.tensor("output"), tolerance: Tolerance.float, "Float output")
        assertClose(r.final.c, slice(try f.tensor("c_n"), 0), tolerance: Tolerance.float, "Float final c")
        let dFinal = LSTMState<Float>(h: Tensor(slice(try f.tensor("grad_h_n"), 0)), c: Tensor(slice(try f.tensor("grad_c_n"), 0)))
        let back = layer.backward(dOutput: try f.tensor("grad_output", as: Float.self), dFinal: dFinal, cache: r.cache)
        assertClose(back.dx, try f.tensor("dx"), tolerance: Tolerance.float, "Float dx")
        assertGradientsClose(back.grads, try lstmGradients(f, layer: 0, reverse: false), tolerance: Tolerance.float, "Float")
    }
}
