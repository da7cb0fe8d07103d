// The pieces of the readable layer, each on its own: the packed indexing (the reverse
// direction's positions, the padded rows, each sequence's last row), one forward step over a
// shrinking batch, backward through one step with the carried (dh, dc), and where the final
// state's gradient enters. The layer's tests (LSTMLayerForwardTests, LSTMLayerBackwardTests)
// check them together against PyTorch.

import CourseTesting
import Foundation
import Lesson3
import Lesson4
import TensorCore
import XCTest

final class PackedIndexTests: XCTestCase {
    /// Lengths [7, 3, 5, 1]: sorted order 0, 2, 1, 3; T = 7. (Made in each test, not when the
    /// test class is loaded: the exercise stubs stop the process.)
    var layout: PackedLayout { PackedLayout(lengths: [7, 3, 5, 1], timeSteps: 7) }
    var reverse: PackedLayout { PackedLayout(lengths: [7, 3, 5, 1], timeSteps: 7, reverse: true) }

    func testPackedLayout_reversePosition() {
        for j in 0..<4 {
            for k in 0..<reverse.sortedLength(j) {
                XCTAssertEqual(layout.position(step: k, sequence: j), k, "forward: step \(k) of sorted sequence \(j) reads time \(k)")
            }
        }
        // Sorted sequence 1 is batch 2, length 5: its reverse steps read times 4, 3, 2, 1, 0.
        let got = (0..<5).map { reverse.position(step: $0, sequence: 1) }
        XCTAssertEqual(got.first, 4, """
            reverse, step 0 of sorted sequence 1 (length 5, T = 7): must read the sequence's own last real \
            token; got time \(got.first ?? -1). One off means the count starts at the length, not at the \
            last index; 6 means it starts at the padded end T.
            """)
        XCTAssertEqual(got, [4, 3, 2, 1, 0], "reverse: the times sorted sequence 1 (length 5) reads at steps 0...4")
        XCTAssertEqual(reverse.position(step: 0, sequence: 3), 0, "reverse, a sequence of length 1: its only step reads time 0")
    }

    func testPackedLayout_paddedRows() {
        // Seen as [T·B, F] = [28, F], time t of batch b is row 4t + b.
        XCTAssertEqual(layout.paddedRows.count, 16, "paddedRows: one entry per packed row (N = 16)")
        XCTAssertEqual(Array(layout.paddedRows.prefix(7)), [0, 2, 1, 3, 4, 6, 5], """
            paddedRows, forward: packed rows 0...6 are step 0 of the sorted sequences (batch 0, 2, 1, 3), \
            then step 1 of the three still running; compare which batch column and which time each entry names.
            """)
        XCTAssertEqual(Array(reverse.paddedRows.prefix(4)), [24, 18, 9, 3], """
            paddedRows, reverse: step 0 reads each sequence's own last real token (times 6, 4, 2, 0 for \
            batch 0, 2, 1, 3), not time 0 and not the padded end.
            """)
        XCTAssertFalse(layout.paddedRows.contains(4 * 3 + 1), "paddedRows must never name a padded position (time 3 of batch 1, length 3)")
    }

    func testPackedLayout_lastRows() {
        // Steps start at offsets [0, 4, 7, 10, 12, 14, 15]; sorted j = 0, 1, 2, 3 are batch 0, 2, 1, 3.
        let rows = layout.lastRows
        XCTAssertEqual(rows.count, 4, "lastRows: one packed row per sequence")
        XCTAssertEqual(rows[3], 3, "lastRows[3] (batch 3, length 1): its only step is step 0, sorted position 3")
        XCTAssertEqual(rows, [15, 9, 13, 3], """
            lastRows must be in batch order (entry b for batch b, not for the b-th longest), each the packed \
            row of the sequence's own last real step (not of step T - 1, which shorter sequences never reach).
            """)
        XCTAssertEqual(reverse.lastRows, rows, "reverse: the last step has the same packed row; only the time it reads differs")
    }
}

final class LSTMStepTests: XCTestCase {
    /// The step computed entry by entry from the equations of section 3, independently of the
    /// tensor code: gates = inputGates + h W_hhᵀ + b_ih + b_hh, then c' and h'.
    private func expectedStep(_ p: LSTMParameters<Double>, inputGates: Tensor<Double>, h: Tensor<Double>, c: Tensor<Double>)
        -> (h: Tensor<Double>, c: Tensor<Double>) {
        let (b, hs) = (inputGates.shape[0], p.hiddenSize)
        var hNext = Tensor<Double>(shape: [b, hs]), cNext = hNext
        for r in 0..<b {
            func gate(_ q: Int, _ u: Int) -> Double {
                var s = inputGates[r, q * hs + u] + p.biasIH[q * hs + u] + p.biasHH[q * hs + u]
                for v in 0..<hs { s += h[r, v] * p.weightHH[q * hs + u, v] }
                return s
            }
            for u in 0..<hs {
                let i = 1 / (1 + Foundation.exp(-gate(0, u))), f = 1 / (1 + Foundation.exp(-gate(1, u)))
                let g = Foundation.tanh(gate(2, u)), o = 1 / (1 + Foundation.exp(-gate(3, u)))
                cNext[r, u] = f * c[r, u] + i * g
                hNext[r, u] = o * Foundation.tanh(cNext[r, u])
            }
        }
        return (hNext, cNext)
    }

    func testLSTMStep_forward() {
        var rng = SeededRNG(seed: 11)
        let layer = LSTMLayer<Double>(inputSize: 3, hiddenSize: 4, rng: &rng)
        let inputGates = Tensor<Double>.normal([3, 16], rng: &rng)
        let previous = LSTMState<Double>(h: .normal([3, 4], rng: &rng), c: .normal([3, 4], rng: &rng))
        let (state, _) = layer.step(inputGates: inputGates, previous: previous)
        let expected = expectedStep(layer.parameters, inputGates: inputGates, h: previous.h, c: previous.c)
        assertClose(state.c, expected.c, tolerance: 1e-12, "step: c_k [b, H] (gates in PyTorch's order i, f, g, o; both biases)")
        assertClose(state.h, expected.h, tolerance: 1e-12, "step: h_k [b, H]")
    }

    /// Step k runs on the first b_k sequences of step k - 1, a prefix of them: the rows of the
    /// sequences that have ended must be neither read nor returned.
    func testLSTMStep_shrinkingBatch() {
        var rng = SeededRNG(seed: 12)
        let layer = LSTMLayer<Double>(inputSize: 2, hiddenSize: 3, rng: &rng)
        let inputGates = Tensor<Double>.normal([2, 12], rng: &rng)
        var previous = LSTMState<Double>(h: .normal([5, 3], rng: &rng), c: .normal([5, 3], rng: &rng))
        let (state, cache) = layer.step(inputGates: inputGates, previous: previous)
        XCTAssertEqual(state.h.shape, [2, 3], "step with 2 running sequences after 5: the new state has 2 rows, one per running sequence")
        XCTAssertEqual(cache.hPrev.shape, [2, 3], "StepCache.hPrev: the previous h of the 2 running sequences only")
        let expected = expectedStep(layer.parameters, inputGates: inputGates, h: previous.h.rows(0..<2), c: previous.c.rows(0..<2))
        assertClose(state.h, expected.h, tolerance: 1e-12, "step, 2 of 5 sequences running: h_k must start from rows 0 and 1 of the previous state (the running ones)")
        assertClose(state.c, expected.c, tolerance: 1e-12, "step, 2 of 5 sequences running: c_k must start from rows 0 and 1 of the previous state")
        for r in 2..<5 { for u in 0..<3 { previous.h[r, u] = 1e3; previous.c[r, u] = -1e3 } }
        let again = layer.step(inputGates: inputGates, previous: previous).state
        assertClose(again.h, state.h, tolerance: 0, "step: the rows of sequences that have ended (rows 2...4) must not be read")
    }

    /// Centred differences of L = Σ h_k ⊙ gh + Σ c_k ⊙ gc for one step, with respect to the
    /// step's inputs: the gates before their nonlinearities, h_{k-1} and c_{k-1}.
    func testLSTMStepBackward_gradientCheck() {
        var rng = SeededRNG(seed: 13)
        let layer = LSTMLayer<Double>(inputSize: 2, hiddenSize: 3, rng: &rng)
        let inputGates = Tensor<Double>.normal([4, 12], rng: &rng)
        let h = Tensor<Double>.normal([4, 3], rng: &rng), c = Tensor<Double>.normal([4, 3], rng: &rng)
        let gh = Tensor<Double>.normal([4, 3], rng: &rng), gc = Tensor<Double>.normal([4, 3], rng: &rng)
        func loss(_ g: Tensor<Double>, _ h: Tensor<Double>, _ c: Tensor<Double>) -> Double {
            let s = layer.step(inputGates: g, previous: LSTMState(h: h, c: c)).state
            return dot(s.h, gh) + dot(s.c, gc)
        }
        let (_, cache) = layer.step(inputGates: inputGates, previous: LSTMState(h: h, c: c))
        let back = layer.stepBackward(dh: gh, dc: gc, cache: cache)
        let check = GradientCheck()
        let dGates = check.check("dGates", analytic: back.dGates, at: inputGates) { loss($0, h, c) }
        let dhPrev = check.check("dhPrev", analytic: back.dhPrev, at: h) { loss(inputGates, $0, c) }
        let dcPrev = check.check("dcPrev", analytic: back.dcPrev, at: c) { loss(inputGates, h, $0) }
        let tolerance = Tolerance.gradientCheck
        if !dGates.passed(tolerance: tolerance) {
            let gate = ["i", "f", "g", "o"][min(3, (dGates.worstIndex.last ?? 0) / 3)]
            XCTFail("""
                stepBackward: dGates disagrees with centred differences, worst in gate \(gate) (\(dGates)). \
                The gates' columns are i | f | g | o; the output gate sees only dh, the other three see dĉ, \
                which must include the carried dc as well as what dh sends through tanh(c_k).
                """)
        }
        XCTAssertTrue(dhPrev.passed(tolerance: tolerance), """
            stepBackward: dhPrev (∂L/∂h_{k-1}) disagrees with centred differences (\(dhPrev)). h_{k-1} reaches \
            the loss only through the gates, by the product with W_hh.
            """)
        XCTAssertTrue(dcPrev.passed(tolerance: tolerance), """
            stepBackward: dcPrev (∂L/∂c_{k-1}) disagrees with centred differences (\(dcPrev)). c_{k-1} reaches \
            c_k through one gate; the carried dc must not be dropped or taken from dh alone.
            """)
    }

    /// The gradient of the final state enters where forward read the final state.
    func testLSTMLayer_injectFinalGradient() {
        var rng = SeededRNG(seed: 14)
        let layout = PackedLayout(lengths: [2, 4, 1], timeSteps: 4)   // sorted: batch 1, 0, 2; N = 7
        let layer = LSTMLayer<Double>(inputSize: 1, hiddenSize: 2, rng: &rng)
        let dFinal = LSTMState<Double>(h: .normal([3, 2], rng: &rng), c: .normal([3, 2], rng: &rng))
        let above = Tensor<Double>.normal([7, 2], rng: &rng)
        var dh = above
        let dc = layer.injectFinalGradient(dFinal, into: &dh, layout: layout)
        // Packed rows: step 0 = 0, 1, 2 (batch 1, 0, 2); step 1 = 3, 4 (batch 1, 0); steps 2, 3 = 5, 6 (batch 1).
        for (b, row) in [(0, 4), (1, 6), (2, 2)] {
            for u in 0..<2 {
                XCTAssertEqual(dh[row, u], above[row, u] + dFinal.h[b, u], accuracy: 1e-12, """
                    injectFinalGradient: dh_n of batch \(b) must be added to what reaches its h from above, at \
                    the packed row of its own last step (row \(row)); it is missing there or added elsewhere.
                    """)
            }
        }
        let untouched = [0, 1, 3, 5].map { dh.rows($0..<$0 + 1) }, expected = [0, 1, 3, 5].map { above.rows($0..<$0 + 1) }
        for (got, want) in zip(untouched, expected) {
            assertClose(got, want, tolerance: 0, "injectFinalGradient: rows that are no sequence's last step keep what came from above")
        }
        XCTAssertEqual(dc.shape, [3, 2], "injectFinalGradient returns the carried dc to start with: [B, H]")
        assertClose(dc, layout.sortRows(dFinal.c), tolerance: 0, """
            injectFinalGradient: the carried dc starts as dc_n, its rows in the order the backward loop \
            reads them (longest sequence first), not in batch order.
            """)
    }

    /// Only ∂L/∂c_n is non-zero: it reaches the initial state only through the carried dc.
    func testLSTMLayerBackward_carriesDC() {
        var rng = SeededRNG(seed: 15)
        let (t, b, e, h) = (4, 3, 2, 3)
        let lengths = [4, 1, 3]
        let layer = LSTMLayer<Double>(inputSize: e, hiddenSize: h, rng: &rng)
        let x = Tensor<Double>.normal([t, b, e], rng: &rng)
        let c0 = Tensor<Double>.normal([b, h], rng: &rng), h0 = Tensor<Double>.normal([b, h], rng: &rng)
        let gC = Tensor<Double>.normal([b, h], rng: &rng)
        func loss(_ c0: Tensor<Double>) -> Double {
            dot(layer.forward(x, lengths: lengths, initial: LSTMState(h: h0, c: c0)).final.c, gC)
        }
        let fwd = layer.forward(x, lengths: lengths, initial: LSTMState(h: h0, c: c0))
        let back = layer.backward(dOutput: .zeros([t, b, h]), dFinal: LSTMState(h: .zeros([b, h]), c: gC), cache: fwd.cache)
        let result = GradientCheck().check("dInitial.c", analytic: back.dInitial.c, at: c0, loss: loss)
        XCTAssertTrue(result.passed(tolerance: Tolerance.gradientCheck), """
            backward with only ∂L/∂c_n non-zero: dInitial.c disagrees with centred differences (\(result)). \
            The gradient must travel back step by step in the carried dc, for every sequence from its own \
            last step (the batch's sequences end at different steps), and come out in batch order.
            """)
    }
}
