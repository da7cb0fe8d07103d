import CourseTesting
import Foundation
import Lesson1
import Lesson2
import Lesson5
import TensorCore
import XCTest

/// The whole model against PyTorch (same weights, dropout 0): the logits, the loss and the
/// gradient of every parameter, embedding included; and against centred differences in Double.
final class SentimentLSTMTests: XCTestCase {
    private struct Case {
        var model: SentimentLSTM<Double>
        var ids: [Int32]
        var lengths: [Int]
        var targets: Tensor<Double>
        var fixture: Fixture
    }

    private func load(_ name: String) throws -> Case {
        let f = try loadFixture("lesson5/\(name)")
        guard let pooling = Pooling(rawValue: try f.string("pooling")) else { throw InputError(file: f.path, "unknown pooling") }
        // The LSTM fixtures have no "cell".
        guard let cell = RecurrentCellKind(rawValue: (try? f.string("cell")) ?? "lstm") else { throw InputError(file: f.path, "unknown cell") }
        let config = SentimentLSTMConfig(vocabularySize: try f.int("vocabulary"), embeddingSize: try f.int("embedding"),
                                         hiddenSize: try f.int("hidden"), layers: try f.int("layers"),
                                         bidirectional: try f.bool("bidirectional"), pooling: pooling, dropout: 0, cell: cell)
        var rng = SeededRNG(seed: 0)
        var model = SentimentLSTM<Double>(config: config, rng: &rng)
        try model.load { try f.tensor($0) }
        let ids = try f.tensor("ids").scalars.map { Int32($0) }
        return Case(model: model, ids: ids, lengths: try f.ints("lengths"), targets: try f.tensor("targets"), fixture: f)
    }

    private func checkAgainstTorch(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try load(name)
        var rng = SeededRNG(seed: 0)
        let (loss, logits, grads) = c.model.lossAndGradients(ids: c.ids, lengths: c.lengths, targets: c.targets, training: false, rng: &rng)
        assertClose(logits, try c.fixture.tensor("logits"), tolerance: 1e-10, "\(name): logits", file: file, line: line)
        assertClose(Double(loss), try c.fixture.scalar("loss"), tolerance: 1e-10, "\(name): loss", file: file, line: line)
        let names = c.model.namedParameters.map(\.name)
        XCTAssertEqual(names.count, grads.list.count, "\(name): one gradient per parameter", file: file, line: line)
        for (n, g) in zip(names, grads.list) {
            assertClose(g, try c.fixture.tensor("grad." + n), tolerance: 1e-9, "\(name): gradient of \(n)", file: file, line: line)
        }
    }

    func testSentimentLSTM_biLSTM2LayersAttention_matchesTorch() throws { try checkAgainstTorch("sentiment_bilstm2_attention") }
    func testSentimentLSTM_biLSTMMaxPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_bilstm1_max") }
    func testSentimentLSTM_LSTMMeanPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_lstm1_mean") }
    func testSentimentLSTM_biLSTMLastPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_bilstm1_last") }
    func testSentimentLSTM_LSTM2LayersLastPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_lstm2_last") }
    func testSentimentLSTM_biGRU2LayersAttention_matchesTorch() throws { try checkAgainstTorch("sentiment_bigru2_attention") }
    func testSentimentLSTM_GRULastPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_gru1_last") }
    func testSentimentLSTM_biRNNMaxPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_birnn1_max") }
    func testSentimentLSTM_RNN2LayersMeanPooling_matchesTorch() throws { try checkAgainstTorch("sentiment_rnn2_mean") }

    /// Every parameter tensor by centred differences (sampled entries), 2-layer BiLSTM with attention.
    func testSentimentLSTM_gradientCheckEveryParameter() throws {
        try gradientCheck("sentiment_bilstm2_attention")
    }

    /// The same with the GRU encoder (gru.weight_ih_l0 ... through the student's GRUCell).
    func testSentimentLSTM_GRUGradientCheckEveryParameter() throws {
        try gradientCheck("sentiment_bigru2_attention")
    }

    /// The same in training with dropout 0.5: every loss evaluation draws the same masks from
    /// the same seed, so backward must send the gradient through exactly those masks.
    func testSentimentLSTM_gradientCheckWithDropout() throws {
        try gradientCheck("sentiment_bilstm2_attention", dropout: 0.5)
    }

    /// A config saved before `cell` existed (checkpoints of earlier runs) is an LSTM, loads
    /// lstm.* tensors and gives torch's logits.
    func testSentimentLSTMConfig_oldConfigWithoutCellIsLSTM() throws {
        let old = #"{"vocabularySize": 17, "embeddingSize": 5, "hiddenSize": 4, "layers": 1, "bidirectional": true,"#
            + #" "pooling": "max", "dropout": 0, "embeddingTrainable": true}"#
        let config = try JSONDecoder().decode(SentimentLSTMConfig.self, from: Data(old.utf8))
        XCTAssertEqual(config.cell, .lstm, "a config without \"cell\" must decode as the LSTM")
        let again = try JSONDecoder().decode(SentimentLSTMConfig.self, from: try JSONEncoder().encode(config))
        XCTAssertEqual(again, config, "encode then decode gives the same config")
        var gru = config
        gru.cell = .gru
        XCTAssertEqual(try JSONDecoder().decode(SentimentLSTMConfig.self, from: try JSONEncoder().encode(gru)).cell, .gru,
                       "cell gru survives encode and decode")
        let f = try loadFixture("lesson5/sentiment_bilstm1_max")
        var rng = SeededRNG(seed: 0)
        var model = SentimentLSTM<Double>(config: config, rng: &rng)
        XCTAssertEqual(model.namedParameters.map(\.name).filter { $0.hasPrefix("lstm.") }.count, 8, "lstm.* tensors of 2 directions")
        try model.load { try f.tensor($0) }
        let logits = model.forward(ids: try f.tensor("ids").scalars.map { Int32($0) }, lengths: try f.ints("lengths"),
                                   training: false, rng: &rng).logits
        assertClose(logits, try f.tensor("logits"), tolerance: 1e-10, "logits of the old-config model")
    }

    /// dropout > 0: in training mode, the model's own dropouts on (the layers' dropout stays 0).
    private func gradientCheck(_ name: String, dropout: Double = 0, file: StaticString = #filePath, line: UInt = #line) throws {
        var c = try load(name)
        c.model.config.dropout = dropout
        let training = dropout > 0
        var rng = SeededRNG(seed: 0)
        let grads = c.model.lossAndGradients(ids: c.ids, lengths: c.lengths, targets: c.targets, training: training, rng: &rng).gradients
        let params = c.model.namedParameters
        // ε = 1e-4: some LSTM gradients are ~1e-7, where a smaller step would measure rounding noise.
        let check = GradientCheck(epsilon: 1e-4, maxEntries: 40)
        var results: [GradientCheckResult] = []
        for (i, (name, tensor)) in params.enumerated() {
            results.append(check.check(name, analytic: grads.list[i], at: tensor) { probe in
                var m = c.model
                try? m.load { wanted in
                    wanted == name ? probe : (params.first { $0.name == wanted }?.tensor ?? Tensor<Double>(shape: [0]))
                }
                var r = SeededRNG(seed: 0)
                return m.lossAndGradients(ids: c.ids, lengths: c.lengths, targets: c.targets, training: training, rng: &r).loss
            })
        }
        assertGradientsPass(results, tolerance: 1e-6, file: file, line: line)
    }

    /// A frozen embedding gets no gradient and is not changed by an update.
    func testSentimentLSTM_frozenEmbeddingIsNotUpdated() throws {
        var c = try load("sentiment_bilstm1_max")
        c.model.embedding.trainable = false
        var rng = SeededRNG(seed: 0)
        let grads = c.model.lossAndGradients(ids: c.ids, lengths: c.lengths, targets: c.targets, training: false, rng: &rng).gradients
        XCTAssertNil(grads.embedding, "a frozen embedding should have no gradient")
        XCTAssertFalse(c.model.namedParameters.contains { $0.name == "embedding.weight" })
        let before = c.model.embedding.weight
        let fcBefore = c.model.output.weight
        var sgd = MomentumSGD<Double>(learningRate: 0.1, momentum: 0)
        c.model.update(with: &sgd, gradients: grads.list)
        XCTAssertEqual(c.model.embedding.weight, before, "the frozen embedding changed")
        XCTAssertNotEqual(c.model.output.weight, fcBefore, "fc.weight should have moved")
        assertClose(c.model.output.weight, fcBefore - 0.1 * grads.output.weight, tolerance: 1e-15, "fc.weight after one SGD step")
    }

    /// In training, dropout acts on the embedded reviews (before the encoder) and on the pooled
    /// vector (before the output layer): the logits are what the model's own parts give with the
    /// masks it drew applied at exactly those two places.
    func testSentimentLSTM_dropoutOnEmbeddingsAndPooledVector() throws {
        var c = try load("sentiment_bilstm1_max")
        c.model.config.dropout = 0.5
        var rng = SeededRNG(seed: 9)
        let (logits, cache) = c.model.forward(ids: c.ids, lengths: c.lengths, training: true, rng: &rng)
        let inputMask = try XCTUnwrap(cache.inputDropout, "training with dropout 0.5 must draw a mask for the embedded reviews")
        let pooledMask = try XCTUnwrap(cache.pooledDropout, "training with dropout 0.5 must draw a mask for the pooled vector")
        let B = c.lengths.count
        let embedded = c.model.embedding.forward(c.ids, shape: [c.ids.count / B, B]).y
        var unused = SeededRNG(seed: 0)   // one layer: the encoder has no dropout of its own
        let out = c.model.encoder.forward(embedded * inputMask, lengths: c.lengths, training: true, rng: &unused).output
        let pooled = c.model.pooling.forward(out, lengths: c.lengths).pooled
        let expected = c.model.output.forward(pooled * pooledMask).y.reshaped([B])
        assertClose(logits, expected, tolerance: 1e-12,
                    "training logits from the embedded reviews ⊙ mask, through the encoder and pooling, ⊙ mask, through the output layer")
    }

    /// Dropout in training: the same generator gives the same masks, and a different loss than evaluation.
    func testSentimentLSTM_dropoutIsSeededAndOnlyInTraining() throws {
        var c = try load("sentiment_bilstm1_max")
        c.model.config.dropout = 0.5
        var r1 = SeededRNG(seed: 9), r2 = SeededRNG(seed: 9), r3 = SeededRNG(seed: 9)
        let a = c.model.forward(ids: c.ids, lengths: c.lengths, training: true, rng: &r1).logits
        let b = c.model.forward(ids: c.ids, lengths: c.lengths, training: true, rng: &r2).logits
        let e = c.model.forward(ids: c.ids, lengths: c.lengths, training: false, rng: &r3).logits
        XCTAssertEqual(a, b, "same seed, same dropout masks, same logits")
        XCTAssertNotEqual(a, e, "training with dropout 0.5 should differ from evaluation")
        assertClose(e, try c.fixture.tensor("logits"), tolerance: 1e-10, "evaluation ignores dropout")
        var r4 = SeededRNG(seed: 9)
        let evaluated = c.model.lossAndGradients(ids: c.ids, lengths: c.lengths, targets: c.targets, training: false, rng: &r4).logits
        assertClose(evaluated, try c.fixture.tensor("logits"), tolerance: 1e-10, "lossAndGradients(training: false) ignores dropout")
    }

    /// Thirty Adam steps on four short reviews in Float: the model fits them.
    func testSentimentLSTM_learnsATinyTask() {
        let config = SentimentLSTMConfig(vocabularySize: 12, embeddingSize: 8, hiddenSize: 8, layers: 1,
                                         bidirectional: true, pooling: .max, dropout: 0)
        var rng = SeededRNG(seed: 1)
        var model = SentimentLSTM<Float>(config: config, rng: &rng)
        // T = 3, B = 4, time-major; word 2 = "good", 3 = "bad".
        let ids: [Int32] = [2, 3, 5, 6,
                            7, 8, 2, 3,
                            0, 9, 0, 0]
        let lengths = [2, 3, 2, 2]
        let targets = Tensor<Float>([1, 0, 1, 0])
        var adam = AdamOptimizer<Float>(learningRate: 0.05)
        var first: Float = 0, last: Float = 0
        for step in 0..<30 {
            let (loss, _, grads) = model.lossAndGradients(ids: ids, lengths: lengths, targets: targets, training: true, rng: &rng)
            if step == 0 { first = loss }
            last = loss
            model.update(with: &adam, gradients: grads.list)
        }
        // Measured 1.1e-4 to 5.0e-4 for init seeds 1-6 under OpenBLAS's Haswell, SkylakeX and Zen
        // kernels (the same to 6 digits on each): 0.05 is a hundred times above, so only a model
        // that does not learn fails, never rounding.
        XCTAssertLessThan(last, 0.05, "loss after 30 steps: \(last) (first \(first))")
    }
}
