// The walkthrough's vanilla RNN (nn.RNN with tanh), unrolled over full-length sequences, only as
// far as the vanishing-gradient experiment needs: forward, and backward from a gradient on the
// last hidden state to the gradient of every input.
//
//     h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)          x_t [B, E], h_t [B, H]
//     backward: da_t = dh_t ⊙ (1 - h_t²),  dx_t = da_t W_ih,  dh_{t-1} = da_t W_hh

import TensorCore

struct VanillaRNN {
    var weightIH: Tensor<Double>   // [H, E]
    var weightHH: Tensor<Double>   // [H, H]
    var bias: Tensor<Double>       // [H], b_ih + b_hh

    /// PyTorch's initialisation U(±1/sqrt(H)), with the recurrent weights times `gain`.
    init(inputSize: Int, hiddenSize: Int, gain: Double = 1, rng: inout SeededRNG) {
        weightIH = .recurrentInit([hiddenSize, inputSize], hidden: hiddenSize, rng: &rng)
        weightHH = gain * Tensor<Double>.recurrentInit([hiddenSize, hiddenSize], hidden: hiddenSize, rng: &rng)
        bias = Tensor<Double>.recurrentInit([hiddenSize], hidden: hiddenSize, rng: &rng)
            + Tensor<Double>.recurrentInit([hiddenSize], hidden: hiddenSize, rng: &rng)
    }

    /// x [T, B, E] -> h_t for every step, each [B, H].
    func forward(_ x: Tensor<Double>) -> [Tensor<Double>] {
        let (t, b, e) = (x.shape[0], x.shape[1], x.shape[2])
        var h = Tensor<Double>.zeros([b, weightHH.shape[0]])
        var states: [Tensor<Double>] = []
        for step in 0..<t {
            let xt = Tensor(shape: [b, e], scalars: Array(x.scalars[(step * b * e)..<((step + 1) * b * e)]))
            h = (matmul(xt, weightIH, transposeB: true) + matmul(h, weightHH, transposeB: true)).addingRow(bias).tanh()
            states.append(h)
        }
        return states
    }

    /// ∂L/∂x_t for every t [T, B, E], when L depends on the last hidden state only (dhLast [B, H]).
    func inputGradients(states: [Tensor<Double>], dhLast: Tensor<Double>) -> Tensor<Double> {
        let (t, b, e) = (states.count, dhLast.shape[0], weightIH.shape[1])
        var dx = [Double](repeating: 0, count: t * b * e)
        var dh = dhLast
        for step in stride(from: t - 1, through: 0, by: -1) {
            let da = dh * states[step].tanhDerivativeFromOutput()
            let dxt = matmul(da, weightIH)
            for i in 0..<(b * e) { dx[step * b * e + i] = dxt.scalars[i] }
            dh = matmul(da, weightHH)
        }
        return Tensor(shape: [t, b, e], scalars: dx)
    }
}
