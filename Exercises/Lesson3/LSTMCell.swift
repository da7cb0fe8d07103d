// Your copy of Solutions/Lesson3/LSTMCell.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3: the LSTM cell, nn.LSTMCell, one time step for a batch, forward and backward by hand.
//
// Shapes: B batch, E input size, H hidden size. ⊙ is the elementwise product, σ the sigmoid.
//
// Forward (section 3)
//     gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh         [B, 4H]  columns i | f | g | o
//     i = σ(gates[:, 0H..<1H])                         input gate       [B, H]
//     f = σ(gates[:, 1H..<2H])                         forget gate      [B, H]
//     g = tanh(gates[:, 2H..<3H])                      cell candidate   [B, H]
//     o = σ(gates[:, 3H..<4H])                         output gate      [B, H]
//     c' = f ⊙ c + i ⊙ g                               [B, H]
//     h' = o ⊙ tanh(c')                                [B, H]
//
// Backward (sections 4 and 5), given dh' = ∂L/∂h' and dc' = ∂L/∂c' (both [B, H]):
//     do   = dh' ⊙ tanh(c')
//     dĉ   = dc' + dh' ⊙ o ⊙ (1 - tanh²(c'))           all the gradient reaching c'
//     di   = dĉ ⊙ g,  df = dĉ ⊙ c,  dg = dĉ ⊙ i
//     dc   = dĉ ⊙ f                                     to the previous step
//     dGates = [di ⊙ i(1-i) | df ⊙ f(1-f) | dg ⊙ (1-g²) | do ⊙ o(1-o)]   [B, 4H]
//     dx    = dGates W_ih                               [B, 4H]·[4H, E] -> [B, E]
//     dh    = dGates W_hh                               [B, 4H]·[4H, H] -> [B, H]
//     dW_ih = dGatesᵀ x                                 [4H, B]·[B, E]  -> [4H, E]
//     dW_hh = dGatesᵀ h                                 [4H, B]·[B, H]  -> [4H, H]
//     db_ih = db_hh = Σ_rows dGates                     [4H]
//
// Forward returns a cache that backward takes; the cell keeps nothing between the two calls.

import TensorCore

public struct LSTMCell<T: TensorScalar>: Sendable {
    public var parameters: LSTMParameters<T>

    /// E
    public var inputSize: Int { parameters.inputSize }
    /// H
    public var hiddenSize: Int { parameters.hiddenSize }

    public init(parameters: LSTMParameters<T>) {
        self.parameters = parameters
    }

    /// A fresh cell initialised as nn.LSTMCell is: every entry uniform in ±1/sqrt(H).
    public init(inputSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        self.init(parameters: LSTMParameters(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng))
    }

    /// What backward needs from forward.
    public struct Cache: Sendable {
        /// The input x [B, E].
        public var x: Tensor<T>
        /// The previous state: h [B, H] and c [B, H].
        public var state: LSTMState<T>
        /// The gates after their nonlinearities, [B, 4H]: columns i | f | g | o.
        public var gates: Tensor<T>
        /// tanh(c') [B, H].
        public var tanhC: Tensor<T>

        public init(x: Tensor<T>, state: LSTMState<T>, gates: Tensor<T>, tanhC: Tensor<T>) {
            self.x = x
            self.state = state
            self.gates = gates
            self.tanhC = tanhC
        }
    }

    /// One step. x: [B, E], state.h and state.c: [B, H] -> the new state (h', c') [B, H] each.
    public func forward(_ x: Tensor<T>, state: LSTMState<T>) -> (state: LSTMState<T>, cache: Cache) {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "LSTMCell.forward: x must be [B, \(inputSize)], got \(x.shape)")
        precondition(state.h.shape == [x.shape[0], hiddenSize],
                     "LSTMCell.forward: state must be [\(x.shape[0]), \(hiddenSize)] (B from x), got h \(state.h.shape)")
        unimplemented("LSTMCell.forward", lesson: 3, see: "section 3")
    }

    /// The cell as a function: `cell(x, state: s)` is `cell.forward(x, state: s).state`.
    public func callAsFunction(_ x: Tensor<T>, state: LSTMState<T>) -> LSTMState<T> {
        forward(x, state: state).state
    }

    /// The elementwise half of backward (section 4): from dh' and dc' [B, H] to
    /// dGates = ∂L/∂gates [B, 4H] (with respect to the pre-activations, columns i | f | g | o)
    /// and dc = ∂L/∂c [B, H] for the previous step.
    public func gateGradients(dh: Tensor<T>, dc: Tensor<T>, cache: Cache) -> (dGates: Tensor<T>, dc: Tensor<T>) {
        precondition(dh.shape == cache.state.h.shape && dc.shape == cache.state.h.shape,
                     "LSTMCell.backward: dh and dc must be \(cache.state.h.shape) like h, got \(dh.shape) and \(dc.shape)")
        unimplemented("LSTMCell.gateGradients", lesson: 3, see: "section 4")
    }

    /// Backward for one step (section 5). dh = ∂L/∂h' and dc = ∂L/∂c', both [B, H] -> dx [B, E],
    /// dState = (∂L/∂h, ∂L/∂c) for the previous state [B, H] each, and the parameters' gradients
    /// (weightIH [4H, E], weightHH [4H, H], biasIH and biasHH [4H]).
    public func backward(dh: Tensor<T>, dc: Tensor<T>, cache: Cache)
        -> (dx: Tensor<T>, dState: LSTMState<T>, grads: LSTMParameters<T>) {
        unimplemented("LSTMCell.backward", lesson: 3, see: "section 5")
    }
}
