// Your copy of Solutions/Lesson5/SentimentData.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 6: from reviews to batches of ids, with the student's own tokenizer and
// vocabulary (Lesson 2). Nothing here is an exercise; it is the plumbing of section 6.
//
//   reviews ──Tokenizer──▶ tokens ──Vocabulary (train only)──▶ ids, cut to maxLength
//   train ──stratified split──▶ train' + validation (the test split is untouched until the end)
//
// Batches are bucketed (CourseData's BucketedBatcher): reviews of similar length go together,
// so a batch of 64 reviews of about 120 tokens is not padded to 400. Each epoch shuffles, cuts
// the shuffled order into chunks of 50 batches, sorts each chunk by length, batches it, and
// shuffles the batches: random enough for SGD, and about 2% padding instead of 40%.

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

public enum Batching {
    /// The training batches of one epoch, from the epoch's own seed (reproducible on resume):
    /// CourseData's BucketedBatcher with pools of 50 batches.
    public static func bucketed(_ split: EncodedSplit, batchSize: Int, seed: UInt64) -> [TokenBatch] {
        batcher(split, batchSize: batchSize, shuffle: true).batches(streamSeed: seed)
    }

    /// Evaluation batches: sorted by length (least padding), in a fixed order.
    public static func sorted(_ split: EncodedSplit, batchSize: Int) -> [TokenBatch] {
        batcher(split, batchSize: batchSize, shuffle: false).batches(epoch: 0)
    }

    /// An empty review (all its words cut?) still gets one step: a <pad> read as a token, since
    /// every pooling reads at least one step.
    static func batcher(_ split: EncodedSplit, batchSize: Int, shuffle: Bool) -> BucketedBatcher {
        BucketedBatcher(sequences: split.sequences, labels: split.labels, batchSize: batchSize, seed: 0,
                        shuffle: shuffle, poolBatches: 50, minimumLength: 1)
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
    /// amazon: the 5,000-review shared sample; amazonFull: Zhang's full CSV pair, sampled.
    case imdb, amazon, generated, amazonFull = "amazon-full"
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

    /// amazon-full: training reviews sampled from train.csv when no other number is given.
    public static let amazonFullTrainSample = 200_000
    /// amazon-full: test reviews sampled from test.csv when no --limit is given (IMDB's test size).
    public static let amazonFullTestSample = 25_000

    /// A class x length-bin sample of one split of the full Amazon set in `directory` (nil:
    /// $AMAZON_POLARITY_DIR, else ../shared/data/amazon/amazon_review_polarity_csv), the same
    /// sample for the same seed: training and `sentiment eval` read the same test reviews.
    public static func amazonFull(directory: String?, split: Amazon.FullSetSplit, total: Int, seed: UInt64) throws -> Amazon.FullSetSample {
        try Amazon.sampleFullSet(directory: directory ?? Amazon.defaultFullSetDirectory, split: split, total: total,
                                 seed: seed &+ (split == .train ? 13 : 14))
    }

    /// Loads a data set, splits validation off train, builds the vocabulary on train' only, and
    /// encodes all three splits: train' cut at `maxLength` tokens, validation and test at
    /// `evalMaxLength` (nil: `maxLength`). `limit` keeps at most that many reviews per split (QUICK runs).
    /// amazon-full samples `amazonSample` training reviews (nil: 200,000) and `limit` test
    /// reviews (nil: 25,000) from the folder `amazonDirectory`.
    public static func prepare(dataset: SentimentDataset, maxLength: Int, evalMaxLength: Int? = nil, truncation: Truncation = .start, vocabularySize: Int,
                               validationFraction: Double = 0.1, validationByFilm: Bool = true, limit: Int? = nil, seed: UInt64,
                               amazonDirectory: String? = nil, amazonSample: Int? = nil,
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
        case .amazonFull:
            let trainPart = try amazonFull(directory: amazonDirectory, split: .train,
                                           total: min(amazonSample ?? amazonFullTrainSample, limit ?? .max), seed: seed)
            let testPart = try amazonFull(directory: amazonDirectory, split: .test, total: limit ?? amazonFullTestSample, seed: seed)
            (train, test) = (trainPart.reviews, testPart.reviews)
            log(String(format: "Sampled the full Amazon set (2 classes x 5 length bins) in %.1f s.", trainPart.seconds + testPart.seconds))
            description = "Amazon review polarity, full set: \(trainPart) and \(testPart)"
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
        let (kept, held) = validationSplit(train, fraction: validationFraction, byFilm: validationByFilm, seed: seed &+ 3)
        let vocabulary = Vocabulary(counting: kept.map { trainTokens[$0] }, maxSize: vocabularySize, minFrequency: 2)
        func encode(_ tokens: [[String]], _ labels: [Int], rows: [Int], cutAt length: Int) -> EncodedSplit {
            EncodedSplit(sequences: rows.map { truncation.cut(vocabulary.encode(tokens[$0]), to: length) }, labels: rows.map { labels[$0] })
        }
        let judged = evalMaxLength ?? maxLength
        let corpus = SentimentCorpus(
            vocabulary: vocabulary,
            train: encode(trainTokens, train.map(\.label), rows: kept, cutAt: maxLength),
            validation: encode(trainTokens, train.map(\.label), rows: held, cutAt: judged),
            test: encode(testTokens, test.map(\.label), rows: Array(test.indices), cutAt: judged),
            description: description, isReal: isReal)
        log(String(format: "Tokenized and encoded %d reviews in %.1f s; vocabulary %d words (train' only, min. frequency 2).",
                   train.count + test.count, Date().timeIntervalSince(start), vocabulary.count))
        let heldFilms = Set(held.compactMap { train[$0].subject })
        if !heldFilms.isEmpty {
            log("Validation: \(held.count) reviews of \(heldFilms.count) films, none of them in train' (as the test split's films are not).")
        }
        return corpus
    }
}
