// Your copy of Solutions/Lesson3/LSTMParameters.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3, section 2: the parameters of nn.LSTMCell (and of one direction of one nn.LSTM layer).
//
//     weightIH  [4H, E]    rows  0..<H input gate i, H..<2H forget gate f,
//     weightHH  [4H, H]          2H..<3H cell candidate g, 3H..<4H output gate o
//     biasIH    [4H]
//     biasHH    [4H]
//
// The same layout as PyTorch's weight_ih / weight_hh / bias_ih / bias_hh, so torch's tensors
// load without reshuffling.

import TensorCore

/// The LSTM's four parameter tensors. Gradients have the same type: `backward` returns one.
public struct LSTMParameters<T: TensorScalar>: RecurrentParameters, Sendable {
    public typealias Scalar = T
    public static var gateNames: [String] { ["i", "f", "g", "o"] }
    public static var gateDescriptions: [String] {
        ["input gate (i)", "forget gate (f)", "cell candidate (g)", "output gate (o)"]
    }

    /// [4H, E]
    public var weightIH: Tensor<T>
    /// [4H, H]
    public var weightHH: Tensor<T>
    /// [4H]
    public var biasIH: Tensor<T>
    /// [4H]
    public var biasHH: Tensor<T>

    public init(uncheckedWeightIH weightIH: Tensor<T>, weightHH: Tensor<T>, biasIH: Tensor<T>, biasHH: Tensor<T>) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }
}
