// Your copy of Solutions/Lesson6/Deployment.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 12: what a trained sentiment model costs to ship and to run. Provided code,
// nothing to write here: the walkthrough (Lessons/Lesson6/DeploymentFigures.swift) and
// `sentiment deploy` (Sources/sentiment/Deploy.swift) both measure through it, and it runs your
// Int8RowQuantized (Quantization.swift) on every matrix of the model.
//
//   size on disk   the checkpoint as training wrote it (weights + Adam's two moments), the weights
//                  alone in Float32, the same weights int8 with per-row scales, the vocabulary file
//   latency        one review at a time, end to end (tokenise, encode, forward, sigmoid), with
//                  OpenBLAS on one thread and the LSTM's batch not split over threads
//   throughput     the whole test split in batches, every core, encoded first
//   int8           the int8 file read back, dequantised, evaluated on the same reviews

import CourseData
import Foundation
import Lesson5
import TensorCore
import Training

/// Every deployment figure of one model (the walkthrough's metrics.json and `deploy --json`).
public struct DeploymentRecord: Codable, Sendable {
    public var run: String
    public var command: String
    public var parameters: Int
    public var checkpointBytes: Int
    public var float32WeightsFileBytes: Int
    public var int8WeightsFileBytes: Int
    public var vocabularyFileBytes: Int
    public var fileSizeRatio: Double
    public var weightBytesRatio: Double
    public var latencyReviews: Int
    public var latencyThreads: Int
    public var latencyP50Milliseconds: Double
    public var latencyP99Milliseconds: Double
    public var latencyMeanTokens: Double
    public var throughputBatchSize: Int
    public var throughputReviewsPerSecond: Double
    public var throughputTokensPerSecond: Double
    public var testReviews: Int
    public var float32Accuracy: Double
    public var int8Accuracy: Double
    public var float32F1: Double
    public var int8F1: Double
    public var float32ROCAUC: Double?
    public var int8ROCAUC: Double?
    public var predictionsChanged: Int
    public var maxProbabilityChange: Double
    public var maxWeightError: Double
    public var weightErrorBound: Double
}

/// What to measure and where the two weight files go.
public struct DeploymentSettings: Sendable {
    /// The run's name and the command that trained it, copied into the record.
    public var run: String
    public var command: String
    /// The Float32 weights and the int8 model are written here; their sizes are these files'.
    public var float32Path: String
    public var int8Path: String
    /// The first this many reviews are timed one at a time, after `warmUpReviews` untimed ones.
    public var latencyReviews: Int
    public var warmUpReviews = 20
    /// Reviews per batch for the throughput and the two accuracies.
    public var batchSize: Int

    public init(run: String, command: String, float32Path: String, int8Path: String, latencyReviews: Int = 300, batchSize: Int = 64) {
        self.run = run
        self.command = command
        self.float32Path = float32Path
        self.int8Path = int8Path
        self.latencyReviews = latencyReviews
        self.batchSize = batchSize
    }
}

public enum Deployment {
    /// The model in `checkpointPath` with its vocabulary, checked to belong together: a vocabulary
    /// with more words than the embedding has rows would index past it at the first review.
    public static func loadModel(checkpointPath: String) throws -> SavedSentimentModel {
        let saved = try SavedSentimentModel(checkpointPath: checkpointPath)
        let rows = saved.model.config.vocabularySize
        guard saved.vocabulary.count == rows else {
            throw InputError(file: vocabularyPath(checkpointPath: checkpointPath, saved),
                             "\(saved.vocabulary.count) words, but the model in \(checkpointPath) has \(rows) embedding rows: not the vocabulary it was trained with")
        }
        return saved
    }

    /// The vocabulary file a checkpoint names, in the checkpoint's folder.
    public static func vocabularyPath(checkpointPath: String, _ saved: SavedSentimentModel) -> String {
        URL(fileURLWithPath: checkpointPath).deletingLastPathComponent().appendingPathComponent(saved.description.vocabularyFile).path
    }

    /// Measures the model in `checkpointPath` on `reviews` (its test split): writes its weights in
    /// Float32 and in int8 to the settings' paths, times it, and evaluates both versions.
    public static func measure(checkpointPath: String, reviews: [Review], settings: DeploymentSettings) throws -> DeploymentRecord {
        precondition(!reviews.isEmpty && settings.latencyReviews > 0 && settings.batchSize > 0,
                     "Deployment.measure: \(reviews.count) reviews, \(settings.latencyReviews) timed, batches of \(settings.batchSize)")
        var saved = try loadModel(checkpointPath: checkpointPath)

        // Size on disk.
        try Checkpoint(tensors: saved.model.modelTensors, metadata: saved.description).write(to: settings.float32Path)
        let quantized = QuantizedSentimentModel(saved.model, description: saved.description)
        try quantized.write(to: settings.int8Path)
        let (maxError, bound) = quantized.maxError(against: saved.model)

        // Accuracy, Float32 against int8 read back from disk; the Float32 pass is also the throughput.
        let labels = reviews.map(\.label)
        let split = EncodedSplit(sequences: saved.encode(reviews.map(\.text)).sequences, labels: labels)
        let start = DispatchTime.now().uptimeNanoseconds
        let floatResult = evaluate(saved.model, split, batchSize: settings.batchSize)
        let batchSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let int8Model = try QuantizedSentimentModel(contentsOf: settings.int8Path).dequantizedModel()
        let int8Result = evaluate(int8Model, split, batchSize: settings.batchSize)
        let floatReport = ClassificationReport(labels: labels, scores: floatResult.probabilities, threshold: Float(0.5))
        let int8Report = ClassificationReport(labels: labels, scores: int8Result.probabilities, threshold: Float(0.5))
        let pairs = zip(floatResult.probabilities, int8Result.probabilities)
        let changed = pairs.filter { ($0 > 0.5) != ($1 > 0.5) }.count
        let maxChange = pairs.map { Double(abs($0 - $1)) }.max() ?? 0

        // Latency: one review at a time, one BLAS thread, the batch (of one) not sharded.
        let sample = Array(reviews.prefix(settings.latencyReviews))
        let savedThreads = Parallel.blasThreads
        Parallel.blasThreads = 1
        defer { Parallel.blasThreads = savedThreads }
        saved.model.encoder.lstm?.batchShards = 1
        for r in sample.prefix(settings.warmUpReviews) { _ = saved.predict([r.text]) }   // warm-up: caches, allocator
        var milliseconds: [Double] = []
        for r in sample {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = saved.predict([r.text])
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        let sampleTokens = saved.encode(sample.map(\.text)).sequences.map { Double($0.count) }

        let float32Bytes = try fileSize(settings.float32Path), int8Bytes = try fileSize(settings.int8Path)
        return DeploymentRecord(
            run: settings.run, command: settings.command, parameters: saved.model.modelTensors.reduce(0) { $0 + $1.tensor.count },
            checkpointBytes: try fileSize(checkpointPath), float32WeightsFileBytes: float32Bytes, int8WeightsFileBytes: int8Bytes,
            vocabularyFileBytes: try fileSize(vocabularyPath(checkpointPath: checkpointPath, saved)),
            fileSizeRatio: Double(float32Bytes) / Double(max(1, int8Bytes)),
            weightBytesRatio: Double(quantized.floatBytes) / Double(max(1, quantized.weightBytes)),
            latencyReviews: milliseconds.count, latencyThreads: 1,
            latencyP50Milliseconds: percentile(milliseconds, 50), latencyP99Milliseconds: percentile(milliseconds, 99),
            latencyMeanTokens: sampleTokens.reduce(0, +) / Double(max(1, sampleTokens.count)),
            throughputBatchSize: settings.batchSize, throughputReviewsPerSecond: Double(reviews.count) / batchSeconds,
            throughputTokensPerSecond: Double(split.tokens) / batchSeconds,
            testReviews: reviews.count, float32Accuracy: floatReport.accuracy, int8Accuracy: int8Report.accuracy,
            float32F1: floatReport.f1, int8F1: int8Report.f1, float32ROCAUC: floatReport.rocAUC, int8ROCAUC: int8Report.rocAUC,
            predictionsChanged: changed, maxProbabilityChange: maxChange,
            maxWeightError: Double(maxError), weightErrorBound: Double(bound))
    }

    /// The size of a file in bytes.
    public static func fileSize(_ path: String) throws -> Int {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
            throw InputError(file: path, "cannot read the file's size (missing or unreadable)")
        }
        return size.intValue
    }

    /// The p-th percentile (0...100) of `values` by the nearest-rank method (NaN for no values).
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// The figures as lines of text; `float32File` and `int8File` say where the weight files are.
    public static func report(_ d: DeploymentRecord, float32File: String, int8File: String) -> [String] {
        func mb(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1e6) }
        func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
        func fmt(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "undefined" }
        let sizes = [("best.ckpt as training wrote it (weights + Adam moments)", d.checkpointBytes),
                     ("weights only, Float32 (\(float32File))", d.float32WeightsFileBytes),
                     ("weights only, int8 + per-row scales (\(int8File))", d.int8WeightsFileBytes),
                     ("vocabulary.json (needed by both)", d.vocabularyFileBytes)]
        let width = sizes.map(\.0.count).max() ?? 0
        return ["model: \(d.parameters) weights (run \(d.run): \(d.command))", "size on disk:"]
            + sizes.map { "  " + $0.0.padding(toLength: width + 3, withPad: " ", startingAt: 0) + mb($0.1) }
            + [String(format: "  Float32 / int8 file size: %.2fx (weights alone %.2fx; 4x would need free scales and int8 biases)",
                      d.fileSizeRatio, d.weightBytesRatio),
               String(format: "latency, one review end to end on %d thread, %d reviews (mean %.0f tokens): p50 %.2f ms, p99 %.2f ms",
                      d.latencyThreads, d.latencyReviews, d.latencyMeanTokens, d.latencyP50Milliseconds, d.latencyP99Milliseconds),
               String(format: "batch throughput (batches of %d, encoded test split): %.0f reviews/s, %.0f tokens/s",
                      d.throughputBatchSize, d.throughputReviewsPerSecond, d.throughputTokensPerSecond),
               String(format: "int8 on the test split (%d reviews): accuracy %@ -> %@ (%+.2f points), F1 %.4f -> %.4f, ROC AUC %@ -> %@",
                      d.testReviews, percent(d.float32Accuracy) as NSString, percent(d.int8Accuracy) as NSString,
                      100 * (d.int8Accuracy - d.float32Accuracy), d.float32F1, d.int8F1, fmt(d.float32ROCAUC) as NSString,
                      fmt(d.int8ROCAUC) as NSString),
               String(format: "  %d predicted labels changed, largest probability change %.4f; largest weight error %.2e (bound: half the largest scale, %.2e)",
                      d.predictionsChanged, d.maxProbabilityChange, d.maxWeightError, d.weightErrorBound)]
    }
}
