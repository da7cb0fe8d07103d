// Your copy of Solutions/Lesson7/LanguageModel.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, part 2, section 11: the language model, in your readable code. Nothing here is an
// exercise; the walkthrough trains with the provided fast kernels (Sources/LanguageModelKernels),
// which are checked against this.
//
//   ids [T, B] ──Embedding (L2)──▶ x [T, B, E] ──LSTM (L4), carried state in, final state out──▶
//   h [T, B, H] ──the head (SampledSoftmax.swift)──▶ the next word at each of the T·B positions
//
// The embedding [V, E] and the LSTM E → H have exactly the shapes of one direction of Lesson 5's
// encoder: a forward model and a backward model (reading the text reversed) pretrain its two
// directions. The output layer W [V, H], b [V] is the language model's own and is thrown away.

import Lesson2
import Lesson3
import Lesson4
import TensorCore

public struct LanguageModel<T: TensorScalar>: Sendable {
    public var embedding: Embedding<T>
    /// One layer, one direction (the backward model reads a reversed stream, not a reversed layer).
    public var lstm: LSTM<T>
    /// [V, H]
    public var weight: Tensor<T>
    /// [V]
    public var bias: Tensor<T>

    /// V
    public var vocabularySize: Int { weight.shape[0] }
    /// H
    public var hiddenSize: Int { lstm.hiddenSize }

    public init(embedding: Embedding<T>, lstm: LSTM<T>, weight: Tensor<T>, bias: Tensor<T>) {
        precondition(lstm.numLayers == 1 && lstm.directions == 1 && lstm.inputSize == embedding.embeddingSize,
                     "LanguageModel: needs a one-layer, one-direction LSTM reading the embedding's \(embedding.embeddingSize) columns")
        precondition(weight.shape == [embedding.vocabularySize, lstm.hiddenSize] && bias.shape == [embedding.vocabularySize],
                     "LanguageModel: output weight must be [\(embedding.vocabularySize), \(lstm.hiddenSize)] and bias [\(embedding.vocabularySize)]")
        self.embedding = embedding
        self.lstm = lstm
        self.weight = weight
        self.bias = bias
    }

    /// A fresh model: embedding N(0, 1), LSTM as nn.LSTM, output layer U(−1/√H, 1/√H) as nn.Linear.
    public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        let bound = 1 / T(hiddenSize).squareRoot()
        self.init(embedding: Embedding(vocabularySize: vocabularySize, embeddingSize: embeddingSize, paddingIndex: nil, rng: &rng),
                  lstm: LSTM(inputSize: embeddingSize, hiddenSize: hiddenSize, rng: &rng),
                  weight: .uniform([vocabularySize, hiddenSize], low: -bound, high: bound, rng: &rng),
                  bias: .uniform([vocabularySize], low: -bound, high: bound, rng: &rng))
    }
}

/// One chunk's loss, every parameter's gradient, and the state to carry into the next chunk.
public struct ChunkGradients<T: TensorScalar>: Sendable {
    public var loss: T
    /// [V, E]
    public var embedding: Tensor<T>
    public var lstm: LSTMParameters<T>
    /// [V, H]
    public var weight: Tensor<T>
    /// [V]
    public var bias: Tensor<T>
    /// The LSTM's (h, c) after the chunk's last step, [1, B, H] each.
    public var final: LSTM<T>.StackedState

    public init(loss: T, embedding: Tensor<T>, lstm: LSTMParameters<T>, weight: Tensor<T>, bias: Tensor<T>, final: LSTM<T>.StackedState) {
        self.loss = loss
        self.embedding = embedding
        self.lstm = lstm
        self.weight = weight
        self.bias = bias
        self.final = final
    }
}
