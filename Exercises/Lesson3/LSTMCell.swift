// Your copy of Solutions/Lesson3/LSTMCell.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3: the LSTM cell, nn.LSTMCell, one time step for a batch, forward and backward by hand.
//
// Shapes: B batch, E input size, H hidden size. ⊙ is the elementwise product (`*`), σ the sigmoid.
//
// Forward (section 3), what you implement in `gates` and `forward`:
//     gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh         [B, 4H]  columns i | f | g | o
//     i = σ(gates[:, 0H..<1H])                         input gate       [B, H]
//     f = σ(gates[:, 1H..<2H])                         forget gate      [B, H]
//     g = tanh(gates[:, 2H..<3H])                      cell candidate   [B, H]
//     o = σ(gates[:, 3H..<4H])                         output gate      [B, H]
//     c' = f ⊙ c + i ⊙ g                               [B, H]
//     h' = o ⊙ tanh(c')                                [B, H]
//
// Backward (sections 4 and 5): you derive it. What goes in and what comes out:
//     in   dh' = ∂L/∂h', dc' = ∂L/∂c'                 [B, H] each
//     cellGradient    -> dĉ, all of ∂L/∂c'            [B, H]
//     gateGradients   -> dGates = ∂L/∂gates            [B, 4H]  (before σ / tanh), columns i | f | g | o
//                        dc = ∂L/∂c                    [B, H]   for the previous step
//     backward        -> dx [B, E], dh [B, H], dc [B, H],
//                        dW_ih [4H, E], dW_hh [4H, H], db_ih [4H], db_hh [4H]
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

        /// The input gate i, columns 0..<H of `gates` [B, H].
        public var i: Tensor<T> { gates.columns(0..<tanhC.cols) }
        /// The forget gate f, columns H..<2H [B, H].
        public var f: Tensor<T> { gates.columns(tanhC.cols..<2 * tanhC.cols) }
        /// The cell candidate g, columns 2H..<3H [B, H].
        public var g: Tensor<T> { gates.columns(2 * tanhC.cols..<3 * tanhC.cols) }
        /// The output gate o, columns 3H..<4H [B, H].
        public var o: Tensor<T> { gates.columns(3 * tanhC.cols..<4 * tanhC.cols) }
    }

    /// The four gates after their nonlinearities, [B, 4H], columns i | f | g | o, for x [B, E]
    /// and the previous h [B, H] (section 3, the first five lines of the forward pass).
    public func gates(_ x: Tensor<T>, h: Tensor<T>) -> Tensor<T> {
        unimplemented("LSTMCell.gates", lesson: 3, see: "section 3")
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

    /// Section 4, the first step of backward: dĉ [B, H], all the gradient of L that reaches c',
    /// from dh' = ∂L/∂h' and dc' = ∂L/∂c' [B, H] each.
    public func cellGradient(dh: Tensor<T>, dc: Tensor<T>, cache: Cache) -> Tensor<T> {
        precondition(dh.shape == cache.state.h.shape && dc.shape == cache.state.h.shape,
                     "LSTMCell.backward: dh and dc must be \(cache.state.h.shape) like h, got \(dh.shape) and \(dc.shape)")
        unimplemented("LSTMCell.cellGradient", lesson: 3, see: "section 4")
    }

    /// The elementwise half of backward (section 4): from dh' and dc' [B, H] to
    /// dGates = ∂L/∂gates [B, 4H] (with respect to the pre-activations, columns i | f | g | o)
    /// and dc = ∂L/∂c [B, H] for the previous step. Starts from `cellGradient`.
    public func gateGradients(dh: Tensor<T>, dc: Tensor<T>, cache: Cache) -> (dGates: Tensor<T>, dc: Tensor<T>) {
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
