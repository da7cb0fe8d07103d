// Section 11: how far back can a recurrent network remember? A probe on generated sequences.
//
// Every sequence is L = 60 random "noise" tokens, except one signal token (POS or NEG) placed
// k tokens before the end; the label is which signal it was. Nothing else carries information,
// so a model that reads the sequence left to right and classifies from its final hidden state
// ("last" pooling) must carry one bit across k - 1 steps of noise. For growing k we train, with
// the same budget each:
//
//   RNN      Lesson 3's RNNCell (tanh) unrolled here, backpropagation through time by hand
//   LSTM     Lesson 5's SentimentLSTM, one direction, last pooling, PyTorch's initialisation
//   LSTM f+1 the same with the forget gate's bias raised by 1 at initialisation
//   BiLSTM   the same, bidirectional (its backward half reads the end first: it meets the
//            signal after k steps, but then carries it L - k steps to t = 0)
//
// The gradient reaching the signal through k tanh steps shrinks roughly like |W_hh|^k·tanh'^k
// for the RNN; the LSTM's cell state has an additive path (c_t = f ⊙ c_{t-1} + i ⊙ g).

import Foundation
import Lesson1
import Lesson2
import Lesson3
import Lesson5
import TensorCore
import Training

struct ProbeRecord: Codable {
    var model: String
    var k: Int
    var testAccuracy: Double
    var seconds: Double
}

enum LongRangeProbe {
    static let length = 60
    static let noiseTokens: [Int32] = Array(2...11)
    static let positive: Int32 = 12, negative: Int32 = 13
    static let vocabularySize = 14
    static let embeddingSize = 8, hiddenSize = 16
    static let batchSize = 32
    static let learningRate: Float = 0.01

    /// Training steps per model and test sequences: the walkthrough's, and a smoke run's.
    struct Budget {
        var steps: Int
        var testSize: Int
        static let full = Budget(steps: 1000, testSize: 1000)
        static let smoke = Budget(steps: 20, testSize: 64)
    }

    /// A batch: ids [L, B] time-major, labels [B].
    static func batch(size: Int, k: Int, rng: inout SeededRNG) -> (ids: [Int32], labels: [Float]) {
        var ids = [Int32](repeating: 0, count: length * size)
        var labels = [Float](repeating: 0, count: size)
        for b in 0..<size {
            for t in 0..<length { ids[t * size + b] = noiseTokens[rng.int(below: noiseTokens.count)] }
            let label = rng.int(below: 2)
            labels[b] = Float(label)
            ids[(length - k) * size + b] = label == 1 ? positive : negative
        }
        return (ids, labels)
    }

    enum Kind: String, CaseIterable {
        case rnn = "RNN", lstm = "LSTM", lstmForgetBias = "LSTM f+1", bilstm = "BiLSTM"
    }

    /// Trains one model for `budget.steps` batches at distance k and returns its test accuracy.
    static func run(_ kind: Kind, k: Int, seed: UInt64, budget: Budget) -> ProbeRecord {
        let (steps, testSize) = (budget.steps, budget.testSize)
        let start = Date()
        var rng = SeededRNG(seed: seed)
        var data = SeededRNG(seed: seed &+ 1000)
        var testRNG = SeededRNG(seed: seed &+ 2000)
        let test = batch(size: testSize, k: k, rng: &testRNG)
        var optimizer = AdamOptimizer<Float>(learningRate: learningRate)
        let lengths = [Int](repeating: length, count: batchSize)
        var accuracy = 0.0
        switch kind {
        case .rnn:
            var model = RNNClassifier(vocabularySize: vocabularySize, embeddingSize: embeddingSize, hiddenSize: hiddenSize, rng: &rng)
            for _ in 0..<steps {
                let b = batch(size: batchSize, k: k, rng: &data)
                var grads = model.lossAndGradients(ids: b.ids, targets: b.labels).gradients
                _ = GradientClipping.clip(&grads, maxNorm: 5)
                var params = model.parameters
                optimizer.step(&params, gradients: grads)
                model.parameters = params
            }
            accuracy = probeAccuracy(model.logits(ids: test.ids, batch: testSize), test.labels)
        case .lstm, .lstmForgetBias, .bilstm:
            let config = SentimentLSTMConfig(vocabularySize: vocabularySize, embeddingSize: embeddingSize, hiddenSize: hiddenSize,
                                             layers: 1, bidirectional: kind == .bilstm, pooling: .last, dropout: 0)
            var model = SentimentLSTM<Float>(config: config, rng: &rng)
            if kind == .lstmForgetBias {
                // Forget-gate bias +1 (Gers et al. 2000; Jozefowicz et al. 2015): f starts near
                // σ(1) ≈ 0.73 instead of 0.5, so the cell keeps what it stored for longer from step one.
                model.encoder.lstm?.layers[0][0].parameters.biasIH.withUnsafeMutableBufferPointer { b in
                    for j in hiddenSize..<(2 * hiddenSize) { b[j] += 1 }
                }
            }
            for _ in 0..<steps {
                let b = batch(size: batchSize, k: k, rng: &data)
                var grads = model.lossAndGradients(ids: b.ids, lengths: lengths, targets: Tensor(b.labels), training: false, rng: &rng).gradients.list
                _ = GradientClipping.clip(&grads, maxNorm: 5)
                model.update(with: &optimizer, gradients: grads)
            }
            let logits = model.forward(ids: test.ids, lengths: [Int](repeating: length, count: testSize), training: false, rng: &rng).logits
            accuracy = probeAccuracy(logits.scalars, test.labels)
        }
        return ProbeRecord(model: kind.rawValue, k: k, testAccuracy: accuracy, seconds: Date().timeIntervalSince(start))
    }

    static func probeAccuracy(_ logits: [Float], _ labels: [Float]) -> Double {
        Double(zip(logits, labels).filter { ($0 > 0) == ($1 > 0.5) }.count) / Double(max(1, labels.count))
    }
}

/// Embedding -> tanh RNN (Lesson 3's cell, unrolled) -> final h -> Linear -> logit.
struct RNNClassifier {
    var embedding: Embedding<Float>
    var cell: RNNCell<Float>
    var output: Linear<Float>

    init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        embedding = Embedding(vocabularySize: vocabularySize, embeddingSize: embeddingSize, rng: &rng)
        cell = RNNCell(inputSize: embeddingSize, hiddenSize: hiddenSize, rng: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: 1, rng: &rng)
    }

    /// In a fixed order, for the optimiser.
    var parameters: [Tensor<Float>] {
        get {
            let p = cell.parameters
            return [embedding.weight, p.weightIH, p.weightHH, p.biasIH, p.biasHH, output.weight, output.bias]
        }
        set {
            embedding.weight = newValue[0]
            cell.parameters = RNNParameters(weightIH: newValue[1], weightHH: newValue[2], biasIH: newValue[3], biasHH: newValue[4])
            output = Linear(weight: newValue[5], bias: newValue[6])
        }
    }

    /// x [T, B, E] -> the T inputs [B, E]
    private func steps(_ x: Tensor<Float>) -> [Tensor<Float>] {
        let (t, b, e) = (x.shape[0], x.shape[1], x.shape[2])
        return (0..<t).map { Tensor(shape: [b, e], scalars: Array(x.scalars[($0 * b * e)..<(($0 + 1) * b * e)])) }
    }

    func logits(ids: [Int32], batch: Int) -> [Float] {
        let x = embedding.forward(ids, shape: [ids.count / batch, batch]).y
        var h = Tensor<Float>.zeros([batch, cell.hiddenSize])
        for xt in steps(x) { h = cell(xt, h: h) }
        return output(h).scalars
    }

    /// ids [T, B], targets [B] -> mean BCE and gradients in `parameters` order (BPTT over all T steps).
    func lossAndGradients(ids: [Int32], targets: [Float]) -> (loss: Float, gradients: [Tensor<Float>]) {
        let batch = targets.count
        let (x, embeddingCache) = embedding.forward(ids, shape: [ids.count / batch, batch])
        var h = Tensor<Float>.zeros([batch, cell.hiddenSize])
        var caches: [RNNCell<Float>.Cache] = []
        for xt in steps(x) {
            let (next, cache) = cell.forward(xt, h: h)
            caches.append(cache)
            h = next
        }
        let (y, outputCache) = output.forward(h)
        let logits = y.reshaped([batch]), t = Tensor(targets)
        let loss = bceWithLogits(logits, targets: t)
        let (dh0, outputGrads) = output.backward(bceWithLogitsBackward(logits, targets: t).reshaped([batch, 1]), cache: outputCache)
        var dh = dh0
        var grads = RNNParameters<Float>.zeros(inputSize: cell.inputSize, hiddenSize: cell.hiddenSize)
        var dx = [Float](repeating: 0, count: x.count)
        let stride = x.count / caches.count
        for (t, cache) in caches.enumerated().reversed() {
            let (dxt, dhPrev, g) = cell.backward(dh: dh, cache: cache)
            grads.add(g, scaledBy: 1)
            dx.replaceSubrange((t * stride)..<((t + 1) * stride), with: dxt.scalars)
            dh = dhPrev
        }
        let dEmbedding = embedding.backward(Tensor(shape: x.shape, scalars: dx), cache: embeddingCache)
        return (loss, [dEmbedding, grads.weightIH, grads.weightHH, grads.biasIH, grads.biasHH, outputGrads.weight, outputGrads.bias])
    }
}
