// The sampled-softmax fixture of Tools/fixtures/lesson7.py (PyTorch autograd, float64).

import CourseTesting
import Lesson7
import TensorCore
import XCTest

struct SampledSoftmaxCase {
    let hidden: Tensor<Double>
    let weight: Tensor<Double>
    let bias: Tensor<Double>
    let batch: SampledSoftmaxBatch
    /// [N, 1 + K] with the accidental hits stored as 0; `hits` marks them with 1.
    let logits: Tensor<Double>
    let hits: Tensor<Double>
    let loss: Double
    let lossWithoutLogQ: Double
    let lossHitsUnmasked: Double
    let fullLoss: Double
    let dHidden: Tensor<Double>
    let dWeight: Tensor<Double>
    let dBias: Tensor<Double>

    static func load() throws -> SampledSoftmaxCase {
        let f = try loadFixture("lesson7/sampled_softmax")
        func ids(_ key: String) throws -> [Int] { try f.tensor(key).scalars.map { Int($0) } }
        let batch = SampledSoftmaxBatch(targets: try ids("targets"), samples: try ids("samples"), noise: try f.tensor("noise").scalars)
        return SampledSoftmaxCase(hidden: try f.tensor("hidden"), weight: try f.tensor("weight"), bias: try f.tensor("bias"), batch: batch,
                                  logits: try f.tensor("logits"), hits: try f.tensor("hits"), loss: try f.scalar("loss"),
                                  lossWithoutLogQ: try f.scalar("loss_without_log_q"), lossHitsUnmasked: try f.scalar("loss_hits_unmasked"),
                                  fullLoss: try f.scalar("full_loss"),
                                  dHidden: try f.tensor("dhidden"), dWeight: try f.tensor("dweight"), dBias: try f.tensor("dbias"))
    }
}

/// What `got` looks like next to `expected` (same shape): nil when they match within
/// `tolerance`, else a short diagnosis that prints no expected value.
func tensorDiagnosis(_ got: Tensor<Double>, _ expected: Tensor<Double>, tolerance: Double) -> String? {
    guard got.shape == expected.shape else { return "has shape \(got.shape), not \(expected.shape)" }
    if got.maxAbsDifference(expected) <= tolerance { return nil }
    if got.maxAbs() <= tolerance { return "is zero: this part of the gradient is missing" }
    if (got + expected).maxAbs() <= tolerance { return "has the opposite sign" }
    if got.scalars.contains(where: { !$0.isFinite }) { return "has values that are not finite" }
    return "is wrong (largest difference \(String(format: "%.3g", got.maxAbsDifference(expected))))"
}
