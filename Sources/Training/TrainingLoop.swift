// The driver of a training run. The lesson supplies a TrainingTask (how to run one step, how to
// validate, which tensors make up the model and the optimiser); the loop does the rest:
//
//   for each epoch e (1-based), for each step s of the epoch's batches:
//       rng = RandomStreams.stepRNG(seed, e, s)          dropout masks, reproducible on resume
//       task.trainStep(...)                               forward, backward, clip, update
//       a NaN/Inf loss or gradient stops the run         the last good checkpoint stays
//       every `checkpointEverySteps` steps: last.ckpt     mid-epoch resume point
//   validate; print the table row; keep best.ckpt when the monitored figure improves;
//   ReduceLROnPlateau; early stopping; write last.ckpt
//
// Checkpoints live in `directory`: last.ckpt (model + optimiser + TrainingState, the resume
// point) and best.ckpt (the same, from the best epoch). Both are written atomically.

import Foundation
import TensorCore

/// One training step's outcome.
public struct StepResult: Sendable {
    /// Mean loss over the batch.
    public var loss: Double
    /// Correct predictions and examples in the batch.
    public var correct: Int
    public var count: Int
    /// Real tokens in the batch (padding excluded).
    public var tokens: Int
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    /// Set when the loss or a gradient is NaN or Inf; the task must not have updated the model.
    public var nonFinite: NonFiniteReport?

    public init(loss: Double, correct: Int, count: Int, tokens: Int, gradientNorm: Double, nonFinite: NonFiniteReport? = nil) {
        self.loss = loss
        self.correct = correct
        self.count = count
        self.tokens = tokens
        self.gradientNorm = gradientNorm
        self.nonFinite = nonFinite
    }
}

public struct EvaluationResult: Sendable {
    public var loss: Double
    public var accuracy: Double
    public init(loss: Double, accuracy: Double) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// What a lesson implements to be trained by TrainingLoop.
public protocol TrainingTask {
    /// Batches in epoch `epoch` (1-based).
    func batchCount(epoch: Int) -> Int
    /// Trains on batch `step` of epoch `epoch` with this learning rate; `rng` draws the dropout masks.
    /// When the loss or a gradient is not finite, returns a `nonFinite` report and leaves the model as it was.
    mutating func trainStep(epoch: Int, step: Int, learningRate: Double, rng: inout SeededRNG) -> StepResult
    /// Loss and accuracy on the validation split (no dropout).
    mutating func validate() -> EvaluationResult
    /// The model's and the optimiser's tensors, by name.
    func stateTensors() -> [(name: String, tensor: Tensor<Float>)]
    /// Loads what `stateTensors` saved.
    mutating func restore(from checkpoint: Checkpoint) throws
    /// The model's configuration as JSON text, stored with every checkpoint.
    func modelDescription() -> String
}

public struct TrainingConfig {
    public enum Monitor: String, Codable, Sendable {
        case validationLoss = "val loss", validationAccuracy = "val acc"
        /// No figure picks the model: best.ckpt is the last epoch's, for a schedule planned to
        /// its end (a cosine reaching 0 there) and judged where it ends. The validation loss is
        /// still recorded, and early stopping (if any) still watches it.
        case lastEpoch = "last epoch"
    }

    public var epochs: Int
    public var seed: UInt64
    public var learningRate: Double
    /// Where last.ckpt and best.ckpt go.
    public var directory: String
    /// Also write last.ckpt every this many steps within an epoch (0: only at epoch ends).
    public var checkpointEverySteps = 0
    /// The validation figure that picks the best checkpoint, drives the plateau schedule and early stopping.
    public var monitor: Monitor = .validationLoss
    public var schedule: LearningRateSchedule = .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 0))
    /// Stop after this many epochs without improvement (0: never stop early).
    public var earlyStoppingPatience = 2
    /// Text describing the run; a resumed run must have the same.
    public var fingerprint = ""
    public var showProgress = true
    /// Stop (as if killed) right after this global step; for testing --resume.
    public var haltAfterStep: Int?
    /// Where the table and messages go.
    public var log: (String) -> Void = { print($0) }

    public init(epochs: Int, seed: UInt64, learningRate: Double, directory: String) {
        self.epochs = epochs
        self.seed = seed
        self.learningRate = learningRate
        self.directory = directory
    }

    public var lastCheckpointPath: String { "\(directory)/last.ckpt" }
    public var bestCheckpointPath: String { "\(directory)/best.ckpt" }
}

/// A NaN or Inf stopped the run.
public struct NonFiniteLossError: Error, CustomStringConvertible {
    public let epoch: Int
    /// 0-based step within the epoch, and the run's global step (1-based, the step that failed).
    public let step: Int
    public let globalStep: Int
    public let report: NonFiniteReport
    /// The checkpoint left in place (the last good state), if one was written.
    public let lastGoodCheckpoint: String?
    public let state: TrainingState

    public var description: String {
        let kept = lastGoodCheckpoint.map { "the last good checkpoint is \($0)" } ?? "no checkpoint had been written yet"
        return "training stopped: \(report) at epoch \(epoch), step \(step) (global step \(globalStep)); the model was not updated, and \(kept). Try a lower --lr or gradient clipping."
    }
}

public enum TrainingLoop {
    /// Trains `task` from scratch, or from `config.lastCheckpointPath` when `resume` is true and
    /// the file exists. Returns the final state; the best model is in `config.bestCheckpointPath`.
    public static func run<Task: TrainingTask>(_ task: inout Task, config: TrainingConfig, resume: Bool = false) throws -> TrainingState {
        let monitorMode: ReduceLROnPlateau.Mode = config.monitor == .validationAccuracy ? .max : .min
        var state = TrainingState(seed: config.seed, fingerprint: config.fingerprint, learningRate: config.learningRate,
                                  plateau: { if case .reduceOnPlateau(var p) = config.schedule { p.mode = monitorMode; return p }; return nil }(),
                                  earlyStopping: EarlyStopping(mode: monitorMode, patience: config.earlyStoppingPatience))
        var haveCheckpoint = false
        if resume && FileManager.default.fileExists(atPath: config.lastCheckpointPath) {
            let checkpoint = try Checkpoint.read(from: config.lastCheckpointPath)
            let meta: CheckpointMetadata
            do { meta = try checkpoint.decodeMetadata(CheckpointMetadata.self) } catch {
                throw InputError(file: config.lastCheckpointPath, "checkpoint metadata is not a training state: \(error)")
            }
            guard meta.state.fingerprint == config.fingerprint else {
                throw InputError(file: config.lastCheckpointPath,
                                 "was written by a run with other settings; resume with the same ones or use another --out.\n  checkpoint: \(meta.state.fingerprint)\n  this run:   \(config.fingerprint)")
            }
            try task.restore(from: checkpoint)
            state = meta.state
            haveCheckpoint = true
            config.log("Resuming from \(config.lastCheckpointPath): epoch \(state.epochsCompleted + 1), step \(state.stepInEpoch) (global step \(state.globalStep)).")
            if state.stopReason != nil {
                config.log("That run had already ended (\(state.stopReason ?? "")); nothing to do.")
                return state
            }
        }

        func save(_ path: String) throws {
            let checkpoint = try Checkpoint(tensors: task.stateTensors(),
                                            metadata: CheckpointMetadata(state: state, model: task.modelDescription()))
            try checkpoint.write(to: path)
        }

        config.log(EpochTable.header)
        config.log(EpochTable.rule)
        for r in state.history { config.log(EpochTable.row(r)) }

        var epoch = state.epochsCompleted + 1
        while epoch <= config.epochs {
            let steps = task.batchCount(epoch: epoch)
            var bar = ProgressBar(total: steps, label: "epoch \(epoch)")
            // Under the cosine schedule the rate is a function of the global step.
            func scheduledRate(_ step: Int) -> Double? {
                guard case .cosine(let warmup) = config.schedule else { return nil }
                return CosineDecay.learningRate(base: config.learningRate, step: (epoch - 1) * steps + step,
                                                totalSteps: config.epochs * steps, warmupSteps: warmup)
            }
            // The table's rate: under the cosine schedule, the mean over the epoch's steps (its first
            // step is near 0 in the warm-up and its last near 0 at the end).
            let epochLearningRate = scheduledRate(0) == nil ? state.learningRate
                : (0..<steps).reduce(0.0) { $0 + (scheduledRate($1) ?? 0) } / Double(max(steps, 1))
            var segmentStart = Date()
            while state.stepInEpoch < steps {
                let step = state.stepInEpoch
                if let rate = scheduledRate(step) { state.learningRate = rate }
                var rng = RandomStreams.stepRNG(config.seed, epoch: epoch, step: step)
                let result = task.trainStep(epoch: epoch, step: step, learningRate: state.learningRate, rng: &rng)
                let report = result.nonFinite
                    ?? (result.loss.isFinite ? nil : NonFiniteReport(tensor: "loss", index: [], value: "\(result.loss)"))
                if let report {
                    if config.showProgress { bar.finish() }
                    throw NonFiniteLossError(epoch: epoch, step: step, globalStep: state.globalStep + 1, report: report,
                                             lastGoodCheckpoint: haveCheckpoint ? config.lastCheckpointPath : nil, state: state)
                }
                state.partial.lossSum += result.loss * Double(result.count)
                state.partial.correct += result.correct
                state.partial.count += result.count
                state.partial.tokens += result.tokens
                state.stepLosses.append(result.loss)
                state.gradientNorms.append(result.gradientNorm)
                state.stepInEpoch += 1
                state.globalStep += 1
                let now = Date()
                state.partial.trainSeconds += now.timeIntervalSince(segmentStart)
                segmentStart = now
                if config.showProgress {
                    let p = state.partial
                    let rate = Double(p.tokens) / max(p.trainSeconds, 1e-9)
                    bar.update(done: state.stepInEpoch, info: String(format: "loss %.4f  acc %.3f  %@ tok/s",
                        p.lossSum / Double(max(p.count, 1)), Double(p.correct) / Double(max(p.count, 1)),
                        EpochTable.grouped(Int(rate)) as NSString))
                }
                if config.checkpointEverySteps > 0 && state.globalStep % config.checkpointEverySteps == 0 && state.stepInEpoch < steps {
                    try save(config.lastCheckpointPath)
                    haveCheckpoint = true
                    segmentStart = Date()  // writing the file is not training time
                }
                if let halt = config.haltAfterStep, state.globalStep >= halt {
                    if config.showProgress { bar.finish() }
                    config.log("(halted after step \(state.globalStep), as asked)")
                    return state
                }
            }
            if config.showProgress { bar.finish() }

            let validationStart = Date()
            let validation = task.validate()
            let p = state.partial
            let monitored = config.monitor == .validationAccuracy ? validation.accuracy : validation.loss
            let improved = validation.loss.isFinite && state.earlyStopping.update(monitored, epoch: epoch)
            let isBest = config.monitor == .lastEpoch ? validation.loss.isFinite : improved
            let record = EpochRecord(
                epoch: epoch, trainLoss: p.lossSum / Double(max(p.count, 1)),
                trainAccuracy: Double(p.correct) / Double(max(p.count, 1)),
                validationLoss: validation.loss, validationAccuracy: validation.accuracy,
                learningRate: epochLearningRate,
                seconds: p.trainSeconds + Date().timeIntervalSince(validationStart),
                tokens: p.tokens, tokensPerSecond: Double(p.tokens) / max(p.trainSeconds, 1e-9), isBest: isBest)
            state.history.append(record)
            config.log(EpochTable.row(record))
            if var plateau = state.plateau {
                let next = plateau.step(monitored, learningRate: state.learningRate)
                if next < state.learningRate { config.log("      (no improvement in \(config.monitor.rawValue): learning rate \(state.learningRate) -> \(next))") }
                state.learningRate = next
                state.plateau = plateau
            }
            state.epochsCompleted = epoch
            state.stepInEpoch = 0
            state.partial = PartialEpoch()
            if state.earlyStopping.shouldStop && epoch < config.epochs {
                state.stopReason = "early stopping: no improvement in \(config.monitor.rawValue) for \(config.earlyStoppingPatience) epochs"
                config.log("      (\(state.stopReason ?? ""); the best epoch was \(state.bestEpoch ?? 0))")
            } else if epoch == config.epochs {
                state.stopReason = "finished \(config.epochs) epochs"
            }
            if isBest { try save(config.bestCheckpointPath) }
            try save(config.lastCheckpointPath)
            haveCheckpoint = true
            if state.stopReason != nil { break }
            epoch += 1
        }
        return state
    }
}
