// Dropout's mask and its product with the input in one pass (provided; the sentiment model's
// fast path runs it).
//
// Lesson 4's readable Dropout draws a mask tensor (one rng.nextUnit() per element, in order:
// kept with probability 1 - p, then worth 1/(1-p)) and multiplies it into x, a second pass and
// a second new tensor. This kernel draws the same numbers in the same order, so the mask is the
// same for the same generator state, and writes y and the mask together.

import TensorCore

public enum FusedDropout {
    /// y = x ⊙ m and m (kept for backward: dx = dy ⊙ m), m_i = 1/(1-p) where kept, 0 where dropped.
    /// x: any shape -> y, mask: that shape. probability p in [0, 1).
    public static func forward<T: TensorScalar>(_ x: Tensor<T>, probability: Double, rng: inout SeededRNG) -> (y: Tensor<T>, mask: Tensor<T>) {
        precondition(probability >= 0 && probability < 1, "FusedDropout: probability must be in [0, 1), got \(probability)")
        let keep = 1 - probability
        let scale = T(1 / keep)
        var y = Tensor<T>.uninitialized(x.shape)
        var mask = Tensor<T>.uninitialized(x.shape)
        // A local copy of the generator, so its state can stay in registers through the loop.
        var draws = rng
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                mask.withUnsafeMutableBufferPointer { m in
                    for i in 0..<x.count {
                        let mi: T = draws.nextUnit() < keep ? scale : 0
                        m[i] = mi
                        y[i] = x[i] * mi
                    }
                }
            }
        }
        rng = draws
        return (y, mask)
    }
}
