// The Adam update of one parameter tensor in one pass (provided; Lesson 5's `AdamOptimizer`
// runs it when the model's kernel is `.fast`).
//
// Lesson 1's readable Adam writes the update as whole-tensor expressions,
//
//     g ← g + λθ                         (only when λ ≠ 0; torch.optim.Adam's L2 weight decay)
//     m ← β₁ m + (1 - β₁) g
//     v ← β₂ v + (1 - β₂) g²
//     θ ← θ - (η / (1 - β₁ᵗ)) m / (√v / √(1 - β₂ᵗ) + ε)
//
// and each expression makes a new tensor the size of the parameter: about a dozen passes over
// memory and as many allocations per tensor and step. For the sentiment model's 2.5M-entry
// embedding that is most of the optimiser's time, though the arithmetic is a few operations per
// element. Here every element is read once, updated in registers with the same operations in
// the same order, and written once. Only weight decay may round differently (the readable
// version adds λθ with BLAS axpy, which may fuse the multiply and the add).

import TensorCore

public enum FusedAdam {
    /// One Adam step of one tensor in place, at step t (1 for the first update: the bias
    /// corrections are computed in Double from t, as torch does).
    /// parameter, gradient, m, v: the same shape; m and v are Adam's moments for this tensor.
    public static func step<T: TensorScalar>(_ parameter: inout Tensor<T>, gradient: Tensor<T>, m: inout Tensor<T>, v: inout Tensor<T>,
                                             t: Int, learningRate: T, beta1: T, beta2: T, epsilon: T, weightDecay: T) {
        precondition(parameter.shape == gradient.shape && m.shape == parameter.shape && v.shape == parameter.shape,
                     "FusedAdam.step: parameter \(parameter.shape), gradient \(gradient.shape), m \(m.shape), v \(v.shape) differ")
        precondition(t >= 1, "FusedAdam.step: t must be at least 1, got \(t)")
        let correction1 = 1 - Double.pow(Double(beta1), Double(t))
        let stepSize = T(Double(learningRate) / correction1)
        let rootCorrection2 = T((1 - Double.pow(Double(beta2), Double(t))).squareRoot())
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, weightDecay)
        let (a1, a2) = (1 - b1, 1 - b2)
        let n = parameter.count
        parameter.withUnsafeMutableBufferPointer { theta in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeBufferPointer { g in
                        if decay == 0 {
                            for i in 0..<n {
                                update(&theta[i], g[i], &m[i], &v[i], b1, a1, b2, a2, stepSize, rootCorrection2, eps)
                            }
                        } else {
                            for i in 0..<n {
                                update(&theta[i], g[i] + decay * theta[i], &m[i], &v[i], b1, a1, b2, a2, stepSize, rootCorrection2, eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One element, the readable version's operations in its order: (β₁m) + ((1-β₁)g),
    /// (β₂v) + (((1-β₂)g)g), θ - (step·m) / (√v / √c₂ + ε).
    @inline(__always)
    static func update<T: TensorScalar>(_ theta: inout T, _ g: T, _ m: inout T, _ v: inout T,
                                        _ b1: T, _ a1: T, _ b2: T, _ a2: T, _ stepSize: T, _ rootCorrection2: T, _ eps: T) {
        let mi = b1 * m + a1 * g
        let vi = b2 * v + a2 * g * g
        m = mi
        v = vi
        theta = theta - stepSize * mi / (vi.squareRoot() / rootCorrection2 + eps)
    }
}
