// What a wrong line of backward looks like in the gradient-check table: the most common LSTM
// mistake, dĉ = dc' alone (forgetting that c' also reaches the loss through h' = o⊙tanh(c')).
// Everything else is the correct derivation; only the gates that depend on dĉ go wrong.

import Lesson3
import TensorCore

enum CommonBug {
    /// Backward with dĉ = dc' (the h' path dropped), from the student's forward cache.
    /// Shapes as in LSTMCell.backward.
    static func backwardWithoutHPath(_ cell: LSTMCell<Double>, dh: Tensor<Double>, dc: Tensor<Double>,
                                     cache: LSTMCell<Double>.Cache) -> (dx: Tensor<Double>, dState: LSTMState<Double>, grads: LSTMParameters<Double>) {
        let (b, h) = (cache.x.shape[0], cell.hiddenSize)
        var dGates = Tensor<Double>.zeros([b, 4 * h])
        var dcPrev = Tensor<Double>.zeros([b, h])
        for row in 0..<b {
            for j in 0..<h {
                let i = cache.gates[row, j], f = cache.gates[row, h + j]
                let g = cache.gates[row, 2 * h + j], o = cache.gates[row, 3 * h + j]
                let dCell = dc[row, j]  // the bug: + dh'⊙o⊙(1 - tanh²c') is missing
                dcPrev[row, j] = dCell * f
                dGates[row, j] = dCell * g * i * (1 - i)
                dGates[row, h + j] = dCell * cache.state.c[row, j] * f * (1 - f)
                dGates[row, 2 * h + j] = dCell * i * (1 - g * g)
                dGates[row, 3 * h + j] = dh[row, j] * cache.tanhC[row, j] * o * (1 - o)
            }
        }
        let p = cell.parameters
        let db = dGates.sumRows()
        return (matmul(dGates, p.weightIH), LSTMState(h: matmul(dGates, p.weightHH), c: dcPrev),
                LSTMParameters(weightIH: matmul(dGates, transposeA: true, cache.x),
                               weightHH: matmul(dGates, transposeA: true, cache.state.h), biasIH: db, biasHH: db))
    }

    /// The gate-by-gate check of that buggy backward against finite differences of the forward.
    static func check(_ cell: LSTMCell<Double>, x: Tensor<Double>, state: LSTMState<Double>,
                      upstream: LSTMState<Double>) -> [GateGradientCheckRow] {
        let (_, cache) = cell.forward(x, state: state)
        let (dx, dState, grads) = backwardWithoutHPath(cell, dh: upstream.h, dc: upstream.c, cache: cache)
        return gateGradientCheck(parameters: cell.parameters, gradients: grads,
                                 inputs: [("x", x, dx), ("h", state.h, dState.h), ("c", state.c, dState.c)]) { p, v in
            let next = LSTMCell(parameters: p).forward(v[0], state: LSTMState(h: v[1], c: v[2])).state
            return (next.h * upstream.h).sum() + (next.c * upstream.c).sum()
        }
    }
}
