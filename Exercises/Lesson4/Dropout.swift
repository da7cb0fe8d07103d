// Your copy of Solutions/Lesson4/Dropout.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4, section 6: dropout between stacked layers, as nn.LSTM(dropout: p) applies it.
//
// In training, each element of a layer's output (every layer but the last) is kept with
// probability 1 - p and then scaled by 1 / (1 - p), so its expected value is unchanged:
//
//     y = x ⊙ m,   m_i = 1/(1-p) with probability 1-p, else 0       backward: dx = dy ⊙ m
//
// In evaluation nothing is dropped and nothing is scaled. PyTorch applies it to the packed
// data; padded positions are zero either way, so applying it to the padded tensor is the same.

import TensorCore

public struct Dropout<T: TensorScalar>: Sendable {
    /// p, the probability of dropping an element, in [0, 1).
    public var probability: Double

    public init(probability: Double) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// The mask m, shaped like the input: 1/(1-p) where kept, 0 where dropped.
    public func mask(shape: [Int], rng: inout SeededRNG) -> Tensor<T> {
        unimplemented("Dropout.mask", lesson: 4, see: "section 6")
    }

    /// x ⊙ m in training (and m for backward), x itself otherwise (mask nil).
    public func forward(_ x: Tensor<T>, training: Bool, rng: inout SeededRNG) -> (y: Tensor<T>, mask: Tensor<T>?) {
        guard training && probability > 0 else { return (x, nil) }
        let m = mask(shape: x.shape, rng: &rng)
        return (x * m, m)
    }

    /// dy ⊙ m (dy itself when nothing was dropped).
    public func backward(_ dy: Tensor<T>, mask: Tensor<T>?) -> Tensor<T> {
        guard let mask else { return dy }
        return dy * mask
    }
}
