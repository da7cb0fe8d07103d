// Section 11: the LSTM's limits, measured.
//
//   time per token against sequence length: one training step (forward + backward) of the base
//   configuration on random ids. With a FIXED number of tokens per batch (B·T = 6,400), a longer
//   sequence means fewer reviews side by side, smaller matrix products per step and more steps
//   that must run one after the other: the cost per token rises with T. With a fixed batch
//   (B = 32) it stays roughly flat, but the wall time of one batch grows linearly in T and no
//   amount of hardware runs step t before step t - 1 is done.
//
//   accuracy against review length: the base model's test predictions, bucketed by the review's
//   length in tokens BEFORE truncation to max-length (the model saw at most 200 of them: the last
//   200 in runs with --truncate end).

import CourseData
import Foundation
import Lesson5
import TensorCore
import Training

struct TimingRecord: Codable {
    var setting: String
    var steps: Int
    var batch: Int
    var millisecondsPerBatch: Double
    var microsecondsPerToken: Double
}

struct LengthAccuracyRecord: Codable {
    var bucket: String
    var count: Int
    var accuracy: Double
}

/// Median over `repeats` of one training step's wall time (after one warm-up step), in seconds.
func trainingStepSeconds(_ model: SentimentLSTM<Float>, steps: Int, batch: Int, repeats: Int, seed: UInt64) -> Double {
    var rng = SeededRNG(seed: seed)
    let ids = (0..<(steps * batch)).map { _ in Int32(2 + rng.int(below: model.config.vocabularySize - 2)) }
    let lengths = [Int](repeating: steps, count: batch)
    let targets = Tensor<Float>((0..<batch).map { Float($0 % 2) })
    var times: [Double] = []
    for r in 0...repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = model.lossAndGradients(ids: ids, lengths: lengths, targets: targets, training: true, rng: &rng)
        if r > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    }
    return times.sorted()[times.count / 2]
}

/// Both settings at each sequence length T in `lengths` (fixed batch: B = 32; fixed tokens:
/// B = 6,400 / T, so T must divide 6,400).
func measureTimePerToken(config: SentimentLSTMConfig, lengths: [Int], repeats: Int) -> [TimingRecord] {
    var rng = SeededRNG(seed: 11)
    let model = SentimentLSTM<Float>(config: config, rng: &rng)
    var records: [TimingRecord] = []
    for (setting, pairs) in [("fixed batch B = 32", lengths.map { ($0, 32) }),
                             ("fixed tokens B·T = 6,400", lengths.map { ($0, 6_400 / $0) })] {
        for (t, b) in pairs {
            let seconds = trainingStepSeconds(model, steps: t, batch: b, repeats: repeats, seed: UInt64(t))
            records.append(TimingRecord(setting: setting, steps: t, batch: b, millisecondsPerBatch: 1e3 * seconds,
                                        microsecondsPerToken: 1e6 * seconds / Double(t * b)))
        }
    }
    return records
}

let reviewLengthEdges = [0, 100, 200, 400, 800, Int.max]

func reviewLengthBucket(_ n: Int) -> String {
    let k = reviewLengthEdges.lastIndex { $0 <= n } ?? 0
    return reviewLengthEdges[k + 1] == Int.max ? "\(reviewLengthEdges[k])+" : "\(reviewLengthEdges[k])-\(reviewLengthEdges[k + 1] - 1)"
}

/// Accuracy per bucket of untruncated review length; `probabilities` in `reviews` order.
func accuracyByLength(_ reviews: [Review], probabilities: [Float]) -> [LengthAccuracyRecord] {
    let lengths = SentimentCorpus.tokenize(reviews.map(\.text)).map(\.count)
    var count: [String: Int] = [:], right: [String: Int] = [:]
    for (i, r) in reviews.enumerated() {
        let bucket = reviewLengthBucket(lengths[i])
        count[bucket, default: 0] += 1
        if (probabilities[i] > 0.5) == (r.label == 1) { right[bucket, default: 0] += 1 }
    }
    return (0..<(reviewLengthEdges.count - 1)).compactMap { k in
        let bucket = reviewLengthBucket(reviewLengthEdges[k])
        guard let n = count[bucket], n > 0 else { return nil }
        return LengthAccuracyRecord(bucket: bucket, count: n, accuracy: Double(right[bucket, default: 0]) / Double(n))
    }
}
