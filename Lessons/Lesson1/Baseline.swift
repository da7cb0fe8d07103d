// The baseline: logistic regression on binary bag-of-words features, logit = Linear(x) with
// one output, trained on mean BCE with the lesson's Adam in mini-batches (Float).

import Foundation
import Lesson1
import TensorCore

struct EpochResult {
    let epoch: Int
    let trainLoss: Double
    let validationAccuracy: Double
    let testAccuracy: Double
    let seconds: Double
}

struct Baseline {
    let vocabularySize: Int
    var batchSize = 64
    var learningRate: Float = 1e-3
    var evaluationBatchSize = 250

    /// Fraction of `rows` whose logit has the sign of the label (logit > 0 means positive).
    func accuracy(_ builder: inout BatchBuilder, _ model: Linear<Float>, features: [[Int32]], labels: [Float], rows: [Int]) -> Double {
        var correct = 0
        for start in stride(from: 0, to: rows.count, by: evaluationBatchSize) {
            let slice = rows[start..<min(start + evaluationBatchSize, rows.count)]
            let logits = model(builder.batch(features, rows: slice))
            for (r, doc) in slice.enumerated() where (logits.scalars[r] > 0) == (labels[doc] > 0.5) {
                correct += 1
            }
        }
        return rows.isEmpty ? 0 : Double(correct) / Double(rows.count)
    }

    /// Trains for `epochs` epochs over `trainRows`, shuffled each epoch; after each epoch
    /// measures validation and test accuracy and keeps the model with the best validation
    /// accuracy (the test split never chooses anything).
    func train(trainFeatures: [[Int32]], trainLabels: [Float], trainRows: [Int], validationRows: [Int],
               testFeatures: [[Int32]], testLabels: [Float], epochs: Int, seed: UInt64,
               report: (EpochResult) -> Void) -> (best: Linear<Float>, bestEpoch: Int, history: [EpochResult]) {
        var rng = SeededRNG(seed: seed)
        var model = Linear<Float>(inputSize: vocabularySize, outputSize: 1, rng: &rng)
        let adam = Adam<Float>(learningRate: learningRate)
        var weightState = Adam<Float>.State(like: model.weight)
        var biasState = Adam<Float>.State(like: model.bias)
        let testRows = Array(0..<testFeatures.count)
        var order = trainRows
        var history: [EpochResult] = []
        var builder = BatchBuilder(vocabularySize: vocabularySize)
        var best = (model: model, epoch: 0, accuracy: -1.0)

        for epoch in 1...epochs {
            let start = Date()
            rng.shuffle(&order)
            var lossSum = 0.0
            for first in stride(from: 0, to: order.count, by: batchSize) {
                let rows = order[first..<min(first + batchSize, order.count)]
                let x = builder.batch(trainFeatures, rows: rows)                                     // [B, V]
                let targets = Tensor<Float>(shape: [rows.count, 1], scalars: rows.map { trainLabels[$0] })
                let (logits, cache) = model.forward(x)                                                // [B, 1]
                lossSum += Double(bceWithLogits(logits, targets: targets)) * Double(rows.count)
                let dLogits = bceWithLogitsBackward(logits, targets: targets)
                let (_, grads) = model.backward(dLogits, cache: cache)
                adam.step(&model.weight, gradient: grads.weight, state: &weightState)
                adam.step(&model.bias, gradient: grads.bias, state: &biasState)
            }
            let seconds = Date().timeIntervalSince(start)
            let validation = accuracy(&builder, model, features: trainFeatures, labels: trainLabels, rows: validationRows)
            let test = accuracy(&builder, model, features: testFeatures, labels: testLabels, rows: testRows)
            let result = EpochResult(epoch: epoch, trainLoss: lossSum / Double(max(order.count, 1)),
                                     validationAccuracy: validation, testAccuracy: test, seconds: seconds)
            history.append(result)
            report(result)
            if validation > best.accuracy { best = (model, epoch, validation) }
        }
        return (best.model, best.epoch, history)
    }
}
