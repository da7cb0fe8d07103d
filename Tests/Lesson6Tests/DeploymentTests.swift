// Section 12: the deployment figures (Deployment.swift) of a small untrained model saved as
// `sentiment train` saves one, on generated reviews: they run your quantisation on every matrix.

import CourseData
import Foundation
import Lesson2
import Lesson5
import Lesson6
import TensorCore
import Training
import XCTest

final class DeploymentTests: XCTestCase {
    func testDeployment_sizesLatencyAndInt8Agreement() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lesson6-deploy-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // A checkpoint and a vocabulary as train writes them. Rows of 32 and 64 weights: the four
        // bytes of each row's scale keep the int8 file above a quarter of the Float32 one.
        let reviews = GeneratedReviews.make(count: 48, seed: 61)
        let vocabulary = Vocabulary(counting: SentimentCorpus.tokenize(reviews.map(\.text)), maxSize: 500, minFrequency: 1)
        try vocabulary.save(to: "\(folder)/vocabulary.json")
        let config = SentimentLSTMConfig(vocabularySize: vocabulary.count, embeddingSize: 64, hiddenSize: 32, layers: 1,
                                         bidirectional: true, pooling: .max, dropout: 0)
        var rng = SeededRNG(seed: 62)
        var model = SentimentLSTM<Float>(config: config, rng: &rng)
        // An untrained model's logits sit close together on one side of 0. Spread them over about
        // 4 and move 0 into the widest gap between neighbouring logits of the middle third:
        // logit' = k (logit - t). Then about half the reviews are predicted positive, and no review
        // sits so close to 0 that rounding decides its label (Deployment evaluates in batches of
        // 16, `predict` in one of 48: other matrix products, which each machine's BLAS kernel
        // rounds in its own way). The nearest is about 0.02 from p = 0.5 under every kernel.
        let split = EncodedSplit(sequences: SentimentCorpus.tokenize(reviews.map(\.text)).map { Array(vocabulary.encode($0).prefix(40)) },
                                 labels: reviews.map(\.label))
        let logits = evaluate(model, split).probabilities.map { log($0 / (1 - $0)) }.sorted()
        let middle = (logits.count / 3)..<(2 * logits.count / 3)
        let widest = middle.max { logits[$0 + 1] - logits[$0] < logits[$1 + 1] - logits[$1] } ?? logits.count / 2
        let threshold = (logits[widest] + logits[widest + 1]) / 2
        let k = 4 / max(1e-4, (logits.last ?? 0) - (logits.first ?? 0))
        model.output.weight = k * model.output.weight
        model.output.bias = k * (model.output.bias - Tensor([threshold]))
        let description = SentimentModelDescription(config: config, maxLength: 40, dataset: "generated", embedding: "random")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let state = TrainingState(seed: 62, fingerprint: "test", learningRate: 1e-3, plateau: nil, earlyStopping: EarlyStopping())
        let metadata = CheckpointMetadata(state: state, model: String(decoding: try encoder.encode(description), as: UTF8.self))
        let checkpointPath = "\(folder)/best.ckpt"
        try Checkpoint(tensors: model.modelTensors, metadata: metadata).write(to: checkpointPath)

        let settings = DeploymentSettings(run: "test", command: "none", float32Path: "\(folder)/model-float32.ckpt",
                                          int8Path: "\(folder)/model-int8.bin", latencyReviews: 30, batchSize: 16)
        let d = try Deployment.measure(checkpointPath: checkpointPath, reviews: reviews, settings: settings)

        // Sizes are the files' sizes.
        func size(_ path: String) throws -> Int { try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path))[.size] as? NSNumber).intValue }
        XCTAssertEqual(d.checkpointBytes, try size(checkpointPath), "checkpointBytes vs best.ckpt on disk")
        XCTAssertEqual(d.float32WeightsFileBytes, try size(settings.float32Path), "float32WeightsFileBytes vs the file")
        XCTAssertEqual(d.int8WeightsFileBytes, try size(settings.int8Path), "int8WeightsFileBytes vs the file")
        XCTAssertEqual(d.vocabularyFileBytes, try size("\(folder)/vocabulary.json"), "vocabularyFileBytes vs vocabulary.json")
        let scalars = model.modelTensors.reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(d.parameters, scalars, "parameters: every scalar of the saved tensors")
        XCTAssertGreaterThan(d.fileSizeRatio, 3, "Float32 file \(d.float32WeightsFileBytes) B / int8 file \(d.int8WeightsFileBytes) B")
        XCTAssertLessThan(d.fileSizeRatio, 4, "an int8 file cannot be 4x smaller: its row scales and biases are Float")
        // The weights alone: 4 bytes per scalar against 1 per matrix weight + 4 per row scale + 4 per vector element.
        let int8Bytes = model.modelTensors.reduce(0) { n, t in
            t.tensor.rank == 2 ? n + t.tensor.count + 4 * t.tensor.shape[0] : n + 4 * t.tensor.count
        }
        XCTAssertEqual(d.weightBytesRatio, Double(4 * scalars) / Double(int8Bytes), accuracy: 1e-12, "weightBytesRatio")

        // Per-row scales: every dequantised weight within half its row's scale.
        XCTAssertGreaterThan(d.maxWeightError, 0, "int8 rounding must change some weight")
        XCTAssertLessThanOrEqual(d.maxWeightError, d.weightErrorBound * 1.0001,
                                 "largest weight error \(d.maxWeightError) above half the largest scale \(d.weightErrorBound)")
        let back = try QuantizedSentimentModel(contentsOf: settings.int8Path)
        XCTAssertEqual(Set(back.matrices.keys), Set(model.modelTensors.filter { $0.tensor.rank == 2 }.map(\.name)),
                       "the int8 file holds every matrix as int8")

        // The int8 model predicts (nearly) what the Float32 one does; the Float32 figures are the model's own.
        XCTAssertEqual(d.testReviews, reviews.count, "testReviews")
        XCTAssertLessThanOrEqual(d.predictionsChanged, reviews.count / 10, "labels flipped by int8: \(d.predictionsChanged) of \(reviews.count)")
        XCTAssertLessThan(d.maxProbabilityChange, 0.02, "largest probability change from int8")
        let saved = try SavedSentimentModel(checkpointPath: checkpointPath)
        let probabilities = saved.predict(reviews.map(\.text))
        let positives = probabilities.filter { $0 > 0.5 }.count
        XCTAssertTrue((12...36).contains(positives), "\(positives) of 48 reviews predicted positive; the test needs both labels")
        XCTAssertGreaterThan(probabilities.map { abs($0 - 0.5) }.min() ?? 0, 1e-3, "no review may sit on the threshold, where rounding labels it")
        let expected = ClassificationReport(labels: reviews.map(\.label), scores: probabilities, threshold: Float(0.5))
        XCTAssertEqual(d.float32Accuracy, expected.accuracy, accuracy: 1e-12, "float32Accuracy vs the saved model's own predictions")
        XCTAssertEqual(d.float32F1, expected.f1, accuracy: 1e-12, "float32F1")
        XCTAssertEqual(d.int8Accuracy, d.float32Accuracy, accuracy: Double(d.predictionsChanged) / Double(reviews.count) + 1e-12,
                       "int8 accuracy moves by at most the share of flipped labels")

        // Timings: ordered percentiles of the asked-for number of reviews, a throughput.
        XCTAssertEqual(d.latencyReviews, 30, "reviews timed one at a time")
        XCTAssertEqual(d.latencyThreads, 1, "latencyThreads")
        XCTAssertGreaterThan(d.latencyP50Milliseconds, 0, "p50 latency")
        XCTAssertLessThanOrEqual(d.latencyP50Milliseconds, d.latencyP99Milliseconds, "p50 <= p99")
        let tokens = saved.encode(reviews.prefix(30).map(\.text)).sequences.map(\.count)
        XCTAssertEqual(d.latencyMeanTokens, Double(tokens.reduce(0, +)) / 30, accuracy: 1e-9, "mean tokens of the timed reviews")
        XCTAssertEqual(d.throughputBatchSize, 16, "throughputBatchSize")
        XCTAssertGreaterThan(d.throughputReviewsPerSecond, 0, "reviews/s")
        let allTokens = saved.encode(reviews.map(\.text)).tokens
        XCTAssertEqual(d.throughputTokensPerSecond / d.throughputReviewsPerSecond, Double(allTokens) / Double(reviews.count),
                       accuracy: 1e-6, "tokens/s over reviews/s = mean tokens per review")
    }
}
