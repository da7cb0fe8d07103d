// Your copy of Solutions/Lesson5/Pooling.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
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

    /// The rows of sequence b's real steps in a time-major [T, B, F] seen as [T·B, F]: step t of
    /// sequence b is row t·B + b. Row k of `outSteps.rows(stepRows(...))` is step k.
    static func stepRows(of b: Int, length: Int, batch B: Int) -> [Int] {
        (0..<length).map { t in t * B + b }
    }

    // MARK: last

    func lastForward(_ out: Tensor<T>, lengths: [Int]) -> Tensor<T> {
        unimplemented("SequencePooling last, forward", lesson: 5, see: "section 3.1")
    }

    func lastBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        unimplemented("SequencePooling last, backward", lesson: 5, see: "section 3.1")
    }

    // MARK: mean

    func meanForward(_ out: Tensor<T>, lengths: [Int]) -> Tensor<T> {
        unimplemented("SequencePooling mean, forward", lesson: 5, see: "section 3.2")
    }

    func meanBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        unimplemented("SequencePooling mean, backward", lesson: 5, see: "section 3.2")
    }

    // MARK: max

    func maxForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, argmax: [Int]) {
        unimplemented("SequencePooling max, forward", lesson: 5, see: "section 3.3")
    }

    func maxBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        unimplemented("SequencePooling max, backward", lesson: 5, see: "section 3.3")
    }

    // MARK: attention

    func attentionForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, alpha: Tensor<T>, scorer: Linear<T>.Cache) {
        unimplemented("SequencePooling attention, forward", lesson: 5, see: "section 3.4")
    }

    func attentionBackward(_ dPooled: Tensor<T>, cache: Cache) -> (dOut: Tensor<T>, attention: Linear<T>.Gradients?) {
        unimplemented("SequencePooling attention, backward", lesson: 5, see: "section 3.4")
    }
}
