// The test split `sentiment eval` and `sentiment deploy` judge a saved model on: what --dataset,
// --limit and --seed say, otherwise what the run itself was tested on (the metrics.json train
// wrote beside the checkpoint). Judging a model on reviews it trained on (the Amazon sample's
// training part, say) would report a figure its run never measured.

import CourseData
import Foundation
import Lesson5
import TensorCore

struct JudgedTestSplit {
    var dataset: SentimentDataset
    var limit: Int?
    var seed: UInt64
    var reviews: [Review]
    var source: String
    /// The run's metrics.json, when it is there.
    var recorded: RunTestRecord?
    var metricsPath: String
    /// No choice was given on the command line: this is the run's own test split.
    var isRunsOwn: Bool

    static func resolve(model: String, savedDataset: String, dataset: SentimentDataset?, limit: Int?, seed: UInt64?,
                        amazonDirectory: String?) throws -> JudgedTestSplit {
        let folder = URL(fileURLWithPath: model).deletingLastPathComponent()
        let metricsPath = folder.appendingPathComponent("metrics.json").path
        let recorded = try RunTestRecord.read(metricsPath)
        let chosenDataset = dataset ?? recorded?.options.dataset ?? SentimentDataset(rawValue: savedDataset) ?? .imdb
        let chosenLimit = limit ?? recorded?.options.limit
        let chosenSeed = seed ?? recorded?.options.seed ?? 1
        if recorded == nil {
            print("no \(metricsPath): the test split is \(chosenDataset.rawValue)'s, limit \(chosenLimit.map(String.init) ?? "none"), "
                  + "seed \(chosenSeed); give --limit and --seed as the run was trained")
        }
        let (reviews, source) = try RunTestSplit.reviews(dataset: chosenDataset, limit: chosenLimit, seed: chosenSeed,
                                                         amazonDirectory: amazonDirectory ?? recorded?.options.amazonDirectory)
        guard !reviews.isEmpty else { throw InputError(file: model, "the \(chosenDataset.rawValue) test split is empty") }
        print("test split: \(reviews.count) reviews, \(chosenDataset.rawValue), limit \(chosenLimit.map(String.init) ?? "none"), "
              + "seed \(chosenSeed) (\(source))")
        return JudgedTestSplit(dataset: chosenDataset, limit: chosenLimit, seed: chosenSeed, reviews: reviews, source: source,
                               recorded: recorded, metricsPath: metricsPath,
                               isRunsOwn: recorded != nil && dataset == nil && limit == nil && seed == nil)
    }

    /// On the run's own split, whether `accuracy` on `reviews` reviews is what metrics.json says.
    func agreement(accuracy: Double, reviews: Int) -> String? {
        guard isRunsOwn, let recorded else { return nil }
        let same = reviews == recorded.testReviews && abs(accuracy - recorded.testAccuracy) < 1e-9
        return same ? String(format: "Float32 accuracy matches %@ (%.2f%% on %d reviews).", metricsPath as NSString,
                             100 * recorded.testAccuracy, recorded.testReviews)
                    : String(format: "MISMATCH: %@ says %.2f%% on %d reviews; this is not the test split the run used.",
                             metricsPath as NSString, 100 * recorded.testAccuracy, recorded.testReviews)
    }
}

/// The part of a run's metrics.json (Lesson 5's SentimentMetrics) that names its test split. Its
/// own type, so that options train gains later do not make older runs unreadable.
struct RunTestRecord: Decodable {
    struct Options: Decodable {
        var dataset: SentimentDataset
        var seed: UInt64
        var limit: Int?
        var amazonDirectory: String?
    }
    var options: Options
    var testAccuracy: Double
    var testReviews: Int

    enum CodingKeys: String, CodingKey {
        case options, testAccuracy = "test_accuracy", testReviews = "test_reviews"
    }

    /// nil when there is no such file; a file that is there but unreadable is an error.
    static func read(_ path: String) throws -> RunTestRecord? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read") }
        do {
            return try JSONDecoder().decode(RunTestRecord.self, from: data)
        } catch {
            throw InputError(file: path, "not a metrics.json written by train (\(error)); move it away and give --dataset, --limit and --seed")
        }
    }
}
