// Your copy of Solutions/Lesson5/SentimentTraining.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 7: the model, an optimiser and the data, handed to the course's training
// loop (Sources/Training/TrainingLoop.swift), which runs the epochs, prints the table, keeps
// checkpoints and stops early. One step here is what section 5 and 4 built:
//
//   forward + BCE + backward (SentimentLSTM.lossAndGradients)
//   a NaN or Inf gradient -> report which tensor, update nothing
//   global-norm clipping (max norm 5) -> optimiser step at the loop's learning rate
//
// `model.kernel` chooses your code or the provided kernels for all of it, the optimiser's step included.

import CourseData
import Foundation
import Lesson2
import TensorCore
import Training

/// How the learning rate moves: halved when the validation loss stops improving, or a cosine
/// from --lr down to 0 over all the epochs (after half an epoch of warm-up).
public enum ScheduleChoice: String, Codable, CaseIterable, Sendable {
    case plateau, cosine
}

public enum OptimizerChoice: String, Codable, CaseIterable, Sendable {
    case adam, sgd
}

public enum EmbeddingChoice: String, Codable, CaseIterable, Sendable {
    case random
    case gloveFrozen = "glove-frozen"
    case gloveFinetune = "glove-finetune"
}

/// An Adam or a momentum-SGD optimiser for the Float model (a concrete type the task can store).
public enum SentimentOptimizer: Sendable {
    case adam(AdamOptimizer<Float>)
    case sgd(MomentumSGD<Float>)

    public init(_ choice: OptimizerChoice, learningRate: Double, weightDecay: Double = 0) {
        switch choice {
        case .adam: self = .adam(AdamOptimizer(learningRate: Float(learningRate), weightDecay: Float(weightDecay)))
        case .sgd: self = .sgd(MomentumSGD(learningRate: Float(learningRate), momentum: 0.9, weightDecay: Float(weightDecay)))
        }
    }

    mutating func step(_ model: inout SentimentLSTM<Float>, gradients: [Tensor<Float>], learningRate: Double) {
        switch self {
        case .adam(var o):
            o.learningRate = Float(learningRate)
            o.kernel = model.kernel
            model.update(with: &o, gradients: gradients)
            self = .adam(o)
        case .sgd(var o):
            o.learningRate = Float(learningRate)
            model.update(with: &o, gradients: gradients)
            self = .sgd(o)
        }
    }

    var stateTensors: [(name: String, tensor: Tensor<Float>)] {
        switch self {
        case .adam(let o): return o.stateTensors()
        case .sgd(let o): return o.stateTensors()
        }
    }

    mutating func loadState(_ tensor: (String) throws -> Tensor<Float>, parameterCount: Int) throws {
        switch self {
        case .adam(var o): try o.loadState(tensor, parameterCount: parameterCount); self = .adam(o)
        case .sgd(var o): try o.loadState(tensor, parameterCount: parameterCount); self = .sgd(o)
        }
    }
}

/// What `eval` and `predict` need besides the tensors to rebuild a trained model.
public struct SentimentModelDescription: Codable, Sendable {
    public var config: SentimentLSTMConfig
    public var maxLength: Int
    /// The length eval and predict cut a text at; nil in checkpoints from before the option
    /// existed: maxLength.
    public var evalMaxLength: Int?
    /// nil in checkpoints from before the option existed: .start.
    public var truncation: Truncation?
    /// The vocabulary's file name, next to the checkpoint.
    public var vocabularyFile: String
    public var dataset: String
    public var embedding: String

    public init(config: SentimentLSTMConfig, maxLength: Int, evalMaxLength: Int? = nil, truncation: Truncation = .start,
                vocabularyFile: String = "vocabulary.json", dataset: String, embedding: String) {
        self.config = config
        self.maxLength = maxLength
        self.evalMaxLength = evalMaxLength
        self.truncation = truncation
        self.vocabularyFile = vocabularyFile
        self.dataset = dataset
        self.embedding = embedding
    }
}

/// The mean loss and the probability of "positive" for every review of a split (in split order).
public func evaluate(_ model: SentimentLSTM<Float>, _ split: EncodedSplit, batchSize: Int = 128) -> (loss: Double, accuracy: Double, probabilities: [Float]) {
    var probabilities = [Float](repeating: 0, count: split.count)
    var lossSum = 0.0, correct = 0
    var rng = SeededRNG(seed: 0)  // unused: no dropout in evaluation
    for batch in Batching.sorted(split, batchSize: batchSize) {
        let (logits, _) = model.forward(ids: batch.ids, lengths: batch.lengths, training: false, rng: &rng)
        lossSum += Double(bceWithLogitsSum(logits, labels: batch.labels))
        for (j, row) in batch.indices.enumerated() {
            let p = sigmoid(logits.scalars[j])
            probabilities[row] = p
            if (p > 0.5) == (batch.labels[j] > 0.5) { correct += 1 }
        }
    }
    let n = Double(max(split.count, 1))
    return (lossSum / n, Double(correct) / n, probabilities)
}

/// Σ over the batch of BCE with logits, in Double (for averaging over a whole split).
func bceWithLogitsSum(_ logits: Tensor<Float>, labels: [Float]) -> Double {
    zip(logits.scalars, labels).reduce(0.0) { s, pair in
        let (z, y) = (Double(pair.0), Double(pair.1))
        return s + max(z, 0) - z * y + Foundation.log1p(Foundation.exp(-abs(z)))
    }
}

public struct SentimentTrainingTask: TrainingTask {
    public var model: SentimentLSTM<Float>
    public var optimizer: SentimentOptimizer
    public let train: EncodedSplit
    public let validation: EncodedSplit
    public let batchSize: Int
    public let seed: UInt64
    /// Global-norm clipping threshold (nil: no clipping).
    public let clipNorm: Double?
    public let description: SentimentModelDescription
    /// Called in every step between backward and the update, with the epoch, the step, the
    /// batch's mean loss and the gradients (in `model.namedParameters` order). nil in real runs.
    /// Tests set it to plant a NaN or an Inf where they choose, and check that the step reports
    /// it by name and leaves the model as it was: a guard tested by luck (a huge learning rate
    /// that may or may not overflow, depending on how the machine's BLAS rounds) tests nothing.
    public var beforeUpdate: ((_ epoch: Int, _ step: Int, _ loss: inout Float, _ gradients: inout [Tensor<Float>]) -> Void)?
    /// The probability of replacing a training token by <unk> (`WordDropout`); 0: none.
    public var wordDropout = 0.0
    /// The learning rate of the embedding and the LSTM as a fraction of the rest's
    /// (`EncoderStepScale`); 1: all layers alike.
    public var encoderRate = 1.0
    /// The length ε of the adversarial perturbation of each review's embedded words
    /// (AdversarialTraining.swift); 0: none.
    public var adversarial = 0.0
    private var epochBatches: (epoch: Int, batches: [TokenBatch]) = (0, [])

    public init(model: SentimentLSTM<Float>, optimizer: SentimentOptimizer, train: EncodedSplit, validation: EncodedSplit,
                batchSize: Int, seed: UInt64, clipNorm: Double? = 5, description: SentimentModelDescription) {
        self.model = model
        self.optimizer = optimizer
        self.train = train
        self.validation = validation
        self.batchSize = batchSize
        self.seed = seed
        self.clipNorm = clipNorm
        self.description = description
    }

    public func batchCount(epoch: Int) -> Int { (train.count + batchSize - 1) / batchSize }

    private mutating func batches(epoch: Int) -> [TokenBatch] {
        if epochBatches.epoch != epoch {
            epochBatches = (epoch, Batching.bucketed(train, batchSize: batchSize, seed: RandomStreams.epochSeed(seed, epoch: epoch)))
        }
        return epochBatches.batches
    }

    public mutating func trainStep(epoch: Int, step: Int, learningRate: Double, rng: inout SeededRNG) -> StepResult {
        let batch = batches(epoch: epoch)[step]
        let targets = Tensor<Float>(batch.labels)
        var ids = batch.ids
        WordDropout.apply(&ids, probability: wordDropout, unknown: Int32(Vocabulary.unk), rng: &rng)
        var (loss, logits, grads): (Float, Tensor<Float>, [Tensor<Float>])
        if adversarial > 0 {
            // The loss the table shows stays the clean batch's, comparable with a run without.
            let result = model.adversarialLossAndGradients(ids: ids, lengths: batch.lengths, targets: targets,
                                                           epsilon: adversarial, rng: &rng)
            (loss, logits, grads) = (result.loss, result.logits, result.gradients)
        } else {
            let result = model.lossAndGradients(ids: ids, lengths: batch.lengths, targets: targets, training: true, rng: &rng)
            (loss, logits, grads) = (result.loss, result.logits, result.gradients.list)
        }
        beforeUpdate?(epoch, step, &loss, &grads)
        let correct = zip(logits.scalars, batch.labels).filter { ($0 > 0) == ($1 > 0.5) }.count
        let norm = GradientClipping.globalNorm(grads)
        if !norm.isFinite || !loss.isFinite {
            let names = model.namedParameters.map { "gradient of " + $0.name }
            let report = loss.isFinite ? NonFiniteReport.first(in: Array(zip(names, grads)).map { (name: $0.0, tensor: $0.1) }) : nil
            return StepResult(loss: Double(loss), correct: correct, count: batch.batchSize, tokens: batch.tokenCount,
                              gradientNorm: norm, nonFinite: report ?? NonFiniteReport(tensor: "loss", index: [], value: "\(loss)"))
        }
        if let clipNorm { GradientClipping.clip(&grads, maxNorm: clipNorm, norm: norm) }
        let encoderStep = encoderRate == 1 ? nil : EncoderStepScale(rate: encoderRate, model: model)
        optimizer.step(&model, gradients: grads, learningRate: learningRate)
        encoderStep?.apply(to: &model)
        return StepResult(loss: Double(loss), correct: correct, count: batch.batchSize, tokens: batch.tokenCount, gradientNorm: norm)
    }

    public mutating func validate() -> EvaluationResult {
        let r = evaluate(model, validation)
        return EvaluationResult(loss: r.loss, accuracy: r.accuracy)
    }

    public func stateTensors() -> [(name: String, tensor: Tensor<Float>)] {
        model.modelTensors + optimizer.stateTensors.map { ("optimizer." + $0.name, $0.tensor) }
    }

    public mutating func restore(from checkpoint: Checkpoint) throws {
        try model.load { try checkpoint.tensor($0) }
        try optimizer.loadState({ try checkpoint.tensor("optimizer." + $0) }, parameterCount: model.namedParameters.count)
    }

    public func modelDescription() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(description)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// A trained model read back from a checkpoint and its vocabulary (for `eval` and `predict`).
public struct SavedSentimentModel {
    public var model: SentimentLSTM<Float>
    public var vocabulary: Vocabulary
    public var description: SentimentModelDescription

    public init(checkpointPath: String) throws {
        let checkpoint = try Checkpoint.read(from: checkpointPath)
        let meta = try checkpoint.decodeMetadata(CheckpointMetadata.self)
        do {
            description = try JSONDecoder().decode(SentimentModelDescription.self, from: Data(meta.model.utf8))
        } catch {
            throw InputError(file: checkpointPath, "not a sentiment model checkpoint: \(error)")
        }
        let folder = URL(fileURLWithPath: checkpointPath).deletingLastPathComponent().path
        vocabulary = try Vocabulary.load(from: "\(folder)/\(description.vocabularyFile)")
        var rng = SeededRNG(seed: 0)
        var config = description.config
        config.dropout = 0
        model = SentimentLSTM<Float>(config: config, rng: &rng)
        model.kernel = .trackDefault
        try model.load { try checkpoint.tensor($0) }
    }

    /// Tokenizes, encodes and truncates texts as the run's validation and test splits were.
    public func encode(_ texts: [String]) -> EncodedSplit {
        let tokens = SentimentCorpus.tokenize(texts)
        let truncation = description.truncation ?? .start
        return EncodedSplit(sequences: tokens.map { truncation.cut(vocabulary.encode($0), to: description.evalMaxLength ?? description.maxLength) },
                            labels: Array(repeating: 0, count: texts.count))
    }

    /// P(positive) for each text.
    public func predict(_ texts: [String]) -> [Float] {
        evaluate(model, encode(texts)).probabilities
    }
}
