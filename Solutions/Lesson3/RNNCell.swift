// Lesson 3, section 8: the vanilla (Elman) RNN cell, nn.RNNCell with nonlinearity "tanh".
//
// Forward, for x [B, E] and h [B, H]:
//     h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)      [B, H]
// Backward, from dh' = ∂L/∂h' [B, H], derived as in sections 4 and 5:
//     dx [B, E], dh [B, H], dW_ih [H, E], dW_hh [H, H], db_ih [H], db_hh [H]
//
// The same shape as the LSTM with one "gate" and no cell state: h is multiplied by W_hh at
// every step, which is why its gradients vanish or explode over long sequences (Lesson 4).

import TensorCore

/// nn.RNNCell's parameters: weightIH [H, E], weightHH [H, H], biasIH [H], biasHH [H].
public struct RNNParameters<T: TensorScalar>: RecurrentParameters, Sendable {
    public typealias Scalar = T
    public static var gateNames: [String] { ["h"] }
    public static var gateDescriptions: [String] { ["hidden (tanh)"] }

    /// [H, E]
    public var weightIH: Tensor<T>
    /// [H, H]
    public var weightHH: Tensor<T>
    /// [H]
    public var biasIH: Tensor<T>
    /// [H]
    public var biasHH: Tensor<T>

    public init(uncheckedWeightIH weightIH: Tensor<T>, weightHH: Tensor<T>, biasIH: Tensor<T>, biasHH: Tensor<T>) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }
}

public struct RNNCell<T: TensorScalar>: Sendable {
    public var parameters: RNNParameters<T>

    /// E
    public var inputSize: Int { parameters.inputSize }
    /// H
    public var hiddenSize: Int { parameters.hiddenSize }

    public init(parameters: RNNParameters<T>) {
        self.parameters = parameters
    }

    /// A fresh cell initialised as nn.RNNCell is: every entry uniform in ±1/sqrt(H).
    public init(inputSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        self.init(parameters: RNNParameters(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng))
    }

    /// What backward needs from forward.
    public struct Cache: Sendable {
        /// The input x [B, E].
        public var x: Tensor<T>
        /// The previous hidden state h [B, H].
        public var h: Tensor<T>
        /// The output h' = tanh(...) [B, H]; tanh's derivative is 1 - h'².
        public var hNext: Tensor<T>

        public init(x: Tensor<T>, h: Tensor<T>, hNext: Tensor<T>) {
            self.x = x
            self.h = h
            self.hNext = hNext
        }
    }

    /// One step. x: [B, E], h: [B, H] -> h' [B, H].
    public func forward(_ x: Tensor<T>, h: Tensor<T>) -> (h: Tensor<T>, cache: Cache) {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "RNNCell.forward: x must be [B, \(inputSize)], got \(x.shape)")
        precondition(h.shape == [x.shape[0], hiddenSize],
                     "RNNCell.forward: h must be [\(x.shape[0]), \(hiddenSize)] (B from x), got \(h.shape)")
        // BEGIN SOLUTION: RNNCell.forward (section 8)
        let pre = (matmul(x, parameters.weightIH, transposeB: true) + matmul(h, parameters.weightHH, transposeB: true))
            .addingRow(parameters.biasIH + parameters.biasHH)           // [B, H]
        let hNext = pre.tanh()
        return (hNext, Cache(x: x, h: h, hNext: hNext))
        // END SOLUTION
    }

    /// The cell as a function: `cell(x, h: h)` is `cell.forward(x, h: h).h`.
    public func callAsFunction(_ x: Tensor<T>, h: Tensor<T>) -> Tensor<T> {
        forward(x, h: h).h
    }

    /// Backward for one step: dh = ∂L/∂h' [B, H] -> dx [B, E], dh for the previous step [B, H],
    /// and the parameters' gradients (weightIH [H, E], weightHH [H, H], biases [H]).
    public func backward(dh: Tensor<T>, cache: Cache) -> (dx: Tensor<T>, dh: Tensor<T>, grads: RNNParameters<T>) {
        precondition(dh.shape == cache.hNext.shape,
                     "RNNCell.backward: dh must be \(cache.hNext.shape) like h', got \(dh.shape)")
        // BEGIN SOLUTION: RNNCell.backward (section 8)
        let dPre = dh * cache.hNext.tanhDerivativeFromOutput()          // [B, H]
        let dx = matmul(dPre, parameters.weightIH)                      // [B, H]·[H, E]
        let dhPrev = matmul(dPre, parameters.weightHH)                  // [B, H]·[H, H]
        let dWeightIH = matmul(dPre, transposeA: true, cache.x)         // [H, B]·[B, E]
        let dWeightHH = matmul(dPre, transposeA: true, cache.h)         // [H, B]·[B, H]
        let dBias = dPre.sumRows()                                      // [H], for both biases
        return (dx, dhPrev, RNNParameters(weightIH: dWeightIH, weightHH: dWeightHH, biasIH: dBias, biasHH: dBias))
        // END SOLUTION
    }
}
