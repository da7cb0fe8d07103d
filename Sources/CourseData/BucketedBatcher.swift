// Batches of reviews of similar length, so little of each batch is padding: a batch is padded
// only to its own longest review, not to the longest in the data set.
//
// For each epoch (shuffle on): the rows are shuffled, cut into pools of `poolBatches` batches,
// each pool is sorted by length and cut into batches, and the batches are shuffled. Lengths in
// a batch are close, yet which rows meet in a batch changes from epoch to epoch. Everything is
// deterministic by (seed, epoch); a training loop that seeds each epoch itself hands that seed
// to `batches(streamSeed:)`. Shuffle off: rows sorted by length (ties by row), batches in that
// order, the same every epoch (for evaluation).

import TensorCore

/// One batch, time-major as PyTorch's RNNs take it.
public struct TokenBatch: Sendable, Equatable {
    /// Token ids [T, B], row-major: ids[t * batchSize + b] is token t of sequence b; positions
    /// t >= lengths[b] hold 0 (the padding id).
    public var ids: [Int32]
    /// [B]: each sequence's own length.
    public var lengths: [Int]
    /// [B]: 0 or 1 as Float, ready for a binary cross-entropy.
    public var labels: [Float]
    /// [B]: the rows of the data set in this batch.
    public var indices: [Int]
    /// T: the longest length in this batch (at least 1, so a batch is never empty in time).
    public var maxLength: Int
    /// B.
    public var batchSize: Int

    public init(ids: [Int32], lengths: [Int], labels: [Float], indices: [Int], maxLength: Int, batchSize: Int) {
        self.ids = ids
        self.lengths = lengths
        self.labels = labels
        self.indices = indices
        self.maxLength = maxLength
        self.batchSize = batchSize
    }

    /// Real tokens: sum(lengths).
    public var tokenCount: Int { lengths.reduce(0, +) }

    /// The share of ids that are padding: 1 - sum(lengths) / (T * B).
    public var paddingShare: Double {
        let cells = maxLength * batchSize
        return cells == 0 ? 0 : 1 - Double(lengths.reduce(0, +)) / Double(cells)
    }
}

public struct BucketedBatcher: Sendable {
    public let sequences: [[Int32]]
    public let labels: [Int]
    public let batchSize: Int
    public let seed: UInt64
    public let shuffle: Bool
    /// Batches per sorting pool: larger pools give tighter lengths and less randomness.
    public let poolBatches: Int
    /// The least length a batch reports: 1 makes an empty sequence one padding token read as
    /// input, for a model that needs at least one step per sequence (Lesson 5's pooling).
    public let minimumLength: Int

    public init(sequences: [[Int32]], labels: [Int], batchSize: Int, seed: UInt64, shuffle: Bool = true, poolBatches: Int = 50,
                minimumLength: Int = 0) {
        precondition(sequences.count == labels.count, "BucketedBatcher: \(sequences.count) sequences but \(labels.count) labels")
        precondition(batchSize > 0 && poolBatches > 0, "BucketedBatcher: batchSize and poolBatches must be positive")
        precondition(minimumLength >= 0, "BucketedBatcher: minimumLength must not be negative")
        self.sequences = sequences
        self.labels = labels
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.poolBatches = poolBatches
        self.minimumLength = minimumLength
    }

    /// ceil(rows / batchSize): the last batch may be smaller.
    public var batchCount: Int { (sequences.count + batchSize - 1) / batchSize }

    /// The batches of one epoch; every row appears in exactly one batch.
    public func batches(epoch: Int) -> [TokenBatch] {
        // A different stream per epoch, the same for the same (seed, epoch).
        batches(streamSeed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: epoch + 1))
    }

    /// The batches of one epoch, shuffled by SeededRNG(seed: streamSeed) (one permutation of
    /// the rows, then one shuffle of the batches); `seed` is not used. Shuffle off: as above.
    public func batches(streamSeed: UInt64) -> [TokenBatch] {
        let n = sequences.count
        let byLength: (Int, Int) -> Bool = { a, b in
            let la = sequences[a].count, lb = sequences[b].count
            return la != lb ? la < lb : a < b
        }
        var groups: [[Int]] = []
        if shuffle {
            var rng = SeededRNG(seed: streamSeed)
            let order = rng.permutation(n)
            let pool = batchSize * poolBatches
            for start in stride(from: 0, to: n, by: pool) {
                let sorted = order[start..<min(n, start + pool)].sorted(by: byLength)
                for b in stride(from: 0, to: sorted.count, by: batchSize) {
                    groups.append(Array(sorted[b..<min(sorted.count, b + batchSize)]))
                }
            }
            rng.shuffle(&groups)
        } else {
            let sorted = (0..<n).sorted(by: byLength)
            for b in stride(from: 0, to: n, by: batchSize) {
                groups.append(Array(sorted[b..<min(n, b + batchSize)]))
            }
        }
        return groups.map(makeBatch)
    }

    /// The batch of the given rows, padded to their longest.
    public func makeBatch(_ rows: [Int]) -> TokenBatch {
        let b = rows.count
        let lengths = rows.map { max(sequences[$0].count, minimumLength) }
        let t = max(1, lengths.max() ?? 0)
        var ids = [Int32](repeating: 0, count: t * b)
        for (column, row) in rows.enumerated() {
            for (step, id) in sequences[row].enumerated() { ids[step * b + column] = id }
        }
        return TokenBatch(ids: ids, lengths: lengths, labels: rows.map { Float(labels[$0]) },
                          indices: rows, maxLength: t, batchSize: b)
    }
}
