// Lesson 7, section 3: a batch of skip-gram training examples, the input of the loss.
//
// One example is a (center, context) pair read from the text, plus K negatives drawn from the
// noise distribution (section 5): words the model should find unlikely next to the center.
//
//     centers    [B]       the word in the middle of the window
//     contexts   [B]       a word within the window around it
//     negatives  [B · K]   row-major: the K negatives of example b are at b·K ..< (b+1)·K
//
// A word may appear several times in one batch (as a center, a context, a negative, or all
// three); its gradient is then the sum of every appearance's.

import TensorCore

public struct SkipGramBatch: Sendable, Equatable {
    /// [B] word ids.
    public let centers: [Int]
    /// [B] word ids.
    public let contexts: [Int]
    /// [B · K] word ids, K per example, in example order.
    public let negatives: [Int]
    /// K
    public let negativesPerExample: Int

    /// B
    public var count: Int { centers.count }

    /// [B · K]: each center repeated K times, lined up with `negatives`.
    public var centersOfNegatives: [Int] {
        centers.flatMap { Array(repeating: $0, count: negativesPerExample) }
    }

    public init(centers: [Int], contexts: [Int], negatives: [Int], negativesPerExample k: Int) {
        precondition(centers.count == contexts.count, "SkipGramBatch: \(centers.count) centers but \(contexts.count) contexts")
        precondition(k >= 0 && negatives.count == centers.count * k,
                     "SkipGramBatch: \(negatives.count) negatives for \(centers.count) examples of K = \(k)")
        self.centers = centers
        self.contexts = contexts
        self.negatives = negatives
        self.negativesPerExample = k
    }
}

/// log σ(x) for every element, written so that no large |x| overflows or rounds to log(0):
///     log σ(x) = −log(1 + e^{−x}) = −(max(−x, 0) + log(1 + e^{−|x|}))
/// (the same rearrangement as Lesson 1's stable binary cross-entropy).
public func logSigmoid<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
    -((-x).clamped(min: 0) + log1p(exp(-x.magnitude)))
}
