// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_: the norm of all gradients
// taken together as one vector; when it exceeds maxNorm, every gradient is scaled by
// maxNorm / (norm + 1e-6). One exploding step of an LSTM then moves the weights no further than
// a large ordinary one, and the direction of the step is kept.

import TensorCore

public enum GradientClipping {
    /// sqrt(Σ over all tensors of Σ g²), every square taken and added in Double: a Float
    /// gradient of 1e20 squares to infinity in Float, and the norm must be infinite only when a
    /// gradient is (the training step then names that tensor). Four running sums instead of one,
    /// so that an addition need not wait for the one before it (the sentiment model has 2.6M
    /// squares to add per step); the result differs from one sum only in the last digits.
    public static func globalNorm<T: TensorScalar>(_ gradients: [Tensor<T>]) -> Double {
        var sums: (Double, Double, Double, Double) = (0, 0, 0, 0)
        for g in gradients {
            g.withUnsafeBufferPointer { p in
                let quads = p.count / 4
                for q in 0..<quads {
                    let (a, b, c, d) = (Double(p[4 * q]), Double(p[4 * q + 1]), Double(p[4 * q + 2]), Double(p[4 * q + 3]))
                    sums.0 += a * a
                    sums.1 += b * b
                    sums.2 += c * c
                    sums.3 += d * d
                }
                for i in (4 * quads)..<p.count {
                    let x = Double(p[i])
                    sums.0 += x * x
                }
            }
        }
        return ((sums.0 + sums.1) + (sums.2 + sums.3)).squareRoot()
    }

    /// Scales `gradients` in place so their global norm is at most `maxNorm`; returns the norm
    /// before clipping (what the gradient-norm chart plots).
    @discardableResult
    public static func clip<T: TensorScalar>(_ gradients: inout [Tensor<T>], maxNorm: Double) -> Double {
        let norm = globalNorm(gradients)
        clip(&gradients, maxNorm: maxNorm, norm: norm)
        return norm
    }

    /// The same with the norm already known (`globalNorm(gradients)`), for a training step
    /// that has checked it for NaN and Inf: one pass over the gradients fewer.
    public static func clip<T: TensorScalar>(_ gradients: inout [Tensor<T>], maxNorm: Double, norm: Double) {
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 && norm.isFinite {
            for i in gradients.indices { gradients[i].scale(by: T(coefficient)) }
        }
    }
}
