// The four tensors of one direction of one nn.LSTM layer, as the fast kernel takes them.
//
// Shapes: E input size, H hidden size; gate blocks in PyTorch's order i | f | g | o.

import TensorCore

public struct LSTMWeights<T: TensorScalar>: Sendable {
    /// W_ih [4H, E]
    public var weightIH: Tensor<T>
    /// W_hh [4H, H]
    public var weightHH: Tensor<T>
    /// b_ih [4H]
    public var biasIH: Tensor<T>
    /// b_hh [4H]
    public var biasHH: Tensor<T>

    public init(weightIH: Tensor<T>, weightHH: Tensor<T>, biasIH: Tensor<T>, biasHH: Tensor<T>) {
        let g4 = weightHH.shape.first ?? 0
        precondition(g4 % 4 == 0 && weightHH.shape == [g4, g4 / 4] && weightIH.rank == 2 && weightIH.shape[0] == g4
                     && biasIH.shape == [g4] && biasHH.shape == [g4],
                     "LSTMWeights: expected W_ih [4H, E], W_hh [4H, H], b_ih and b_hh [4H], got \(weightIH.shape), \(weightHH.shape), \(biasIH.shape), \(biasHH.shape)")
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }

    /// E
    public var inputSize: Int { weightIH.shape[1] }
    /// H
    public var hiddenSize: Int { weightHH.shape[1] }

    /// self += other, tensor by tensor (summing the gradients of batch groups).
    public mutating func add(_ other: LSTMWeights) {
        weightIH.add(other.weightIH, scaledBy: 1)
        weightHH.add(other.weightHH, scaledBy: 1)
        biasIH.add(other.biasIH, scaledBy: 1)
        biasHH.add(other.biasHH, scaledBy: 1)
    }
}
