// Lesson 4, sections 3 and 4: one direction of one nn.LSTM layer over a batch of
// variable-length sequences, forward and backward through time (BPTT), by hand.
//
// Shapes: T padded time steps, B batch, E input size, H hidden size, N = Σ L_b real tokens.
// The layer works on the packed layout of section 2 (sequences sorted by length, longest first;
// step k runs on the b_k sequences still going, packed rows offsets[k] ..< offsets[k] + b_k).
//
// Forward (section 3), built from `step`:
//     X      = pack(x)                                 [N, E]
//     G_x    = X W_ihᵀ                                 [N, 4H]   one product for all steps
//     for k in 0 ..< max L:                            the b_k running sequences
//         (h_k, c_k) = step(G_x rows of step k, first b_k rows of (h_{k-1}, c_{k-1}))
//     output = unpack(h)                               [T, B, H], zero at padded steps
//     final  = (h, c) at each sequence's own last real step (layout.lastRows)
// h_{-1}, c_{-1} are the initial state (zeros unless given). A sequence that has ended is not
// in rows 0..<b_k, so a padded step can change neither its state nor its output: the numbers
// are PyTorch's with pack_padded_sequence.
//
// Backward (section 4), k from max L - 1 down to 0, built from `stepBackward`:
//     dh_k  = dOutput[k] + dh carried from step k + 1  (+ dFinal.h at a sequence's last step)
//     dc_k  = dc carried from step k + 1               (dFinal.c at a sequence's last step)
//     (dG_k, dh carried, dc carried) = stepBackward(dh_k, dc_k)
// and after the loop, one product each over all steps:
//     dW_ih = dGᵀ X [4H, E],  dW_hh = dGᵀ H_prev [4H, H],  db_ih = db_hh = Σ_rows dG,
//     dx = unpack(dG W_ih) [T, B, E],  dInitial = the carried (dh, dc) after step 0.
//
// This is the readable layer: every line is a line of the equations, in tensor operations. The
// provided fast kernel (Sources/LSTMKernels, appendix "Making it fast") computes the same
// numbers and is checked against it.

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

    /// What backward needs from one step: its inputs and its gates, [b, H] each for the b
    /// sequences the step ran on.
    public struct StepCache: Sendable {
        /// h_{k-1} and c_{k-1} of the running sequences.
        public var hPrev, cPrev: Tensor<T>
        /// The gates after their nonlinearities.
        public var i, f, g, o: Tensor<T>
        /// tanh(c_k)
        public var tanhC: Tensor<T>

        public init(hPrev: Tensor<T>, cPrev: Tensor<T>, i: Tensor<T>, f: Tensor<T>, g: Tensor<T>, o: Tensor<T>, tanhC: Tensor<T>) {
            self.hPrev = hPrev
            self.cPrev = cPrev
            self.i = i
            self.f = f
            self.g = g
            self.o = o
            self.tanhC = tanhC
        }
    }

    /// What backward needs from forward, all in the packed, sorted layout.
    public struct Cache: Sendable {
        public var layout: PackedLayout
        /// The packed input X [N, E].
        public var x: Tensor<T>
        /// steps[k]: step k's cache.
        public var steps: [StepCache]

        public init(layout: PackedLayout, x: Tensor<T>, steps: [StepCache]) {
            self.layout = layout
            self.x = x
            self.steps = steps
        }
    }

    /// One time step over the sequences still running (section 3).
    /// inputGates: this step's rows of X W_ihᵀ [b, 4H]; previous: the state the step starts
    /// from, in sorted order [b', H] each with b' ≥ b (all the sequences that ran at step k - 1,
    /// or the initial state) -> the new state of the first b sequences [b, H] each, and the
    /// step's cache.
    public func step(inputGates: Tensor<T>, previous: LSTMState<T>) -> (state: LSTMState<T>, cache: StepCache) {
        precondition(inputGates.rank == 2 && inputGates.cols == 4 * hiddenSize && inputGates.rows <= previous.batchSize,
                     "LSTMLayer.step: inputGates must be [b, \(4 * hiddenSize)] with b ≤ \(previous.batchSize) (the previous state's rows), got \(inputGates.shape)")
        // BEGIN SOLUTION: LSTMLayer.step (section 3)
        let (b, h) = (inputGates.rows, hiddenSize)
        let hPrev = previous.h.rows(0..<b), cPrev = previous.c.rows(0..<b)
        let gates = (inputGates + matmul(hPrev, parameters.weightHH, transposeB: true))
            .addingRow(parameters.biasIH + parameters.biasHH)             // [b, 4H]  i | f | g | o
        let i = gates.columns(0..<h).sigmoid()
        let f = gates.columns(h..<2 * h).sigmoid()
        let g = gates.columns(2 * h..<3 * h).tanh()
        let o = gates.columns(3 * h..<4 * h).sigmoid()
        let c = f * cPrev + i * g                                         // c_k = f ⊙ c_{k-1} + i ⊙ g
        let tanhC = c.tanh()
        let next = LSTMState(h: o * tanhC, c: c)                          // h_k = o ⊙ tanh(c_k)
        return (next, StepCache(hPrev: hPrev, cPrev: cPrev, i: i, f: f, g: g, o: o, tanhC: tanhC))
        // END SOLUTION
    }

    /// x: [T, B, E], lengths: B values in 1...T, initial: (h, c) [B, H] each (zeros if nil)
    /// -> output [T, B, H] (zero at padded steps), final (h, c) [B, H] at each sequence's last
    /// real step, and the cache for backward.
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
        let start = initial ?? LSTMState.zeros(batch: layout.batchSize, hidden: hiddenSize)
        var state = LSTMState(h: layout.sortRows(start.h), c: layout.sortRows(start.c))
        let packedX = layout.gather(x)                                      // [N, E]
        let inputGates = matmul(packedX, parameters.weightIH, transposeB: true)  // [N, 4H]
        var hs: [Tensor<T>] = [], cs: [Tensor<T>] = [], steps: [StepCache] = []
        for k in 0..<layout.steps {
            let rows = layout.offsets[k]..<layout.offsets[k + 1]
            let (next, stepCache) = step(inputGates: inputGates.rows(rows), previous: state)
            state = next
            hs.append(next.h)
            cs.append(next.c)
            steps.append(stepCache)
        }
        let h = concatRows(hs), c = concatRows(cs)                          // [N, H] each
        let final = LSTMState(h: h.rows(layout.lastRows), c: c.rows(layout.lastRows))
        return (layout.scatter(h), final, Cache(layout: layout, x: packedX, steps: steps))
        // END SOLUTION
    }

    /// The layer as a function: `layer(x, lengths: l)` is `layer.forward(x, lengths: l).output`.
    public func callAsFunction(_ x: Tensor<T>, lengths: [Int], initial: LSTMState<T>? = nil) -> Tensor<T> {
        forward(x, lengths: lengths, initial: initial).output
    }

    /// Backward through one step (section 4). dh = ∂L/∂h_k and dc = ∂L/∂c_k of the step's b
    /// sequences [b, H] each, everything that reaches them (from above and carried from step
    /// k + 1) -> dGates = ∂L/∂(the gates before their nonlinearities) [b, 4H], i | f | g | o,
    /// and ∂L/∂h_{k-1}, ∂L/∂c_{k-1} of the same b sequences [b, H] each, to carry to step k - 1.
    public func stepBackward(dh: Tensor<T>, dc: Tensor<T>, cache: StepCache)
        -> (dGates: Tensor<T>, dhPrev: Tensor<T>, dcPrev: Tensor<T>) {
        precondition(dh.shape == cache.tanhC.shape && dc.shape == cache.tanhC.shape,
                     "LSTMLayer.stepBackward: dh and dc must be \(cache.tanhC.shape) like the step's state, got \(dh.shape) and \(dc.shape)")
        // BEGIN SOLUTION: LSTMLayer.stepBackward (section 4)
        let s = cache
        let dCell = dc + dh * s.o * (1 - s.tanhC * s.tanhC)                 // dĉ = dc + dh ⊙ o ⊙ (1 - tanh²c_k)
        let dI = dCell * s.g * s.i * (1 - s.i)
        let dF = dCell * s.cPrev * s.f * (1 - s.f)
        let dG = dCell * s.i * (1 - s.g * s.g)
        let dO = dh * s.tanhC * s.o * (1 - s.o)
        let dGates = concatColumns([dI, dF, dG, dO])                        // [b, 4H]
        return (dGates, matmul(dGates, parameters.weightHH), dCell * s.f)   // dh_{k-1} = dG W_hh, dc_{k-1} = dĉ ⊙ f
        // END SOLUTION
    }

    /// Where the gradient of the final state enters backward (section 4): forward read h_n and
    /// c_n at each sequence's last real step. dFinal = ∂L/∂(final h, c) [B, H] each, batch
    /// order; dh: what reaches each packed h_k from above [N, H] -> dh with dFinal.h added where
    /// forward read h_n, and the carried dc to start the backward loop with [B, H] (sorted
    /// order; a sequence's row is read first at its own last step).
    public func injectFinalGradient(_ dFinal: LSTMState<T>, into dh: inout Tensor<T>, layout: PackedLayout) -> Tensor<T> {
        // BEGIN SOLUTION: LSTMLayer.injectFinalGradient (section 4)
        dh.addToRows(layout.lastRows, dFinal.h)
        return layout.sortRows(dFinal.c)
        // END SOLUTION
    }

    /// dOutput = ∂L/∂output [T, B, H] (padded steps ignored), dFinal = ∂L/∂(final h, final c)
    /// [B, H] each (nil: zero) -> dx [T, B, E] (zero at padded steps), dInitial = ∂L/∂(initial
    /// h, c) [B, H] each, and the parameters' gradients summed over all real steps.
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
        var dhAbove = layout.gather(dOutput)                                // [N, H]
        var dhCarry = Tensor<T>.zeros([layout.batchSize, hiddenSize])       // sorted rows
        var dcCarry = dhCarry
        if let dFinal { dcCarry = injectFinalGradient(dFinal, into: &dhAbove, layout: layout) }
        var dGateSteps = [Tensor<T>](repeating: Tensor<T>.zeros([0, 4 * hiddenSize]), count: layout.steps)
        for k in stride(from: layout.steps - 1, through: 0, by: -1) {
            let b = layout.batchSizes[k], rows = layout.offsets[k]..<layout.offsets[k + 1]
            let back = stepBackward(dh: dhAbove.rows(rows) + dhCarry.rows(0..<b), dc: dcCarry.rows(0..<b),
                                    cache: cache.steps[k])
            dGateSteps[k] = back.dGates
            dhCarry.setRows(0..<b, to: back.dhPrev)
            dcCarry.setRows(0..<b, to: back.dcPrev)
        }
        let dGates = concatRows(dGateSteps)                                 // [N, 4H]
        let hPrev = concatRows(cache.steps.map(\.hPrev))                    // [N, H]
        let dBias = dGates.sumRows()                                        // [4H]
        let grads = LSTMParameters(weightIH: matmul(dGates, transposeA: true, cache.x),  // [4H, N]·[N, E]
                                   weightHH: matmul(dGates, transposeA: true, hPrev),    // [4H, N]·[N, H]
                                   biasIH: dBias, biasHH: dBias)
        let dx = layout.scatter(matmul(dGates, parameters.weightIH))        // [N, 4H]·[4H, E] -> [T, B, E]
        return (dx, LSTMState(h: layout.unsortRows(dhCarry), c: layout.unsortRows(dcCarry)), grads)
        // END SOLUTION
    }
}
