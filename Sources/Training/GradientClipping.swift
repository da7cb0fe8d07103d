// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_: the norm of all gradients
// taken together as one vector; when it exceeds maxNorm, every gradient is scaled by
// maxNorm / (norm + 1e-6). One exploding step of an LSTM then moves the weights no further than
// a large ordinary one, and the direction of the step is kept.

import TensorCore

public enum GradientClipping {
    /// sqrt(Σ over all tensors of Σ g²), every square taken and added in Double: a Float
    /// gradient of 1e20 squares to infinity in Float, and the norm must be infinite only when a
    /// gradient is (the training step then names that tensor).
    public static func globalNorm<T: TensorScalar>(_ gradients: [Tensor<T>]) -> Double {
        var sum = 0.0
        for g in gradients {
            g.withUnsafeBufferPointer { p in
                for x in p {
                    let d = Double(x)
                    sum += d * d
                }
            }
        }
        return sum.squareRoot()
    }

    /// Scales `gradients` in place so their global norm is at most `maxNorm`; returns the norm
    /// before clipping (what the gradient-norm chart plots).
    @discardableResult
    public static func clip<T: TensorScalar>(_ gradients: inout [Tensor<T>], maxNorm: Double) -> Double {
        let norm = globalNorm(gradients)
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 && norm.isFinite {
            for i in gradients.indices { gradients[i].scale(by: T(coefficient)) }
        }
        return norm
    }
}
