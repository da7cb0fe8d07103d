// What a wrong line of backward looks like in the gradient-check table: the most common LSTM
// mistake, dĉ without the dh′ path (forgetting that c' also reaches the loss through
// h' = o⊙tanh(c')). Everything else is right; only the gates whose gradient passes through dĉ
// go wrong.

import CourseTesting
import Lesson3
import TensorCore

enum CommonBug {
    /// Backward with the dh′ path into c′ missing from dĉ, from the student's forward cache.
    /// Shapes as in LSTMCell.backward.
    static func backwardWithoutHPath(_ cell: LSTMCell<Double>, dh: Tensor<Double>, dc: Tensor<Double>,
                                     cache: LSTMCell<Double>.Cache) -> (dx: Tensor<Double>, dState: LSTMState<Double>, grads: LSTMParameters<Double>) {
        let values = LSTMStepValues(gates: cache.gates, c: cache.state.c, cNext: cache.state.c * cache.f + cache.i * cache.g,
                                    dhNext: dh, dcNext: dc)
        let (_, dGates, dcPrev) = LSTMBackwardDiagnosis(values: values, tolerance: 0).planted(.hPathMissing)
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
