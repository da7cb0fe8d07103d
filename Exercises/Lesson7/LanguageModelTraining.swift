// Your copy of Solutions/Lesson7/LanguageModelTraining.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, part 2, section 16: your pieces in the provided fast pretraining. Nothing here is an
// exercise.
//
//   reviews ──your Tokenizer──▶ tokens ──vocabulary of Lesson 5 (training reviews, 50,000 words)──▶ one
//   stream of ids, <pad> closing each review ──your batchify──▶ B streams, and B streams of the text reversed
//   counts ──your noiseDistribution, NoiseTable (part 1)──▶ the sampled softmax's noise words
//   ──LanguageModelTrainer (Sources/LanguageModelKernels: two threads, resumable)──▶ the encoder file
//
// <pad> is never an input of Lesson 5's model (it only fills batches), so the language model uses
// it to mark where a review ends: predicting it means predicting that the review is over.
// The encoder file holds what Lesson 5's bidirectional encoder needs, under its names
// (embedding.weight, lstm.weight_ih_l0, ..., lstm.bias_hh_l0_reverse), and the vocabulary's
// words, so that `sentiment train --encoder FILE` finds each word's row by the word.

import CourseData
import Foundation
import LanguageModelKernels
import Lesson2
import Lesson5
import LSTMKernels
import TensorCore
import Training

/// The reviews as one stream of ids for the language models, with the held-out stream.
public struct LanguageModelCorpus: Sendable {
    public var vocabulary: Vocabulary
    /// Every training and unlabelled review's ids, each followed by <pad>.
    public var stream: [Int32]
    /// The held-out reviews (unlabelled, never trained on) the same way.
    public var heldOut: [Int32]
    /// How often each id occurs in `stream` (<pad> as the end of a review included).
    public var counts: [Int]

    /// The vocabulary is built as Lesson 5 builds it, from the training reviews: at most
    /// `vocabularySize` words (<pad> and <unk> included), each seen at least twice.
    public init(trainingReviews: [String], unlabeledReviews: [String], heldOutReviews: [String], vocabularySize: Int) {
        let training = SentimentCorpus.tokenize(trainingReviews)
        let vocabulary = Vocabulary(counting: training, maxSize: vocabularySize, minFrequency: 2)
        func encode(_ documents: [[String]]) -> [Int32] {
            var ids: [Int32] = []
            for d in documents {
                ids += vocabulary.encode(d)
                ids.append(Int32(Vocabulary.pad))
            }
            return ids
        }
        self.vocabulary = vocabulary
        stream = encode(training) + encode(SentimentCorpus.tokenize(unlabeledReviews))
        heldOut = encode(SentimentCorpus.tokenize(heldOutReviews))
        var counts = [Int](repeating: 0, count: vocabulary.count)
        for id in stream { counts[Int(id)] += 1 }
        self.counts = counts
    }
}

public enum LanguageModelTraining {
    /// A trainer whose streams come from your batchify (the text and the text reversed) and
    /// whose noise words from your part 1 noise distribution and table.
    public static func trainer(_ corpus: LanguageModelCorpus, initialEmbedding: Tensor<Float>, settings: LanguageModelSettings,
                               noiseTableSize: Int = WordVectorTraining.noiseTableSize) throws -> LanguageModelTrainer {
        let noise = noiseDistribution(counts: corpus.counts)
        let table = NoiseTable(distribution: noise, size: noiseTableSize)
        func streams(_ ids: [Int32], _ b: Int) -> [BatchifiedStream] {
            [BatchifiedStream(batchify(ids, streams: b)), BatchifiedStream(batchify(ids.reversed(), streams: b))]
        }
        return try LanguageModelTrainer(vocabularySize: corpus.vocabulary.count, initialEmbedding: initialEmbedding,
                                        train: streams(corpus.stream, settings.streams), heldOut: streams(corpus.heldOut, settings.streams),
                                        noiseTable: table.slots, noise: noise, settings: settings)
    }

    /// The provided kernel's sampled softmax next to your sampledSoftmaxGradients on a batch of
    /// its kind (repeated samples, accidental hits): the largest differences of the loss, dHidden,
    /// dWeight and dBias, in Float.
    public static func checkKernel(vocabularySize v: Int = 300, hidden h: Int = 16, positions n: Int = 48, samples k: Int = 40,
                                   seed: UInt64 = 5) -> [(name: String, difference: Float)] {
        var rng = SeededRNG(seed: seed)
        let counts = (0..<v).map { 1 + Int(1_000 / Double($0 + 1)) }
        let noise = noiseDistribution(counts: counts)
        let table = NoiseTable(distribution: noise, size: 10_000)
        let targets = (0..<n).map { _ in table.sample(&rng) }
        let samples = (0..<k).map { _ in table.sample(&rng) }
        let hidden = Tensor<Float>.normal([n, h], std: 0.5, rng: &rng)
        let weight = Tensor<Float>.normal([v, h], std: 0.5, rng: &rng)
        let bias = Tensor<Float>.normal([v], std: 0.1, rng: &rng)
        let yours = sampledSoftmaxGradients(hidden: hidden, weight: weight, bias: bias,
                                            batch: SampledSoftmaxBatch(targets: targets, samples: samples, noise: noise))
        let logQ = noise.map { Float(Foundation.log(Double(k) * $0)) }
        let fast = SampledSoftmaxKernel.run(hidden: hidden, weight: weight, bias: bias.scalars, targets: targets.map { Int32($0) },
                                            samples: samples.map { Int32($0) }, logExpectedCount: logQ)
        var dWeight = Tensor<Float>.zeros([v, h]), dBias = Tensor<Float>.zeros([v, 1])
        dWeight.addToRows(targets, fast.dTargetRows)
        dWeight.addToRows(samples, fast.dSampleRows)
        dBias.addToRows(targets, Tensor(shape: [n, 1], scalars: fast.dTargetBias))
        dBias.addToRows(samples, Tensor(shape: [k, 1], scalars: fast.dSampleBias))
        return [("loss", abs(yours.loss - fast.loss)), ("dHidden", yours.hidden.maxAbsDifference(fast.dHidden)),
                ("dWeight", yours.weight.maxAbsDifference(dWeight)), ("dBias", yours.bias.maxAbsDifference(dBias.reshaped([v])))]
    }

    /// Writes the pretrained encoder: the shared embedding and both models' LSTMs under Lesson 5's
    /// names, with the vocabulary's words (atomically).
    public static func writeEncoder(_ trainer: LanguageModelTrainer, words: [String], to path: String) throws {
        var tensors: [(name: String, tensor: Tensor<Float>)] = [("embedding.weight", trainer.embedding)]
        for (d, suffix) in ["_l0", "_l0_reverse"].enumerated() {
            let w = trainer.lstm(d)
            tensors += [("lstm.weight_ih" + suffix, w.weightIH), ("lstm.weight_hh" + suffix, w.weightHH),
                        ("lstm.bias_ih" + suffix, w.biasIH), ("lstm.bias_hh" + suffix, w.biasHH)]
        }
        try Checkpoint(tensors: tensors, metadata: PretrainedEncoder.Metadata(words: words, fingerprint: trainer.fingerprint)).write(to: path)
    }
}
