// Lesson 5, section 4.1: SGD with momentum and weight decay, exactly as torch.optim.SGD
// (dampening 0). For each parameter θ with gradient g, at step t = 1, 2, ...:
//
//     g ← g + λ θ                       weight decay λ (L2 regularisation, added to the gradient)
//     b ← g              (t = 1)        the velocity starts at the first gradient, not at zero
//     b ← μ b + g        (t > 1)        momentum μ: a running sum that forgets geometrically
//     d = g + μ b  (Nesterov)  or  d = b
//     θ ← θ - η d
//
// Momentum averages out the noise of mini-batch gradients along directions that flip sign and
// accumulates speed along directions that agree, up to 1/(1 - μ) times a single step.

import TensorCore

public struct MomentumSGD<T: TensorScalar>: Optimizer, Sendable {
    public var learningRate: T
    /// μ
    public var momentum: T
    /// λ
    public var weightDecay: T
    public var nesterov: Bool
    /// One velocity b per parameter tensor; empty before the first step.
    public var velocities: [Tensor<T>] = []

    public init(learningRate: T, momentum: T = 0.9, weightDecay: T = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func step(_ parameters: inout [Tensor<T>], gradients: [Tensor<T>]) {
        precondition(parameters.count == gradients.count,
                     "MomentumSGD.step: \(parameters.count) parameters but \(gradients.count) gradients")
        for i in parameters.indices {
            precondition(parameters[i].shape == gradients[i].shape,
                         "MomentumSGD.step: parameter \(i) is \(parameters[i].shape), its gradient \(gradients[i].shape)")
        }
        // BEGIN SOLUTION: MomentumSGD.step (section 4.1)
        let first = velocities.isEmpty
        if first { velocities = parameters.map { Tensor.zeros(like: $0) } }
        let (lr, mu, lambda) = (learningRate, momentum, weightDecay)
        for i in parameters.indices {
            let d = gradients[i] + lambda * parameters[i]
            velocities[i] = first ? d : mu * velocities[i] + d
            parameters[i] -= lr * (nesterov ? d + mu * velocities[i] : velocities[i])
        }
        // END SOLUTION
    }

    public func stateTensors() -> [(name: String, tensor: Tensor<T>)] {
        velocities.enumerated().map { ("velocity.\($0.offset)", $0.element) }
    }

    public mutating func loadState(_ tensor: (String) throws -> Tensor<T>, parameterCount: Int) throws {
        velocities = []
        // A checkpoint from before the first step has no velocities.
        guard let first = try? tensor("velocity.0") else { return }
        velocities = [first]
        for i in 1..<max(parameterCount, 1) { velocities.append(try tensor("velocity.\(i)")) }
    }
}
