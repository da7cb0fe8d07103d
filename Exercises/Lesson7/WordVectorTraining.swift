// Your copy of Solutions/Lesson7/WordVectorTraining.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, section 6: your pieces in the provided fast trainer. Nothing here is an exercise.
//
//   reviews ──your Tokenizer──▶ tokens ──your Vocabulary (min count)──▶ ids, <unk> left out
//   counts ──your keepProbability──▶ subsampling      counts ──your noiseDistribution, NoiseTable──▶ negatives
//   ──SkipGramTrainer (Sources/Word2VecKernels: two threads, Hogwild, checkpoints)──▶ W_in = the word vectors
//
// The vectors are written in word2vec's text format (a first line "count dimension", then
// "word v1 ... vE"), which CourseData's WordVectors reads like GloVe's files, so Lesson 5's
// model can start from them (`sentiment train --vectors FILE`).

import CourseData
import Foundation
import Lesson2
import Lesson5
import TensorCore
import Word2VecKernels

/// Reviews as ids for skip-gram training, with the vocabulary they were counted with.
public struct WordVectorCorpus: Sendable {
    public var vocabulary: Vocabulary
    public var corpus: SkipGramCorpus

    /// Tokenizes `texts`, keeps words seen at least `minCount` times (at most `maxWords` of
    /// them, most frequent first) and leaves every other word out of the text, as word2vec.c
    /// does: <unk> would be the most frequent "word" and teach nothing.
    public init(texts: [String], maxWords: Int, minCount: Int) {
        let tokens = SentimentCorpus.tokenize(texts)
        let vocabulary = Vocabulary(counting: tokens, maxSize: maxWords + 2, minFrequency: minCount)
        let unknown = Int32(Vocabulary.unk)
        self.vocabulary = vocabulary
        self.corpus = SkipGramCorpus(reviews: tokens.map { vocabulary.encode($0).filter { $0 != unknown } })
    }
}

public enum WordVectorTraining {
    /// The noise table's size: word2vec.c's 1e8 slots, a tenth of it (a word with P_n = 1e-7 still has a slot).
    public static let noiseTableSize = 10_000_000

    /// A trainer for `corpus` whose subsampling and negatives come from your section 5 code.
    public static func trainer(_ corpus: WordVectorCorpus, settings: SkipGramSettings, sampleThreshold: Double = 1e-3,
                               noiseTableSize: Int = noiseTableSize) throws -> SkipGramTrainer {
        let counts = corpus.corpus.counts(vocabularySize: corpus.vocabulary.count)
        let keep = keepProbabilities(counts: counts, threshold: sampleThreshold)
        let table = NoiseTable(distribution: noiseDistribution(counts: counts), size: noiseTableSize)
        return try SkipGramTrainer(corpus: corpus.corpus, vocabularySize: corpus.vocabulary.count, keepProbabilities: keep,
                                   noiseTable: table.slots, settings: settings)
    }

    /// Writes `vectors` [V, E] in word2vec's text format, leaving out <pad> and <unk>.
    public static func writeVectors(_ vectors: Tensor<Float>, words: [String], to path: String) throws {
        precondition(vectors.rank == 2 && vectors.shape[0] == words.count, "writeVectors: \(words.count) words for \(vectors.shape)")
        let e = vectors.shape[1]
        var text = "\(words.count - 2) \(e)\n"
        for (id, word) in words.enumerated() where id != Vocabulary.pad && id != Vocabulary.unk {
            text += word
            for j in 0..<e { text += " " + String(format: "%.6f", vectors.scalars[id * e + j]) }
            text += "\n"
        }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
