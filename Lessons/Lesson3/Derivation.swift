// The LSTM cell with the numbers of a tiny cell (B = 1, E = 3, H = 2, the fixture
// lesson3/lstm_cell_b1_e3_h2): every forward quantity, then dĉ and what backward returns, each
// next to what the student's code returned. The backward lines print PyTorch's values, not
// formulas: deriving them is the exercise (README sections 4 and 5). A wrong value is named by
// the same diagnosis the tests use.

import CourseTesting
import Foundation
import Lesson3
import TensorCore

enum Derivation {
    static func show(_ name: String, _ t: Tensor<Double>, _ note: String = "") {
        let values = t.scalars.map { String(format: "%8.4f", $0) }.joined(separator: " ")
        let label = name.padding(toLength: 34, withPad: " ", startingAt: 0)
        print("  \(label) [\(values) ]" + (note.isEmpty ? "" : "   \(note)"))
    }

    /// Columns k·H ..< (k+1)·H of a [1, G·H] row.
    static func block(_ t: Tensor<Double>, _ k: Int, _ h: Int) -> Tensor<Double> {
        Tensor(shape: [1, h], scalars: Array(t.scalars[(k * h)..<((k + 1) * h)]))
    }

    static func verdict(_ got: Tensor<Double>, _ expected: Tensor<Double>) -> String {
        let d = got.maxAbsDifference(expected)
        return d <= 1e-12 ? "✓ matches yours" : String(format: "✗ yours differs by %.2e", d)
    }

    /// The walkthrough's cell: PyTorch's parameters, inputs, upstream gradients and gradients.
    static let fixtureName = "lesson3/lstm_cell_b1_e3_h2"

    static func run() {
        do {
            try show(try Fixture.load(fixtureName))
        } catch {
            print("  \(fixtureName): \(error) (regenerate with .venv/bin/python Tools/fixtures/lesson3.py)")
        }
    }

    static func show(_ fixture: Fixture) throws {
        let cell = LSTMCell(parameters: LSTMParameters(
            weightIH: try fixture.tensor("weight_ih"), weightHH: try fixture.tensor("weight_hh"),
            biasIH: try fixture.tensor("bias_ih"), biasHH: try fixture.tensor("bias_hh")))
        let (e, h) = (cell.inputSize, cell.hiddenSize)
        let x = try fixture.tensor("x")
        let state = LSTMState(h: try fixture.tensor("h"), c: try fixture.tensor("c"))
        let upstreamH = try fixture.tensor("Gh")
        let upstreamC = try fixture.tensor("Gc")
        let p = cell.parameters

        print("A cell with E = \(e), H = \(h), one example (B = 1). Inputs:")
        show("x", x)
        show("h", state.h)
        show("c", state.c)

        print("\nForward (README section 3):")
        var pre = matmul(x, p.weightIH, transposeB: true) + matmul(state.h, p.weightHH, transposeB: true)
        pre = pre.addingRow(p.biasIH + p.biasHH)
        show("gates = xW_ihᵀ+b_ih+hW_hhᵀ+b_hh", pre, "[B, 4H], columns i | f | g | o")
        let i = block(pre, 0, h).sigmoid(), f = block(pre, 1, h).sigmoid()
        let g = block(pre, 2, h).tanh(), o = block(pre, 3, h).sigmoid()
        let (next, cache) = cell.forward(x, state: state)
        show("i = σ(gates_i)", i, verdict(i, block(cache.gates, 0, h)))
        show("f = σ(gates_f)", f, verdict(f, block(cache.gates, 1, h)))
        show("g = tanh(gates_g)", g, verdict(g, block(cache.gates, 2, h)))
        show("o = σ(gates_o)", o, verdict(o, block(cache.gates, 3, h)))
        let cNext = f * state.c + i * g
        show("c' = f⊙c + i⊙g", cNext, verdict(cNext, next.c))
        let hNext = o * cNext.tanh()
        show("h' = o⊙tanh(c')", hNext, verdict(hNext, next.h))

        print("\nBackward, from the upstream gradients (sections 4 and 5; the values are PyTorch's):")
        show("dh' = ∂L/∂h'", upstreamH)
        show("dc' = ∂L/∂c'", upstreamC)
        let diagnosis = try LSTMBackwardDiagnosis(fixture: fixture, tolerance: 1e-12)
        func named(_ q: LSTMBackwardQuantity, _ yours: Tensor<Double>) -> String {
            diagnosis.diagnose(q, got: yours).map { "✗ \($0)" } ?? "✓ matches yours"
        }
        show("dĉ = dc' + dh'⊙o⊙(1-tanh²c')", diagnosis.expected(.dCell),
             named(.dCell, cell.cellGradient(dh: upstreamH, dc: upstreamC, cache: cache)))
        let (yourDGates, yourDc) = cell.gateGradients(dh: upstreamH, dc: upstreamC, cache: cache)
        show("dGates (yours to derive)", diagnosis.expected(.dGates), named(.dGates, yourDGates))
        show("dc (yours to derive)", diagnosis.expected(.dc), named(.dc, yourDc))
        let (dx, dState, grads) = cell.backward(dh: upstreamH, dc: upstreamC, cache: cache)
        let expectedDx = try fixture.tensor("dx"), expectedDh = try fixture.tensor("dh")
        show("dx (yours to derive)", expectedDx, verdict(dx, expectedDx))
        show("dh (yours to derive)", expectedDh, verdict(dState.h, expectedDh))
        print("  dW_hh   [4H, H] = [\(4 * h), \(h)]: " + verdict(grads.weightHH, try fixture.tensor("dweight_hh")))
        print("  dW_ih   [4H, E] = [\(4 * h), \(e)]: " + verdict(grads.weightIH, try fixture.tensor("dweight_ih")))
        print("  db_ih, db_hh   [4H]: " + verdict(grads.biasIH, try fixture.tensor("dbias_ih"))
              + " / " + verdict(grads.biasHH, try fixture.tensor("dbias_hh")))
    }
}
