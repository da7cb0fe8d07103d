// `sentiment deploy`: what a trained model costs to ship and to run (Lesson 6, section 12), for
// any run of `sentiment train`. The measuring is Lesson 6's Deployment.swift, the same code as the
// walkthrough's figures.
//
// The figures are only comparable with the run's own when they come from its test split: the
// data set, --limit and --seed default to the run's, read from the metrics.json that train
// wrote beside the checkpoint, and the Float32 accuracy is checked against it.

import ArgumentParser
import CourseData
import Foundation
import Lesson5
import Lesson6
import TensorCore
import Training

struct Deploy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Size on disk, single-review latency, batch throughput and the int8 model's accuracy.",
        discussion: """
            Evaluates on the run's own test split: --dataset, --limit and --seed default to the values in the \
            metrics.json beside the checkpoint. Time it in a release build (swift build -c release).
            """)

    @OptionGroup var split: JudgedSplitOptions
    @Option(name: .customLong("latency-reviews"), help: "Reviews timed one at a time: the first ones of the test split.")
    var latencyReviews = 300
    @Option(name: .customLong("batch-size"), help: "Reviews per batch for the throughput and the accuracies.")
    var batchSize = 64
    @Option(name: .customLong("int8-out"), help: "Keep the int8 model (LSTMINT8 format) in this file.")
    var int8Out: String?
    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        guard latencyReviews >= 1 else { throw ValidationError("--latency-reviews must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        #if DEBUG
        print("note: a debug build; the latency and throughput mean little (swift build -c release --product sentiment)")
        #endif
        // Read and prepare first, so that a bad checkpoint, vocabulary or output folder stops
        // before the data set is loaded.
        let saved = try Deployment.loadModel(checkpointPath: split.model)
        for path in [int8Out, json].compactMap({ $0 }) {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw InputError(file: path, "cannot create its folder \(parent.path): \(error.localizedDescription)")
            }
        }
        let folder = URL(fileURLWithPath: split.model).deletingLastPathComponent()
        let judged = try split.resolve(savedDataset: saved.description.dataset)
        let reviews = judged.reviews

        // The Float32 weights file exists only to be measured; the int8 one stays where --int8-out says.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-deploy-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let commandFile = folder.appendingPathComponent("command.txt").path
        let command = (try? String(contentsOfFile: commandFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let settings = DeploymentSettings(
            run: folder.lastPathComponent, command: command ?? "no command.txt beside the checkpoint",
            float32Path: scratch.appendingPathComponent("model-float32.ckpt").path,
            int8Path: int8Out ?? scratch.appendingPathComponent("model-int8.bin").path,
            latencyReviews: latencyReviews, batchSize: batchSize)
        let d = try Deployment.measure(checkpointPath: split.model, reviews: reviews, settings: settings)
        Deployment.report(d, float32File: "measured, not kept", int8File: int8Out ?? "measured, not kept").forEach { print($0) }

        if let check = judged.agreement(accuracy: d.float32Accuracy, reviews: d.testReviews, model: split.model) { print(check) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(d), to: json)
            print("wrote \(json)")
        }
        if let int8Out { print("wrote \(int8Out)") }
    }
}
