// The provided language-model pretraining (Sources/LanguageModelKernels): the sampled-softmax
// kernel against a plain loop in Double, a resumed run equals an uninterrupted one, a checkpoint
// of another run is refused, and training lowers the held-out loss on a text with structure.
// The kernel against the student's readable gradient is Lesson7Tests' FastTrainerTests.

import Foundation
import LanguageModelKernels
import TensorCore
import XCTest

final class LanguageModelTrainerTests: XCTestCase {
    func testSampledSoftmaxKernelMatchesAPlainLoop() {
        // Few samples: the scalar tails of the kernel's vector loops; word 5 drawn twice, word 4
        // both drawn and a target (an accidental hit).
        checkSampledSoftmaxKernel(n: 7, h: 5, v: 12, targets: [1, 4, 4, 9, 2, 11, 3], samples: [4, 5, 5, 8, 0])
    }

    func testSampledSoftmaxKernelMatchesAPlainLoopWithVectorBlocks() {
        // 37 samples = two blocks of 16 and a tail of 5, with hits inside a block and in the tail.
        var rng = SeededRNG(seed: 5)
        let samples = (0..<37).map { _ in Int32(rng.int(below: 30)) }
        let targets: [Int32] = [samples[3], samples[20], samples[35], 7, samples[3], 29]
        checkSampledSoftmaxKernel(n: targets.count, h: 9, v: 30, targets: targets, samples: samples)
    }

    /// The kernel's loss and every gradient against a plain loop in Double.
    private func checkSampledSoftmaxKernel(n: Int, h: Int, v: Int, targets: [Int32], samples: [Int32],
                                           file: StaticString = #filePath, line: UInt = #line) {
        var rng = SeededRNG(seed: 2)
        let hidden = Tensor<Float>.normal([n, h], std: 0.7, rng: &rng), weight = Tensor<Float>.normal([v, h], std: 0.7, rng: &rng)
        let bias = (0..<v).map { _ in Float(rng.normal(mean: 0, std: 0.2)) }
        let logQ = (0..<v).map { Float(-1 + 0.1 * Double($0 % 12)) }
        let r = SampledSoftmaxKernel.run(hidden: hidden, weight: weight, bias: bias, targets: targets, samples: samples, logExpectedCount: logQ)
        let k = samples.count
        var loss = 0.0
        var dHidden = [Double](repeating: 0, count: n * h), dSampleRows = [Double](repeating: 0, count: k * h)
        var dSampleBias = [Double](repeating: 0, count: k), dTargetBias = [Double](repeating: 0, count: n)
        for i in 0..<n {
            func logit(_ w: Int32) -> Double {
                (0..<h).reduce(Double(bias[Int(w)]) - Double(logQ[Int(w)])) { $0 + Double(hidden.scalars[i * h + $1]) * Double(weight.scalars[Int(w) * h + $1]) }
            }
            let candidates = [targets[i]] + samples
            let z = candidates.enumerated().map { j, w in j > 0 && w == targets[i] ? -Double.infinity : logit(w) }
            let top = z.max()!, sum = z.reduce(0) { $0 + Foundation.exp($1 - top) }
            loss += top + Foundation.log(sum) - z[0]
            for (j, w) in candidates.enumerated() {
                let d = (Foundation.exp(z[j] - top) / sum - (j == 0 ? 1 : 0)) / Double(n)
                for c in 0..<h { dHidden[i * h + c] += d * Double(weight.scalars[Int(w) * h + c]) }
                if j == 0 {
                    dTargetBias[i] = d
                } else {
                    dSampleBias[j - 1] += d
                    for c in 0..<h { dSampleRows[(j - 1) * h + c] += d * Double(hidden.scalars[i * h + c]) }
                }
            }
        }
        XCTAssertEqual(Double(r.loss), loss / Double(n), accuracy: 1e-5, "loss", file: file, line: line)
        for (a, b) in zip(r.dHidden.scalars, dHidden) { XCTAssertEqual(Double(a), b, accuracy: 1e-6, "dHidden", file: file, line: line) }
        for (a, b) in zip(r.dSampleRows.scalars, dSampleRows) { XCTAssertEqual(Double(a), b, accuracy: 1e-6, "dSampleRows", file: file, line: line) }
        for (a, b) in zip(r.dSampleBias, dSampleBias) { XCTAssertEqual(Double(a), b, accuracy: 1e-6, "dSampleBias", file: file, line: line) }
        for (a, b) in zip(r.dTargetBias, dTargetBias) { XCTAssertEqual(Double(a), b, accuracy: 1e-6, "dTargetBias", file: file, line: line) }
    }

    func testFullLossKernelMatchesAPlainLoop() {
        // V = 37: two blocks of 16 and a tail; blocks of 4 rows, so the last block is short.
        var rng = SeededRNG(seed: 8)
        let (n, h, v) = (10, 6, 37)
        let hidden = Tensor<Float>.normal([n, h], std: 0.8, rng: &rng), weight = Tensor<Float>.normal([v, h], std: 0.8, rng: &rng)
        let bias = (0..<v).map { _ in Float(rng.normal(mean: 0, std: 0.3)) }
        let targets = (0..<n).map { _ in Int32(rng.int(below: v)) }
        var expected = 0.0
        for i in 0..<n {
            let z = (0..<v).map { w in
                (0..<h).reduce(Double(bias[w])) { $0 + Double(hidden.scalars[i * h + $1]) * Double(weight.scalars[w * h + $1]) }
            }
            let top = z.max()!
            expected += top + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - top) }) - z[Int(targets[i])]
        }
        let total = SampledSoftmaxKernel.fullLoss(hidden: hidden, weight: weight, bias: bias, targets: targets, block: 4)
        XCTAssertEqual(total, expected, accuracy: 1e-5 * Double(n))
    }

    /// 300 tokens over 20 words that follow a pattern (each word mostly predicts the next).
    private func trainer(seed: UInt64 = 3, epochs: Int = 2) throws -> LanguageModelTrainer {
        var settings = LanguageModelSettings()
        (settings.embeddingSize, settings.hiddenSize, settings.streams, settings.steps, settings.samples) = (4, 6, 2, 5, 8)
        (settings.epochs, settings.seed, settings.evaluations) = (epochs, seed, 2)
        var rng = SeededRNG(seed: 9)
        let text: [Int32] = (0..<300).map { i in Int32(1 + (i % 19 + (rng.next() % 7 == 0 ? 1 : 0)) % 19) }
        func streams(_ ids: [Int32]) -> [BatchifiedStream] {
            [ids, ids.reversed()].map { s in
                let length = s.count / 2
                return BatchifiedStream((0..<length).map { t in [s[t], s[length + t]] })
            }
        }
        let noise = (0..<20).map { $0 == 0 ? 0.001 : 0.999 / 19 }
        let table = (0..<1_000).map { Int32(1 + $0 % 19) }
        var r = SeededRNG(seed: 1)
        return try LanguageModelTrainer(vocabularySize: 20, initialEmbedding: .normal([20, 4], std: 0.5, rng: &r),
                                        train: streams(Array(text.prefix(240))), heldOut: streams(Array(text.suffix(60))),
                                        noiseTable: table, noise: noise, settings: settings)
    }

    private func temporaryFile(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "lm-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    func testResumedRunEqualsUninterruptedOne() throws {
        let whole = try trainer()
        _ = try whole.train(checkpoint: nil) { _ in }
        let path = temporaryFile("resume.ckpt")
        let killed = try trainer()
        _ = try killed.train(checkpoint: path, checkpointSeconds: 0, haltAfterSteps: 17) { _ in }
        XCTAssertEqual(killed.stepsDone, 17)
        let resumed = try trainer()
        try resumed.resume(from: path)
        XCTAssertEqual(resumed.stepsDone, 17, "the checkpoint records the steps done")
        let summary = try resumed.train(checkpoint: path) { _ in }
        XCTAssertEqual(summary.resumedFromStep, 17)
        XCTAssertEqual(resumed.stepsDone, whole.stepsDone)
        // The same operations in the same order on the same machine: the same numbers (a tolerance
        // only for safety, never needed on one machine).
        XCTAssertLessThanOrEqual(resumed.embedding.maxAbsDifference(whole.embedding), 1e-6, "embedding of a resumed run and an uninterrupted one")
        for d in 0..<2 {
            XCTAssertLessThanOrEqual(resumed.lstm(d).weightHH.maxAbsDifference(whole.lstm(d).weightHH), 1e-6, "model \(d)'s W_hh")
            XCTAssertLessThanOrEqual(resumed.outputLayer(d).weight.maxAbsDifference(whole.outputLayer(d).weight), 1e-6, "model \(d)'s output layer")
        }
        XCTAssertEqual(resumed.history.map(\.step), whole.history.map(\.step), "the perplexity curve continues where it stopped")
    }

    func testCheckpointOfAnotherRunIsRefused() throws {
        let path = temporaryFile("other.ckpt")
        _ = try trainer(seed: 3).train(checkpoint: path, checkpointSeconds: 0, haltAfterSteps: 2) { _ in }
        XCTAssertThrowsError(try trainer(seed: 4).resume(from: path), "a checkpoint of another seed must be refused")
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try trainer().resume(from: path), "a damaged checkpoint must be refused")
    }

    func testTrainingLowersTheHeldOutPerplexity() throws {
        let t = try trainer(epochs: 30)
        _ = try t.train(checkpoint: nil) { _ in }
        let first = try XCTUnwrap(t.history.first), last = try XCTUnwrap(t.history.last)
        XCTAssertLessThan(last.forwardPerplexity, 0.5 * first.forwardPerplexity, "the forward model learns the pattern")
        XCTAssertLessThan(last.backwardPerplexity, 0.5 * first.backwardPerplexity, "the backward model learns the pattern reversed")
    }
}
