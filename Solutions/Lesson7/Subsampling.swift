// Lesson 7, section 5.1: frequent-word subsampling.
//
// "the", "a" and "," are a tenth of the reviews' tokens and say almost nothing about the words
// next to them. Word2vec drops each occurrence of a word w with a probability that grows with
// its frequency f(w) = count(w) / (all tokens), before the windows are cut: frequent words are
// seen less often, rare words keep every occurrence, and the windows reach further.
//
// Mikolov et al. (2013) write the discard probability as 1 − √(t / f). The C code they released
// (word2vec.c), and gensim after it, use a slightly different keep probability, and this course
// uses theirs: section 5.1 gives it and compares the two. t is the threshold (word2vec's
// -sample, 1e-3 by default): a word with f ≤ t is always kept.

import TensorCore

/// The probability that one occurrence of a word seen `count` times among `totalCount` tokens
/// is kept (word2vec.c's rule, section 5.1); in [0, 1], exactly 1 for rare words.
public func keepProbability(count: Int, totalCount: Int, threshold: Double = 1e-3) -> Double {
    precondition(count >= 0 && totalCount > 0 && count <= totalCount && threshold > 0,
                 "keepProbability: needs 0 ≤ count ≤ totalCount, totalCount > 0 and threshold > 0, got \(count), \(totalCount), \(threshold)")
    // BEGIN SOLUTION: keepProbability (section 5.1)
    let frequency = Double(count) / Double(totalCount)
    if frequency == 0 { return 1 }
    return min(1, ((frequency / threshold).squareRoot() + 1) * threshold / frequency)
    // END SOLUTION
}

/// keepProbability for every word of a vocabulary, from its counts (id order).
public func keepProbabilities(counts: [Int], threshold: Double = 1e-3) -> [Double] {
    let total = counts.reduce(0, +)
    return counts.map { keepProbability(count: $0, totalCount: max(total, 1), threshold: threshold) }
}
