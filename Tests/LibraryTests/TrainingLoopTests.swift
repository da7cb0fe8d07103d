import Foundation
import TensorCore
import XCTest
@testable import Training

/// Logistic regression with momentum SGD and input dropout: small, but with everything a resumed
/// run must restore (weights, optimiser state, per-epoch shuffling, per-step random masks).
private struct ToyTask: TrainingTask {
    var w = Tensor<Float>(shape: [4])
    var b = Tensor<Float>(shape: [1])
    var velocity = Tensor<Float>(shape: [5])
    let x: [[Float]]
    let y: [Float]
    let seed: UInt64
    var order: (epoch: Int, rows: [Int]) = (0, [])
    /// Make the loss NaN at this global step (counting calls).
    var poisonAtCall: Int?
    var calls = 0
    /// Validation figures to report instead of the real ones, epoch by epoch.
    var scriptedValidation: [Double]?
    var validations = 0
    /// The learning rate the loop passed to each step.
    var rates: [Double] = []

    init(seed: UInt64) {
        self.seed = seed
        var rng = SeededRNG(seed: 99)
        var xs: [[Float]] = [], ys: [Float] = []
        for _ in 0..<40 {
            let row = (0..<4).map { _ in Float(rng.normal()) }
            xs.append(row)
            ys.append(row[0] - 0.5 * row[2] + Float(rng.normal(std: 0.3)) > 0 ? 1 : 0)
        }
        x = xs
        y = ys
    }

    func batchCount(epoch: Int) -> Int { 5 }

    mutating func trainStep(epoch: Int, step: Int, learningRate: Double, rng: inout SeededRNG) -> StepResult {
        calls += 1
        rates.append(learningRate)
        if order.epoch != epoch {
            var r = SeededRNG(seed: RandomStreams.epochSeed(seed, epoch: epoch))
            order = (epoch, r.permutation(x.count))
        }
        var gw = [Float](repeating: 0, count: 4), gb: Float = 0, loss = 0.0, correct = 0
        let rows = order.rows[(step * 8)..<((step + 1) * 8)]
        for i in rows {
            let xi = x[i].map { rng.nextUnit() < 0.2 ? 0 : $0 / 0.8 }
            let z = zip(xi, w.scalars).map(*).reduce(b.scalars[0], +)
            let p = sigmoid(z)
            loss += Double(-(y[i] * log(max(p, 1e-7)) + (1 - y[i]) * log(max(1 - p, 1e-7))))
            if (p > 0.5) == (y[i] > 0.5) { correct += 1 }
            for j in 0..<4 { gw[j] += (p - y[i]) * xi[j] / 8 }
            gb += (p - y[i]) / 8
        }
        loss /= 8
        if calls == poisonAtCall { loss = .nan }
        guard loss.isFinite else { return StepResult(loss: loss, correct: 0, count: 8, tokens: 0, gradientNorm: .nan) }
        var grads = [Tensor<Float>(gw + [gb])]
        let norm = GradientClipping.clip(&grads, maxNorm: 5)
        for k in 0..<5 {
            velocity.scalars[k] = 0.9 * velocity.scalars[k] + grads[0].scalars[k]
            if k < 4 { w.scalars[k] -= Float(learningRate) * velocity.scalars[k] } else { b.scalars[0] -= Float(learningRate) * velocity.scalars[k] }
        }
        return StepResult(loss: loss, correct: correct, count: 8, tokens: 32, gradientNorm: norm)
    }

    mutating func validate() -> EvaluationResult {
        validations += 1
        if let s = scriptedValidation { return EvaluationResult(loss: s[validations - 1], accuracy: 1 - s[validations - 1]) }
        var loss = 0.0, correct = 0
        for (xi, yi) in zip(x, y) {
            let p = sigmoid(zip(xi, w.scalars).map(*).reduce(b.scalars[0], +))
            loss += Double(-(yi * log(max(p, 1e-7)) + (1 - yi) * log(max(1 - p, 1e-7))))
            if (p > 0.5) == (yi > 0.5) { correct += 1 }
        }
        return EvaluationResult(loss: loss / Double(x.count), accuracy: Double(correct) / Double(x.count))
    }

    func stateTensors() -> [(name: String, tensor: Tensor<Float>)] { [("w", w), ("b", b), ("velocity", velocity)] }

    mutating func restore(from checkpoint: Checkpoint) throws {
        w = try checkpoint.tensor("w")
        b = try checkpoint.tensor("b")
        velocity = try checkpoint.tensor("velocity")
    }

    func modelDescription() -> String { #"{"model":"toy"}"# }
}

final class TrainingLoopTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "training-loop-tests-\(getpid())-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func config(_ sub: String, epochs: Int = 4) -> TrainingConfig {
        var c = TrainingConfig(epochs: epochs, seed: 5, learningRate: 0.1, directory: dir + "/" + sub)
        c.showProgress = false
        c.earlyStoppingPatience = 0
        c.checkpointEverySteps = 3
        c.fingerprint = "toy lr 0.1"
        c.log = { _ in }
        return c
    }

    private func withoutTimes(_ h: [EpochRecord]) -> [EpochRecord] {
        h.map { var r = $0; r.seconds = 0; r.tokensPerSecond = 0; return r }
    }

    func testTrainingLossFallsAndCheckpointsAreWritten() throws {
        var task = ToyTask(seed: 5)
        let state = try TrainingLoop.run(&task, config: config("plain"))
        XCTAssertEqual(state.history.count, 4)
        XCTAssertEqual(state.globalStep, 20)
        XCTAssertEqual(state.gradientNorms.count, 20)
        XCTAssertLessThan(state.history[3].trainLoss, state.history[0].trainLoss, "training loss should fall: \(state.history.map(\.trainLoss))")
        XCTAssertEqual(state.stopReason, "finished 4 epochs")
        let last = try Checkpoint.read(from: dir + "/plain/last.ckpt")
        XCTAssertEqual(try last.tensor("w"), task.w)
        let meta = try last.decodeMetadata(CheckpointMetadata.self)
        XCTAssertEqual(meta.state.epochsCompleted, 4)
        XCTAssertEqual(meta.model, #"{"model":"toy"}"#)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/plain/best.ckpt"))
    }

    /// Killed during epoch 2 (after step 8; the last checkpoint is from step 6) and resumed, the run
    /// ends with exactly the weights, optimiser state and history of the uninterrupted run.
    func testResumeAfterKillInEpoch2GivesSameResult() throws {
        var straight = ToyTask(seed: 5)
        let full = try TrainingLoop.run(&straight, config: config("straight"))

        var first = ToyTask(seed: 5)
        var killed = config("resumed")
        killed.haltAfterStep = 8
        let partial = try TrainingLoop.run(&first, config: killed)
        XCTAssertEqual(partial.globalStep, 8)
        let saved = try Checkpoint.read(from: killed.lastCheckpointPath).decodeMetadata(CheckpointMetadata.self).state
        XCTAssertEqual(saved.epochsCompleted, 1)
        XCTAssertEqual(saved.stepInEpoch, 1, "the mid-epoch checkpoint at global step 6 is step 1 of epoch 2")

        var second = ToyTask(seed: 5)  // a fresh process: nothing in memory
        let resumed = try TrainingLoop.run(&second, config: config("resumed"), resume: true)
        XCTAssertEqual(second.w, straight.w, "weights differ after resume")
        XCTAssertEqual(second.velocity, straight.velocity, "optimiser state differs after resume")
        XCTAssertEqual(withoutTimes(resumed.history), withoutTimes(full.history))
        XCTAssertEqual(resumed.gradientNorms, full.gradientNorms)
    }

    func testResumeRefusesOtherSettings() throws {
        var task = ToyTask(seed: 5)
        var c = config("settings", epochs: 1)
        _ = try TrainingLoop.run(&task, config: c)
        c.fingerprint = "toy lr 0.5"
        c.epochs = 2
        var again = ToyTask(seed: 5)
        XCTAssertThrowsError(try TrainingLoop.run(&again, config: c, resume: true)) { error in
            XCTAssertTrue("\(error)".contains("other settings") && "\(error)".contains("last.ckpt"), "got: \(error)")
        }
    }

    func testNaNLossStopsWithDiagnosticAndKeepsLastGoodCheckpoint() throws {
        var task = ToyTask(seed: 5)
        task.poisonAtCall = 13  // epoch 3, step 2
        let c = config("nan")
        XCTAssertThrowsError(try TrainingLoop.run(&task, config: c)) { error in
            guard let e = error as? NonFiniteLossError else { return XCTFail("expected NonFiniteLossError, got \(error)") }
            XCTAssertEqual(e.epoch, 3)
            XCTAssertEqual(e.step, 2)
            XCTAssertEqual(e.globalStep, 13)
            XCTAssertEqual(e.report.tensor, "loss")
            XCTAssertEqual(e.lastGoodCheckpoint, c.lastCheckpointPath)
            XCTAssertTrue(e.description.contains("loss is nan at epoch 3, step 2"), e.description)
        }
        let kept = try Checkpoint.read(from: c.lastCheckpointPath).decodeMetadata(CheckpointMetadata.self).state
        XCTAssertEqual(kept.globalStep, 12, "the checkpoint from step 12 (after epoch 2... step 2 of epoch 3 failed) stays")
        XCTAssertTrue(kept.gradientNorms.allSatisfy(\.isFinite))
    }

    func testEarlyStoppingKeepsBestCheckpointAndPlateauLowersRate() throws {
        var task = ToyTask(seed: 5)
        task.scriptedValidation = [0.5, 0.4, 0.45, 0.46, 0.3, 0.2]
        var c = config("early", epochs: 6)
        c.earlyStoppingPatience = 2
        c.schedule = .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 0))
        let state = try TrainingLoop.run(&task, config: c)
        XCTAssertEqual(state.history.count, 4, "should stop after 2 epochs without improvement")
        XCTAssertEqual(state.bestEpoch, 2)
        XCTAssertEqual(state.history.map(\.learningRate), [0.1, 0.1, 0.1, 0.05])
        XCTAssertEqual(state.learningRate, 0.025)
        XCTAssertTrue(state.stopReason?.hasPrefix("early stopping") ?? false, "\(state.stopReason ?? "nil")")
        let best = try Checkpoint.read(from: c.bestCheckpointPath).decodeMetadata(CheckpointMetadata.self).state
        XCTAssertEqual(best.epochsCompleted, 2)
    }

    func testLastEpochMonitorKeepsTheFinalModelWhateverTheValidationLoss() throws {
        var task = ToyTask(seed: 5)
        task.scriptedValidation = [0.5, 0.3, 0.4, 0.45]
        var c = config("last", epochs: 4)
        c.monitor = .lastEpoch
        c.schedule = .cosine(warmupSteps: 2)
        let state = try TrainingLoop.run(&task, config: c)
        XCTAssertEqual(state.history.count, 4, "the planned 4 epochs")
        XCTAssertEqual(state.history.map(\.isBest), [true, true, true, true], "every epoch replaces best.ckpt")
        XCTAssertEqual(state.bestEpoch, 4, "the model judged is the last epoch's, not the lowest validation loss's (2)")
        XCTAssertEqual(state.earlyStopping.bestEpoch, 2, "the lowest validation loss is still recorded")
        let best = try Checkpoint.read(from: c.bestCheckpointPath)
        XCTAssertEqual(try best.decodeMetadata(CheckpointMetadata.self).state.epochsCompleted, 4, "best.ckpt after epoch 4")
        XCTAssertEqual(try best.tensor("w").scalars, task.w.scalars, "best.ckpt holds the final weights")
    }

    func testCosineScheduleWarmsUpThenDecaysToZeroAndResumesOnTheSameCurve() throws {
        var c = config("cosine", epochs: 4)   // 4 epochs of 5 steps
        c.schedule = .cosine(warmupSteps: 2)
        var task = ToyTask(seed: 5)
        let state = try TrainingLoop.run(&task, config: c)
        XCTAssertEqual(task.rates.count, 20)
        // Warm-up: 1/3 and 2/3 of the base rate; then the cosine starts at the base rate.
        XCTAssertEqual(task.rates[0], 0.1 / 3, accuracy: 1e-15)
        XCTAssertEqual(task.rates[1], 0.2 / 3, accuracy: 1e-15)
        XCTAssertEqual(task.rates[2], 0.1, accuracy: 1e-15)
        // Halfway through the 18 decaying steps the rate is half the base rate.
        XCTAssertEqual(task.rates[11], 0.05, accuracy: 1e-15)
        for k in 3..<20 { XCTAssertLessThan(task.rates[k], task.rates[k - 1], "the rate falls at every step after the warm-up (step \(k))") }
        XCTAssertEqual(task.rates[19], 0.1 * 0.5 * (1 + cos(Double.pi * 17 / 18)), accuracy: 1e-15)
        let means = (0..<4).map { e in task.rates[(5 * e)..<(5 * e + 5)].reduce(0, +) / 5 }
        for (shown, mean) in zip(state.history.map(\.learningRate), means) {
            XCTAssertEqual(shown, mean, accuracy: 1e-15, "the table shows the mean rate of each epoch's steps")
        }

        // Halted after step 7 and resumed: the same rates, so the same weights.
        var halted = c
        halted.directory = dir + "/cosine-resumed"
        halted.haltAfterStep = 7
        var first = ToyTask(seed: 5)
        _ = try TrainingLoop.run(&first, config: halted)
        halted.haltAfterStep = nil
        var second = ToyTask(seed: 5)
        let resumed = try TrainingLoop.run(&second, config: halted, resume: true)
        XCTAssertEqual(first.rates, Array(task.rates[0..<7]))
        // The resumed run starts from the checkpoint of step 6 (one every 3 steps) on the same curve.
        XCTAssertEqual(second.rates, Array(task.rates[6...]))
        XCTAssertEqual(second.w.scalars, task.w.scalars)
        XCTAssertEqual(withoutTimes(resumed.history), withoutTimes(state.history))
    }
}
