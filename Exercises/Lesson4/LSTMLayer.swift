// Your copy of Solutions/Lesson4/LSTMLayer.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
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
        unimplemented("LSTMLayer.forward", lesson: 4, see: "section 3")
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
        unimplemented("LSTMLayer.backward", lesson: 4, see: "section 4")
    }
}
