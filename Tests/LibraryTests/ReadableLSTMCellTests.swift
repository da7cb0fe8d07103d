// Proof that the tensor vocabulary is enough for Lesson 3: an LSTM cell's forward and backward
// for one time step written with tensor operations only (no pointers, no element loops), each
// line one equation of the cell, checked against the
// reference cell on random inputs in Double.
//
// Shapes: B batch, E input size, H hidden size; ⊙ is `*`, σ(x) is `x.sigmoid()`.
// Instructors only: it is Lesson 3's answer, so the student edition leaves it out.

// BEGIN INSTRUCTOR
#if COURSE_HAS_LESSON3
import CourseTesting
import Lesson3
import TensorCore
import XCTest

/// One LSTM step in the vocabulary. The cache is what backward needs: the inputs and the gates.
private struct ReadableLSTMStep {
    var x, h, c, i, f, g, o, tanhC: Tensor<Double>

    /// x: [B, E], h and c: [B, H] -> h' and c' [B, H] and the cache.
    static func forward(_ p: LSTMParameters<Double>, x: Tensor<Double>, h: Tensor<Double>, c: Tensor<Double>)
        -> (h: Tensor<Double>, c: Tensor<Double>, cache: ReadableLSTMStep) {
        let H = h.cols
        let gates = (matmul(x, p.weightIH, transposeB: true) + matmul(h, p.weightHH, transposeB: true))
            .addingRow(p.biasIH + p.biasHH)                          // [B, 4H]  i | f | g | o
        let i = gates.columns(0..<H).sigmoid()
        let f = gates.columns(H..<2 * H).sigmoid()
        let g = gates.columns(2 * H..<3 * H).tanh()
        let o = gates.columns(3 * H..<4 * H).sigmoid()
        let cNext = f * c + i * g                                    // c' = f ⊙ c + i ⊙ g
        let tanhC = cNext.tanh()
        let hNext = o * tanhC                                        // h' = o ⊙ tanh(c')
        return (hNext, cNext, ReadableLSTMStep(x: x, h: h, c: c, i: i, f: f, g: g, o: o, tanhC: tanhC))
    }

    /// dh' and dc' [B, H] -> dx [B, E], dh and dc [B, H], and the parameters' gradients.
    func backward(_ p: LSTMParameters<Double>, dh dhNext: Tensor<Double>, dc dcNext: Tensor<Double>)
        -> (dx: Tensor<Double>, dh: Tensor<Double>, dc: Tensor<Double>, grads: LSTMParameters<Double>) {
        let dO = dhNext * tanhC                                      // do = dh' ⊙ tanh(c')
        let dCell = dcNext + dhNext * o * (1 - tanhC * tanhC)        // dĉ = dc' + dh' ⊙ o ⊙ (1 - tanh²c')
        let dI = dCell * g, dF = dCell * c, dG = dCell * i
        let dc = dCell * f
        let dGates = concatColumns([dI * i * (1 - i), dF * f * (1 - f), dG * (1 - g * g), dO * o * (1 - o)])
        let dx = matmul(dGates, p.weightIH)                          // [B, 4H]·[4H, E]
        let dh = matmul(dGates, p.weightHH)                          // [B, 4H]·[4H, H]
        let dBias = dGates.sumRows()                                 // Σ over the batch: [4H]
        let grads = LSTMParameters(weightIH: matmul(dGates, transposeA: true, x),   // [4H, B]·[B, E]
                                   weightHH: matmul(dGates, transposeA: true, h),   // [4H, B]·[B, H]
                                   biasIH: dBias, biasHH: dBias)
        return (dx, dh, dc, grads)
    }
}

final class ReadableLSTMCellTests: XCTestCase {
    func testVocabularyLSTMCellMatchesLesson3ReferenceForwardAndBackward() {
        var rng = SeededRNG(seed: 2026)
        // Random sizes, 1-sized ones included: (B, E, H).
        for (b, e, hidden) in [(1, 1, 1), (3, 5, 4), (1, 7, 2), (6, 1, 5), (4, 3, 1), (8, 10, 6)] {
            let cell = LSTMCell<Double>(inputSize: e, hiddenSize: hidden, rng: &rng)
            let x = Tensor<Double>.normal([b, e], rng: &rng)
            let state = LSTMState<Double>(h: .normal([b, hidden], rng: &rng), c: .normal([b, hidden], rng: &rng))
            let dh = Tensor<Double>.normal([b, hidden], rng: &rng), dc = Tensor<Double>.normal([b, hidden], rng: &rng)

            let (refState, refCache) = cell.forward(x, state: state)
            let ref = cell.backward(dh: dh, dc: dc, cache: refCache)
            let (h, c, cache) = ReadableLSTMStep.forward(cell.parameters, x: x, h: state.h, c: state.c)
            let got = cache.backward(cell.parameters, dh: dh, dc: dc)

            let tag = "B=\(b) E=\(e) H=\(hidden)"
            assertClose(h, refState.h, tolerance: 1e-12, "h' (\(tag))")
            assertClose(c, refState.c, tolerance: 1e-12, "c' (\(tag))")
            assertClose(got.dx, ref.dx, tolerance: 1e-12, "dx (\(tag))")
            assertClose(got.dh, ref.dState.h, tolerance: 1e-12, "dh (\(tag))")
            assertClose(got.dc, ref.dState.c, tolerance: 1e-12, "dc (\(tag))")
            assertClose(got.grads.weightIH, ref.grads.weightIH, tolerance: 1e-12, "dWeightIH (\(tag))")
            assertClose(got.grads.weightHH, ref.grads.weightHH, tolerance: 1e-12, "dWeightHH (\(tag))")
            assertClose(got.grads.biasIH, ref.grads.biasIH, tolerance: 1e-12, "dBiasIH (\(tag))")
            assertClose(got.grads.biasHH, ref.grads.biasHH, tolerance: 1e-12, "dBiasHH (\(tag))")
        }
    }
}
#endif
// END INSTRUCTOR
