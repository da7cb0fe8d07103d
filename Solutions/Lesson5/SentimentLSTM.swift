// Lesson 5, section 5: the whole sentiment model, assembled from the student's own parts.
//
//   ids [T, B] ──Embedding (L2)──▶ x [T, B, E] ──Dropout (L4)──▶ (Bi)LSTM (L4), L layers
//      (or a GRU / tanh RNN of the Lesson 3 cells: RecurrentEncoder.swift, section 5.1)
//      ──▶ out [T, B, F=D·H] ──pooling over real steps (§3)──▶ p [B, F] ──dropout──▶
//      Linear (L1) F -> 1 ──▶ logits [B] ──BCE with logits (L1)──▶ loss
//
// Backward runs the same chain in reverse, down to the embedding rows the batch used (unless
// the embedding is frozen). Every tensor is named as in the equivalent PyTorch module
// (embedding.weight, lstm.weight_ih_l0_reverse or gru.weight_ih_l0_reverse, attention.weight,
// fc.bias...), so a fixture and a checkpoint map one to one.

import Lesson1
import Lesson2
import Lesson3
import Lesson4
import TensorCore

public struct SentimentLSTMConfig: Codable, Equatable, Sendable {
    public var vocabularySize: Int
    public var embeddingSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var bidirectional: Bool
    public var pooling: Pooling
    /// Dropout on the embeddings, between LSTM layers and on the pooled features.
    public var dropout: Double
    /// false freezes the embedding table (pretrained vectors used as they are).
    public var embeddingTrainable: Bool
    /// The recurrent cell: Lesson 4's LSTM, or a GRU / vanilla RNN of the Lesson 3 cells.
    public var cell: RecurrentCellKind

    public init(vocabularySize: Int, embeddingSize: Int = 50, hiddenSize: Int = 128, layers: Int = 1,
                bidirectional: Bool = true, pooling: Pooling = .max, dropout: Double = 0.3, embeddingTrainable: Bool = true,
                cell: RecurrentCellKind = .lstm) {
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.embeddingTrainable = embeddingTrainable
        self.cell = cell
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize, embeddingSize, hiddenSize, layers, bidirectional, pooling, dropout, embeddingTrainable, cell
    }

    /// Configs saved before `cell` existed (checkpoints, int8 models) have no "cell": an LSTM.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
                  embeddingSize: try c.decode(Int.self, forKey: .embeddingSize),
                  hiddenSize: try c.decode(Int.self, forKey: .hiddenSize), layers: try c.decode(Int.self, forKey: .layers),
                  bidirectional: try c.decode(Bool.self, forKey: .bidirectional), pooling: try c.decode(Pooling.self, forKey: .pooling),
                  dropout: try c.decode(Double.self, forKey: .dropout),
                  embeddingTrainable: try c.decode(Bool.self, forKey: .embeddingTrainable),
                  cell: try c.decodeIfPresent(RecurrentCellKind.self, forKey: .cell) ?? .lstm)
    }

    /// D
    public var directions: Int { bidirectional ? 2 : 1 }
    /// F = D·H, the width of the recurrent output and of the pooled vector.
    public var features: Int { directions * hiddenSize }
}

public struct SentimentLSTM<T: TensorScalar>: Sendable {
    public var config: SentimentLSTMConfig
    public var embedding: Embedding<T>
    /// The LSTM (or GRU, or RNN) over the embedded reviews.
    public var encoder: RecurrentEncoder<T>
    public var pooling: SequencePooling<T>
    /// fc: F -> 1
    public var output: Linear<T>
    /// Your code or the provided kernels (FastTrainingStep.swift) for the whole step: setting it
    /// sets the LSTM's too, and a training run's optimiser follows it. A new model runs your
    /// code here and the LSTM that `RecurrentEncoder` chose; a run sets it (`SentimentRunOptions.kernel`).
    public var kernel: LSTMKernelChoice = .readable {
        didSet { encoder.lstm?.kernel = kernel }
    }

    /// A model with a randomly initialised embedding (N(0, 1), as nn.Embedding), or with
    /// `embeddingWeight` [V, E] (e.g. GloVe vectors) when given.
    public init(config: SentimentLSTMConfig, embeddingWeight: Tensor<T>? = nil, rng: inout SeededRNG) {
        self.config = config
        if let w = embeddingWeight {
            precondition(w.shape == [config.vocabularySize, config.embeddingSize],
                         "SentimentLSTM: embedding weight \(w.shape), config says [\(config.vocabularySize), \(config.embeddingSize)]")
            embedding = Embedding(weight: w, paddingIndex: Vocabulary.pad, trainable: config.embeddingTrainable)
        } else {
            embedding = Embedding(vocabularySize: config.vocabularySize, embeddingSize: config.embeddingSize,
                                  paddingIndex: Vocabulary.pad, trainable: config.embeddingTrainable, rng: &rng)
        }
        encoder = RecurrentEncoder(kind: config.cell, inputSize: config.embeddingSize, hiddenSize: config.hiddenSize,
                                   numLayers: config.layers, bidirectional: config.bidirectional,
                                   dropout: config.layers > 1 ? config.dropout : 0, rng: &rng)
        pooling = SequencePooling(kind: config.pooling, features: config.features, directions: config.directions, rng: &rng)
        output = Linear(inputSize: config.pooling.width(features: config.features), outputSize: 1, rng: &rng)
    }

    public struct Cache {
        public var embedding: Embedding<T>.Cache
        /// The dropout masks (nil when nothing was dropped).
        public var inputDropout: Tensor<T>?
        public var encoder: RecurrentEncoder<T>.Cache
        public var pooling: SequencePooling<T>.Cache
        public var pooledDropout: Tensor<T>?
        public var output: Linear<T>.Cache
        public var batchSize: Int
    }

    public struct Gradients {
        /// nil when the embedding is frozen.
        public var embedding: Tensor<T>?
        /// The LSTM's, GRU's or RNN's, [layer][direction] inside.
        public var encoder: RecurrentEncoder<T>.Gradients
        public var attention: Linear<T>.Gradients?
        public var output: Linear<T>.Gradients
    }

    /// ids: [T, B] time-major (T·B ids, padding = 0 after each review), lengths: [B] in 1...T
    /// -> logits: [B]. `training` turns dropout on; `rng` draws its masks.
    public func forward(ids: [Int32], lengths: [Int], training: Bool, rng: inout SeededRNG) -> (logits: Tensor<T>, cache: Cache) {
        precondition(!lengths.isEmpty && ids.count % lengths.count == 0, "SentimentLSTM.forward: \(ids.count) ids for \(lengths.count) reviews")
        if kernel == .fast { return fastForward(ids: ids, lengths: lengths, training: training, rng: &rng) }
        // BEGIN SOLUTION: SentimentLSTM.forward (section 5)
        let B = lengths.count
        let steps = ids.count / B
        let dropout = Dropout<T>(probability: config.dropout)
        let (embedded, embeddingCache) = embedding.forward(ids, shape: [steps, B])
        let (x, inputMask) = dropout.forward(embedded, training: training, rng: &rng)
        let (out, encoderCache) = encoder.forward(x, lengths: lengths, training: training, rng: &rng)
        let (pooled, poolingCache) = pooling.forward(out, lengths: lengths)
        let (dropped, pooledMask) = dropout.forward(pooled, training: training, rng: &rng)
        let (y, outputCache) = output.forward(dropped)   // [B, 1]
        return (y.reshaped([B]), Cache(embedding: embeddingCache, inputDropout: inputMask, encoder: encoderCache,
                                        pooling: poolingCache, pooledDropout: pooledMask, output: outputCache, batchSize: B))
        // END SOLUTION
    }

    /// dLogits: [B] (∂L/∂logits) -> the gradient of every parameter.
    public func backward(dLogits: Tensor<T>, cache: Cache) -> Gradients {
        precondition(dLogits.shape == [cache.batchSize], "SentimentLSTM.backward: dLogits \(dLogits.shape), expected [\(cache.batchSize)]")
        if kernel == .fast { return fastBackward(dLogits: dLogits, cache: cache) }
        // BEGIN SOLUTION: SentimentLSTM.backward (section 5)
        let dropout = Dropout<T>(probability: config.dropout)
        let (dDropped, outputGrads) = output.backward(dLogits.reshaped([cache.batchSize, 1]), cache: cache.output)
        let dPooled = dropout.backward(dDropped, mask: cache.pooledDropout)
        let (dOut, attentionGrads) = pooling.backward(dPooled, cache: cache.pooling)
        let (dx, encoderGrads) = encoder.backward(dOutput: dOut, cache: cache.encoder)
        let dEmbedded = dropout.backward(dx, mask: cache.inputDropout)
        let dEmbedding = embedding.trainableGradient(dEmbedded, cache: cache.embedding)
        return Gradients(embedding: dEmbedding, encoder: encoderGrads, attention: attentionGrads, output: outputGrads)
        // END SOLUTION
    }

    /// Mean binary cross-entropy over the batch and the gradients of every parameter.
    /// targets: [B] of 0 and 1.
    public func lossAndGradients(ids: [Int32], lengths: [Int], targets: Tensor<T>, training: Bool,
                                 rng: inout SeededRNG) -> (loss: T, logits: Tensor<T>, gradients: Gradients) {
        // BEGIN SOLUTION: SentimentLSTM.lossAndGradients (section 5)
        let (logits, cache) = forward(ids: ids, lengths: lengths, training: training, rng: &rng)
        let loss = bceWithLogits(logits, targets: targets)
        let dLogits = bceWithLogitsBackward(logits, targets: targets)
        return (loss, logits, backward(dLogits: dLogits, cache: cache))
        // END SOLUTION
    }
}

// MARK: Parameters by name (fixtures, checkpoints, optimisers)

extension SentimentLSTM {
    /// Every trainable parameter with its PyTorch name, in nn.Module order (the frozen embedding left out).
    public var namedParameters: [(name: String, tensor: Tensor<T>)] {
        var list: [(name: String, tensor: Tensor<T>)] = []
        if embedding.trainable { list.append(("embedding.weight", embedding.weight)) }
        list += encoder.namedParameters
        if let a = pooling.attention {
            list.append(("attention.weight", a.weight))
            list.append(("attention.bias", a.bias))
        }
        list.append(("fc.weight", output.weight))
        list.append(("fc.bias", output.bias))
        return list
    }

    /// Every tensor a saved model needs, the frozen embedding included.
    public var modelTensors: [(name: String, tensor: Tensor<T>)] {
        embedding.trainable ? namedParameters : [("embedding.weight", embedding.weight)] + namedParameters
    }

    /// Scalars that training changes.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Replaces every tensor `namedParameters` (or `modelTensors`) lists by `tensor(name)`.
    public mutating func load(_ tensor: (String) throws -> Tensor<T>) throws {
        func checked(_ name: String, _ old: Tensor<T>) throws -> Tensor<T> {
            let t = try tensor(name)
            guard t.shape == old.shape else {
                throw InputError(file: "model", "tensor \(name) has shape \(t.shape), the model needs \(old.shape)")
            }
            return t
        }
        embedding.weight = try checked("embedding.weight", embedding.weight)
        try encoder.forEachParameter { name, t in t = try checked(name, t) }
        if var a = pooling.attention {
            a.weight = try checked("attention.weight", a.weight)
            a.bias = try checked("attention.bias", a.bias)
            pooling.attention = a
        }
        output.weight = try checked("fc.weight", output.weight)
        output.bias = try checked("fc.bias", output.bias)
    }
}

extension SentimentLSTM.Gradients {
    /// The gradients in `namedParameters` order.
    public var list: [Tensor<T>] {
        var l: [Tensor<T>] = []
        if let e = embedding { l.append(e) }
        l += encoder.list
        if let a = attention { l += [a.weight, a.bias] }
        l += [output.weight, output.bias]
        return l
    }
}

extension SentimentLSTM {
    /// One optimiser step on every trainable parameter. The tensors are moved out of the model
    /// for the update and back in, so no parameter is copied (copy on write sees one owner).
    public mutating func update<O: Optimizer>(with optimizer: inout O, gradients: [Tensor<T>]) where O.Scalar == T {
        let empty = Tensor<T>(shape: [0])
        var params: [Tensor<T>] = []
        func take(_ t: inout Tensor<T>) { params.append(t); t = empty }
        if embedding.trainable { take(&embedding.weight) }
        encoder.forEachParameter { _, t in take(&t) }
        if pooling.attention != nil {
            take(&pooling.attention!.weight)
            take(&pooling.attention!.bias)
        }
        take(&output.weight)
        take(&output.bias)

        optimizer.step(&params, gradients: gradients)

        var next = 0
        func give(_ t: inout Tensor<T>) { t = params[next]; params[next] = empty; next += 1 }
        if embedding.trainable { give(&embedding.weight) }
        encoder.forEachParameter { _, t in give(&t) }
        if pooling.attention != nil {
            give(&pooling.attention!.weight)
            give(&pooling.attention!.bias)
        }
        give(&output.weight)
        give(&output.bias)
    }
}
