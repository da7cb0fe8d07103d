// Starting the model from a pretrained encoder (`sentiment train --encoder FILE`): the embedding
// and the bidirectional LSTM that Lesson 7's forward and backward language models trained on
// the unlabelled reviews. Nothing here is an exercise.
//
// The file is a checkpoint holding embedding.weight [V', E] and the LSTM's eight tensors under
// this model's names (lstm.weight_ih_l0 ... lstm.bias_hh_l0_reverse), and in its metadata the
// V' words of the embedding's rows. Rows are matched by word, so the encoder's vocabulary need
// not be this run's: a word the encoder lacks keeps the row it already has (GloVe's or random);
// <pad> stays zero. The pooling and the output layer are new.

import CourseData
import Foundation
import Lesson2
import TensorCore
import Training

public enum PretrainedEncoder {
    public struct Metadata: Codable, Sendable {
        /// The words of the embedding's rows, in row order.
        public var words: [String]
        /// The run that trained it.
        public var fingerprint: String

        public init(words: [String], fingerprint: String) {
            self.words = words
            self.fingerprint = fingerprint
        }
    }

    /// Loads the encoder at `path` into `model` (one bidirectional LSTM layer of the file's
    /// shapes); returns how many of the vocabulary's words it had a row for.
    /// - Throws: InputError when the file is not an encoder or its shapes do not fit the model.
    public static func load(_ path: String, into model: inout SentimentLSTM<Float>, vocabulary: Vocabulary) throws -> Int {
        let checkpoint = try Checkpoint.read(from: path)
        let metadata = try checkpoint.decodeMetadata(Metadata.self)
        let table = try checkpoint.tensor("embedding.weight")
        let e = model.config.embeddingSize
        guard table.rank == 2, table.shape == [metadata.words.count, e] else {
            throw InputError(file: path, "embedding.weight is \(table.shape) for \(metadata.words.count) words; the model's embedding is \(e) wide")
        }
        guard model.config.cell == .lstm, model.config.layers == 1, model.config.bidirectional else {
            throw InputError(file: path, "a pretrained encoder fits one bidirectional LSTM layer (--layers 1 --bidirectional --cell lstm)")
        }
        var found = 0
        var weight = model.embedding.weight
        let rowOf = Dictionary(metadata.words.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, word) in vocabulary.words.enumerated() where id != Vocabulary.pad {
            guard let row = rowOf[word] else { continue }
            weight.setRows(id..<(id + 1), to: table.rows(row..<(row + 1)))
            found += 1
        }
        model.embedding.weight = weight
        try model.encoder.forEachParameter { name, tensor in
            let pretrained = try checkpoint.tensor(name)
            guard pretrained.shape == tensor.shape else {
                throw InputError(file: path, "\(name) is \(pretrained.shape), the model's is \(tensor.shape) (--hidden must match the encoder's)")
            }
            tensor = pretrained
        }
        return found
    }
}

// MARK: A slower rate for the pretrained layers

/// What the pretrained layers (the embedding and the LSTM) looked like before an optimiser
/// step, to scale that step down afterwards: θ ← θ₀ + r (θ − θ₀). ULMFiT's discriminative
/// rates: the new pooling and output layer start from nothing and need the full rate, while
/// the full rate on the pretrained layers replaces what pretraining learned before the new
/// layers are of any use to it. Adam's step does not depend on θ, so scaling the step is
/// training these layers at r times the learning rate, with the same moments.
public struct EncoderStepScale {
    public let rate: Float
    private let before: [Tensor<Float>]

    /// Remembers the pretrained layers' tensors of `model`.
    public init(rate: Double, model: SentimentLSTM<Float>) {
        self.rate = Float(rate)
        var model = model
        var before: [Tensor<Float>] = []
        model.forEachPretrainedTensor { before.append($0) }
        self.before = before
    }

    /// Scales the step `model` took since `init` on the pretrained layers by `rate`:
    /// θ₀ + r (θ − θ₀) = r θ + (1 − r) θ₀, in place.
    public func apply(to model: inout SentimentLSTM<Float>) {
        var i = 0
        model.forEachPretrainedTensor { tensor in
            tensor.scale(by: rate)
            tensor.add(before[i], scaledBy: 1 - rate)
            i += 1
        }
    }
}

extension SentimentLSTM where T == Float {
    /// body(&tensor) for the embedding (when it trains) and every tensor of the recurrent encoder.
    mutating func forEachPretrainedTensor(_ body: (inout Tensor<Float>) -> Void) {
        if embedding.trainable { body(&embedding.weight) }
        encoder.forEachParameter { _, tensor in body(&tensor) }
    }
}
