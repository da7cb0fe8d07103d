// Your copy of Solutions/Lesson5/Optimizer.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 4: an optimiser for a whole model.
//
// Lesson 1's SGD and Adam update one tensor at a time. A model has many tensors (the embedding,
// four per LSTM direction and layer, the attention scorer, the output layer), and an optimiser
// with memory (momentum, Adam's moments) keeps one piece of state per tensor. So a model-level
// optimiser takes all parameters and all gradients as two lists in a fixed order, the same
// order every step, and keeps its state in lists of the same order.

import TensorCore

public protocol Optimizer {
    associatedtype Scalar: TensorScalar
    /// η; the training loop lowers it on a plateau.
    var learningRate: Scalar { get set }
    /// One update of every parameter in place. parameters[i] and gradients[i] have one shape,
    /// and index i means the same tensor at every step.
    mutating func step(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>])
    /// The optimiser's memory, for checkpoints (names are unique within the optimiser).
    func stateTensors() -> [(name: String, tensor: Tensor<Scalar>)]
    /// Restores what `stateTensors` returned; `tensor(name)` throws when a name is missing.
    mutating func loadState(_ tensor: (String) throws -> Tensor<Scalar>, parameterCount: Int) throws
}
