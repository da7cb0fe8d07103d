// Lesson 5, section 3: from one vector per time step to one vector per review.
//
// The LSTM gives out: [T, B, F] (F = D·H, both directions side by side, zeros at padding).
// Every pooling reads only the real steps t < lengths[b]; padding must never leak in:
//
//   last       forward half of out at t = len-1, backward half at t = 0: exactly h_n, the final
//              hidden state of each direction (torch.cat([h_n[-2], h_n[-1]]))
//   mean       Σ_{t<len} out[t] / len
//   max        max_{t<len} out[t], per feature (a zero pad could otherwise beat a negative max)
//   attention  s[t] = w·out[t] + b (a learned score), α = softmax over t<len, Σ α[t] out[t]
//
// Backward sends each pooled gradient back to the steps it came from:
//   last       to the one step per direction;  mean: dp / len to every real step
//   max        to the step that won (its index kept in the cache)
//   attention  dout[t] = α[t] dp + ds[t] w,  ds[t] = α[t] (dp·out[t] - Σ_u α[u] dp·out[u])

import Lesson1
import TensorCore

public enum Pooling: String, Codable, CaseIterable, Sendable {
    case last, mean, max, attention
    /// max and mean side by side, [B, 2F] (ULMFiT's concat pooling without the last step):
    /// the strongest signal of each feature and its overall level. Built from your max and mean.
    case maxMean = "max-mean"

    /// The pooled vector's width for an LSTM output of `features` per step.
    public func width(features: Int) -> Int { self == .maxMean ? 2 * features : features }
}

public struct SequencePooling<T: TensorScalar>: Sendable {
    public var kind: Pooling
    /// D: 1, or 2 for a bidirectional LSTM (how `last` splits the features).
    public var directions: Int
    /// The scorer for attention pooling: F -> 1 (nil for the other kinds).
    public var attention: Linear<T>?

    public init(kind: Pooling, features: Int, directions: Int, rng: inout SeededRNG) {
        self.kind = kind
        self.directions = directions
        attention = kind == .attention ? Linear(inputSize: features, outputSize: 1, rng: &rng) : nil
    }

    public struct Cache: Sendable {
        public var shape: [Int]
        public var lengths: [Int]
        /// max: the winning step of each (b, f), [B * F].
        public var argmax: [Int] = []
        /// attention: the weights α [T, B] (zero at padding), the LSTM output and the scorer's cache.
        public var alpha: Tensor<T>?
        public var output: Tensor<T>?
        public var scorer: Linear<T>.Cache?
    }

    /// out: [T, B, F], lengths: B values in 1...T -> pooled: [B, F]
    public func forward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, cache: Cache) {
        precondition(out.rank == 3 && lengths.count == out.shape[1], "SequencePooling: out \(out.shape), \(lengths.count) lengths")
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= out.shape[0] }, "SequencePooling: lengths \(lengths) must be in 1...\(out.shape[0])")
        var cache = Cache(shape: out.shape, lengths: lengths)
        switch kind {
        case .last: return (lastForward(out, lengths: lengths), cache)
        case .mean: return (meanForward(out, lengths: lengths), cache)
        case .max:
            let (pooled, argmax) = maxForward(out, lengths: lengths)
            cache.argmax = argmax
            return (pooled, cache)
        case .maxMean:
            let (pooledMax, argmax) = maxForward(out, lengths: lengths)
            cache.argmax = argmax
            return (concatColumns([pooledMax, meanForward(out, lengths: lengths)]), cache)
        case .attention:
            let (pooled, alpha, scorer) = attentionForward(out, lengths: lengths)
            cache.alpha = alpha
            cache.output = out
            cache.scorer = scorer
            return (pooled, cache)
        }
    }

    /// dPooled: [B, F] -> dOut: [T, B, F] (zero at padding) and the scorer's gradients (attention).
    public func backward(_ dPooled: Tensor<T>, cache: Cache) -> (dOut: Tensor<T>, attention: Linear<T>.Gradients?) {
        let width = kind.width(features: cache.shape[2])
        precondition(dPooled.shape == [cache.shape[1], width], "SequencePooling.backward: dPooled \(dPooled.shape), expected [\(cache.shape[1]), \(width)]")
        switch kind {
        case .last: return (lastBackward(dPooled, cache: cache), nil)
        case .mean: return (meanBackward(dPooled, cache: cache), nil)
        case .max: return (maxBackward(dPooled, cache: cache), nil)
        case .maxMean:
            let f = cache.shape[2]
            return (maxBackward(dPooled.columns(0..<f), cache: cache) + meanBackward(dPooled.columns(f..<2 * f), cache: cache), nil)
        case .attention: return attentionBackward(dPooled, cache: cache)
        }
    }

    // MARK: last

    func lastForward(_ out: Tensor<T>, lengths: [Int]) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling last, forward (section 3.1)
        let (B, F) = (out.shape[1], out.shape[2])
        let H = F / directions
        var pooled = Tensor<T>(shape: [B, F])
        out.withUnsafeBufferPointer { o in
            pooled.withUnsafeMutableBufferPointer { p in
                for b in 0..<B {
                    for f in 0..<F {
                        // Forward direction: its last real step; backward direction: t = 0.
                        let t = f < H ? lengths[b] - 1 : 0
                        p[b * F + f] = o[(t * B + b) * F + f]
                    }
                }
            }
        }
        return pooled
        // END SOLUTION
    }

    func lastBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling last, backward (section 3.1)
        let (B, F) = (cache.shape[1], cache.shape[2])
        let H = F / directions
        var dOut = Tensor<T>(shape: cache.shape)
        dPooled.withUnsafeBufferPointer { dp in
            dOut.withUnsafeMutableBufferPointer { d in
                for b in 0..<B {
                    for f in 0..<F {
                        let t = f < H ? cache.lengths[b] - 1 : 0
                        d[(t * B + b) * F + f] = dp[b * F + f]
                    }
                }
            }
        }
        return dOut
        // END SOLUTION
    }

    // MARK: mean

    func meanForward(_ out: Tensor<T>, lengths: [Int]) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling mean, forward (section 3.2)
        let (B, F) = (out.shape[1], out.shape[2])
        var pooled = Tensor<T>(shape: [B, F])
        out.withUnsafeBufferPointer { o in
            pooled.withUnsafeMutableBufferPointer { p in
                for b in 0..<B {
                    for t in 0..<lengths[b] {
                        for f in 0..<F { p[b * F + f] += o[(t * B + b) * F + f] }
                    }
                    let inverse = 1 / T(lengths[b])
                    for f in 0..<F { p[b * F + f] *= inverse }
                }
            }
        }
        return pooled
        // END SOLUTION
    }

    func meanBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling mean, backward (section 3.2)
        let (B, F) = (cache.shape[1], cache.shape[2])
        var dOut = Tensor<T>(shape: cache.shape)
        dPooled.withUnsafeBufferPointer { dp in
            dOut.withUnsafeMutableBufferPointer { d in
                for b in 0..<B {
                    let inverse = 1 / T(cache.lengths[b])
                    for t in 0..<cache.lengths[b] {
                        for f in 0..<F { d[(t * B + b) * F + f] = dp[b * F + f] * inverse }
                    }
                }
            }
        }
        return dOut
        // END SOLUTION
    }

    // MARK: max

    func maxForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, argmax: [Int]) {
        // BEGIN SOLUTION: SequencePooling max, forward (section 3.3)
        let (B, F) = (out.shape[1], out.shape[2])
        var pooled = Tensor<T>(shape: [B, F])
        var argmax = [Int](repeating: 0, count: B * F)
        out.withUnsafeBufferPointer { o in
            pooled.withUnsafeMutableBufferPointer { p in
                for b in 0..<B {
                    for f in 0..<F { p[b * F + f] = o[b * F + f] }  // t = 0 is always real
                    for t in 1..<max(lengths[b], 1) {
                        for f in 0..<F where o[(t * B + b) * F + f] > p[b * F + f] {
                            p[b * F + f] = o[(t * B + b) * F + f]
                            argmax[b * F + f] = t
                        }
                    }
                }
            }
        }
        return (pooled, argmax)
        // END SOLUTION
    }

    func maxBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling max, backward (section 3.3)
        let (B, F) = (cache.shape[1], cache.shape[2])
        var dOut = Tensor<T>(shape: cache.shape)
        dPooled.withUnsafeBufferPointer { dp in
            dOut.withUnsafeMutableBufferPointer { d in
                for b in 0..<B {
                    for f in 0..<F { d[(cache.argmax[b * F + f] * B + b) * F + f] = dp[b * F + f] }
                }
            }
        }
        return dOut
        // END SOLUTION
    }

    // MARK: attention

    func attentionForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, alpha: Tensor<T>, scorer: Linear<T>.Cache) {
        // BEGIN SOLUTION: SequencePooling attention, forward (section 3.4)
        guard let scorer = attention else { preconditionFailure("SequencePooling: attention pooling without a scorer") }
        let (steps, B, F) = (out.shape[0], out.shape[1], out.shape[2])
        let (scores, scorerCache) = scorer.forward(out.reshaped([steps * B, F]))  // [T·B, 1]
        var alpha = Tensor<T>(shape: [steps, B])
        var pooled = Tensor<T>(shape: [B, F])
        for b in 0..<B {
            // Softmax over the real steps only, shifted by the maximum so exp cannot overflow.
            var top = -T.infinity
            for t in 0..<lengths[b] { top = max(top, scores.scalars[t * B + b]) }
            var total: T = 0
            for t in 0..<lengths[b] {
                let e = T.exp(scores.scalars[t * B + b] - top)
                alpha.scalars[t * B + b] = e
                total += e
            }
            for t in 0..<lengths[b] { alpha.scalars[t * B + b] /= total }
        }
        out.withUnsafeBufferPointer { o in
            pooled.withUnsafeMutableBufferPointer { p in
                for t in 0..<steps {
                    for b in 0..<B where t < lengths[b] {
                        let a = alpha.scalars[t * B + b]
                        for f in 0..<F { p[b * F + f] += a * o[(t * B + b) * F + f] }
                    }
                }
            }
        }
        return (pooled, alpha, scorerCache)
        // END SOLUTION
    }

    func attentionBackward(_ dPooled: Tensor<T>, cache: Cache) -> (dOut: Tensor<T>, attention: Linear<T>.Gradients?) {
        // BEGIN SOLUTION: SequencePooling attention, backward (section 3.4)
        guard let scorer = attention, let alpha = cache.alpha, let out = cache.output, let scorerCache = cache.scorer else {
            preconditionFailure("SequencePooling.backward: attention cache incomplete")
        }
        let (steps, B, F) = (cache.shape[0], cache.shape[1], cache.shape[2])
        // dα[t, b] = dp[b] · out[t, b]
        var dAlpha = Tensor<T>(shape: [steps, B])
        var dOut = Tensor<T>(shape: cache.shape)
        out.withUnsafeBufferPointer { o in
            dPooled.withUnsafeBufferPointer { dp in
                dOut.withUnsafeMutableBufferPointer { d in
                    for t in 0..<steps {
                        for b in 0..<B where t < cache.lengths[b] {
                            let a = alpha.scalars[t * B + b]
                            var s: T = 0
                            for f in 0..<F {
                                s += dp[b * F + f] * o[(t * B + b) * F + f]
                                d[(t * B + b) * F + f] = a * dp[b * F + f]  // through the weighted sum
                            }
                            dAlpha.scalars[t * B + b] = s
                        }
                    }
                }
            }
        }
        // Softmax backward: ds[t] = α[t] (dα[t] - Σ_u α[u] dα[u]); zero at padding (α = 0 there).
        var dScores = Tensor<T>(shape: [steps * B, 1])
        for b in 0..<B {
            var dot: T = 0
            for t in 0..<cache.lengths[b] { dot += alpha.scalars[t * B + b] * dAlpha.scalars[t * B + b] }
            for t in 0..<cache.lengths[b] {
                dScores.scalars[t * B + b] = alpha.scalars[t * B + b] * (dAlpha.scalars[t * B + b] - dot)
            }
        }
        let (dFromScores, grads) = scorer.backward(dScores, cache: scorerCache)   // [T·B, F]
        dOut.add(dFromScores.reshaped(cache.shape))
        return (dOut, grads)
        // END SOLUTION
    }
}
