// Your copy of Solutions/Lesson7/NoiseDistribution.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, section 5.2: the noise distribution the negatives are drawn from, and the table
// that draws them in one step.
//
// Negatives drawn from the plain unigram distribution (each word as often as it occurs) would
// be "the" and "," most of the time; drawn uniformly, mostly words seen once. Word2vec raises
// each count to the power 3/4 and normalises,
//
//     P_n(w) = count(w)^{3/4} / Σ_v count(v)^{3/4}
//
// which lifts rare words a little and frequent words less (Mikolov et al. found 3/4 worked
// better than both 1 and 0).
//
// Drawing from P_n millions of times must be cheap, so the C code fills a table: word w takes
// about size · P_n(w) consecutive slots, in id order, and a draw is one uniform slot. That is the
// inverse of the cumulative distribution, tabulated: slots up to size · (P_n(0) + ... + P_n(w))
// belong to words ≤ w.

import TensorCore

/// P_n: counts[w]^power, normalised to sum to 1 (section 5.2). A word with count 0 gets 0.
public func noiseDistribution(counts: [Int], power: Double = 0.75) -> [Double] {
    precondition(counts.contains { $0 > 0 } && counts.allSatisfy { $0 >= 0 },
                 "noiseDistribution: needs counts ≥ 0 with at least one > 0")
    unimplemented("noiseDistribution", lesson: 7, see: "section 5.2")
}

/// The C code's unigram table: `size` slots of word ids, word w in about size · P(w) of them.
public struct NoiseTable: Sendable {
    /// [size] word ids, in id order.
    public let slots: [Int32]

    /// Fills the table from a distribution (summing to 1): the slots before
    /// round(size · (P(0) + ... + P(w))) hold words ≤ w (section 5.3).
    public init(distribution: [Double], size: Int) {
        precondition(size > 0 && distribution.allSatisfy { $0 >= 0 } && abs(distribution.reduce(0, +) - 1) < 1e-9,
                     "NoiseTable: needs size > 0 and a distribution summing to 1")
        unimplemented("NoiseTable.init", lesson: 7, see: "section 5.3")
    }

    /// One negative: the word in a uniformly drawn slot.
    public func sample(_ rng: inout SeededRNG) -> Int {
        Int(slots[Int(rng.next() % UInt64(slots.count))])
    }
}
