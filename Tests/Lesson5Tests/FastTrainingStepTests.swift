// The provided training-step kernels (Sources/LSTMKernels: FusedAdam, FusedDropout,
// FusedEmbedding, FusedPooling) against the readable code of Lessons 1, 2, 4 and 5, on random
// inputs: every result and every gradient must agree, in Double and in Float. The readable code
// is the reference here (it is checked against PyTorch and by centred differences in the other
// tests), so a failure with the other tests passing is the kernels'.

import CourseTesting
import Lesson1
import Lesson2
import Lesson4
import Lesson5
import LSTMKernels
import TensorCore
import XCTest

final class FastTrainingStepTests: XCTestCase {
    /// Double: the same operations (another summation order only in the fast LSTM's products).
    static let double = 1e-10
    /// Float: Adam's weight decay may round once differently (BLAS axpy may fuse the multiply
    /// and the add); the model adds the fast LSTM's ~1e-6 (its fast sigmoid and tanh, any
    /// OpenBLAS kernel's summation order) through a pooling and a linear layer.
    static let float = 2e-4

    // MARK: Adam

    /// Five steps of AdamOptimizer, readable and fast, on the same tensors: after each step the
    /// parameters, both moments and the step count agree. Step 1 checks the bias correction at
    /// t = 1; rows of zero gradient (an embedding's unused words) still move by their momentum.
    private func compareAdam<S: TensorScalar>(_: S.Type, weightDecay: Double, tolerance: Double, seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        let shapes = [[7, 3], [1], [4, 5], [1, 1], [9]]
        var parameters = shapes.map { Tensor<S>.normal($0, rng: &rng) }
        var fastParameters = parameters
        var readable = AdamOptimizer<S>(learningRate: 0.01, weightDecay: S(weightDecay))
        var fast = readable
        fast.kernel = .fast
        for step in 1...5 {
            var gradients = shapes.map { Tensor<S>.normal($0, rng: &rng) }
            // Rows 0 and 4 of the first tensor get no gradient at this step (they did at step 1).
            if step > 1 {
                gradients[0].setRows(0..<1, to: Tensor.zeros([1, 3]))
                gradients[0].setRows(4..<5, to: Tensor.zeros([1, 3]))
            }
            readable.step(&parameters, gradients: gradients)
            fast.step(&fastParameters, gradients: gradients)
            let tag = "\(S.self) weight decay \(weightDecay), after step \(step)"
            XCTAssertEqual(fast.states.map(\.step), readable.states.map(\.step), "\(tag): step counts")
            for i in shapes.indices {
                assertClose(fastParameters[i], parameters[i], tolerance: tolerance, "\(tag): parameter \(i)")
                assertClose(fast.states[i].m, readable.states[i].m, tolerance: tolerance, "\(tag): m of parameter \(i)")
                assertClose(fast.states[i].v, readable.states[i].v, tolerance: tolerance, "\(tag): v of parameter \(i)")
            }
        }
    }

    func testFastAdam_matchesReadableAdamOptimizer() {
        for weightDecay in [0, 0.05] {
            compareAdam(Double.self, weightDecay: weightDecay, tolerance: Self.double, seed: 11)
            compareAdam(Float.self, weightDecay: weightDecay, tolerance: 1e-5, seed: 12)
        }
        checkFirstStepByHand()
    }

    /// FusedAdam.step at t = 1 by hand: m = (1-β₁)g, v = (1-β₂)g², and the corrected step
    /// moves θ by η·g/(|g| + ε) (an entry of zero gradient does not move).
    private func checkFirstStepByHand() {
        var theta = Tensor<Double>([1, -2, 0.5, 3])
        let g = Tensor<Double>([0.5, -4, 0, 1e-3])
        var m = Tensor<Double>.zeros([4]), v = Tensor<Double>.zeros([4])
        FusedAdam.step(&theta, gradient: g, m: &m, v: &v, t: 1, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0)
        assertClose(m, 0.1 * g, tolerance: 1e-15, "m after the first step")
        assertClose(v, 0.001 * g * g, tolerance: 1e-15, "v after the first step")
        let moved = g.scalars.map { 0.1 * $0 / (abs($0) + 1e-8) }
        assertClose(theta, Tensor<Double>([1, -2, 0.5, 3]) - Tensor(moved), tolerance: 1e-12, "θ after the first step")
    }

    // MARK: Dropout

    /// The same generator state gives the same mask as Lesson 4's Dropout, the product x ⊙ m,
    /// and leaves the generator where the readable version leaves it.
    private func compareDropout<S: TensorScalar>(_: S.Type, shape: [Int], probability: Double, seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        let x = Tensor<S>.normal(shape, rng: &rng)
        var r1 = SeededRNG(seed: seed &+ 1), r2 = SeededRNG(seed: seed &+ 1)
        let readable = Dropout<S>(probability: probability).forward(x, training: true, rng: &r1)
        let fast = FusedDropout.forward(x, probability: probability, rng: &r2)
        let tag = "\(S.self) dropout p = \(probability), shape \(shape)"
        guard let mask = readable.mask else { return XCTFail("\(tag): the readable dropout drew no mask") }
        XCTAssertEqual(fast.mask, mask, "\(tag): mask")
        assertClose(fast.y, readable.y, tolerance: 0, "\(tag): x ⊙ mask")
        XCTAssertEqual(r2.next(), r1.next(), "\(tag): the generator should be left where the readable dropout leaves it")
    }

    func testFastDropout_sameMaskAndProduct() {
        for (i, p) in [0.1, 0.5, 0.9].enumerated() {
            compareDropout(Double.self, shape: [7, 3, 5], probability: p, seed: UInt64(20 + i))
            compareDropout(Float.self, shape: [1, 1, 4], probability: p, seed: UInt64(30 + i))
            compareDropout(Float.self, shape: [1, 64], probability: p, seed: UInt64(40 + i))
        }
    }

    // MARK: Embedding

    /// Gather and scatter-add against Lesson 2's Embedding: words used several times, not at
    /// all (rows that stay zero), padding ids with and without a padding index, a batch of 1.
    private func compareEmbedding<S: TensorScalar>(_: S.Type, paddingIndex: Int?, shape: [Int], seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        let (vocabulary, width) = (9, 4)
        let layer = Embedding<S>(weight: .normal([vocabulary, width], rng: &rng), paddingIndex: paddingIndex)
        let n = shape.reduce(1, *)
        // Ids 0 (padding), 1 and 2 only: rows 3..<9 get no gradient.
        var ids = (0..<n).map { _ in Int32(rng.int(below: 3)) }
        ids[0] = 1
        let tag = "\(S.self) paddingIndex \(paddingIndex.map(String.init) ?? "nil"), ids \(ids) as \(shape)"
        let readable = layer.forward(ids, shape: shape)
        assertClose(FusedEmbedding.gather(layer.weight, ids: ids, shape: shape), readable.y, tolerance: 0, "\(tag): gather")
        let dy = Tensor<S>.normal(shape + [width], rng: &rng)
        let dWeight = layer.backward(dy, cache: readable.cache)
        let fast = FusedEmbedding.scatterAdd(dy, ids: ids, vocabularySize: vocabulary, paddingIndex: paddingIndex)
        XCTAssertEqual(fast.shape, dWeight.shape, "\(tag): dWeight shape")
        assertClose(fast, dWeight, tolerance: Self.double, "\(tag): scatter-add")
    }

    func testFastEmbedding_matchesReadableEmbedding() {
        for (i, shape) in [[6, 3], [5, 1], [1, 1]].enumerated() {
            for padding in [0, nil] as [Int?] {
                compareEmbedding(Double.self, paddingIndex: padding, shape: shape, seed: UInt64(50 + i))
                compareEmbedding(Float.self, paddingIndex: padding, shape: shape, seed: UInt64(60 + i))
            }
        }
    }

    // MARK: Pooling

    /// FusedPooling's max, mean and max-mean against Lesson 5's SequencePooling on random padded
    /// batches (lengths 1 and T among them, large values at padding, a batch of 1, ties).
    private func comparePooling<S: TensorScalar>(_: S.Type, kind: Pooling, steps: Int, batch: Int, features: Int,
                                                 seed: UInt64, tolerance: Double) {
        var rng = SeededRNG(seed: seed)
        var lengths = (0..<batch).map { _ in 1 + rng.int(below: steps) }
        lengths[0] = 1
        if batch > 1 { lengths[batch - 1] = steps }
        var out = Tensor<S>.normal([steps, batch, features], rng: &rng)
        out.withUnsafeMutableBufferPointer { o in
            for t in 0..<steps {
                for b in 0..<batch where t >= lengths[b] {
                    for f in 0..<features { o[(t * batch + b) * features + f] = 100 }
                }
            }
            // A tie: feature 0 of the last sequence holds its largest value at two steps.
            if lengths[batch - 1] >= 2 {
                o[(batch - 1) * features] = 50
                o[(batch + batch - 1) * features] = 50
            }
        }
        var unused = SeededRNG(seed: 0)
        let pooling = SequencePooling<S>(kind: kind, features: features, directions: 2, rng: &unused)
        let statistics = (max: kind == .max || kind == .maxMean, mean: kind == .mean || kind == .maxMean)
        let tag = "\(S.self) \(kind.rawValue) T=\(steps) B=\(batch) F=\(features) lengths \(lengths)"
        let readable = pooling.forward(out, lengths: lengths)
        let fast = FusedPooling.forward(out, lengths: lengths, max: statistics.max, mean: statistics.mean)
        assertClose(fast.pooled, readable.pooled, tolerance: tolerance, "\(tag): pooled")
        XCTAssertEqual(fast.argmax, readable.cache.argmax, "\(tag): winning steps")
        let dPooled = Tensor<S>.normal(readable.pooled.shape, rng: &rng)
        let dOut = pooling.backward(dPooled, cache: readable.cache).dOut
        let fastDOut = FusedPooling.backward(dPooled, argmax: fast.argmax, shape: out.shape, lengths: lengths,
                                             max: statistics.max, mean: statistics.mean)
        assertClose(fastDOut, dOut, tolerance: tolerance, "\(tag): dOut")
    }

    func testFastPooling_matchesReadablePooling() {
        var seed: UInt64 = 70
        for kind in [Pooling.max, .mean, .maxMean] {
            for (steps, batch, features) in [(1, 1, 2), (5, 1, 4), (6, 4, 6), (9, 3, 2)] {
                seed += 1
                comparePooling(Double.self, kind: kind, steps: steps, batch: batch, features: features, seed: seed, tolerance: Self.double)
                comparePooling(Float.self, kind: kind, steps: steps, batch: batch, features: features, seed: seed, tolerance: 1e-6)
            }
        }
    }

    // MARK: The whole step

    /// A small model, its forward in training (dropout on), backward and one Adam step, with
    /// `model.kernel` readable and fast: the same logits, gradients and updated parameters.
    private func compareModel<S: TensorScalar>(_: S.Type, pooling: Pooling, trainable: Bool, batch: Int, tolerance: Double, seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        let config = SentimentLSTMConfig(vocabularySize: 12, embeddingSize: 3, hiddenSize: 4, layers: 1, bidirectional: true,
                                         pooling: pooling, dropout: 0.3, embeddingTrainable: trainable)
        var readable = SentimentLSTM<S>(config: config, rng: &rng)
        readable.kernel = .readable
        var fast = readable
        fast.kernel = .fast
        XCTAssertEqual(fast.encoder.lstm?.kernel, .fast, "model.kernel = .fast should reach the LSTM: one switch for the whole step")
        XCTAssertEqual(readable.encoder.lstm?.kernel, .readable, "model.kernel = .readable should reach the LSTM")
        let steps = 6
        var lengths = (0..<batch).map { _ in 1 + rng.int(below: steps) }
        lengths[0] = steps
        var ids = [Int32](repeating: 0, count: steps * batch)
        for b in 0..<batch {
            for t in 0..<lengths[b] { ids[t * batch + b] = Int32(1 + rng.int(below: 11)) }
        }
        let targets = Tensor<S>((0..<batch).map { S($0 % 2) })
        let tag = "\(S.self) \(pooling.rawValue) pooling, embedding \(trainable ? "trained" : "frozen"), B=\(batch), lengths \(lengths)"

        var r1 = SeededRNG(seed: seed &+ 1), r2 = SeededRNG(seed: seed &+ 1)
        let a = readable.lossAndGradients(ids: ids, lengths: lengths, targets: targets, training: true, rng: &r1)
        let b = fast.lossAndGradients(ids: ids, lengths: lengths, targets: targets, training: true, rng: &r2)
        assertClose(b.logits, a.logits, tolerance: tolerance, "\(tag): logits")
        let names = readable.namedParameters.map(\.name)
        XCTAssertEqual(b.gradients.list.count, a.gradients.list.count, "\(tag): number of gradients")
        for (i, (got, expected)) in zip(b.gradients.list, a.gradients.list).enumerated() {
            assertClose(got, expected, tolerance: tolerance, "\(tag): gradient of \(names[i])")
        }

        // Both from the readable gradients: at the first step Adam moves every parameter by about
        // η·g/|g|, so a gradient that is zero up to rounding (attention.bias: a softmax ignores a
        // shift of all its scores) would move by ±η on either path depending on its rounding.
        var readableAdam = AdamOptimizer<S>(learningRate: 0.01)
        readableAdam.kernel = readable.kernel
        var fastAdam = AdamOptimizer<S>(learningRate: 0.01)
        fastAdam.kernel = fast.kernel
        readable.update(with: &readableAdam, gradients: a.gradients.list)
        fast.update(with: &fastAdam, gradients: a.gradients.list)
        for (got, expected) in zip(fast.namedParameters, readable.namedParameters) {
            assertClose(got.tensor, expected.tensor, tolerance: tolerance, "\(tag): \(expected.name) after an Adam step")
        }
    }

    func testFastTrainingStep_matchesReadableModel() {
        var seed: UInt64 = 90
        for pooling in [Pooling.maxMean, .max, .mean, .attention, .last] {
            for (trainable, batch) in [(true, 3), (false, 2), (true, 1)] {
                seed += 1
                compareModel(Double.self, pooling: pooling, trainable: trainable, batch: batch, tolerance: Self.double, seed: seed)
                compareModel(Float.self, pooling: pooling, trainable: trainable, batch: batch, tolerance: Self.float, seed: seed)
            }
        }
    }
}
