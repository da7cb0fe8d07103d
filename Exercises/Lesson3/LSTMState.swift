// Your copy of Solutions/Lesson3/LSTMState.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3, section 1: what an LSTM carries from one time step to the next.
//
//     h  [B, H]   the hidden state, also the cell's output
//     c  [B, H]   the cell state, the "conveyor belt" the forget gate scales
//
// The same type holds the gradients ∂L/∂h and ∂L/∂c that flow back to the previous step.

import TensorCore

public struct LSTMState<T: TensorScalar>: Sendable, Equatable {
    /// [B, H]
    public var h: Tensor<T>
    /// [B, H]
    public var c: Tensor<T>

    /// h and c must both be [B, H].
    public init(h: Tensor<T>, c: Tensor<T>) {
        precondition(h.rank == 2 && h.shape == c.shape, "LSTMState: h and c must both be [B, H], got \(h.shape) and \(c.shape)")
        self.h = h
        self.c = c
    }

    /// h = c = 0, as PyTorch starts when no initial state is given.
    public static func zeros(batch: Int, hidden: Int) -> LSTMState {
        LSTMState(h: .zeros([batch, hidden]), c: .zeros([batch, hidden]))
    }

    /// The same state in another scalar type.
    public init<U: TensorScalar>(_ other: LSTMState<U>) {
        self.init(h: Tensor(other.h), c: Tensor(other.c))
    }

    /// B
    public var batchSize: Int { h.shape[0] }
    /// H
    public var hiddenSize: Int { h.shape[1] }
}
