// Your copy of Solutions/Lesson5/SentimentLSTM.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 5: the whole sentiment model, assembled from the student's own parts.
//
//   ids [T, B] ──Embedding (L2)──▶ x [T, B, E] ──Dropout (L4)──▶ (Bi)LSTM (L4), L layers
//      ──▶ out [T, B, F=D·H] ──pooling over real steps (§3)──▶ p [B, F] ──dropout──▶
//      Linear (L1) F -> 1 ──▶ logits [B] ──BCE with logits (L1)──▶ loss
//
// Backward runs the same chain in reverse, down to the embedding rows the batch used (unless
// the embedding is frozen). Every tensor is named as in the equivalent PyTorch module
// (embedding.weight, lstm.weight_ih_l0_reverse, attention.weight, fc.bias...), so a fixture
// and a checkpoint map one to one.

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

    public init(vocabularySize: Int, embeddingSize: Int = 50, hiddenSize: Int = 128, layers: Int = 1,
                bidirectional: Bool = true, pooling: Pooling = .max, dropout: Double = 0.3, embeddingTrainable: Bool = true) {
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.embeddingTrainable = embeddingTrainable
    }

    /// D
    public var directions: Int { bidirectional ? 2 : 1 }
    /// F = D·H, the width of the LSTM's output and of the pooled vector.
    public var features: Int { directions * hiddenSize }
}

public struct SentimentLSTM<T: TensorScalar>: Sendable {
    public var config: SentimentLSTMConfig
    public var embedding: Embedding<T>
    public var lstm: LSTM<T>
    public var pooling: SequencePooling<T>
    /// fc: F -> 1
    public var output: Linear<T>

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
        lstm = LSTM(inputSize: config.embeddingSize, hiddenSize: config.hiddenSize, numLayers: config.layers,
                    bidirectional: config.bidirectional, dropout: config.layers > 1 ? config.dropout : 0, rng: &rng)
        pooling = SequencePooling(kind: config.pooling, features: config.features, directions: config.directions, rng: &rng)
        output = Linear(inputSize: config.features, outputSize: 1, rng: &rng)
    }

    public struct Cache {
        public var embedding: Embedding<T>.Cache
        /// The dropout masks (nil when nothing was dropped).
        public var inputDropout: Tensor<T>?
        public var lstm: LSTM<T>.Cache
        public var pooling: SequencePooling<T>.Cache
        public var pooledDropout: Tensor<T>?
        public var output: Linear<T>.Cache
        public var batchSize: Int
    }

    public struct Gradients {
        /// nil when the embedding is frozen.
        public var embedding: Tensor<T>?
        /// [layer][direction]
        public var lstm: [[LSTMParameters<T>]]
        public var attention: Linear<T>.Gradients?
        public var output: Linear<T>.Gradients
    }

    /// ids: [T, B] time-major (T·B ids, padding = 0 after each review), lengths: [B] in 1...T
    /// -> logits: [B]. `training` turns dropout on; `rng` draws its masks.
    public func forward(ids: [Int32], lengths: [Int], training: Bool, rng: inout SeededRNG) -> (logits: Tensor<T>, cache: Cache) {
        precondition(!lengths.isEmpty && ids.count % lengths.count == 0, "SentimentLSTM.forward: \(ids.count) ids for \(lengths.count) reviews")
        unimplemented("SentimentLSTM.forward", lesson: 5, see: "section 5")
    }

    /// dLogits: [B] (∂L/∂logits) -> the gradient of every parameter.
    public func backward(dLogits: Tensor<T>, cache: Cache) -> Gradients {
        precondition(dLogits.shape == [cache.batchSize], "SentimentLSTM.backward: dLogits \(dLogits.shape), expected [\(cache.batchSize)]")
        unimplemented("SentimentLSTM.backward", lesson: 5, see: "section 5")
    }

    /// Mean binary cross-entropy over the batch and the gradients of every parameter.
    /// targets: [B] of 0 and 1.
    public func lossAndGradients(ids: [Int32], lengths: [Int], targets: Tensor<T>, training: Bool,
                                 rng: inout SeededRNG) -> (loss: T, logits: Tensor<T>, gradients: Gradients) {
        unimplemented("SentimentLSTM.lossAndGradients", lesson: 5, see: "section 5")
    }
}

// MARK: Parameters by name (fixtures, checkpoints, optimisers)

extension SentimentLSTM {
    /// PyTorch's name of LSTM tensor `k` (0...3) of layer `l`, direction `d`.
    static func lstmName(_ k: Int, layer l: Int, direction d: Int) -> String {
        ["lstm.weight_ih", "lstm.weight_hh", "lstm.bias_ih", "lstm.bias_hh"][k] + "_l\(l)" + (d == 1 ? "_reverse" : "")
    }

    /// Every trainable parameter with its PyTorch name, in nn.Module order (the frozen embedding left out).
    public var namedParameters: [(name: String, tensor: Tensor<T>)] {
        var list: [(name: String, tensor: Tensor<T>)] = []
        if embedding.trainable { list.append(("embedding.weight", embedding.weight)) }
        for (l, layer) in lstm.layers.enumerated() {
            for (d, direction) in layer.enumerated() {
                let p = direction.parameters
                for (k, t) in [p.weightIH, p.weightHH, p.biasIH, p.biasHH].enumerated() {
                    list.append((Self.lstmName(k, layer: l, direction: d), t))
                }
            }
        }
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
        for l in lstm.layers.indices {
            for d in lstm.layers[l].indices {
                var p = lstm.layers[l][d].parameters
                p.weightIH = try checked(Self.lstmName(0, layer: l, direction: d), p.weightIH)
                p.weightHH = try checked(Self.lstmName(1, layer: l, direction: d), p.weightHH)
                p.biasIH = try checked(Self.lstmName(2, layer: l, direction: d), p.biasIH)
                p.biasHH = try checked(Self.lstmName(3, layer: l, direction: d), p.biasHH)
                lstm.layers[l][d].parameters = p
            }
        }
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
        for layer in lstm { for p in layer { l += [p.weightIH, p.weightHH, p.biasIH, p.biasHH] } }
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
        for l in lstm.layers.indices {
            for d in lstm.layers[l].indices {
                take(&lstm.layers[l][d].parameters.weightIH)
                take(&lstm.layers[l][d].parameters.weightHH)
                take(&lstm.layers[l][d].parameters.biasIH)
                take(&lstm.layers[l][d].parameters.biasHH)
            }
        }
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
        for l in lstm.layers.indices {
            for d in lstm.layers[l].indices {
                give(&lstm.layers[l][d].parameters.weightIH)
                give(&lstm.layers[l][d].parameters.weightHH)
                give(&lstm.layers[l][d].parameters.biasIH)
                give(&lstm.layers[l][d].parameters.biasHH)
            }
        }
        if pooling.attention != nil {
            give(&pooling.attention!.weight)
            give(&pooling.attention!.bias)
        }
        give(&output.weight)
        give(&output.bias)
    }
}
