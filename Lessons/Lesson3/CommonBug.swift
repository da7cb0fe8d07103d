// What a wrong line of backward looks like in the gradient-check table: the most common LSTM
// mistake, dĉ without the dh′ path (forgetting that c' also reaches the loss through
// h' = o⊙tanh(c')). Everything else is right; only the gates whose gradient passes through dĉ
// go wrong. The buggy gradients are stored in the walkthrough's fixture (lesson3/lstm_cell_b1_e3_h2,
// computed by the fixture generator), so no backward pass is written out here: deriving it is
// the exercise.

import CourseTesting
import Lesson3
import TensorCore

enum CommonBug {
    /// The gate-by-gate check of that buggy backward against finite differences of your forward,
    /// on the fixture's cell, input, state and upstream gradients.
    static func check(_ fixture: Fixture) throws -> [GateGradientCheckRow] {
        let bug = { (name: String) in try fixture.tensor("mistake.h_path_missing.\(name)") }
        let parameters = LSTMParameters(
            weightIH: try fixture.tensor("weight_ih"), weightHH: try fixture.tensor("weight_hh"),
            biasIH: try fixture.tensor("bias_ih"), biasHH: try fixture.tensor("bias_hh"))
        let gradients = LSTMParameters(weightIH: try bug("dweight_ih"), weightHH: try bug("dweight_hh"),
                                       biasIH: try bug("dbias_ih"), biasHH: try bug("dbias_hh"))
        let (x, h, c) = (try fixture.tensor("x"), try fixture.tensor("h"), try fixture.tensor("c"))
        let upstream = LSTMState(h: try fixture.tensor("Gh"), c: try fixture.tensor("Gc"))
        return gateGradientCheck(parameters: parameters, gradients: gradients,
                                 inputs: [("x", x, try bug("dx")), ("h", h, try bug("dh")), ("c", c, try bug("dc"))]) { p, v in
            let next = LSTMCell(parameters: p).forward(v[0], state: LSTMState(h: v[1], c: v[2])).state
            return (next.h * upstream.h).sum() + (next.c * upstream.c).sum()
        }
    }
}
