// The fast pretraining of Lesson 7, part 2 (provided): a forward and a backward language model,
// one LSTM each, sharing one embedding (as ELMo's two directions do), trained by truncated BPTT
// with the sampled softmax, on two threads (one model each; BLAS single-threaded inside).
//
// A step reads chunk c of both streams (the backward model's is the text reversed), computes both
// models' gradients side by side, clips their global norm, and takes one Adam step: dense on the
// LSTMs, on the touched rows only for the embedding and the output layers (SparseRows.swift).
// The state each model ends a chunk in is where its next chunk starts, without gradient.
//
// Every `checkpointSeconds` (and at the end) the whole state goes to one file atomically
// (Training's Checkpoint): weights, Adam moments, carried states, the step, the curves. A killed
// run resumes there; the noise words of step s are drawn from a generator seeded by (seed, s), so
// a resumed run is the run that was not killed (up to the order BLAS adds in).

import Foundation
import LSTMKernels
import TensorCore
import Training

/// One point of the curves: held-out perplexity of both models after `step` steps.
public struct PerplexityPoint: Codable, Sendable {
    public var step: Int
    /// Tokens of text read so far (each read by both models).
    public var tokens: Int
    /// The mean sampled-softmax loss of the steps since the previous point (both models); nil
    /// for the point before training.
    public var trainingLoss: Double?
    public var forwardPerplexity: Double
    public var backwardPerplexity: Double
    public var seconds: Double
}

/// What a progress report says.
public struct LanguageModelProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var epoch: Int
    /// Mean sampled-softmax loss since the last report, both models.
    public var loss: Double
    public var learningRate: Float
    /// Tokens read per second of training steps since the last report (evaluations and
    /// checkpoints not counted).
    public var tokensPerSecond: Double
    public var seconds: Double
    /// Set when this report comes with a held-out evaluation.
    public var point: PerplexityPoint?
}

public struct LanguageModelSummary: Sendable {
    public var steps: Int
    public var tokens: Int
    /// Wall-clock seconds of this call, and of its training steps alone (no evaluations, no checkpoints).
    public var seconds: Double
    public var trainingSeconds: Double
    /// tokens / trainingSeconds
    public var tokensPerSecond: Double
    public var cpuSeconds: Double
    public var resumedFromStep: Int?
}

/// A token stream cut into B parallel streams, step-major: tokens[t · B + b] (Lesson 7's batchify).
public struct BatchifiedStream: Sendable {
    public var tokens: [Int32]
    public var length: Int
    public var streams: Int

    public init(_ steps: [[Int32]]) {
        precondition(!steps.isEmpty && steps.allSatisfy { $0.count == steps[0].count } && steps.count >= 2,
                     "BatchifiedStream: needs at least 2 steps of B tokens each")
        tokens = steps.flatMap { $0 }
        length = steps.count
        streams = steps[0].count
    }
}

public final class LanguageModelTrainer: @unchecked Sendable {
    public let settings: LanguageModelSettings
    public let vocabularySize: Int
    /// [V, E], shared by both models.
    public internal(set) var embedding: Tensor<Float>
    var embeddingM: Tensor<Float>
    var embeddingV: Tensor<Float>
    var embeddingRows: SparseRows
    let models: [LanguageModelDirection]
    /// Training streams: [0] the text, [1] the text reversed; the same for the held-out text.
    let train: [BatchifiedStream]
    let heldOut: [BatchifiedStream]
    let noiseTable: [Int32]
    /// log(K · Q(w)) for every word.
    let logExpectedCount: [Float]
    public internal(set) var stepsDone = 0
    public internal(set) var history: [PerplexityPoint] = []
    var lossSinceLastPoint = (sum: 0.0, count: 0)
    var secondsBefore = 0.0

    /// train, heldOut: the text and the text reversed, batchified with `settings.streams` streams.
    /// noiseTable: slots drawn uniformly (part 1's NoiseTable); noise: Q [V], the distribution it holds.
    public init(vocabularySize: Int, initialEmbedding: Tensor<Float>, train: [BatchifiedStream], heldOut: [BatchifiedStream],
                noiseTable: [Int32], noise: [Double], settings: LanguageModelSettings) throws {
        guard train.count == 2, heldOut.count == 2, train.allSatisfy({ $0.streams == settings.streams && $0.length >= 2 }),
              heldOut.allSatisfy({ $0.length >= 2 }) else {
            throw InputError(file: "language model", "needs the text and the text reversed, each batchified with \(settings.streams) streams")
        }
        guard initialEmbedding.shape == [vocabularySize, settings.embeddingSize], noise.count == vocabularySize, !noiseTable.isEmpty else {
            throw InputError(file: "language model", "embedding \(initialEmbedding.shape) or noise (\(noise.count) words) does not fit V = \(vocabularySize), E = \(settings.embeddingSize)")
        }
        self.settings = settings
        self.vocabularySize = vocabularySize
        embedding = initialEmbedding
        embeddingM = .zeros(initialEmbedding.shape)
        embeddingV = .zeros(initialEmbedding.shape)
        embeddingRows = SparseRows(vocabularySize: vocabularySize, width: settings.embeddingSize)
        var rng = SeededRNG(seed: settings.seed)
        models = (0..<2).map { _ in LanguageModelDirection(vocabularySize: vocabularySize, settings: settings, rng: &rng) }
        self.train = train
        self.heldOut = heldOut
        self.noiseTable = noiseTable
        let k = Double(settings.samples)
        // A word the table never holds can still be a target: its expected count is floored so
        // its log stays finite (such words are rare; a target's correction only shifts its logit).
        logExpectedCount = noise.map { Float(Foundation.log(max(k * $0, 1e-12))) }
    }

    public var chunksPerEpoch: Int { (train[0].length - 1 + settings.steps - 1) / settings.steps }
    public var totalSteps: Int { chunksPerEpoch * settings.epochs }
    /// Tokens of text one step reads (each read by both models); the last chunk of an epoch reads fewer.
    func tokens(atStep s: Int) -> Int {
        let start = (s % chunksPerEpoch) * settings.steps
        return min(settings.steps, train[0].length - 1 - start) * settings.streams
    }

    /// The LSTM weights of the forward (0) or backward (1) model.
    public func lstm(_ direction: Int) -> LSTMWeights<Float> { models[direction].lstm }
    /// The output layer of a model: W [V, H] and b [V].
    public func outputLayer(_ direction: Int) -> (weight: Tensor<Float>, bias: Tensor<Float>) { (models[direction].output, models[direction].bias) }

    /// The K noise words of step s for a model: the same on every run with this seed.
    func samples(step: Int, direction: Int) -> [Int32] {
        var rng = SeededRNG(seed: settings.seed &* 1_000_003 &+ UInt64(step) &* 2 &+ UInt64(direction))
        return (0..<settings.samples).map { _ in noiseTable[Int(rng.next() % UInt64(noiseTable.count))] }
    }

    func learningRate(step: Int) -> Float {
        let progress = Double(step) / Double(max(totalSteps, 1))
        return settings.learningRate * Float(0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * progress)))
    }

    /// The held-out mean full-softmax loss of both models (perplexity = e^loss), one thread each.
    public func heldOutLosses() -> [Double] {
        Parallel.map(2) { d in
            let s = self.heldOut[d]
            return self.models[d].heldOutLoss(embedding: self.embedding, stream: s.tokens, length: s.length, streams: s.streams, steps: self.settings.steps)
        }
    }

    /// One training step (both models); returns their mean sampled-softmax loss.
    func step() -> Double {
        let s = stepsDone
        let chunkIndex = s % chunksPerEpoch
        if chunkIndex == 0 { for m in models { m.carried = nil } }   // an epoch starts at the streams' start
        let start = chunkIndex * settings.steps
        let (steps, b) = (min(settings.steps, train[0].length - 1 - start), settings.streams)
        let losses = Parallel.map(2) { d -> Float in
            let stream = self.train[d].tokens
            let inputs = Array(stream[(start * b)..<((start + steps) * b)])
            let targets = Array(stream[((start + 1) * b)..<((start + 1 + steps) * b)])
            return self.models[d].chunk(embedding: self.embedding, inputs: inputs, targets: targets, steps: steps, streams: b,
                                        samples: self.samples(step: s, direction: d), logExpectedCount: self.logExpectedCount)
        }
        embeddingRows.clear()
        for m in models { embeddingRows.add(ids: m.embeddingRows.rows, m.embeddingRows.values) }
        let norm = (embeddingRows.squaredNorm + models.reduce(0) { $0 + $1.squaredGradientNorm }).squareRoot()
        if norm > Double(settings.clipNorm) {
            let factor = Float(Double(settings.clipNorm) / norm)
            embeddingRows.scale(by: factor)
            for m in models { m.scaleGradients(by: factor) }
        }
        let adam = AdamSettings(learningRate: settings.learningRate)
        let rate = learningRate(step: s)
        SparseAdam.step(&embedding, m: &embeddingM, v: &embeddingV, gradient: embeddingRows, t: s + 1, settings: adam, learningRate: rate)
        _ = Parallel.map(2) { d in self.models[d].update(t: s + 1, adam: adam, learningRate: rate) }
        stepsDone += 1
        return Double(losses.reduce(0, +)) / 2
    }

    /// Trains to the last step, evaluating `settings.evaluations` times, checkpointing to
    /// `checkpoint` every `checkpointSeconds` and at the end; `progress` is called every
    /// `reportEverySteps` steps and at each evaluation.
    public func train(checkpoint: String?, checkpointSeconds: Double = 120, reportEverySteps: Int = 50,
                      haltAfterSteps: Int? = nil, progress: (LanguageModelProgress) -> Void) throws -> LanguageModelSummary {
        let resumedFrom = stepsDone > 0 ? stepsDone : nil
        let clock = Date()
        let cpuBefore = cpuSeconds()
        var lastCheckpoint = Date()
        var reportLoss = (sum: 0.0, count: 0)
        var reportSeconds = 0.0, reportTokens = 0
        var tokensThisRun = 0, trainingSeconds = 0.0
        let evaluateEvery = max(1, totalSteps / max(settings.evaluations, 1))
        if history.isEmpty {
            let losses = heldOutLosses()
            history.append(PerplexityPoint(step: 0, tokens: 0, trainingLoss: nil, forwardPerplexity: Foundation.exp(losses[0]),
                                           backwardPerplexity: Foundation.exp(losses[1]), seconds: 0))
        }
        var stepsThisCall = 0
        while stepsDone < totalSteps {
            if let haltAfterSteps, stepsThisCall >= haltAfterSteps { break }
            let tokens = tokens(atStep: stepsDone)
            let stepClock = Date()
            let loss = step()
            let stepSeconds = Date().timeIntervalSince(stepClock)
            trainingSeconds += stepSeconds
            reportSeconds += stepSeconds
            stepsThisCall += 1
            tokensThisRun += tokens
            reportTokens += tokens
            reportLoss.sum += loss
            reportLoss.count += 1
            lossSinceLastPoint.sum += loss
            lossSinceLastPoint.count += 1
            var point: PerplexityPoint?
            if stepsDone % evaluateEvery == 0 || stepsDone == totalSteps {
                let losses = heldOutLosses()
                let p = PerplexityPoint(step: stepsDone, tokens: tokensRead(steps: stepsDone),
                                        trainingLoss: lossSinceLastPoint.sum / Double(max(lossSinceLastPoint.count, 1)),
                                        forwardPerplexity: Foundation.exp(losses[0]), backwardPerplexity: Foundation.exp(losses[1]),
                                        seconds: secondsBefore + Date().timeIntervalSince(clock))
                history.append(p)
                lossSinceLastPoint = (0, 0)
                point = p
            }
            if stepsDone % reportEverySteps == 0 || point != nil || stepsDone == totalSteps {
                progress(LanguageModelProgress(step: stepsDone, totalSteps: totalSteps, epoch: (stepsDone - 1) / chunksPerEpoch + 1,
                                               loss: reportLoss.sum / Double(max(reportLoss.count, 1)), learningRate: learningRate(step: stepsDone - 1),
                                               tokensPerSecond: Double(reportTokens) / max(reportSeconds, 1e-9),
                                               seconds: secondsBefore + Date().timeIntervalSince(clock), point: point))
                reportLoss = (0, 0)
                reportTokens = 0
                reportSeconds = 0
            }
            if let checkpoint, Date().timeIntervalSince(lastCheckpoint) >= checkpointSeconds || stepsDone == totalSteps {
                try save(to: checkpoint, seconds: secondsBefore + Date().timeIntervalSince(clock))
                lastCheckpoint = Date()
            }
        }
        let seconds = Date().timeIntervalSince(clock)
        secondsBefore += seconds
        return LanguageModelSummary(steps: stepsDone, tokens: tokensThisRun, seconds: seconds, trainingSeconds: trainingSeconds,
                                    tokensPerSecond: Double(tokensThisRun) / max(trainingSeconds, 1e-9), cpuSeconds: cpuSeconds() - cpuBefore,
                                    resumedFromStep: resumedFrom)
    }

    func tokensRead(steps: Int) -> Int { (0..<steps).reduce(0) { $0 + tokens(atStep: $1) } }

    /// The CPU time of the whole process (all threads).
    func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
