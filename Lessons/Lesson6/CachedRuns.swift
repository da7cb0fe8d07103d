// The LSTM runs this walkthrough judges are ordinary `sentiment train` runs, made by
// Tools/ablations.sh into out/lesson6/runs/<name>/ (metrics.json, best.ckpt, last.ckpt,
// vocabulary.json, command.txt); `make lesson6` runs the script first, which trains only the
// runs not cached yet. Kept apart from the walkthrough so that rerunning the story takes a few
// minutes, not half an hour, and every figure still has the command behind it.

import CourseData
import Foundation
import Lesson5
import TensorCore
import Training

/// The reference's runs in out/lesson6/runs, the student's own (TRACK=exercises, what `make
/// lesson6` builds by default) in out/lesson6/runs-exercises: a walkthrough on your exercises
/// judges models your code trained, and switching tracks retrains nothing.
let runsDirectory: String = {
    let track = ProcessInfo.processInfo.environment["TRACK"] ?? "solutions"
    return courseRoot + (track.hasPrefix("solution") ? "/out/lesson6/runs" : "/out/lesson6/runs-\(track)")
}()

/// The part of a run's metrics.json (Lesson 5's SentimentMetrics) this walkthrough reads. Its
/// own type, so that options Lesson 5 adds later do not make older cached runs unreadable.
struct RunMetrics: Decodable {
    struct Options: Decodable {
        var dataset: SentimentDataset
        var seed: UInt64
        var limit: Int?
        var maxLength: Int
        /// nil in runs made before the option existed, which kept the start of a review.
        var truncation: Truncation?
        var amazonDirectory: String?

        /// "the first 200" or "the last 200": the tokens of a long review the model read.
        var tokensRead: String { "the \(truncation == .end ? "last" : "first") \(maxLength)" }
    }
    var testAccuracy: Double
    var f1: Double
    var rocAUC: Double?
    var testReviews: Int
    var epochs: Int
    var bestEpoch: Int
    var trainingMinutes: Double
    var parameterCount: Int
    var options: Options

    enum CodingKeys: String, CodingKey {
        case testAccuracy = "test_accuracy", f1, rocAUC = "roc_auc", testReviews = "test_reviews", epochs
        case bestEpoch = "best_epoch", trainingMinutes = "training_minutes", parameterCount = "parameter_count", options
    }
}

struct CachedRun {
    var name: String
    var folder: String
    var metrics: RunMetrics
    /// The command that made the run (command.txt), as Tools/ablations.sh ran it.
    var command: String
    /// Every epoch's train and validation figures (from last.ckpt's metadata).
    var history: [EpochRecord]
    var bestCheckpoint: String { "\(folder)/best.ckpt" }

    /// The run in out/lesson6/runs/<name>, or nil (with the reason printed) when it is missing.
    static func load(_ name: String) -> CachedRun? {
        let folder = "\(runsDirectory)/\(name)"
        do {
            guard let data = FileManager.default.contents(atPath: "\(folder)/metrics.json") else {
                print("  [\(name)] not trained yet: run `make lesson6` or Tools/ablations.sh (it caches into \(folder))")
                return nil
            }
            let metrics = try JSONDecoder().decode(RunMetrics.self, from: data)
            let command = (try? String(contentsOfFile: "\(folder)/command.txt", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "(command.txt missing)"
            let last = try Checkpoint.read(from: "\(folder)/last.ckpt")
            let history = try last.decodeMetadata(CheckpointMetadata.self).state.history
            return CachedRun(name: name, folder: folder, metrics: metrics, command: command, history: history)
        } catch {
            print("  [\(name)] could not be read (\(error)); delete \(folder) and rerun Tools/ablations.sh")
            return nil
        }
    }

    /// The raw test reviews of this run, in the order SentimentCorpus.prepare (Lesson 5) encodes
    /// them: the same data set, the same stratified subset. Needed where the text matters (review
    /// length before truncation, words for the attention map, another model's vocabulary).
    func testReviews() throws -> [Review] {
        let o = metrics.options
        return try RunTestSplit.reviews(dataset: o.dataset, limit: o.limit, seed: o.seed, amazonDirectory: o.amazonDirectory).reviews
    }
}

/// A table row: a name, then right-aligned cells.
func tableRow(_ name: String, _ nameWidth: Int, _ cells: [String], width: Int = 10) -> String {
    "  " + pad(name, nameWidth) + cells.map { pad($0, width, right: true) }.joined()
}
