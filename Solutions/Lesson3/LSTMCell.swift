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
        // BEGIN SOLUTION: LSTMCell.forward (section 3)
        let (b, h) = (x.shape[0], hiddenSize)
        // Both biases first, then both matrix products accumulate on top (beta = 1).
        let bias = parameters.biasIH + parameters.biasHH             // [4H]
        var gates = Tensor<T>.zeros([b, 4 * h]).addingRow(bias)       // [B, 4H]
        gemm(x, parameters.weightIH, transposeB: true, into: &gates)       // += x W_ihᵀ
        gemm(state.h, parameters.weightHH, transposeB: true, into: &gates) // += h W_hhᵀ

        var cNext = Tensor<T>.zeros([b, h])
        var tanhC = Tensor<T>.zeros([b, h])
        var hNext = Tensor<T>.zeros([b, h])
        gates.withUnsafeMutableBufferPointer { g in
            state.c.withUnsafeBufferPointer { c in
                cNext.withUnsafeMutableBufferPointer { cn in
                    tanhC.withUnsafeMutableBufferPointer { tc in
                        hNext.withUnsafeMutableBufferPointer { hn in
                            for row in 0..<b {
                                let gRow = row * 4 * h, sRow = row * h
                                for j in 0..<h {
                                    // Overwrite each pre-activation with its gate's value: backward
                                    // needs the activations, never the pre-activations.
                                    let iGate = sigmoid(g[gRow + j])
                                    let fGate = sigmoid(g[gRow + h + j])
                                    let gGate = T.tanh(g[gRow + 2 * h + j])
                                    let oGate = sigmoid(g[gRow + 3 * h + j])
                                    g[gRow + j] = iGate
                                    g[gRow + h + j] = fGate
                                    g[gRow + 2 * h + j] = gGate
                                    g[gRow + 3 * h + j] = oGate
                                    let cj = fGate * c[sRow + j] + iGate * gGate
                                    let t = T.tanh(cj)
                                    cn[sRow + j] = cj
                                    tc[sRow + j] = t
                                    hn[sRow + j] = oGate * t
                                }
                            }
                        }
                    }
                }
            }
        }
        return (LSTMState(h: hNext, c: cNext), Cache(x: x, state: state, gates: gates, tanhC: tanhC))
        // END SOLUTION
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
        // BEGIN SOLUTION: LSTMCell.gateGradients (section 4)
        let (b, h) = (cache.x.shape[0], hiddenSize)
        var dGates = Tensor<T>.zeros([b, 4 * h])
        var dcPrev = Tensor<T>.zeros([b, h])
        cache.gates.withUnsafeBufferPointer { g in
            cache.tanhC.withUnsafeBufferPointer { tc in
                cache.state.c.withUnsafeBufferPointer { c in
                    dh.withUnsafeBufferPointer { dhp in
                        dc.withUnsafeBufferPointer { dcp in
                            dGates.withUnsafeMutableBufferPointer { dg in
                                dcPrev.withUnsafeMutableBufferPointer { dcOut in
                                    for row in 0..<b {
                                        let gRow = row * 4 * h, sRow = row * h
                                        for j in 0..<h {
                                            let iGate = g[gRow + j], fGate = g[gRow + h + j]
                                            let gGate = g[gRow + 2 * h + j], oGate = g[gRow + 3 * h + j]
                                            let t = tc[sRow + j], dhj = dhp[sRow + j]
                                            // h' = o ⊙ tanh(c'): the output gate sees tanh(c'), and
                                            // c' gets dh' through o and tanh's derivative 1 - tanh².
                                            let dO = dhj * t
                                            let dCell = dcp[sRow + j] + dhj * oGate * (1 - t * t)
                                            // c' = f ⊙ c + i ⊙ g: each factor gets the other one.
                                            let dI = dCell * gGate
                                            let dF = dCell * c[sRow + j]
                                            let dG = dCell * iGate
                                            dcOut[sRow + j] = dCell * fGate
                                            // Through the nonlinearities, using their outputs:
                                            // σ' = σ(1 - σ), tanh' = 1 - tanh².
                                            dg[gRow + j] = dI * iGate * (1 - iGate)
                                            dg[gRow + h + j] = dF * fGate * (1 - fGate)
                                            dg[gRow + 2 * h + j] = dG * (1 - gGate * gGate)
                                            dg[gRow + 3 * h + j] = dO * oGate * (1 - oGate)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dGates, dcPrev)
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
