// The padding bug in miniature, trained: the same LSTM classifier, once reading the final state
// at the last padded step (the bug) and once at each sequence's own last word (packing).
//
// Data: "reviews" of 5 to 20 random words padded to T = 100 with the zero vector, as a data
// set padded to its longest review would be. Each holds one sentiment word, "good" (label 1) or
// "bad" (label 0), somewhere; every other word is neutral. The model must remember which one it
// saw until the state it is judged on.
// Model: fixed random word vectors [V, E] -> LSTMLayer(E, H) -> final h -> Linear(H, 1) -> BCE,
// trained with Adam (Lessons 1 and 3 to 4 together).

import Lesson1
import Lesson3
import Lesson4
import TensorCore

struct PaddingExperiment {
    let vocabularySize = 20, embeddingSize = 8, hiddenSize = 16, timeSteps = 100, batchSize = 32
    let wordVectors: Tensor<Float>   // [V, E]; word 0 is "good", word 1 is "bad"

    init(seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        wordVectors = .normal([vocabularySize, embeddingSize], rng: &rng)
    }

    /// x [T, B, E] (zero after each review's end), lengths [B], labels [B, 1].
    func batch(rng: inout SeededRNG) -> (x: Tensor<Float>, lengths: [Int], labels: Tensor<Float>) {
        var x = Tensor<Float>(shape: [timeSteps, batchSize, embeddingSize])
        var lengths: [Int] = [], labels: [Float] = []
        for b in 0..<batchSize {
            let length = 5 + rng.int(below: 16)
            let label = rng.int(below: 2)
            let marker = rng.int(below: length)
            for t in 0..<length {
                let word = t == marker ? 1 - label : 2 + rng.int(below: vocabularySize - 2)
                for e in 0..<embeddingSize { x[t, b, e] = wordVectors[word, e] }
            }
            lengths.append(length)
            labels.append(Float(label))
        }
        return (x, lengths, Tensor(shape: [batchSize, 1], scalars: labels))
    }

    /// Test accuracy every `every` steps (the first at step 0) and the final loss.
    func train(masked: Bool, steps: Int, every: Int, seed: UInt64) -> (accuracy: [Double], loss: Double) {
        var rng = SeededRNG(seed: seed)
        var layer = LSTMLayer<Float>(inputSize: embeddingSize, hiddenSize: hiddenSize, rng: &rng)
        var linear = Linear<Float>(inputSize: hiddenSize, outputSize: 1, rng: &rng)
        let adam = Adam<Float>(learningRate: 0.01)
        var states = [layer.parameters.weightIH, layer.parameters.weightHH, layer.parameters.biasIH,
                      layer.parameters.biasHH, linear.weight, linear.bias].map { Adam<Float>.State(like: $0) }
        var testRNG = SeededRNG(seed: 999)
        let testSet = (0..<8).map { _ in batch(rng: &testRNG) }
        // The bug: every padded step is treated as a real one.
        func readLengths(_ lengths: [Int]) -> [Int] { masked ? lengths : Array(repeating: timeSteps, count: lengths.count) }

        func accuracy() -> Double {
            var right = 0
            for (x, lengths, labels) in testSet {
                let logits = linear(layer.forward(x, lengths: readLengths(lengths)).final.h)
                for b in 0..<batchSize where (logits.scalars[b] > 0) == (labels.scalars[b] > 0.5) { right += 1 }
            }
            return Double(right) / Double(testSet.count * batchSize)
        }

        var curve = [accuracy()]
        var loss = 0.0
        for step in 1...steps {
            let (x, lengths, labels) = batch(rng: &rng)
            let forward = layer.forward(x, lengths: readLengths(lengths))
            let (logits, linearCache) = linear.forward(forward.final.h)
            loss = Double(bceWithLogits(logits, targets: labels))
            let (dh, linearGrads) = linear.backward(bceWithLogitsBackward(logits, targets: labels), cache: linearCache)
            let back = layer.backward(dOutput: .zeros([timeSteps, batchSize, hiddenSize]),
                                      dFinal: LSTMState(h: dh, c: .zeros([batchSize, hiddenSize])), cache: forward.cache)
            adam.step(&layer.parameters.weightIH, gradient: back.grads.weightIH, state: &states[0])
            adam.step(&layer.parameters.weightHH, gradient: back.grads.weightHH, state: &states[1])
            adam.step(&layer.parameters.biasIH, gradient: back.grads.biasIH, state: &states[2])
            adam.step(&layer.parameters.biasHH, gradient: back.grads.biasHH, state: &states[3])
            adam.step(&linear.weight, gradient: linearGrads.weight, state: &states[4])
            adam.step(&linear.bias, gradient: linearGrads.bias, state: &states[5])
            if step % every == 0 { curve.append(accuracy()) }
        }
        return (curve, loss)
    }
}
