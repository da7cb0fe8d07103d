// A smoke run (`--smoke`, what `make test` runs) has no time for Tools/ablations.sh. Instead it
// trains a few tiny runs itself, the way `sentiment train` does (SentimentRun, Lesson 5), into
// the runs folder of its temporary output folder: 200 generated reviews (the Amazon sample for
// the amazon run), one epoch, H = 8. Their figures mean nothing; they let every LSTM section
// read, judge and draw real runs, so a change that breaks one of them fails `make test`.

import CourseData
import Foundation
import Lesson5
import TensorCore
import WalkthroughSupport

enum SmokeRuns {
    /// The runs each LSTM section needs at least once: the base row and one more seed of it, the
    /// GRU row twice (the seed spreads), attention pooling, the Amazon run and two sweep cells.
    static let runs: [(name: String, seed: UInt64, edit: (inout SentimentRunOptions) -> Void)] = [
        ("base", 1, { _ in }),
        ("base-seed2", 2, { _ in }),
        ("cell-gru", 1, { $0.cell = .gru }),
        ("cell-gru-seed2", 2, { $0.cell = .gru }),
        ("pooling-attention", 1, { $0.pooling = .attention }),
        ("amazon", 1, { $0.dataset = FileManager.default.fileExists(atPath: Amazon.sharedSamplePath) ? .amazon : .generated }),
        (sweepRunName(learningRate: 0.001, batchSize: 16), 1, { $0.learningRate = 0.001; $0.batchSize = 16 }),
        (sweepRunName(learningRate: 0.01, batchSize: 16), 1, { $0.learningRate = 0.01; $0.batchSize = 16 }),
    ]

    /// Trains every run of `runs` into `directory`/<name>, as Tools/ablations.sh lays them out.
    static func train(into directory: String) throws {
        let start = Date()
        for run in runs {
            let folder = "\(directory)/\(run.name)"
            var o = SentimentRunOptions(out: folder)
            o.dataset = .generated
            o.limit = 200
            o.epochs = 1
            o.hidden = 8
            o.embedding = .random
            o.embeddingSize = 16
            o.maxLength = 60
            o.vocabularySize = 3_000
            o.learningRate = 0.01
            o.batchSize = 32
            o.checkpointEverySteps = 0
            o.seed = run.seed
            run.edit(&o)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "smoke run (trained by the Lesson 6 walkthrough): \(o.fingerprint)\n"
                .write(toFile: "\(folder)/command.txt", atomically: true, encoding: .utf8)
            guard try SentimentRun.run(o, resume: false, log: { _ in }) != nil else {
                throw InputError(file: folder, "the smoke run stopped before its end")
            }
        }
        print(String(format: "Smoke run: trained %d tiny runs into %@ in %.1f s.", runs.count, directory as NSString,
                     Date().timeIntervalSince(start)))
    }
}
