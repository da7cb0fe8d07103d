// Your copy of Solutions/Lesson2/Padding.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 2, section 4: reviews of different lengths in one rectangular batch.
//
// A batch holds B sequences of token ids as one time-major array ids [T, B], as PyTorch's
// nn.LSTM expects by default: row t holds token t of every review. Sequences longer than T
// are truncated, shorter ones are filled with <pad> (id 0). Either end may be cut or padded:
//
//   a = [5 8 2], b = [9 3], c = [7 4 6 1 3], T = 4
//
//   padding .post, truncating .post       padding .pre, truncating .pre
//            a  b  c                               a  b  c
//      t0    5  9  7                         t0    0  0  4
//      t1    8  3  4                         t1    5  0  6
//      t2    2  0  6                         t2    8  9  1
//      t3    0  0  1                         t3    2  3  3
//   lengths  3  2  4                      lengths  3  2  4
//
// The mask is true where a real token is. Post-padding keeps every review starting at t = 0,
// which is what Lesson 4's LSTM (and pack_padded_sequence) assume; pre-padding (Keras's
// default) puts every review's last word at t = T - 1, so an LSTM that ignores lengths still
// ends on real words.
//
// How long should T be? Long enough that few reviews lose words, short enough that padding
// does not dominate the batch (section 4.3): `lengthPercentile` and `paddingShare` measure it.

import TensorCore

public enum PaddingSide: String, Sendable, Codable, CaseIterable {
    /// At the start of the sequence (pad before, or cut the first tokens).
    case pre
    /// At the end of the sequence (pad after, or cut the last tokens).
    case post
}

/// B sequences padded or truncated to T tokens, time-major.
public struct PaddedBatch: Sendable, Equatable {
    /// Token ids [T, B]: ids[t * B + b] is token t of sequence b; padding is `Vocabulary.pad`.
    public var ids: [Int32]
    /// [T, B]: true where ids holds a real token, false at padding.
    public var mask: [Bool]
    /// [B]: real tokens per sequence after truncation (min(original length, T)).
    public var lengths: [Int]
    /// T
    public var maxLength: Int
    /// B
    public var batchSize: Int
    /// Where the padding went.
    public var padding: PaddingSide

    public init(ids: [Int32], mask: [Bool], lengths: [Int], maxLength: Int, batchSize: Int, padding: PaddingSide) {
        precondition(ids.count == maxLength * batchSize && mask.count == ids.count && lengths.count == batchSize,
                     "PaddedBatch: ids \(ids.count), mask \(mask.count), lengths \(lengths.count) do not fit T = \(maxLength), B = \(batchSize)")
        self.ids = ids
        self.mask = mask
        self.lengths = lengths
        self.maxLength = maxLength
        self.batchSize = batchSize
        self.padding = padding
    }

    /// Token t of sequence b.
    public func id(t: Int, b: Int) -> Int32 { ids[t * batchSize + b] }

    /// The share of the T·B cells that hold padding.
    public var paddingShare: Double {
        mask.isEmpty ? 0 : Double(mask.lazy.filter { !$0 }.count) / Double(mask.count)
    }

    /// The mask as 1 (token) and 0 (padding), [T, B], for multiplying into losses and outputs.
    public func maskTensor<T: TensorScalar>(_ type: T.Type = T.self) -> Tensor<T> {
        Tensor(shape: [maxLength, batchSize], scalars: mask.map { $0 ? 1 : 0 })
    }
}

/// Pads or truncates every sequence to `maxLength` tokens and lays them out time-major
/// (section 4.2). `padding` says at which end <pad> goes, `truncating` which end is cut.
///   sequences: B lists of ids -> PaddedBatch with ids [maxLength, B]
public func padSequences(_ sequences: [[Int32]], maxLength: Int,
                         padding: PaddingSide = .post, truncating: PaddingSide = .post) -> PaddedBatch {
    precondition(maxLength >= 0, "padSequences: maxLength must not be negative, got \(maxLength)")
    unimplemented("padSequences", lesson: 2, see: "section 4.2")
}

/// The p-th percentile of `lengths` by the nearest-rank rule: the smallest length L such that
/// at least p % of the lengths are ≤ L (numpy's `method="inverted_cdf"`). p in [0, 100];
/// p = 0 gives the shortest length (section 4.3).
public func lengthPercentile(_ lengths: [Int], _ p: Double) -> Int {
    precondition(!lengths.isEmpty, "lengthPercentile: no lengths")
    precondition(p >= 0 && p <= 100, "lengthPercentile: p must be in [0, 100], got \(p)")
    unimplemented("lengthPercentile", lesson: 2, see: "section 4.3")
}

/// The share of padding cells when every sequence is padded or truncated to `maxLength`:
///   Σ_b (T − min(len_b, T)) / (B · T)   (section 4.3)
public func paddingShare(lengths: [Int], maxLength: Int) -> Double {
    precondition(maxLength > 0, "paddingShare: maxLength must be positive, got \(maxLength)")
    unimplemented("paddingShare(lengths:maxLength:)", lesson: 2, see: "section 4.3")
}

/// The share of all tokens that truncation to `maxLength` throws away:
///   Σ_b max(0, len_b − T) / Σ_b len_b   (section 4.3)
public func truncatedShare(lengths: [Int], maxLength: Int) -> Double {
    precondition(maxLength >= 0, "truncatedShare: maxLength must not be negative, got \(maxLength)")
    unimplemented("truncatedShare(lengths:maxLength:)", lesson: 2, see: "section 4.3")
}
