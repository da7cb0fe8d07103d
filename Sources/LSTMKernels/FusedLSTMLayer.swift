// One direction of one nn.LSTM layer over a packed batch, forward and backward through time,
// fused and without temporaries: the fast kernel behind Lesson 4's readable LSTMLayer (the
// appendix "Making it fast" explains it).
//
// Spoiler: its backward pass is the answer to Lesson 3's derivation, written for speed. Read it
// after you have derived your own cell's backward (and passed Lesson 3's tests), not before.
//
// Shapes: T padded time steps, B batch, E input size, H hidden size, N = Σ L_b real tokens.
// The equations are Lesson 4's: one GEMM X W_ihᵀ for all steps, one [b_k, H]·[H, 4H] product per
// step, and the gates' nonlinearities and the cell update fused into one pass over each row.
// No tensor is made inside the time loops; they run on pointers and BLAS, with the fast
// vectorised sigmoid and tanh for Float (TensorCore's FastMath).

import TensorCore

public struct FusedLSTMLayer<T: TensorScalar>: Sendable {
    public var weights: LSTMWeights<T>
    /// Reads each sequence from its last real token back to its first.
    public var reverse: Bool

    public init(weights: LSTMWeights<T>, reverse: Bool = false) {
        self.weights = weights
        self.reverse = reverse
    }

    /// E
    public var inputSize: Int { weights.inputSize }
    /// H
    public var hiddenSize: Int { weights.hiddenSize }

    /// What backward needs from forward, all in the packed, sorted layout.
    public struct Cache: Sendable {
        public var packing: PackedSequences
        /// The packed input X [N, E].
        public var x: Tensor<T>
        /// The gates after their nonlinearities [N, 4H], columns i | f | g | o.
        public var gates: Tensor<T>
        /// c_k, tanh(c_k), h_k [N, H] each.
        public var c: Tensor<T>
        public var tanhC: Tensor<T>
        public var h: Tensor<T>
        /// The initial h and c, rows in sorted order [B, H] each.
        public var initialH: Tensor<T>
        public var initialC: Tensor<T>
    }

    // @_specialize: Float and Double versions are compiled here, so even a generic caller (a
    // closure run on another thread) reaches specialised code, never protocol witnesses in the
    // time loop.
    /// x: [T, B, E], lengths: B values in 1...T, initial: (h, c) [B, H] each in batch order (nil:
    /// zeros) -> output [T, B, H] (zero at padded steps), final (h, c) [B, H] at each sequence's
    /// last real step, and the cache for backward.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ x: Tensor<T>, lengths: [Int], initial: (h: Tensor<T>, c: Tensor<T>)? = nil)
        -> (output: Tensor<T>, final: (h: Tensor<T>, c: Tensor<T>), cache: Cache) {
        let r = forwardPacked(x, lengths: lengths, initial: initial)
        return (r.cache.packing.scatter(r.cache.h), r.final, r.cache)
    }

    /// forward, with the output left packed in cache.h [N, H]: a bidirectional stack scatters
    /// both directions straight into the halves of its [T, B, 2H] output. With `group`, x is a
    /// larger batch [T, group.batch, E] and this layer runs on its columns group.members (in
    /// the order of `lengths`, `initial` and the results), read in place.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forwardPacked(_ x: Tensor<T>, lengths: [Int], within group: BatchGroup? = nil,
                       initial: (h: Tensor<T>, c: Tensor<T>)?) -> (final: (h: Tensor<T>, c: Tensor<T>), cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "FusedLSTMLayer.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition((group?.batch ?? lengths.count) == x.shape[1],
                     "FusedLSTMLayer.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        let packing = PackedSequences(lengths: lengths, timeSteps: x.shape[0], reverse: reverse).addressing(group)
        let (n, batch, hs) = (packing.realTokens, packing.batchSize, hiddenSize)
        if let initial {
            precondition(initial.h.shape == [batch, hs] && initial.c.shape == [batch, hs],
                         "FusedLSTMLayer.forward: initial h and c must be [\(batch), \(hs)], got \(initial.h.shape) and \(initial.c.shape)")
        }
        let g4 = 4 * hs
        let h0 = initial.map { packing.sortRows($0.h) } ?? Tensor<T>(shape: [batch, hs])
        let c0 = initial.map { packing.sortRows($0.c) } ?? Tensor<T>(shape: [batch, hs])
        let packedX = packing.gather(x)                                     // [N, E]
        // X W_ihᵀ for all steps at once in one GEMM; the time loop adds b_ih + b_hh to a step's
        // rows just before its h W_hhᵀ, while they are in cache. (The sums are the same numbers
        // as bias + X W_ihᵀ: each element gets one addition either way.)
        let bias = weights.biasIH + weights.biasHH
        var gates = Tensor<T>.uninitialized([n, g4])
        gemm(packedX, weights.weightIH, transposeB: true, into: &gates, beta: 0)  // [N, 4H]
        // Every element of these is written below before it is read: no need to zero them.
        var c = Tensor<T>.uninitialized([n, hs])
        var tanhC = Tensor<T>.uninitialized([n, hs])
        var h = Tensor<T>.uninitialized([n, hs])
        let weightHHT = StepMatrix(transposeOf: weights.weightHH)           // [H, 4H]

        gates.scalars.withUnsafeMutableBufferPointer { gBuf in
        c.scalars.withUnsafeMutableBufferPointer { cBuf in
        tanhC.scalars.withUnsafeMutableBufferPointer { tcBuf in
        h.scalars.withUnsafeMutableBufferPointer { hBuf in
        h0.scalars.withUnsafeBufferPointer { h0Buf in
        c0.scalars.withUnsafeBufferPointer { c0Buf in
        bias.scalars.withUnsafeBufferPointer { biasBuf in
            // n > 0 (every length ≥ 1), so none of these is nil.
            guard let gp = gBuf.baseAddress, let cp = cBuf.baseAddress, let tcp = tcBuf.baseAddress,
                  let hp = hBuf.baseAddress, let h0 = h0Buf.baseAddress, let c0 = c0Buf.baseAddress,
                  let bp = biasBuf.baseAddress, hs > 0 else { return }
            for k in 0..<packing.steps {
                let b = packing.batchSizes[k], row = packing.offsets[k]
                // The running sequences are a prefix of those that ran at step k - 1, so their
                // previous states are the first b rows of step k - 1.
                let hPrev = k == 0 ? h0 : UnsafePointer(hp + packing.offsets[k - 1] * hs)
                let cPrev = k == 0 ? c0 : UnsafePointer(cp + packing.offsets[k - 1] * hs)
                let g = gp + row * g4
                for j in 0..<b { addRow(bp, to: g + j * g4, count: g4) }
                weightHHT.multiply(m: b, a: hPrev, lda: hs, beta: 1, c: g, ldc: g4)
                for j in 0..<b {
                    let gj = g + j * g4
                    fastSigmoidInPlace(gj, count: 2 * hs)         // i, f
                    fastTanhInPlace(gj + 2 * hs, count: hs)       // g
                    fastSigmoidInPlace(gj + 3 * hs, count: hs)    // o
                    let r = row + j
                    cellForward(gates: gj, cPrev: cPrev + j * hs, c: cp + r * hs, tanhC: tcp + r * hs, h: hp + r * hs,
                                hiddenSize: hs)
                }
            }
        }}}}}}}

        // Each sequence's final state sits in the packed row of its own last real step.
        var finalH = Tensor<T>(shape: [batch, hs]), finalC = Tensor<T>(shape: [batch, hs])
        for j in 0..<batch {
            let from = packing.lastRow(sequence: j) * hs, to = packing.order[j] * hs
            for u in 0..<hs {
                finalH.scalars[to + u] = h.scalars[from + u]
                finalC.scalars[to + u] = c.scalars[from + u]
            }
        }
        let cache = Cache(packing: packing, x: packedX, gates: gates, c: c, tanhC: tanhC, h: h, initialH: h0, initialC: c0)
        return ((finalH, finalC), cache)
    }

    /// dOutput = ∂L/∂output [T, B, H] (padded steps ignored), dFinal = ∂L/∂(final h, final c)
    /// [B, H] each (nil: zero) -> dx [T, B, E] (zero at padded steps), dInitial = ∂L/∂(initial
    /// h, c) [B, H] each, and the weights' gradients summed over all real steps.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(dOutput: Tensor<T>, dFinal: (h: Tensor<T>, c: Tensor<T>)?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: (h: Tensor<T>, c: Tensor<T>), grads: LSTMWeights<T>) {
        let packing = cache.packing.local
        precondition(dOutput.shape == [packing.timeSteps, packing.batchSize, hiddenSize],
                     "FusedLSTMLayer.backward: dOutput must be [\(packing.timeSteps), \(packing.batchSize), \(hiddenSize)] like the output, got \(dOutput.shape)")
        let r = backwardPacked(dh: packing.gather(dOutput), dFinal: dFinal, cache: cache)
        return (packing.scatter(r.dx), r.dInitial, r.grads)
    }

    /// backward from dh = ∂L/∂h already packed [N, H] (the caller gathers it from wherever the
    /// output went), to dx left packed [N, E] (the caller scatters it).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardPacked(dh dhAbove: Tensor<T>, dFinal: (h: Tensor<T>, c: Tensor<T>)?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: (h: Tensor<T>, c: Tensor<T>), grads: LSTMWeights<T>) {
        let packing = cache.packing
        let (n, batch, hs) = (packing.realTokens, packing.batchSize, hiddenSize)
        precondition(dhAbove.shape == [n, hs], "FusedLSTMLayer.backward: packed dh must be [\(n), \(hs)], got \(dhAbove.shape)")
        if let dFinal {
            precondition(dFinal.h.shape == [batch, hs] && dFinal.c.shape == [batch, hs],
                         "FusedLSTMLayer.backward: dFinal h and c must be [\(batch), \(hs)], got \(dFinal.h.shape) and \(dFinal.c.shape)")
        }
        let g4 = 4 * hs
        var dh = dhAbove                                   // [N, H] what reaches each h_k from above
        var dcCarry = Tensor<T>(shape: [batch, hs])        // sorted rows
        if let dFinal {
            // The final state is h and c at each sequence's own last step: its gradient joins there.
            let dFinalH = packing.sortRows(dFinal.h)
            for j in 0..<batch {
                let row = packing.lastRow(sequence: j) * hs
                for u in 0..<hs { dh.scalars[row + u] += dFinalH.scalars[j * hs + u] }
            }
            dcCarry = packing.sortRows(dFinal.c)
        }
        var dhCarry = Tensor<T>(shape: [batch, hs])        // sorted rows; stays 0 for ended sequences
        var dGates = Tensor<T>.uninitialized([n, g4])   // every row is written by its step
        let weightHH = StepMatrix(weights.weightHH)        // [4H, H]

        dh.scalars.withUnsafeBufferPointer { dhBuf in
        dhCarry.scalars.withUnsafeMutableBufferPointer { dhcBuf in
        dcCarry.scalars.withUnsafeMutableBufferPointer { dccBuf in
        dGates.scalars.withUnsafeMutableBufferPointer { dgBuf in
        cache.gates.scalars.withUnsafeBufferPointer { gBuf in
        cache.c.scalars.withUnsafeBufferPointer { cBuf in
        cache.tanhC.scalars.withUnsafeBufferPointer { tcBuf in
        cache.initialC.scalars.withUnsafeBufferPointer { c0Buf in
            guard let dhp = dhBuf.baseAddress, let dhc = dhcBuf.baseAddress, let dcc = dccBuf.baseAddress,
                  let dgp = dgBuf.baseAddress, let gp = gBuf.baseAddress, let cp = cBuf.baseAddress,
                  let tcp = tcBuf.baseAddress, let c0 = c0Buf.baseAddress, hs > 0 else { return }
            for k in stride(from: packing.steps - 1, through: 0, by: -1) {
                let b = packing.batchSizes[k], row = packing.offsets[k]
                let cPrev = k == 0 ? c0 : cp + packing.offsets[k - 1] * hs
                for j in 0..<b {
                    let r = row + j
                    cellBackward(gates: gp + r * g4, tanhC: tcp + r * hs, cPrev: cPrev + j * hs, dhAbove: dhp + r * hs,
                                 dhCarry: dhc + j * hs, dcCarry: dcc + j * hs, dGates: dgp + r * g4, hiddenSize: hs)
                }
                // dh carried to step k - 1 (or to the initial state): dG[r] W_hh.
                weightHH.multiply(m: b, a: dgp + row * g4, lda: g4, beta: 0, c: dhc, ldc: hs)
            }
        }}}}}}}}

        // [X | H_prev] [N, E + H]: each packed row's input and the state it started from (h_{k-1},
        // or the initial h). Step k's rows start from the first b_k rows of step k - 1. Side by
        // side, both weight gradients come from one GEMM that reads dGates once.
        let (e, eh) = (inputSize, inputSize + hs)
        var xh = Tensor<T>.uninitialized([n, eh])
        xh.scalars.withUnsafeMutableBufferPointer { dst in
            cache.x.scalars.withUnsafeBufferPointer { x in
                cache.h.scalars.withUnsafeBufferPointer { h in
                    cache.initialH.scalars.withUnsafeBufferPointer { h0 in
                        guard let to = dst.baseAddress, let xp = x.baseAddress, let hp = h.baseAddress,
                              let start = h0.baseAddress else { return }
                        for r in 0..<n { (to + r * eh).update(from: xp + r * e, count: e) }
                        for j in 0..<packing.batchSizes[0] { (to + j * eh + e).update(from: start + j * hs, count: hs) }
                        for k in 1..<packing.steps {
                            let (row, previous) = (packing.offsets[k], packing.offsets[k - 1])
                            for j in 0..<packing.batchSizes[k] {
                                (to + (row + j) * eh + e).update(from: hp + (previous + j) * hs, count: hs)
                            }
                        }
                    }
                }
            }
        }
        let dWeights = matmul(dGates, transposeA: true, xh)           // [4H, N]·[N, E + H]
        let dWeightIH = dWeights.columns(0..<e)                      // [4H, E]
        let dWeightHH = dWeights.columns(e..<eh)                     // [4H, H]
        let dBias = dGates.sumRows()                                 // [4H]
        let dx = matmul(dGates, weights.weightIH)                    // [N, 4H]·[4H, E] -> [N, E]
        let dInitial = (h: packing.unsortRows(dhCarry), c: packing.unsortRows(dcCarry))
        let grads = LSTMWeights(weightIH: dWeightIH, weightHH: dWeightHH, biasIH: dBias, biasHH: dBias)
        return (dx, dInitial, grads)
    }
}
