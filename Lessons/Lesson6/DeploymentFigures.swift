// Section 12: what the trained model costs to ship and to run, measured on the base run of
// Tools/ablations.sh (release build; timings on this machine, whatever else it is doing).
//
//   size on disk       best.ckpt as training wrote it (weights + Adam's two moments), the
//                      weights alone in Float32, the same weights int8 with per-row scales
//                      (Solutions/Lesson6/Quantization.swift), and the vocabulary file
//   latency            one review at a time, end to end (tokenise, encode, forward, sigmoid),
//                      on ONE thread (OpenBLAS and the LSTM's batch shards both set to 1)
//   throughput         the whole test split in batches of 64 reviews, both cores, encoded first
//   int8               the int8 file read back, dequantised, evaluated on the same test split

import CourseData
import Foundation
import Lesson5
import Lesson6
import TensorCore
import Training

struct DeploymentRecord: Codable {
    var run: String
    var command: String
    var parameters: Int
    var checkpointBytes: Int
    var float32WeightsFileBytes: Int
    var int8WeightsFileBytes: Int
    var vocabularyFileBytes: Int
    var fileSizeRatio: Double
    var weightBytesRatio: Double
    var latencyReviews: Int
    var latencyThreads: Int
    var latencyP50Milliseconds: Double
    var latencyP99Milliseconds: Double
    var latencyMeanTokens: Double
    var throughputBatchSize: Int
    var throughputReviewsPerSecond: Double
    var throughputTokensPerSecond: Double
    var testReviews: Int
    var float32Accuracy: Double
    var int8Accuracy: Double
    var float32F1: Double
    var int8F1: Double
    var float32ROCAUC: Double?
    var int8ROCAUC: Double?
    var predictionsChanged: Int
    var maxProbabilityChange: Double
    var maxWeightError: Double
    var weightErrorBound: Double
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The p-th percentile (0...100) of `values` by the nearest-rank method.
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[max(0, min(sorted.count - 1, rank - 1))]
}

func measureDeployment(_ run: CachedRun, reviews: [Review]) throws -> DeploymentRecord {
    var saved = try SavedSentimentModel(checkpointPath: run.bestCheckpoint)
    let folder = "\(outDirectory)/deploy"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

    // Size on disk.
    let floatPath = "\(folder)/model-float32.ckpt", int8Path = "\(folder)/model-int8.bin"
    try Checkpoint(tensors: saved.model.modelTensors, metadata: saved.description).write(to: floatPath)
    let quantized = QuantizedSentimentModel(saved.model, description: saved.description)
    try quantized.write(to: int8Path)
    let (maxError, bound) = quantized.maxError(against: saved.model)

    // Accuracy, Float32 against int8 read back from disk.
    let encoded = saved.encode(reviews.map(\.text))
    let split = EncodedSplit(sequences: encoded.sequences, labels: reviews.map(\.label))
    let labels = reviews.map(\.label)
    let start = Date()
    let floatResult = evaluate(saved.model, split, batchSize: 64)
    let batchSeconds = Date().timeIntervalSince(start)
    let int8Model = try QuantizedSentimentModel(contentsOf: int8Path).dequantizedModel()
    let int8Result = evaluate(int8Model, split, batchSize: 64)
    let floatReport = ClassificationReport(labels: labels, scores: floatResult.probabilities, threshold: Float(0.5))
    let int8Report = ClassificationReport(labels: labels, scores: int8Result.probabilities, threshold: Float(0.5))
    let changed = zip(floatResult.probabilities, int8Result.probabilities).filter { ($0 > 0.5) != ($1 > 0.5) }.count
    let maxChange = zip(floatResult.probabilities, int8Result.probabilities).map { Double(abs($0 - $1)) }.max() ?? 0

    // Latency: one review at a time, one thread.
    let savedThreads = Parallel.blasThreads
    Parallel.blasThreads = 1
    saved.model.lstm.batchShards = 1
    let sample = Array(reviews.prefix(300))
    for r in sample.prefix(20) { _ = saved.predict([r.text]) }   // warm-up: caches, allocator
    var milliseconds: [Double] = []
    for r in sample {
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = saved.predict([r.text])
        milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    Parallel.blasThreads = savedThreads
    let sampleTokens = saved.encode(sample.map(\.text)).sequences.map { Double($0.count) }

    let weightBytesRatio = Double(quantized.floatBytes) / Double(max(1, quantized.weightBytes))
    return DeploymentRecord(
        run: run.name, command: run.command, parameters: saved.model.modelTensors.reduce(0) { $0 + $1.tensor.count },
        checkpointBytes: fileSize(run.bestCheckpoint), float32WeightsFileBytes: fileSize(floatPath),
        int8WeightsFileBytes: fileSize(int8Path), vocabularyFileBytes: fileSize("\(run.folder)/vocabulary.json"),
        fileSizeRatio: Double(fileSize(floatPath)) / Double(max(1, fileSize(int8Path))), weightBytesRatio: weightBytesRatio,
        latencyReviews: milliseconds.count, latencyThreads: 1,
        latencyP50Milliseconds: percentile(milliseconds, 50), latencyP99Milliseconds: percentile(milliseconds, 99),
        latencyMeanTokens: sampleTokens.reduce(0, +) / Double(max(1, sampleTokens.count)),
        throughputBatchSize: 64, throughputReviewsPerSecond: Double(reviews.count) / batchSeconds,
        throughputTokensPerSecond: Double(split.tokens) / batchSeconds,
        testReviews: reviews.count, float32Accuracy: floatReport.accuracy, int8Accuracy: int8Report.accuracy,
        float32F1: floatReport.f1, int8F1: int8Report.f1, float32ROCAUC: floatReport.rocAUC, int8ROCAUC: int8Report.rocAUC,
        predictionsChanged: changed, maxProbabilityChange: maxChange,
        maxWeightError: Double(maxError), weightErrorBound: Double(bound))
}

func printDeployment(_ d: DeploymentRecord) {
    func mb(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1e6) }
    print("model: \(d.parameters) weights (run \(d.run): \(d.command))")
    print("size on disk:")
    print("  best.ckpt as training wrote it (weights + Adam moments)   \(mb(d.checkpointBytes))")
    print("  weights only, Float32 (deploy/model-float32.ckpt)         \(mb(d.float32WeightsFileBytes))")
    print("  weights only, int8 + per-row scales (deploy/model-int8.bin) \(mb(d.int8WeightsFileBytes))")
    print("  vocabulary.json (needed by both)                           \(mb(d.vocabularyFileBytes))")
    print(String(format: "  Float32 / int8 file size: %.2fx (weights alone %.2fx; 4x would need free scales and int8 biases)",
                 d.fileSizeRatio, d.weightBytesRatio))
    print(String(format: "latency, one review end to end on %d thread, %d reviews (mean %.0f tokens): p50 %.2f ms, p99 %.2f ms",
                 d.latencyThreads, d.latencyReviews, d.latencyMeanTokens, d.latencyP50Milliseconds, d.latencyP99Milliseconds))
    print(String(format: "batch throughput (batches of %d, encoded test split): %.0f reviews/s, %.0f tokens/s",
                 d.throughputBatchSize, d.throughputReviewsPerSecond, d.throughputTokensPerSecond))
    print(String(format: "int8 on the test split (%d reviews): accuracy %@ -> %@ (%+.2f points), F1 %.4f -> %.4f, ROC AUC %@ -> %@",
                 d.testReviews, percent(d.float32Accuracy) as NSString, percent(d.int8Accuracy) as NSString,
                 100 * (d.int8Accuracy - d.float32Accuracy), d.float32F1, d.int8F1, fmt(d.float32ROCAUC) as NSString, fmt(d.int8ROCAUC) as NSString))
    print(String(format: "  %d predicted labels changed, largest probability change %.4f; largest weight error %.2e (bound: half the largest scale, %.2e)",
                 d.predictionsChanged, d.maxProbabilityChange, d.maxWeightError, d.weightErrorBound))
}
