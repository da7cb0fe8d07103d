// The test split `sentiment eval` and `sentiment deploy` judge a saved model on: what --dataset,
// --limit and --seed say, otherwise what the run itself was tested on (the metrics.json train
// wrote beside the checkpoint). Judging a model on reviews it trained on (the Amazon sample's
// training part, say) would report a figure its run never measured.

import ArgumentParser
import CourseData
import Foundation
import Lesson5
import TensorCore

/// --model and the split's options, shared by `eval` and `deploy`.
struct JudgedSplitOptions: ParsableArguments {
    @Option(help: "A checkpoint written by train (its vocabulary.json must be beside it).")
    var model: String
    @Option(help: "imdb, amazon, generated or amazon-full (default: the run's, from metrics.json beside the checkpoint).")
    var dataset: SentimentDataset?
    @Option(help: "The test subset as `train --limit N` took it (default: the run's).")
    var limit: Int?
    @Option(help: "The seed of that subset, of the Amazon sample's test part and of generated reviews (default: the run's, else 1).")
    var seed: UInt64?
    @Option(name: .customLong("amazon-dir"), help: "amazon-full: the folder of Zhang's test.csv (default: the run's, else as for train).")
    var amazonDir: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// The split for the model saved as `model` (whose description names its data set).
    func resolve(savedDataset: String) throws -> JudgedTestSplit {
        try JudgedTestSplit.resolve(model: model, savedDataset: savedDataset, dataset: dataset, limit: limit, seed: seed,
                                    amazonDirectory: amazonDir)
    }
}

struct JudgedTestSplit {
    var dataset: SentimentDataset
    var limit: Int?
    var seed: UInt64
    var reviews: [Review]
    var source: String
    /// The run's metrics.json, when it is there.
    var recorded: RunRecord?
    var metricsPath: String
    /// No choice was given on the command line: this is the run's own test split.
    var isRunsOwn: Bool

    static func resolve(model: String, savedDataset: String, dataset: SentimentDataset?, limit: Int?, seed: UInt64?,
                        amazonDirectory: String?) throws -> JudgedTestSplit {
        let folder = URL(fileURLWithPath: model).deletingLastPathComponent()
        let metricsPath = folder.appendingPathComponent("metrics.json").path
        let recorded = try RunRecord.read(metricsPath)
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
    /// metrics.json records the test accuracy of the run's best.ckpt; another checkpoint of the
    /// run (last.ckpt, a step checkpoint) is only set beside it.
    func agreement(accuracy: Double, reviews: Int, model: String) -> String? {
        guard isRunsOwn, let recorded else { return nil }
        guard URL(fileURLWithPath: model).lastPathComponent == "best.ckpt" else {
            return String(format: "(%@ records best.ckpt: %.2f%% on %d reviews.)", metricsPath as NSString,
                          100 * recorded.testAccuracy, recorded.testReviews)
        }
        let same = reviews == recorded.testReviews && abs(accuracy - recorded.testAccuracy) < 1e-9
        return same ? String(format: "Float32 accuracy matches %@ (%.2f%% on %d reviews).", metricsPath as NSString,
                             100 * recorded.testAccuracy, recorded.testReviews)
                    : String(format: "MISMATCH: %@ says %.2f%% on %d reviews; this is not the test split the run used.",
                             metricsPath as NSString, 100 * recorded.testAccuracy, recorded.testReviews)
    }
}
