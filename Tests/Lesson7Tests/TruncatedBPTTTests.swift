// Section 15: batchify, the chunks, and one chunk of truncated BPTT against PyTorch
// (Tests/Fixtures/lesson7/tbptt.json): a stream of 23 tokens in B = 2 streams, chunks of 4, 4
// and 2 steps, the LSTM's state carried from chunk to chunk and detached.

import CourseTesting
import Lesson2
import Lesson3
import Lesson4
import Lesson7
import TensorCore
import XCTest

struct TBPTTCase {
    let f: Fixture
    let stream: [Int32]
    let batchified: [[Int32]]
    let noise: [Double]
    let model: LanguageModel<Double>
    let steps: Int

    static func load() throws -> TBPTTCase {
        let f = try loadFixture("lesson7/tbptt")
        let b = try f.int("streams")
        let data = try f.tensor("batchified")
        let length = data.shape[0]
        let batchified = (0..<length).map { t in (0..<b).map { Int32(data.scalars[t * b + $0]) } }
        let lstm = LSTM<Double>(layers: [[LSTMLayer(parameters: LSTMParameters(
            uncheckedWeightIH: try f.tensor("weight_ih"), weightHH: try f.tensor("weight_hh"),
            biasIH: try f.tensor("bias_ih"), biasHH: try f.tensor("bias_hh")))]])
        let model = LanguageModel(embedding: Embedding(weight: try f.tensor("embedding"), paddingIndex: nil), lstm: lstm,
                                  weight: try f.tensor("weight"), bias: try f.tensor("bias"))
        return TBPTTCase(f: f, stream: try f.tensor("stream").scalars.map { Int32($0) }, batchified: batchified,
                         noise: try f.tensor("noise").scalars, model: model, steps: try f.int("steps"))
    }

    func ids(_ key: String) throws -> [[Int32]] {
        let t = try f.tensor(key)
        return (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { Int32(t.scalars[i * t.shape[1] + $0]) } }
    }

    func samples(_ i: Int) throws -> [Int] { try f.tensor("samples_\(i)").scalars.map { Int($0) } }

    /// Chunk i with the fixture's own inputs, targets and samples.
    func run(_ i: Int, carried: LSTM<Double>.StackedState?) throws -> ChunkGradients<Double> {
        model.chunkGradients(inputs: try ids("inputs_\(i)"), targets: try ids("targets_\(i)"), samples: try samples(i), noise: noise, carried: carried)
    }
}

final class TruncatedBPTTTests: XCTestCase {
    func testBatchify_matchesTorch() throws {
        let c = try TBPTTCase.load()
        let got = batchify(c.stream, streams: 2)
        XCTAssertEqual(got.count, 11, "23 tokens in 2 streams: 11 steps (the 23rd token is dropped); got \(got.count) steps")
        XCTAssertTrue(got.allSatisfy { $0.count == 2 }, "each step holds one token of each of the 2 streams")
        if got.count == 11 && got.allSatisfy({ $0.count == 2 }) && got != c.batchified {
            let streamZero = got.map { $0[0] }
            XCTFail(streamZero == Array(c.stream.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).prefix(11))
                    ? "the streams interleave the tokens: each stream must be a consecutive piece of the text (section 15.1)"
                    : "the steps of the batchified streams are wrong (section 15.1)")
        }
    }

    func testBatchify_dropsTheRemainderAndKeepsOrder() throws {
        let got = batchify(Array(0..<11).map { Int32($0) }, streams: 3)
        XCTAssertEqual(got, [[0, 3, 6], [1, 4, 7], [2, 5, 8]],
                       "11 tokens in 3 streams of 3 (tokens 9 and 10 dropped): stream b reads its own consecutive piece, step by step")
    }

    func testChunk_inputsAndTargetsMatchTorch() throws {
        let c = try TBPTTCase.load()
        let starts = Array(stride(from: 0, to: c.batchified.count - 1, by: c.steps))
        XCTAssertEqual(starts, [0, 4, 8])
        for (i, start) in starts.enumerated() {
            let got = chunk(c.batchified, start: start, steps: c.steps)
            let inputs = try c.ids("inputs_\(i)"), targets = try c.ids("targets_\(i)")
            XCTAssertEqual(got.inputs.count, inputs.count, "chunk at step \(start) of 11: \(inputs.count) steps (the last step has no next token)")
            XCTAssertEqual(got.inputs, inputs, "the inputs of the chunk at step \(start)")
            if got.targets == got.inputs {
                XCTFail("the targets are the inputs themselves: a language model predicts the next token (section 15.1)")
            } else {
                XCTAssertEqual(got.targets, targets, "the targets of the chunk at step \(start): its inputs one step later")
            }
        }
    }

    func testChunkGradients_firstChunkMatchesTorch() throws {
        let c = try TBPTTCase.load()
        let g = try c.run(0, carried: nil)
        assertClose(g.loss, try c.f.scalar("loss_0"), tolerance: 1e-12, "loss of the first chunk (from the zero state)")
        assertClose(g.final.h, try c.f.tensor("final_h_0"), tolerance: 1e-12, "h after the first chunk, the state to carry [1, B, H]")
        assertClose(g.final.c, try c.f.tensor("final_c_0"), tolerance: 1e-12, "c after the first chunk, the state to carry [1, B, H]")
        assertClose(g.weight, try c.f.tensor("dweight_0"), tolerance: 1e-10, "dWeight of the first chunk")
        assertClose(g.embedding, try c.f.tensor("dembedding_0"), tolerance: 1e-10, "dEmbedding of the first chunk")
        assertClose(g.lstm.weightHH, try c.f.tensor("dweight_hh_0"), tolerance: 1e-10, "the LSTM's dW_hh of the first chunk")
    }

    func testChunkGradients_carriesTheState() throws {
        let c = try TBPTTCase.load()
        let first = try c.run(0, carried: nil)
        let second = try c.run(1, carried: first.final)
        let expected = try c.f.scalar("loss_1")
        if abs(second.loss - expected) > 1e-10, abs(second.loss - (try c.f.scalar("loss_1_from_zeros"))) < 1e-10 {
            XCTFail("the second chunk starts from zeros: it must start from the state the first chunk ended in (section 15.2)")
            return
        }
        assertClose(second.loss, expected, tolerance: 1e-12, "loss of the second chunk, started from the first chunk's final state")
        assertClose(second.final.h, try c.f.tensor("final_h_1"), tolerance: 1e-12, "h after the second chunk")
        assertClose(second.final.c, try c.f.tensor("final_c_1"), tolerance: 1e-12, "c after the second chunk")
    }

    func testChunkGradients_backpropagationStopsAtTheChunkStart() throws {
        // Chunks 0, 1, 2 in order: each chunk's gradients are those of its own loss with the carried state a constant.
        let c = try TBPTTCase.load()
        var carried: LSTM<Double>.StackedState?
        for i in 0..<3 {
            let g = try c.run(i, carried: carried)
            var problems: [String] = []
            let parts: [(String, Tensor<Double>, String)] = [
                ("dEmbedding", g.embedding, "dembedding"), ("dW_ih", g.lstm.weightIH, "dweight_ih"), ("dW_hh", g.lstm.weightHH, "dweight_hh"),
                ("db_ih", g.lstm.biasIH, "dbias_ih"), ("db_hh", g.lstm.biasHH, "dbias_hh"), ("dWeight", g.weight, "dweight"), ("dBias", g.bias, "dbias"),
            ]
            for (name, got, key) in parts {
                if let d = tensorDiagnosis(got, try c.f.tensor("\(key)_\(i)"), tolerance: 1e-10) { problems.append("\(name) \(d)") }
            }
            XCTAssertTrue(problems.isEmpty, "chunk \(i) (steps \(i * 4)...): " + problems.joined(separator: "; "))
            carried = g.final
        }
    }

    func testChunkGradients_centredDifferencesWithTheCarriedStateFixed() throws {
        // The second chunk's dW_hh against centred differences of its own loss, the carried state held
        // fixed. Some entries are of order 1e-6, where ε = 1e-5's truncation error (ε² times the third
        // derivative) is a few parts in a million; a gradient that ignored the carried state or ran into
        // the previous chunk would be off by far more.
        let c = try TBPTTCase.load()
        let carried = try c.run(0, carried: nil).final
        let g = try c.run(1, carried: carried)
        let inputs = try c.ids("inputs_1"), targets = try c.ids("targets_1"), samples = try c.samples(1)
        let result = GradientCheck(epsilon: 1e-5).check("dW_hh", analytic: g.lstm.weightHH, at: c.model.lstm.layers[0][0].parameters.weightHH) { w in
            var model = c.model
            model.lstm.layers[0][0].parameters.weightHH = w
            return model.chunkGradients(inputs: inputs, targets: targets, samples: samples, noise: c.noise, carried: carried).loss
        }
        assertGradientsPass([result], tolerance: 1e-5)
    }
}
