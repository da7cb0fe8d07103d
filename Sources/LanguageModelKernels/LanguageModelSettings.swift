// What a language-model pretraining run is: the shapes (those of one direction of Lesson 5's
// encoder), the truncated-BPTT chunks, the sampled softmax and Adam.

import Foundation

public struct LanguageModelSettings: Codable, Sendable, Equatable {
    /// E: Lesson 5's GloVe 50d embedding.
    public var embeddingSize = 50
    /// H: Lesson 5's default LSTM, per direction.
    public var hiddenSize = 128
    /// B: parallel streams (batchify).
    public var streams = 32
    /// T: steps per chunk of truncated BPTT.
    public var steps = 35
    /// K: noise words per step, shared by all B·T positions.
    public var samples = 1_024
    /// Adam's peak learning rate; it falls along a cosine to a tenth of it by the last step.
    public var learningRate: Float = 3e-3
    /// The global gradient norm (both models and the shared embedding) is clipped to this.
    public var clipNorm: Float = 1
    public var epochs = 1
    public var seed: UInt64 = 1
    /// Held-out perplexity is measured this many times over the run (and at the end).
    public var evaluations = 10

    public init() {}

    /// Everything that changes the result, in one line (a checkpoint of other settings is refused).
    public var fingerprint: String {
        "lm E\(embeddingSize) H\(hiddenSize) B\(streams) T\(steps) K\(samples) lr \(learningRate) clip \(clipNorm) epochs \(epochs) seed \(seed) evaluations \(evaluations)"
    }
}
