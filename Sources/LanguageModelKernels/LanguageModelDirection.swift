// One direction's language model in the fast trainer: its LSTM (E → H), output layer W [V, H]
// and bias [V], their Adam moments, the state carried from chunk to chunk, and the gradients of
// one chunk. The embedding is shared by both directions and lives in the trainer.

import Foundation
import LSTMKernels
import TensorCore

final class LanguageModelDirection: @unchecked Sendable {
    var lstm: LSTMWeights<Float>
    var lstmM: LSTMWeights<Float>
    var lstmV: LSTMWeights<Float>
    /// [V, H], [V, H], [V, H]
    var output: Tensor<Float>
    var outputM: Tensor<Float>
    var outputV: Tensor<Float>
    /// [V] (stored [V] for the kernel; the Adam moments [V])
    var bias: Tensor<Float>
    var biasM: Tensor<Float>
    var biasV: Tensor<Float>
    /// (h, c) [B, H] each after the last chunk; nil at an epoch's start.
    var carried: (h: Tensor<Float>, c: Tensor<Float>)?
    /// This step's gradients.
    var embeddingRows: SparseRows
    var outputRows: SparseRows
    var biasRows: SparseRows
    var lstmGradients: LSTMWeights<Float>?

    init(vocabularySize v: Int, settings s: LanguageModelSettings, rng: inout SeededRNG) {
        let (e, h) = (s.embeddingSize, s.hiddenSize)
        let bound = 1 / Float(h).squareRoot()   // nn.LSTM's and nn.Linear's U(−1/√H, 1/√H)
        lstm = LSTMWeights(weightIH: .uniform([4 * h, e], low: -bound, high: bound, rng: &rng),
                           weightHH: .uniform([4 * h, h], low: -bound, high: bound, rng: &rng),
                           biasIH: .uniform([4 * h], low: -bound, high: bound, rng: &rng),
                           biasHH: .uniform([4 * h], low: -bound, high: bound, rng: &rng))
        let zeros = LSTMWeights<Float>(weightIH: .zeros([4 * h, e]), weightHH: .zeros([4 * h, h]), biasIH: .zeros([4 * h]), biasHH: .zeros([4 * h]))
        lstmM = zeros
        lstmV = zeros
        output = .uniform([v, h], low: -bound, high: bound, rng: &rng)
        outputM = .zeros([v, h])
        outputV = .zeros([v, h])
        bias = .zeros([v])
        biasM = .zeros([v])
        biasV = .zeros([v])
        embeddingRows = SparseRows(vocabularySize: v, width: e)
        outputRows = SparseRows(vocabularySize: v, width: h)
        biasRows = SparseRows(vocabularySize: v, width: 1)
    }

    /// One chunk: inputs and targets [S·B] step-major, samples [K]. Leaves the gradients in
    /// embeddingRows, outputRows, biasRows, lstmGradients, moves `carried` to the chunk's end,
    /// and returns the chunk's mean sampled-softmax loss.
    func chunk(embedding: Tensor<Float>, inputs: [Int32], targets: [Int32], steps: Int, streams: Int,
               samples: [Int32], logExpectedCount: [Float]) -> Float {
        let h = lstm.hiddenSize
        let x = FusedEmbedding.gather(embedding, ids: inputs, shape: [steps, streams])          // [S, B, E]
        let layer = FusedLSTMLayer(weights: lstm)
        let (out, final, cache) = layer.forward(x, lengths: Array(repeating: steps, count: streams), initial: carried)
        let head = SampledSoftmaxKernel.run(hidden: out.reshaped([steps * streams, h]), weight: output, bias: bias.scalars,
                                            targets: targets, samples: samples, logExpectedCount: logExpectedCount)
        // Truncated BPTT: no gradient enters at the chunk's end, and dInitial is dropped.
        let back = layer.backward(dOutput: head.dHidden.reshaped([steps, streams, h]), dFinal: nil, cache: cache)
        carried = final
        embeddingRows.clear()
        outputRows.clear()
        biasRows.clear()
        embeddingRows.add(ids: inputs, back.dx)
        outputRows.add(ids: targets, head.dTargetRows)
        outputRows.add(ids: samples, head.dSampleRows)
        biasRows.add(ids: targets, head.dTargetBias)
        biasRows.add(ids: samples, head.dSampleBias)
        lstmGradients = back.grads
        return head.loss
    }

    var squaredGradientNorm: Double {
        var total = outputRows.squaredNorm + biasRows.squaredNorm
        if let g = lstmGradients {
            for t in [g.weightIH, g.weightHH, g.biasIH, g.biasHH] { total += t.scalars.reduce(0) { $0 + Double($1) * Double($1) } }
        }
        return total
    }

    func scaleGradients(by factor: Float) {
        outputRows.scale(by: factor)
        biasRows.scale(by: factor)
        if var g = lstmGradients {
            g.weightIH = g.weightIH * factor
            g.weightHH = g.weightHH * factor
            g.biasIH = g.biasIH * factor
            g.biasHH = g.biasHH * factor
            lstmGradients = g
        }
    }

    /// Adam on the LSTM (dense) and on the touched rows of W and b; t is the global step (1 first).
    func update(t: Int, adam: AdamSettings, learningRate: Float) {
        if let g = lstmGradients {
            func step(_ p: inout Tensor<Float>, _ grad: Tensor<Float>, _ m: inout Tensor<Float>, _ v: inout Tensor<Float>) {
                FusedAdam.step(&p, gradient: grad, m: &m, v: &v, t: t, learningRate: learningRate, beta1: adam.beta1, beta2: adam.beta2,
                               epsilon: adam.epsilon, weightDecay: 0)
            }
            step(&lstm.weightIH, g.weightIH, &lstmM.weightIH, &lstmV.weightIH)
            step(&lstm.weightHH, g.weightHH, &lstmM.weightHH, &lstmV.weightHH)
            step(&lstm.biasIH, g.biasIH, &lstmM.biasIH, &lstmV.biasIH)
            step(&lstm.biasHH, g.biasHH, &lstmM.biasHH, &lstmV.biasHH)
        }
        SparseAdam.step(&output, m: &outputM, v: &outputV, gradient: outputRows, t: t, settings: adam, learningRate: learningRate)
        SparseAdam.step(&bias, m: &biasM, v: &biasV, gradient: biasRows, t: t, settings: adam, learningRate: learningRate)
    }

    /// The mean full-softmax loss over held-out streams [L][B] flattened step-major (perplexity = e^loss).
    func heldOutLoss(embedding: Tensor<Float>, stream: [Int32], length: Int, streams: Int, steps: Int) -> Double {
        let h = lstm.hiddenSize
        let layer = FusedLSTMLayer(weights: lstm)
        var state: (h: Tensor<Float>, c: Tensor<Float>)?
        var total = 0.0, count = 0
        var start = 0
        while start < length - 1 {
            let s = min(steps, length - 1 - start)
            let inputs = Array(stream[(start * streams)..<((start + s) * streams)])
            let targets = Array(stream[((start + 1) * streams)..<((start + 1 + s) * streams)])
            let x = FusedEmbedding.gather(embedding, ids: inputs, shape: [s, streams])
            let (out, final, _) = layer.forward(x, lengths: Array(repeating: s, count: streams), initial: state)
            state = final
            total += SampledSoftmaxKernel.fullLoss(hidden: out.reshaped([s * streams, h]), weight: output, bias: bias.scalars, targets: targets)
            count += s * streams
            start += s
        }
        return total / Double(max(count, 1))
    }
}
