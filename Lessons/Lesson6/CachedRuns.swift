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
import WalkthroughSupport

/// The reference's runs in out/lesson6/runs, the student's own (TRACK=exercises, what `make
/// lesson6` builds by default) in out/lesson6/runs-exercises: a walkthrough on your exercises
/// judges models your code trained, and switching tracks retrains nothing. A smoke run trains
/// its own tiny runs into runs/ of its output folder (SmokeRuns.swift).
var runsDirectory: String {
    if walkthrough.smoke { return output.file("runs") }
    let track = ProcessInfo.processInfo.environment["TRACK"] ?? "solutions"
    return courseRoot + (track.hasPrefix("solution") ? "/out/lesson6/runs" : "/out/lesson6/runs-\(track)")
}

struct CachedRun {
    var name: String
    var folder: String
    var metrics: RunRecord
    /// The command that made the run (command.txt), as Tools/ablations.sh ran it.
    var command: String
    /// Every epoch's train and validation figures (from last.ckpt's metadata).
    var history: [EpochRecord]
    var bestCheckpoint: String { "\(folder)/best.ckpt" }

    /// The run in out/lesson6/runs/<name>, or nil (with the reason printed) when it is missing.
    static func load(_ name: String) -> CachedRun? {
        let folder = "\(runsDirectory)/\(name)"
        do {
            guard let metrics = try RunRecord.read("\(folder)/metrics.json") else {
                // A smoke run trains only a few runs (SmokeRuns.swift) and misses the others on purpose.
                if !walkthrough.smoke { print("  [\(name)] not trained yet: run `make lesson6` or Tools/ablations.sh (it caches into \(folder))") }
                return nil
            }
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
