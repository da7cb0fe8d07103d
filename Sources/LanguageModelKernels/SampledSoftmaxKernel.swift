// The sampled softmax's forward and backward on buffers and BLAS (provided): the fast version of
// Lesson 7's readable `sampledSoftmaxGradients`, which the walkthrough and the tests check it
// against.
//
// Shapes: N positions, H hidden size, K shared samples, V vocabulary.
//
//     target logit    ẑ_n0 = W[t_n] · h_n + b[t_n] − logQ[t_n]                       [N]
//     sample logits   Ẑ = h · W[s]ᵀ + (b[s] − logQ[s]),  −∞ where s_j = t_n           [N, K]  one sgemm
//     loss            mean_n (log Σ_c e^{ẑ_nc} − ẑ_n0)
//     derivatives     d_n0 = (p_n0 − 1) / N,  D_nj = p_nj / N
//     dh              d_n0 · W[t_n] + D · W[s]                                          [N, H]  one sgemm
//     dW[s]           Dᵀ · h                                                            [K, H]  one sgemm
//     dW[t_n]         d_n0 · h_n                                                        [N, H]
//     db[s], db[t]    column sums of D; d_n0
//
// The row gradients are returned per occurrence (a word drawn twice has two rows); the caller
// adds them into its own tables.

import Foundation
import TensorCore

public enum SampledSoftmaxKernel {
    public struct Result: Sendable {
        public var loss: Float
        /// [N, H]
        public var dHidden: Tensor<Float>
        /// [N, H]: row n belongs to word targets[n]
        public var dTargetRows: Tensor<Float>
        /// [N]
        public var dTargetBias: [Float]
        /// [K, H]: row j belongs to word samples[j]
        public var dSampleRows: Tensor<Float>
        /// [K]
        public var dSampleBias: [Float]
    }

    /// hidden [N, H], weight [V, H], bias [V], targets [N], samples [K], logQ [V] = log(K · Q(w)).
    public static func run(hidden: Tensor<Float>, weight: Tensor<Float>, bias: [Float], targets: [Int32], samples: [Int32],
                           logExpectedCount logQ: [Float]) -> Result {
        let (n, h, k) = (hidden.shape[0], hidden.shape[1], samples.count)
        precondition(hidden.rank == 2 && weight.rank == 2 && weight.shape[1] == h && targets.count == n && bias.count == weight.shape[0]
                     && logQ.count == bias.count && k > 0,
                     "SampledSoftmaxKernel: hidden \(hidden.shape), weight \(weight.shape), \(bias.count) biases, \(targets.count) targets, \(k) samples")
        let sampleIds = samples.map { Int($0) }, targetIds = targets.map { Int($0) }
        let sampleRows = weight.rows(sampleIds)                                         // [K, H]
        let targetRows = weight.rows(targetIds)                                         // [N, H]
        var logits = Tensor<Float>.uninitialized([n, k])
        gemm(hidden, sampleRows, transposeB: true, into: &logits, beta: 0)
        var dTarget = [Float](repeating: 0, count: n)
        var dSampleBias = [Float](repeating: 0, count: k)
        var total: Double = 0
        let inverseN = 1 / Float(n)
        let sampleShift = sampleIds.map { bias[$0] - logQ[$0] }
        // An accidental hit (a sample equal to the row's target) is rare: each row looks up where
        // its target was drawn instead of comparing it with all K samples.
        var drawnAt: [Int32: [Int]] = [:]
        for (j, s) in samples.enumerated() { drawnAt[s, default: []].append(j) }
        hidden.withUnsafeBufferPointer { hp in
            targetRows.withUnsafeBufferPointer { tp in
                logits.withUnsafeMutableBufferPointer { zp in
                    sampleShift.withUnsafeBufferPointer { shift in
                        dSampleBias.withUnsafeMutableBufferPointer { db in
                            for row in 0..<n {
                                let t = targets[row]
                                let (hRow, tRow) = (hp.baseAddress! + row * h, tp.baseAddress! + row * h)
                                var target = bias[Int(t)] - logQ[Int(t)]
                                for j in 0..<h { target += hRow[j] * tRow[j] }
                                let z = zp.baseAddress! + row * k
                                for j in 0..<k { z[j] += shift[j] }
                                let hits = drawnAt[t] ?? []
                                for j in hits { z[j] = -.infinity }
                                let top = Swift.max(target, VectorLoops.maximum(z, count: k))
                                // z becomes e^(z - top), then the softmax scaled by 1/N: the derivatives.
                                for j in 0..<k { z[j] = FastMath.exp(z[j] - top) }
                                for j in hits { z[j] = 0 }
                                let targetExp = FastMath.exp(target - top)
                                let sum = targetExp + VectorLoops.sum(z, count: k)
                                total += Double(top + Foundation.logf(sum) - target)
                                let scale = inverseN / sum
                                let d = db.baseAddress!
                                for j in 0..<k {
                                    z[j] *= scale
                                    d[j] += z[j]
                                }
                                dTarget[row] = targetExp * scale - inverseN
                            }
                        }
                    }
                }
            }
        }
        // dh = d_target ⊙ W[t] + D · W[s];  dW[s] = Dᵀ h;  dW[t_n] = d_target[n] · h_n.
        var dHidden = targetRows.scalingRows(by: Tensor(dTarget))
        gemm(logits, sampleRows, into: &dHidden, beta: 1)
        var dSampleRows = Tensor<Float>.uninitialized([k, h])
        gemm(logits, transposeA: true, hidden, into: &dSampleRows, beta: 0)
        let dTargetRows = hidden.scalingRows(by: Tensor(dTarget))
        return Result(loss: Float(total / Double(n)), dHidden: dHidden, dTargetRows: dTargetRows, dTargetBias: dTarget,
                      dSampleRows: dSampleRows, dSampleBias: dSampleBias)
    }

    /// The mean full-softmax cross-entropy (for perplexity), in blocks of rows so the [rows, V]
    /// logits stay small. hidden [N, H], weight [V, H], bias [V], targets [N] -> (sum of the N losses, N)
    public static func fullLoss(hidden: Tensor<Float>, weight: Tensor<Float>, bias: [Float], targets: [Int32], block: Int = 64) -> Double {
        let (n, v) = (hidden.shape[0], weight.shape[0])
        var total = 0.0
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            let part = hidden.rows(start..<(start + rows))
            var logits = Tensor<Float>.uninitialized([rows, v])
            gemm(part, weight, transposeB: true, into: &logits, beta: 0)
            logits.withUnsafeMutableBufferPointer { zp in
                bias.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        let z = zp.baseAddress! + r * v
                        for w in 0..<v { z[w] += b[w] }
                        let t = Int(targets[start + r])
                        let (top, targetLogit) = (VectorLoops.maximum(z, count: v), z[t])
                        for w in 0..<v { z[w] = FastMath.exp(z[w] - top) }
                        total += Double(top + Foundation.logf(VectorLoops.sum(z, count: v)) - targetLogit)
                    }
                }
            }
            start += rows
        }
        return total
    }
}
