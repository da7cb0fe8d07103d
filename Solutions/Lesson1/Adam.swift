// Lesson 1, section 7: Adam (Kingma & Ba 2015), exactly as torch.optim.Adam computes it
// (no weight decay, no amsgrad). For each parameter tensor, at step t = 1, 2, ...:
//
//     m ← β₁ m + (1 - β₁) g                  running mean of the gradient
//     v ← β₂ v + (1 - β₂) g²                 running mean of its square
//     m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)   bias correction: m and v start at 0
//     θ ← θ - η m̂ / (√v̂ + ε)
//
// torch applies the corrections as η/(1 - β₁ᵗ) and √v / √(1 - β₂ᵗ) + ε, which places ε the
// same way; we follow it so a fixture matches to the last digits.

import TensorCore

public struct Adam<T: TensorScalar>: Sendable {
    /// η
    public var learningRate: T
    public var beta1: T
    public var beta2: T
    /// ε, added to √v̂ so a parameter with no gradient yet does not divide by zero.
    public var epsilon: T

    /// What Adam remembers about one parameter tensor between steps.
    public struct State: Sendable {
        /// First moment m, shaped like the parameter.
        public var m: Tensor<T>
        /// Second moment v, shaped like the parameter.
        public var v: Tensor<T>
        /// Steps taken so far (t after the update).
        public var step: Int

        /// Zero moments for a parameter of this shape.
        public init(like parameter: Tensor<T>) {
            m = Tensor.zeros(like: parameter)
            v = Tensor.zeros(like: parameter)
            step = 0
        }
    }

    /// torch.optim.Adam's defaults.
    public init(learningRate: T = 1e-3, beta1: T = 0.9, beta2: T = 0.999, epsilon: T = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// One update of one parameter tensor in place. parameter, gradient, state.m, state.v: the same shape.
    public func step(_ parameter: inout Tensor<T>, gradient: Tensor<T>, state: inout State) {
        precondition(parameter.shape == gradient.shape && state.m.shape == parameter.shape,
                     "Adam.step: parameter \(parameter.shape), gradient \(gradient.shape), state \(state.m.shape) differ")
        // BEGIN SOLUTION: Adam.step (section 7)
        state.step += 1
        let t = Double(state.step)
        // The corrections in Double, as torch computes them (Python floats).
        let correction1 = 1 - Double.pow(Double(beta1), t)
        let correction2Sqrt = (1 - Double.pow(Double(beta2), t)).squareRoot()
        let stepSize = T(Double(learningRate) / correction1)
        let rootCorrection2 = T(correction2Sqrt)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        state.m = b1 * state.m + (1 - b1) * gradient
        state.v = b2 * state.v + (1 - b2) * gradient * gradient
        parameter -= stepSize * state.m / (sqrt(state.v) / rootCorrection2 + eps)
        // END SOLUTION
    }
}
