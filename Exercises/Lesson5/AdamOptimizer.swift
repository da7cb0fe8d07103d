// Your copy of Solutions/Lesson5/AdamOptimizer.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 4.2: Adam for a whole model, with weight decay as torch.optim.Adam adds it
// (L2: λθ added to the gradient before the moments; AdamW would instead shrink θ directly).
//
//     g ← g + λ θ
//     then Lesson 1's Adam update of θ with g, one state (m, v, t) per parameter tensor.
//
// The default model trains with λ = 0; weight decay is there for experiments (section 7).

import Lesson1
import Lesson4
import TensorCore

public struct AdamOptimizer<T: TensorScalar>: Optimizer, Sendable {
    /// Lesson 1's Adam: the hyperparameters and the per-tensor update.
    public var adam: Adam<T>
    /// λ
    public var weightDecay: T
    /// One (m, v, t) per parameter tensor; empty before the first step.
    public var states: [Adam<T>.State] = []
    /// Your step, or the provided one-pass update (FastTrainingStep.swift): the same numbers.
    /// A training run sets it to its model's kernel.
    public var kernel: LSTMKernelChoice = .readable

    public var learningRate: T {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }

    public init(learningRate: T = 1e-3, beta1: T = 0.9, beta2: T = 0.999, epsilon: T = 1e-8, weightDecay: T = 0) {
        adam = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.weightDecay = weightDecay
    }

    public mutating func step(_ parameters: inout [Tensor<T>], gradients: [Tensor<T>]) {
        precondition(parameters.count == gradients.count,
                     "AdamOptimizer.step: \(parameters.count) parameters but \(gradients.count) gradients")
        if kernel == .fast { return fastStep(&parameters, gradients: gradients) }
        unimplemented("AdamOptimizer.step", lesson: 5, see: "section 4.2")
    }

    public func stateTensors() -> [(name: String, tensor: Tensor<T>)] {
        states.enumerated().flatMap { i, s in
            [("m.\(i)", s.m), ("v.\(i)", s.v), ("t.\(i)", Tensor<T>([T(s.step)]))]
        }
    }

    public mutating func loadState(_ tensor: (String) throws -> Tensor<T>, parameterCount: Int) throws {
        states = []
        guard (try? tensor("m.0")) != nil else { return }
        for i in 0..<parameterCount {
            var s = Adam<T>.State(like: try tensor("m.\(i)"))
            s.m = try tensor("m.\(i)")
            s.v = try tensor("v.\(i)")
            s.step = Int(try tensor("t.\(i)").scalars.first ?? 0)
            states.append(s)
        }
    }
}
