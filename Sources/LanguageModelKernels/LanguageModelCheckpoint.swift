// The pretraining's checkpoint: every tensor of both models and the shared embedding with their
// Adam moments, the carried states, the step and the curves, in one Training.Checkpoint file
// written atomically. The fingerprint (settings, vocabulary size, the streams' lengths and a
// CRC-32 of their ids) refuses a checkpoint of another run or another text.

import Foundation
import LSTMKernels
import TensorCore
import Training

struct LanguageModelCheckpointState: Codable {
    var fingerprint: String
    var stepsDone: Int
    var history: [PerplexityPoint]
    var lossSinceLastPoint: Double
    var stepsSinceLastPoint: Int
    var seconds: Double
    /// Whether each model carries a state into its next chunk.
    var carried: [Bool]
}

extension LanguageModelTrainer {
    /// The settings, the vocabulary and the streams, in one line.
    public var fingerprint: String {
        let crc = (train + heldOut).reduce(UInt32(0)) { acc, s in acc ^ s.tokens.withUnsafeBytes { CRC32.checksum($0) } }
        return settings.fingerprint + " V \(vocabularySize) train \(train[0].length)x\(train[0].streams) held-out \(heldOut[0].length)x\(heldOut[0].streams) ids-crc \(crc)"
    }

    /// The seconds trained so far, over every resumed run.
    public var secondsTrained: Double { secondsBefore }

    func namedTensors() -> [(name: String, tensor: Tensor<Float>)] {
        var list: [(name: String, tensor: Tensor<Float>)] = [("embedding", embedding), ("embedding.m", embeddingM), ("embedding.v", embeddingV)]
        for (d, m) in models.enumerated() {
            let p = d == 0 ? "forward." : "backward."
            for (name, w) in [("", m.lstm), (".m", m.lstmM), (".v", m.lstmV)] {
                list += [(p + "weight_ih" + name, w.weightIH), (p + "weight_hh" + name, w.weightHH),
                         (p + "bias_ih" + name, w.biasIH), (p + "bias_hh" + name, w.biasHH)]
            }
            list += [(p + "output", m.output), (p + "output.m", m.outputM), (p + "output.v", m.outputV),
                     (p + "bias", m.bias), (p + "bias.m", m.biasM), (p + "bias.v", m.biasV)]
            if let c = m.carried { list += [(p + "carried.h", c.h), (p + "carried.c", c.c)] }
        }
        return list
    }

    /// Writes the whole state atomically.
    func save(to path: String, seconds: Double) throws {
        let state = LanguageModelCheckpointState(fingerprint: fingerprint, stepsDone: stepsDone, history: history,
                                                 lossSinceLastPoint: lossSinceLastPoint.sum, stepsSinceLastPoint: lossSinceLastPoint.count,
                                                 seconds: seconds, carried: models.map { $0.carried != nil })
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Checkpoint(tensors: namedTensors(), metadata: state).write(to: path)
    }

    /// Loads a checkpoint this run wrote (same fingerprint).
    /// - Throws: InputError for a damaged file or one of another run.
    public func resume(from path: String) throws {
        let checkpoint = try Checkpoint.read(from: path)
        let state = try checkpoint.decodeMetadata(LanguageModelCheckpointState.self)
        guard state.fingerprint == fingerprint else {
            throw InputError(file: path, "the checkpoint belongs to another run:\n  it: \(state.fingerprint)\n  this run: \(fingerprint)")
        }
        func load(_ name: String, like old: Tensor<Float>) throws -> Tensor<Float> {
            let t = try checkpoint.tensor(name)
            guard t.shape == old.shape else { throw InputError(file: path, "\(name) has shape \(t.shape), this run needs \(old.shape)") }
            return t
        }
        embedding = try load("embedding", like: embedding)
        embeddingM = try load("embedding.m", like: embeddingM)
        embeddingV = try load("embedding.v", like: embeddingV)
        for (d, m) in models.enumerated() {
            let p = d == 0 ? "forward." : "backward."
            func weights(_ suffix: String, _ old: LSTMWeights<Float>) throws -> LSTMWeights<Float> {
                LSTMWeights(weightIH: try load(p + "weight_ih" + suffix, like: old.weightIH), weightHH: try load(p + "weight_hh" + suffix, like: old.weightHH),
                            biasIH: try load(p + "bias_ih" + suffix, like: old.biasIH), biasHH: try load(p + "bias_hh" + suffix, like: old.biasHH))
            }
            m.lstm = try weights("", m.lstm)
            m.lstmM = try weights(".m", m.lstmM)
            m.lstmV = try weights(".v", m.lstmV)
            m.output = try load(p + "output", like: m.output)
            m.outputM = try load(p + "output.m", like: m.outputM)
            m.outputV = try load(p + "output.v", like: m.outputV)
            m.bias = try load(p + "bias", like: m.bias)
            m.biasM = try load(p + "bias.m", like: m.biasM)
            m.biasV = try load(p + "bias.v", like: m.biasV)
            m.carried = state.carried[d] ? (try checkpoint.tensor(p + "carried.h"), try checkpoint.tensor(p + "carried.c")) : nil
        }
        stepsDone = state.stepsDone
        history = state.history
        lossSinceLastPoint = (state.lossSinceLastPoint, state.stepsSinceLastPoint)
        secondsBefore = state.seconds
    }
}
