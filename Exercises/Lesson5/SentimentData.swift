// Your copy of Solutions/Lesson5/SentimentData.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 6: from reviews to batches of ids, with the student's own tokenizer and
// vocabulary (Lesson 2). Nothing here is an exercise; it is the plumbing of section 6.
//
//   reviews ──Tokenizer──▶ tokens ──Vocabulary (train only)──▶ ids, cut to maxLength
//   train ──stratified split──▶ train' + validation (the test split is untouched until the end)
//
// Batches are bucketed: reviews of similar length go together, so a batch of 64 reviews of
// about 120 tokens is not padded to 400. Each epoch shuffles, cuts the shuffled order into
// chunks of 50 batches, sorts each chunk by length, batches it, and shuffles the batches:
// random enough for SGD, and about 5% padding instead of 50%.

import CourseData
import Foundation
import Lesson2
import TensorCore

/// Reviews as id sequences (truncated to maxLength), with their labels and source rows.
public struct EncodedSplit: Sendable {
    public var sequences: [[Int32]]
    public var labels: [Int]
    public var count: Int { labels.count }
    /// Real tokens in the split.
    public var tokens: Int { sequences.reduce(0) { $0 + $1.count } }

    public init(sequences: [[Int32]], labels: [Int]) {
        self.sequences = sequences
        self.labels = labels
    }
}

/// One batch: ids [T, B] time-major (0 after each review), lengths [B], labels [B], and which
/// rows of the split it holds.
public struct ReviewBatch: Sendable {
    public var ids: [Int32]
    public var lengths: [Int]
    public var labels: [Float]
    public var rows: [Int]
    public var steps: Int { lengths.max() ?? 0 }
    public var tokens: Int { lengths.reduce(0, +) }

    /// Pads `rows` of `split` into one batch.
    public init(_ split: EncodedSplit, rows: [Int]) {
        let b = rows.count
        let t = max(1, rows.map { split.sequences[$0].count }.max() ?? 1)
        var ids = [Int32](repeating: Int32(Vocabulary.pad), count: t * b)
        for (j, r) in rows.enumerated() {
            for (i, id) in split.sequences[r].enumerated() { ids[i * b + j] = id }
        }
        self.ids = ids
        // An empty review (all its words cut?) still gets one step: a <pad> read as a token.
        lengths = rows.map { max(1, split.sequences[$0].count) }
        labels = rows.map { Float(split.labels[$0]) }
        self.rows = rows
    }
}

public enum Batching {
    /// The training batches of one epoch, from the epoch's own seed (reproducible on resume).
    public static func bucketed(_ split: EncodedSplit, batchSize: Int, seed: UInt64, chunkBatches: Int = 50) -> [ReviewBatch] {
        var rng = SeededRNG(seed: seed)
        let order = rng.permutation(split.count)
        var groups: [[Int]] = []
        let chunk = batchSize * chunkBatches
        for start in stride(from: 0, to: order.count, by: chunk) {
            let rows = order[start..<min(start + chunk, order.count)].sorted {
                (split.sequences[$0].count, $0) < (split.sequences[$1].count, $1)
            }
            for s in stride(from: 0, to: rows.count, by: batchSize) {
                groups.append(Array(rows[s..<min(s + batchSize, rows.count)]))
            }
        }
        rng.shuffle(&groups)
        return groups.map { ReviewBatch(split, rows: $0) }
    }

    /// Evaluation batches: sorted by length (least padding), in a fixed order.
    public static func sorted(_ split: EncodedSplit, batchSize: Int) -> [ReviewBatch] {
        let rows = (0..<split.count).sorted { (split.sequences[$0].count, $0) < (split.sequences[$1].count, $1) }
        return stride(from: 0, to: rows.count, by: batchSize).map {
            ReviewBatch(split, rows: Array(rows[$0..<min($0 + batchSize, rows.count)]))
        }
    }
}

/// Which reviews, which words, which vectors: everything section 6 prepares before training.
public struct SentimentCorpus {
    public var vocabulary: Vocabulary
    public var train: EncodedSplit
    public var validation: EncodedSplit
    public var test: EncodedSplit
    /// Where the reviews came from, for the story.
    public var description: String
    public var isReal: Bool
}

public enum SentimentDataset: String, CaseIterable, Sendable, Codable {
    case imdb, amazon, generated
}

/// Which part of a review longer than maxLength is kept: its first tokens or its last ones
/// (where reviewers tend to sum up).
public enum Truncation: String, CaseIterable, Sendable, Codable {
    case start, end

    public func cut(_ ids: [Int32], to maxLength: Int) -> [Int32] {
        switch self {
        case .start: return Array(ids.prefix(maxLength))
        case .end: return Array(ids.suffix(maxLength))
        }
    }
}

extension SentimentCorpus {
    /// Tokens of every text, on all cores (the tokenizer is a pure function).
    public static func tokenize(_ texts: [String]) -> [[String]] {
        let tokenizer = Tokenizer()
        var out = [[String]](repeating: [], count: texts.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let chunks = max(1, min(64, texts.count / 200))
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * texts.count / chunks, hi = (c + 1) * texts.count / chunks
                for i in lo..<hi { (base + i).initialize(to: tokenizer.tokenize(texts[i])) }
            }
        }
        return out
    }

    /// Splits `labels`' indices into (kept, held out), `fraction` of each class held out
    /// (CourseData's stratified split, so the class balance of both parts is the original's).
    public static func holdOut(labels: [Int], fraction: Double, seed: UInt64) -> (kept: [Int], heldOut: [Int]) {
        let parts = stratifiedSplit(labels: labels, fractions: [1 - fraction, fraction], seed: seed)
        return (parts[0], parts[1])
    }

    /// Loads a data set, splits validation off train, builds the vocabulary on train' only, and
    /// encodes all three splits. `limit` keeps at most that many reviews per split (QUICK runs).
    public static func prepare(dataset: SentimentDataset, maxLength: Int, truncation: Truncation = .start, vocabularySize: Int,
                               validationFraction: Double = 0.1, limit: Int? = nil, seed: UInt64,
                               log: (String) -> Void = { print($0) }) throws -> SentimentCorpus {
        var train: [Review], test: [Review]
        var description: String, isReal = true
        switch dataset {
        case .imdb:
            let loaded = CourseDatasets.imdbOrGenerated(limitPerSplit: nil, seed: seed)
            (train, test, isReal, description) = (loaded.train, loaded.test, loaded.isReal, loaded.message)
        case .amazon:
            let all = try Amazon.loadFastText(Amazon.sharedSamplePath)
            let (kept, held) = holdOut(labels: all.map(\.label), fraction: 0.2, seed: seed &+ 7)
            train = kept.map { all[$0] }
            test = held.map { all[$0] }
            description = "Amazon review polarity sample (\(all.count) reviews, 80/20 train/test): \(Amazon.sharedSamplePath)"
        case .generated:
            train = GeneratedReviews.make(count: limit ?? CourseDatasets.generatedSplitSize, seed: seed)
            test = GeneratedReviews.make(count: limit ?? CourseDatasets.generatedSplitSize, seed: seed &+ 1)
            description = "generated reviews (labels depend on word order: negation and contrast)"
            isReal = false
        }
        if let limit {
            // A class-balanced subset, the same one every time for a given seed.
            func subset(_ reviews: [Review], _ salt: UInt64) -> [Review] {
                guard reviews.count > limit else { return reviews }
                let held = holdOut(labels: reviews.map(\.label), fraction: Double(limit) / Double(reviews.count), seed: seed &+ salt).heldOut
                return held.map { reviews[$0] }
            }
            train = subset(train, 11)
            test = subset(test, 12)
        }
        let start = Date()
        let trainTokens = tokenize(train.map(\.text))
        let testTokens = tokenize(test.map(\.text))
        let (kept, held) = holdOut(labels: train.map(\.label), fraction: validationFraction, seed: seed &+ 3)
        let vocabulary = Vocabulary(counting: kept.map { trainTokens[$0] }, maxSize: vocabularySize, minFrequency: 2)
        func encode(_ tokens: [[String]], _ labels: [Int], rows: [Int]) -> EncodedSplit {
            EncodedSplit(sequences: rows.map { truncation.cut(vocabulary.encode(tokens[$0]), to: maxLength) }, labels: rows.map { labels[$0] })
        }
        let corpus = SentimentCorpus(
            vocabulary: vocabulary,
            train: encode(trainTokens, train.map(\.label), rows: kept),
            validation: encode(trainTokens, train.map(\.label), rows: held),
            test: encode(testTokens, test.map(\.label), rows: Array(test.indices)),
            description: description, isReal: isReal)
        log(String(format: "Tokenized and encoded %d reviews in %.1f s; vocabulary %d words (train' only, min. frequency 2).",
                   train.count + test.count, Date().timeIntervalSince(start), vocabulary.count))
        return corpus
    }
}
