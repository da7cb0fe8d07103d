// One skip-gram SGD step on raw buffers, as word2vec.c takes it: the inner loop of the trainer.
//
// For a center c, its context o and negatives n_1 ... n_K (a negative equal to o is skipped, as
// in word2vec.c), with learning rate α:
//
//     for each target t in (o, n_1, ..., n_K), label 1 for o and 0 for the negatives:
//         g        = α · (label − σ(u_tᵀ v_c))          = −α · ∂ℓ/∂s_t
//         e       += g · u_t                             (v_c's step, applied at the end)
//         u_t     += g · v_c
//     v_c += e
//
// With distinct targets this is exactly W ← W − α ∇ℓ for the example's loss (Lesson 7, section
// 4), which Lesson7Tests checks against the student's readable gradient. When a target repeats,
// its second update sees the first: a sequential step, as word2vec.c does.
//
// Vectors are rows of [V, E] Float tables reached through pointers, so that two threads can
// update one table at once without locks (Hogwild: Recht et al. 2011; word2vec.c does the same).
// Dot products run 8 lanes at a time.

import TensorCore

public enum SkipGramKernel {
    /// Σ a[i] b[i] over `count` floats, in 8-lane SIMD blocks and a scalar tail.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes += x * y
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// y[i] += alpha · x[i] over `count` floats.
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// σ(x), exact (not word2vec.c's 1,000-entry table), saturating beyond |x| = 30 where Float
    /// cannot tell it from 0 or 1.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x > 30 { return 1 }
        if x < -30 { return 0 }
        return 1 / (1 + Float.exp(-x))
    }

    /// One example's step on tables of width `dimension`: `input` and `output` point at row 0 of
    /// [V, E] tables, `scratch` at `dimension` floats of work space. Returns the example's loss
    /// −log σ(s) − Σ log σ(−s_j) when `measureLoss` (costs one log per target), else 0.
    @inline(__always)
    public static func step(input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                            dimension e: Int, center: Int, context: Int,
                            negatives: UnsafePointer<Int32>, negativeCount k: Int,
                            learningRate alpha: Float, scratch: UnsafeMutablePointer<Float>, measureLoss: Bool = false) -> Float {
        let v = input + center * e
        scratch.update(repeating: 0, count: e)
        var loss: Float = 0
        for d in 0...k {
            let target = d == 0 ? context : Int(negatives[d - 1])
            if d > 0 && target == context { continue }
            let label: Float = d == 0 ? 1 : 0
            let u = output + target * e
            let score = dot(v, u, count: e)
            let p = sigmoid(score)
            if measureLoss {
                let x = d == 0 ? score : -score      // log σ(x), stable: −(max(−x, 0) + log1p(e^{−|x|}))
                loss += max(-x, 0) + Float.log1p(Float.exp(-abs(x)))
            }
            let g = alpha * (label - p)
            axpy(g, u, scratch, count: e)
            axpy(g, v, u, count: e)
        }
        axpy(1, scratch, v, count: e)
        return loss
    }
}
