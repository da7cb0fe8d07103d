// The derivation of the LSTM cell, printed line by line with the numbers of a tiny cell
// (B = 1, E = 3, H = 2): every forward quantity, then every backward line, each one next to
// what the student's code returned.

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

    static func run() {
        var rng = SeededRNG(seed: 3)
        let (e, h) = (3, 2)
        let cell = LSTMCell<Double>(inputSize: e, hiddenSize: h, rng: &rng)
        let x = Tensor<Double>.normal([1, e], rng: &rng)
        let state = LSTMState<Double>(h: .normal([1, h], std: 0.5, rng: &rng), c: .normal([1, h], rng: &rng))
        let dhNext = Tensor<Double>.normal([1, h], rng: &rng)
        let dcNext = Tensor<Double>.normal([1, h], rng: &rng)
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
        let tanhC = cNext.tanh()
        let hNext = o * tanhC
        show("h' = o⊙tanh(c')", hNext, verdict(hNext, next.h))

        print("\nBackward, from the upstream gradients (sections 4 and 5):")
        show("dh' = ∂L/∂h'", dhNext)
        show("dc' = ∂L/∂c'", dcNext)
        let dO = dhNext * tanhC
        show("do = dh'⊙tanh(c')", dO, "h' = o⊙tanh(c'), so ∂h'/∂o = tanh(c')")
        let dCell = dcNext + dhNext * o * tanhC.tanhDerivativeFromOutput()
        show("dĉ = dc' + dh'⊙o⊙(1-tanh²c')", dCell, "c' reaches L directly and through h'")
        let dI = dCell * g, dF = dCell * state.c, dG = dCell * i
        show("di = dĉ⊙g", dI)
        show("df = dĉ⊙c", dF)
        show("dg = dĉ⊙i", dG)
        let dcPrev = dCell * f
        let dGates = Tensor(shape: [1, 4 * h], scalars:
            (dI * i.sigmoidDerivativeFromOutput()).scalars + (dF * f.sigmoidDerivativeFromOutput()).scalars
            + (dG * g.tanhDerivativeFromOutput()).scalars + (dO * o.sigmoidDerivativeFromOutput()).scalars)
        let (yourDGates, yourDc) = cell.gateGradients(dh: dhNext, dc: dcNext, cache: cache)
        show("dc = dĉ⊙f", dcPrev, verdict(dcPrev, yourDc))
        print("  dGates = [di⊙i(1-i) | df⊙f(1-f) | dg⊙(1-g²) | do⊙o(1-o)]   σ' = σ(1-σ), tanh' = 1-tanh²")
        show("", dGates, verdict(dGates, yourDGates))
        let (dx, dState, grads) = cell.backward(dh: dhNext, dc: dcNext, cache: cache)
        show("dx = dGates·W_ih", matmul(dGates, p.weightIH), verdict(matmul(dGates, p.weightIH), dx))
        show("dh = dGates·W_hh", matmul(dGates, p.weightHH), verdict(matmul(dGates, p.weightHH), dState.h))
        let dWhh = matmul(dGates, transposeA: true, state.h)
        print("  dW_hh = dGatesᵀ·h   [4H, H] = [\(4 * h), \(h)]: an outer product when B = 1, "
              + verdict(dWhh, grads.weightHH))
        let dWih = matmul(dGates, transposeA: true, x)
        print("  dW_ih = dGatesᵀ·x   [4H, E] = [\(4 * h), \(e)]: " + verdict(dWih, grads.weightIH))
        let db = dGates.sumRows()
        print("  db_ih = db_hh = Σ_rows dGates   [4H]: " + verdict(db, grads.biasIH) + " / " + verdict(db, grads.biasHH))
    }
}
