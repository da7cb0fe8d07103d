// Lesson 5 (provided): the test reviews of a `sentiment train` run as raw text, in the order
// SentimentCorpus.prepare encodes them: the same data set and, for a run with --limit, the same
// class-balanced subset for its seed. `sentiment eval` and `sentiment deploy` judge a saved
// model on them, and Lesson 6 reads a run's reviews through it: a figure measured on other
// reviews (the Amazon sample's training part, say) would not be comparable with the run's
// metrics.json. SentimentDataTests checks that it agrees with prepare.

import CourseData
import Foundation
import TensorCore

/// What a run's metrics.json (SentimentMetrics, written by `sentiment train`) says about the run,
/// read tolerantly: only these fields, every later option optional, so a run made by an older
/// version of the tool stays readable. `sentiment eval`/`deploy` and Lesson 6 read runs through it.
public struct RunRecord: Decodable, Sendable {
    public struct Options: Decodable, Sendable {
        public var dataset: SentimentDataset
        public var seed: UInt64
        public var limit: Int?
        public var maxLength: Int
        /// nil in runs made before the option existed, which judged at maxLength.
        public var evalMaxLength: Int?
        /// nil in runs made before the option existed, which kept the start of a review.
        public var truncation: Truncation?
        public var amazonDirectory: String?

        /// "the first 200" or "the last 2000": the tokens of a long test review the model read.
        public var tokensRead: String { "the \(truncation == .end ? "last" : "first") \(evalMaxLength ?? maxLength)" }
    }
    public var testAccuracy: Double
    public var f1: Double
    public var rocAUC: Double?
    public var testReviews: Int
    public var epochs: Int
    public var bestEpoch: Int
    public var trainingMinutes: Double
    public var parameterCount: Int
    public var options: Options

    enum CodingKeys: String, CodingKey {
        case testAccuracy = "test_accuracy", f1, rocAUC = "roc_auc", testReviews = "test_reviews", epochs
        case bestEpoch = "best_epoch", trainingMinutes = "training_minutes", parameterCount = "parameter_count", options
    }

    /// The record in `path`; nil when there is no such file. A file that is there but cannot be
    /// read as a metrics.json is an error naming it.
    public static func read(_ path: String) throws -> RunRecord? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read") }
        do {
            return try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw InputError(file: path, "not a metrics.json written by `sentiment train` (\(error))")
        }
    }
}

public enum RunTestSplit {
    /// The test split of a run made with `--dataset dataset --limit limit --seed seed`, and where
    /// its reviews came from (real data or generated, with the official download when generated).
    /// `amazonDirectory`: the run's folder of the full Amazon set (amazon-full only; nil: the default).
    public static func reviews(dataset: SentimentDataset, limit: Int?, seed: UInt64,
                               amazonDirectory: String? = nil) throws -> (reviews: [Review], source: String) {
        var test: [Review]
        var source: String
        switch dataset {
        case .imdb:
            let loaded = CourseDatasets.imdbOrGenerated(limitPerSplit: nil, seed: seed)
            (test, source) = (loaded.test, loaded.message)
        case .amazon:
            let all = try Amazon.loadFastText(Amazon.sharedSamplePath)
            test = SentimentCorpus.holdOut(labels: all.map(\.label), fraction: 0.2, seed: seed &+ 7).heldOut.map { all[$0] }
            source = "Amazon review polarity sample, its 20% test part: \(Amazon.sharedSamplePath)"
        case .amazonFull:
            // Sampled at the limit's size already: the subset below leaves it as it is.
            let sample = try SentimentCorpus.amazonFull(directory: amazonDirectory, split: .test,
                                                        total: limit ?? SentimentCorpus.amazonFullTestSample, seed: seed)
            (test, source) = (sample.reviews, "Amazon review polarity, full set: \(sample)")
        case .generated:
            // prepare makes the generated test split at the limit's size; there is no subset to take.
            return (GeneratedReviews.make(count: limit ?? CourseDatasets.generatedSplitSize, seed: seed &+ 1), "generated reviews")
        }
        if let limit, test.count > limit {
            let rows = SentimentCorpus.holdOut(labels: test.map(\.label), fraction: Double(limit) / Double(test.count), seed: seed &+ 12).heldOut
            test = rows.map { test[$0] }
        }
        return (test, source)
    }
}
