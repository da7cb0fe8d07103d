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
        // BEGIN SOLUTION: SequencePooling last, forward (section 3.1)
        let (B, F) = (out.shape[1], out.shape[2])
        let H = F / directions
        let outSteps = out.reshaped([out.shape[0] * B, F])                  // row t·B + b: out[t, b]
        let lastSteps = (0..<B).map { b in (lengths[b] - 1) * B + b }
        // Forward direction: its last real step; backward direction: t = 0 (rows 0..<B).
        return concatColumns([outSteps.rows(lastSteps).columns(0..<H), outSteps.rows(0..<B).columns(H..<F)])
        // END SOLUTION
    }

    func lastBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling last, backward (section 3.1)
        let (B, F) = (cache.shape[1], cache.shape[2])
        let H = F / directions
        let rows = cache.shape[0] * B
        let lastSteps = (0..<B).map { b in (cache.lengths[b] - 1) * B + b }
        var dForward = Tensor<T>.zeros([rows, H])
        dForward.setRows(lastSteps, to: dPooled.columns(0..<H))
        var dBackward = Tensor<T>.zeros([rows, F - H])
        dBackward.setRows(0..<B, to: dPooled.columns(H..<F))
        return concatColumns([dForward, dBackward]).reshaped(cache.shape)
        // END SOLUTION
    }

    // MARK: mean

    func meanForward(_ out: Tensor<T>, lengths: [Int]) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling mean, forward (section 3.2)
        let (steps, B, F) = (out.shape[0], out.shape[1], out.shape[2])
        let outSteps = out.reshaped([steps * B, F])
        let means = (0..<B).map { b in
            outSteps.rows(Self.stepRows(of: b, length: lengths[b], batch: B)).sumRows() / T(lengths[b])
        }
        return stack(means)   // B x [F] -> [B, F]
        // END SOLUTION
    }

    func meanBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling mean, backward (section 3.2)
        let (steps, B, F) = (cache.shape[0], cache.shape[1], cache.shape[2])
        var dSteps = Tensor<T>.zeros([steps * B, F])
        for b in 0..<B {
            let length = cache.lengths[b]
            // Every real step gets dp[b] / length: row b of dPooled, repeated once per step.
            let share = dPooled.rows([Int](repeating: b, count: length)) / T(length)   // [length, F]
            dSteps.setRows(Self.stepRows(of: b, length: length, batch: B), to: share)
        }
        return dSteps.reshaped(cache.shape)
        // END SOLUTION
    }

    // MARK: max

    func maxForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, argmax: [Int]) {
        // BEGIN SOLUTION: SequencePooling max, forward (section 3.3)
        let (steps, B, F) = (out.shape[0], out.shape[1], out.shape[2])
        let outSteps = out.reshaped([steps * B, F])
        var pooled: [Tensor<T>] = []
        var argmax: [Int] = []
        for b in 0..<B {
            // Row t of the sequence's [length, F] is step t, so the winning rows are the steps.
            let (top, winners) = outSteps.rows(Self.stepRows(of: b, length: lengths[b], batch: B)).maxRows()
            pooled.append(top)
            argmax += winners
        }
        return (stack(pooled), argmax)
        // END SOLUTION
    }

    func maxBackward(_ dPooled: Tensor<T>, cache: Cache) -> Tensor<T> {
        // BEGIN SOLUTION: SequencePooling max, backward (section 3.3)
        let (steps, B, F) = (cache.shape[0], cache.shape[1], cache.shape[2])
        var dSteps = Tensor<T>.zeros([steps * B, F])
        for b in 0..<B {
            let length = cache.lengths[b]
            let winners = Array(cache.argmax[(b * F)..<((b + 1) * F)])
            let dSequence = Tensor.placing(dPooled.row(b), atRows: winners, height: length)   // [length, F]
            dSteps.setRows(Self.stepRows(of: b, length: length, batch: B), to: dSequence)
        }
        return dSteps.reshaped(cache.shape)
        // END SOLUTION
    }

    // MARK: attention

    func attentionForward(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, alpha: Tensor<T>, scorer: Linear<T>.Cache) {
        // BEGIN SOLUTION: SequencePooling attention, forward (section 3.4)
        guard let scorer = attention else { preconditionFailure("SequencePooling: attention pooling without a scorer") }
        let (steps, B, F) = (out.shape[0], out.shape[1], out.shape[2])
        let outSteps = out.reshaped([steps * B, F])
        let (scores, scorerCache) = scorer.forward(outSteps)   // [T·B, 1]
        var alpha = Tensor<T>.zeros([steps * B, 1])            // α at row t·B + b, zero at padding
        var pooled: [Tensor<T>] = []
        for b in 0..<B {
            let rows = Self.stepRows(of: b, length: lengths[b], batch: B)
            // Softmax over the real steps only.
            let weights = softmax(scores.rows(rows).reshaped([rows.count]))               // [length]
            alpha.setRows(rows, to: weights.reshaped([rows.count, 1]))
            // Σ_t α[t] out[t]: [1, length] x [length, F] -> [1, F]
            pooled.append(matmul(weights.reshaped([1, rows.count]), outSteps.rows(rows)).reshaped([F]))
        }
        return (stack(pooled), alpha.reshaped([steps, B]), scorerCache)
        // END SOLUTION
    }

    func attentionBackward(_ dPooled: Tensor<T>, cache: Cache) -> (dOut: Tensor<T>, attention: Linear<T>.Gradients?) {
        // BEGIN SOLUTION: SequencePooling attention, backward (section 3.4)
        guard let scorer = attention, let alpha = cache.alpha, let out = cache.output, let scorerCache = cache.scorer else {
            preconditionFailure("SequencePooling.backward: attention cache incomplete")
        }
        let (steps, B, F) = (cache.shape[0], cache.shape[1], cache.shape[2])
        let outSteps = out.reshaped([steps * B, F])
        let alphaSteps = alpha.reshaped([steps * B, 1])
        var dSteps = Tensor<T>.zeros([steps * B, F])
        var dScores = Tensor<T>.zeros([steps * B, 1])   // zero at padding
        for b in 0..<B {
            let rows = Self.stepRows(of: b, length: cache.lengths[b], batch: B)
            let a = alphaSteps.rows(rows)                 // [length, 1]
            let dp = dPooled.rows(b..<(b + 1))            // [1, F]
            // Through the weighted sum: dout[t] = α[t] dp, an outer product [length, 1] x [1, F].
            dSteps.setRows(rows, to: matmul(a, dp))
            // dα[t] = dp · out[t]: [length, F] x [F, 1] -> [length, 1]
            let dAlpha = matmul(outSteps.rows(rows), dp, transposeB: true)
            // Softmax backward: ds[t] = α[t] (dα[t] - Σ_u α[u] dα[u]).
            dScores.setRows(rows, to: a * (dAlpha - (a * dAlpha).sum()))
        }
        let (dFromScores, grads) = scorer.backward(dScores, cache: scorerCache)   // [T·B, F]
        return ((dSteps + dFromScores).reshaped(cache.shape), grads)
        // END SOLUTION
    }
}
