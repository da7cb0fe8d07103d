// Your copy of Solutions/Lesson1/SGD.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 1, section 7: plain stochastic gradient descent, torch.optim.SGD without momentum.
//
//     θ ← θ - η g            η the learning rate, g = ∂L/∂θ on the current mini-batch

import TensorCore

public struct SGD<T: TensorScalar>: Sendable {
    /// η
    public var learningRate: T

    public init(learningRate: T) {
        self.learningRate = learningRate
    }

    /// One update of one parameter tensor in place. parameter, gradient: the same shape.
    public func step(_ parameter: inout Tensor<T>, gradient: Tensor<T>) {
        precondition(parameter.shape == gradient.shape,
                     "SGD.step: parameter \(parameter.shape) and gradient \(gradient.shape) differ")
        unimplemented("SGD.step", lesson: 1, see: "section 7")
    }
}
