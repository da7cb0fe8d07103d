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
        // BEGIN SOLUTION: LSTMCell.gates (section 3)
        let H = hiddenSize
        let pre = (matmul(x, parameters.weightIH, transposeB: true) + matmul(h, parameters.weightHH, transposeB: true))
            .addingRow(parameters.biasIH + parameters.biasHH)         // [B, 4H]
        let i = pre.columns(0..<H).sigmoid()
        let f = pre.columns(H..<2 * H).sigmoid()
        let g = pre.columns(2 * H..<3 * H).tanh()
        let o = pre.columns(3 * H..<4 * H).sigmoid()
        return concatColumns([i, f, g, o])                             // [B, 4H]
        // END SOLUTION
    }

    /// One step. x: [B, E], state.h and state.c: [B, H] -> the new state (h', c') [B, H] each.
    public func forward(_ x: Tensor<T>, state: LSTMState<T>) -> (state: LSTMState<T>, cache: Cache) {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "LSTMCell.forward: x must be [B, \(inputSize)], got \(x.shape)")
        precondition(state.h.shape == [x.shape[0], hiddenSize],
                     "LSTMCell.forward: state must be [\(x.shape[0]), \(hiddenSize)] (B from x), got h \(state.h.shape)")
        // BEGIN SOLUTION: LSTMCell.forward (section 3)
        let gates = self.gates(x, h: state.h)                          // [B, 4H]  i | f | g | o
        let H = hiddenSize
        let (i, f, g, o) = (gates.columns(0..<H), gates.columns(H..<2 * H),
                            gates.columns(2 * H..<3 * H), gates.columns(3 * H..<4 * H))
        let cNext = f * state.c + i * g                                // [B, H]
        let tanhC = cNext.tanh()
        let hNext = o * tanhC                                          // [B, H]
        return (LSTMState(h: hNext, c: cNext), Cache(x: x, state: state, gates: gates, tanhC: tanhC))
        // END SOLUTION
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
        // BEGIN SOLUTION: LSTMCell.cellGradient (section 4)
        let tanhC = cache.tanhC                                        // tanh(c') [B, H]
        return dc + dh * cache.o * (1 - tanhC * tanhC)
        // END SOLUTION
    }

    /// The elementwise half of backward (section 4): from dh' and dc' [B, H] to
    /// dGates = ∂L/∂gates [B, 4H] (with respect to the pre-activations, columns i | f | g | o)
    /// and dc = ∂L/∂c [B, H] for the previous step. Starts from `cellGradient`.
    public func gateGradients(dh: Tensor<T>, dc: Tensor<T>, cache: Cache) -> (dGates: Tensor<T>, dc: Tensor<T>) {
        // BEGIN SOLUTION: LSTMCell.gateGradients (section 4)
        let (i, f, g, o, c) = (cache.i, cache.f, cache.g, cache.o, cache.state.c)
        let dCell = cellGradient(dh: dh, dc: dc, cache: cache)        // dĉ [B, H]
        // c' = f ⊙ c + i ⊙ g: each factor's gradient is dĉ times the other factor.
        let dI = dCell * g, dF = dCell * c, dG = dCell * i
        let dO = dh * cache.tanhC                                      // h' = o ⊙ tanh(c')
        // Through σ and tanh, from their outputs: σ' = σ(1 - σ), tanh' = 1 - tanh².
        let dGates = concatColumns([dI * i * (1 - i), dF * f * (1 - f), dG * (1 - g * g), dO * o * (1 - o)])
        return (dGates, dCell * f)                                     // [B, 4H], [B, H]
        // END SOLUTION
    }

    /// Backward for one step (section 5). dh = ∂L/∂h' and dc = ∂L/∂c', both [B, H] -> dx [B, E],
    /// dState = (∂L/∂h, ∂L/∂c) for the previous state [B, H] each, and the parameters' gradients
    /// (weightIH [4H, E], weightHH [4H, H], biasIH and biasHH [4H]).
    public func backward(dh: Tensor<T>, dc: Tensor<T>, cache: Cache)
        -> (dx: Tensor<T>, dState: LSTMState<T>, grads: LSTMParameters<T>) {
        // BEGIN SOLUTION: LSTMCell.backward (section 5)
        let (dGates, dcPrev) = gateGradients(dh: dh, dc: dc, cache: cache)  // [B, 4H], [B, H]
        let dx = matmul(dGates, parameters.weightIH)                        // [B, 4H]·[4H, E]
        let dhPrev = matmul(dGates, parameters.weightHH)                    // [B, 4H]·[4H, H]
        let dWeightIH = matmul(dGates, transposeA: true, cache.x)           // [4H, B]·[B, E]
        let dWeightHH = matmul(dGates, transposeA: true, cache.state.h)     // [4H, B]·[B, H]
        // Both biases are added to every row of gates, so both gradients are dGates summed over B.
        let dBias = dGates.sumRows()                                        // [4H]
        let grads = LSTMParameters(weightIH: dWeightIH, weightHH: dWeightHH, biasIH: dBias, biasHH: dBias)
        return (dx, LSTMState(h: dhPrev, c: dcPrev), grads)
        // END SOLUTION
    }
}
