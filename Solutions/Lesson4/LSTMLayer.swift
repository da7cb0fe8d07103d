// Lesson 4, sections 3 and 4: one direction of one nn.LSTM layer over a batch of
// variable-length sequences, forward and backward through time (BPTT), by hand.
//
// Shapes: T padded time steps, B batch, E input size, H hidden size, N = Σ L_b real tokens.
// The layer works on the packed layout of section 2 (sequences sorted by length, longest first;
// step k runs on the b_k sequences still going, packed rows offsets[k] ..< offsets[k] + b_k).
//
// Forward (section 3)
//     X      = pack(x)                                 [N, E]
//     G      = X W_ihᵀ                                 [N, 4H]   one GEMM for all steps
//     for k in 0 ..< max L:                            (rows r = offsets[k] ..< offsets[k] + b_k)
//         G[r] += h_{k-1}[0..<b_k] W_hhᵀ + b_ih + b_hh [b_k, 4H] one GEMM per step
//         i, f, g, o = σ, σ, tanh, σ of G[r]            (i, f, g, o: PyTorch's order)
//         c_k = f ⊙ c_{k-1} + i ⊙ g,  h_k = o ⊙ tanh(c_k)
//     output = unpack(h)                               [T, B, H], zero at padded steps
//     final  = (h, c) at each sequence's own last real step
// h_{-1}, c_{-1} are the initial state (zeros unless given). A sequence that has ended is not
// in rows 0..<b_k, so a padded step can change neither its state nor its output: the numbers
// are PyTorch's with pack_padded_sequence.
//
// Backward (section 4), k from max L - 1 down to 0, with dh and dc carried from step k + 1:
//     dh_k  = dOutput[k] + dh carried          (+ dFinal.h at a sequence's last step)
//     dĉ_k  = dc carried + dh_k ⊙ o ⊙ (1 - tanh²(c_k))     (dc carried starts at dFinal.c)
//     dG[r] = [dĉ⊙g ⊙ i(1-i) | dĉ⊙c_{k-1} ⊙ f(1-f) | dĉ⊙i ⊙ (1-g²) | dh⊙tanh(c_k) ⊙ o(1-o)]
//     dc carried = dĉ_k ⊙ f,    dh carried = dG[r] W_hh        [b_k, 4H]·[4H, H]
// and after the loop, one GEMM each over all steps:
//     dW_ih = dGᵀ X [4H, E],  dW_hh = dGᵀ H_prev [4H, H],  db_ih = db_hh = Σ_rows dG,
//     dx = unpack(dG W_ih) [T, B, E],  dInitial = the carried (dh, dc) after step 0.
//
// Speed: no tensor is made inside the time loops; they run on unsafe pointers and BLAS, with
// the fast vectorised sigmoid and tanh for Float (TensorCore's FastMath).

import Lesson3
import TensorCore

public struct LSTMLayer<T: TensorScalar>: Sendable {
    public var parameters: LSTMParameters<T>
    /// Reads each sequence from its last real token back to its first (the backward half of a
    /// bidirectional layer).
    public var reverse: Bool

    /// E
    public var inputSize: Int { parameters.inputSize }
    /// H
    public var hiddenSize: Int { parameters.hiddenSize }

    public init(parameters: LSTMParameters<T>, reverse: Bool = false) {
        self.parameters = parameters
        self.reverse = reverse
    }

    /// Initialised as nn.LSTM is: every entry uniform in ±1/sqrt(H).
    public init(inputSize: Int, hiddenSize: Int, reverse: Bool = false, rng: inout SeededRNG) {
        self.init(parameters: LSTMParameters(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng), reverse: reverse)
    }

    /// What backward needs from forward, all in the packed, sorted layout.
    public struct Cache: Sendable {
        public var layout: PackedLayout
        /// The packed input X [N, E].
        public var x: Tensor<T>
        /// The gates after their nonlinearities [N, 4H], columns i | f | g | o.
        public var gates: Tensor<T>
        /// c_k [N, H].
        public var c: Tensor<T>
        /// tanh(c_k) [N, H].
        public var tanhC: Tensor<T>
        /// h_k [N, H].
        public var h: Tensor<T>
        /// The initial state, rows in sorted order [B, H] each.
        public var initial: LSTMState<T>

        public init(layout: PackedLayout, x: Tensor<T>, gates: Tensor<T>, c: Tensor<T>, tanhC: Tensor<T>,
                    h: Tensor<T>, initial: LSTMState<T>) {
            self.layout = layout
            self.x = x
            self.gates = gates
            self.c = c
            self.tanhC = tanhC
            self.h = h
            self.initial = initial
        }
    }

    // @_specialize: Float and Double versions are compiled here, so even a generic caller (a
    // closure run on another thread) reaches specialised code, never protocol witnesses in the
    // time loop.
    /// x: [T, B, E], lengths: B values in 1...T, initial: (h, c) [B, H] each (zeros if nil)
    /// -> output [T, B, H] (zero at padded steps), final (h, c) [B, H] at each sequence's last
    /// real step, and the cache for backward.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ x: Tensor<T>, lengths: [Int], initial: LSTMState<T>? = nil)
        -> (output: Tensor<T>, final: LSTMState<T>, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "LSTMLayer.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1],
                     "LSTMLayer.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        if let initial {
            precondition(initial.h.shape == [x.shape[1], hiddenSize],
                         "LSTMLayer.forward: initial state must be [\(x.shape[1]), \(hiddenSize)], got \(initial.h.shape)")
        }
        // BEGIN SOLUTION: LSTMLayer.forward (section 3)
        let layout = PackedLayout(lengths: lengths, timeSteps: x.shape[0], reverse: reverse)
        let (n, batch, hs) = (layout.realTokens, layout.batchSize, hiddenSize)
        let g4 = 4 * hs
        let start = initial ?? LSTMState.zeros(batch: batch, hidden: hs)
        let sortedInitial = LSTMState(h: layout.sortRows(start.h), c: layout.sortRows(start.c))
        let packedX = layout.gather(x)                                      // [N, E]
        // Every element of these is written below before it is read: no need to zero them.
        var gates = Tensor<T>.uninitialized([n, g4])
        gemm(packedX, parameters.weightIH, transposeB: true, into: &gates, beta: 0)  // [N, 4H], all steps at once
        var c = Tensor<T>.uninitialized([n, hs])
        var tanhC = Tensor<T>.uninitialized([n, hs])
        var h = Tensor<T>.uninitialized([n, hs])
        let bias = parameters.biasIH + parameters.biasHH

        gates.scalars.withUnsafeMutableBufferPointer { gBuf in
        c.scalars.withUnsafeMutableBufferPointer { cBuf in
        tanhC.scalars.withUnsafeMutableBufferPointer { tcBuf in
        h.scalars.withUnsafeMutableBufferPointer { hBuf in
        sortedInitial.h.scalars.withUnsafeBufferPointer { h0Buf in
        sortedInitial.c.scalars.withUnsafeBufferPointer { c0Buf in
        parameters.weightHH.scalars.withUnsafeBufferPointer { wBuf in
        bias.scalars.withUnsafeBufferPointer { biasBuf in
            // n > 0 (every length ≥ 1), so none of these is nil.
            guard let gp = gBuf.baseAddress, let cp = cBuf.baseAddress, let tcp = tcBuf.baseAddress,
                  let hp = hBuf.baseAddress, let h0 = h0Buf.baseAddress, let c0 = c0Buf.baseAddress,
                  let w = wBuf.baseAddress, let bp = biasBuf.baseAddress, hs > 0 else { return }
            for k in 0..<layout.steps {
                let b = layout.batchSizes[k], row = layout.offsets[k]
                // The running sequences are a prefix of those that ran at step k - 1, so their
                // previous states are the first b rows of step k - 1.
                let hPrev = k == 0 ? h0 : UnsafePointer(hp + layout.offsets[k - 1] * hs)
                let cPrev = k == 0 ? c0 : UnsafePointer(cp + layout.offsets[k - 1] * hs)
                let g = gp + row * g4
                T.gemm(transA: false, transB: true, m: b, n: g4, k: hs, alpha: 1, a: hPrev, lda: hs,
                       b: w, ldb: hs, beta: 1, c: g, ldc: g4)
                for j in 0..<b {
                    let gj = g + j * g4
                    for u in 0..<g4 { gj[u] += bp[u] }
                    fastSigmoidInPlace(gj, count: 2 * hs)         // i, f
                    fastTanhInPlace(gj + 2 * hs, count: hs)       // g
                    fastSigmoidInPlace(gj + 3 * hs, count: hs)    // o
                    let cj = cp + (row + j) * hs, tcj = tcp + (row + j) * hs, cPrevJ = cPrev + j * hs
                    for u in 0..<hs {
                        let cell = gj[hs + u] * cPrevJ[u] + gj[u] * gj[2 * hs + u]
                        cj[u] = cell
                        tcj[u] = cell
                    }
                    fastTanhInPlace(tcj, count: hs)
                    let hj = hp + (row + j) * hs
                    for u in 0..<hs { hj[u] = gj[3 * hs + u] * tcj[u] }
                }
            }
        }}}}}}}}

        // Each sequence's final state sits in the packed row of its own last real step.
        var finalH = Tensor<T>(shape: [batch, hs]), finalC = Tensor<T>(shape: [batch, hs])
        for j in 0..<batch {
            let from = layout.lastRow(sequence: j) * hs, to = layout.order[j] * hs
            for u in 0..<hs {
                finalH.scalars[to + u] = h.scalars[from + u]
                finalC.scalars[to + u] = c.scalars[from + u]
            }
        }
        let cache = Cache(layout: layout, x: packedX, gates: gates, c: c, tanhC: tanhC, h: h, initial: sortedInitial)
        return (layout.scatter(h), LSTMState(h: finalH, c: finalC), cache)
        // END SOLUTION
    }

    /// The layer as a function: `layer(x, lengths: l)` is `layer.forward(x, lengths: l).output`.
    public func callAsFunction(_ x: Tensor<T>, lengths: [Int], initial: LSTMState<T>? = nil) -> Tensor<T> {
        forward(x, lengths: lengths, initial: initial).output
    }

    /// dOutput = ∂L/∂output [T, B, H] (padded steps ignored), dFinal = ∂L/∂(final h, final c)
    /// [B, H] each (nil: zero) -> dx [T, B, E] (zero at padded steps), dInitial = ∂L/∂(initial
    /// h, c) [B, H] each, and the parameters' gradients summed over all real steps.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(dOutput: Tensor<T>, dFinal: LSTMState<T>?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: LSTMState<T>, grads: LSTMParameters<T>) {
        let layout = cache.layout
        precondition(dOutput.shape == [layout.timeSteps, layout.batchSize, hiddenSize],
                     "LSTMLayer.backward: dOutput must be [\(layout.timeSteps), \(layout.batchSize), \(hiddenSize)] like the output, got \(dOutput.shape)")
        if let dFinal {
            precondition(dFinal.h.shape == [layout.batchSize, hiddenSize],
                         "LSTMLayer.backward: dFinal must be [\(layout.batchSize), \(hiddenSize)], got \(dFinal.h.shape)")
        }
        // BEGIN SOLUTION: LSTMLayer.backward (section 4)
        let (n, batch, hs) = (layout.realTokens, layout.batchSize, hiddenSize)
        let g4 = 4 * hs
        var dh = layout.gather(dOutput)                    // [N, H] what reaches each h_k from above
        var dcCarry = Tensor<T>(shape: [batch, hs])        // sorted rows
        if let dFinal {
            // The final state is h and c at each sequence's own last step: its gradient joins there.
            let dFinalH = layout.sortRows(dFinal.h)
            for j in 0..<batch {
                let row = layout.lastRow(sequence: j) * hs
                for u in 0..<hs { dh.scalars[row + u] += dFinalH.scalars[j * hs + u] }
            }
            dcCarry = layout.sortRows(dFinal.c)
        }
        var dhCarry = Tensor<T>(shape: [batch, hs])        // sorted rows; stays 0 for ended sequences
        var dGates = Tensor<T>.uninitialized([n, g4])   // every row is written by its step

        dh.scalars.withUnsafeBufferPointer { dhBuf in
        dhCarry.scalars.withUnsafeMutableBufferPointer { dhcBuf in
        dcCarry.scalars.withUnsafeMutableBufferPointer { dccBuf in
        dGates.scalars.withUnsafeMutableBufferPointer { dgBuf in
        cache.gates.scalars.withUnsafeBufferPointer { gBuf in
        cache.c.scalars.withUnsafeBufferPointer { cBuf in
        cache.tanhC.scalars.withUnsafeBufferPointer { tcBuf in
        cache.initial.c.scalars.withUnsafeBufferPointer { c0Buf in
        parameters.weightHH.scalars.withUnsafeBufferPointer { wBuf in
            guard let dhp = dhBuf.baseAddress, let dhc = dhcBuf.baseAddress, let dcc = dccBuf.baseAddress,
                  let dgp = dgBuf.baseAddress, let gp = gBuf.baseAddress, let cp = cBuf.baseAddress,
                  let tcp = tcBuf.baseAddress, let c0 = c0Buf.baseAddress, let w = wBuf.baseAddress,
                  hs > 0 else { return }
            for k in stride(from: layout.steps - 1, through: 0, by: -1) {
                let b = layout.batchSizes[k], row = layout.offsets[k]
                let cPrev = k == 0 ? c0 : cp + layout.offsets[k - 1] * hs
                for j in 0..<b {
                    let r = row + j
                    let g = gp + r * g4, dg = dgp + r * g4
                    let tc = tcp + r * hs, dhIn = dhp + r * hs
                    let dhj = dhc + j * hs, dcj = dcc + j * hs, cPrevJ = cPrev + j * hs
                    for u in 0..<hs {
                        let i = g[u], f = g[hs + u], gg = g[2 * hs + u], o = g[3 * hs + u]
                        let t = tc[u]
                        let dH = dhIn[u] + dhj[u]
                        let dCell = dcj[u] + dH * o * (1 - t * t)
                        dg[u] = dCell * gg * i * (1 - i)
                        dg[hs + u] = dCell * cPrevJ[u] * f * (1 - f)
                        dg[2 * hs + u] = dCell * i * (1 - gg * gg)
                        dg[3 * hs + u] = dH * t * o * (1 - o)
                        dcj[u] = dCell * f
                    }
                }
                // dh carried to step k - 1 (or to the initial state): dG[r] W_hh.
                T.gemm(transA: false, transB: false, m: b, n: hs, k: g4, alpha: 1, a: dgp + row * g4, lda: g4,
                       b: w, ldb: hs, beta: 0, c: dhc, ldc: hs)
            }
        }}}}}}}}}

        // H_prev [N, H]: the state each packed row started from (h_{k-1}, or the initial h).
        // Step k's rows start from the first b_k rows of step k - 1: one block copy per step.
        var hPrev = Tensor<T>.uninitialized([n, hs])
        hPrev.scalars.withUnsafeMutableBufferPointer { dst in
            cache.h.scalars.withUnsafeBufferPointer { h in
                cache.initial.h.scalars.withUnsafeBufferPointer { h0 in
                    guard let to = dst.baseAddress, let from = h.baseAddress, let start = h0.baseAddress else { return }
                    to.update(from: start, count: layout.batchSizes[0] * hs)
                    for k in 1..<layout.steps {
                        (to + layout.offsets[k] * hs).update(from: from + layout.offsets[k - 1] * hs,
                                                             count: layout.batchSizes[k] * hs)
                    }
                }
            }
        }
        let dWeightIH = matmul(dGates, transposeA: true, cache.x)   // [4H, N]·[N, E]
        let dWeightHH = matmul(dGates, transposeA: true, hPrev)     // [4H, N]·[N, H]
        let dBias = dGates.sumRows()                                // [4H]
        let dx = layout.scatter(matmul(dGates, parameters.weightIH)) // [N, 4H]·[4H, E] -> [T, B, E]
        let dInitial = LSTMState(h: layout.unsortRows(dhCarry), c: layout.unsortRows(dcCarry))
        let grads = LSTMParameters(weightIH: dWeightIH, weightHH: dWeightHH, biasIH: dBias, biasHH: dBias)
        return (dx, dInitial, grads)
        // END SOLUTION
    }
}
