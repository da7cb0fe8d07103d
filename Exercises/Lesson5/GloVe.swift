// Your copy of Solutions/Lesson5/GloVe.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 6.2: starting the embedding from GloVe (Pennington et al. 2014).
//
// Row v of the table becomes the GloVe vector of word v when GloVe has the word; otherwise it
// is drawn from N(0, σ²) with σ the standard deviation of the GloVe values found, so unknown
// words start at the same scale as known ones. The <pad> row is zero. The file is the standard
// text format (`word v1 ... vD`, optionally gzip-compressed, optionally with a word2vec
// `COUNT DIM` first line); only the words of the vocabulary are parsed.

import CourseData
import Foundation
import Lesson2
import TensorCore

public enum GloVe {
    /// ../shared/data/glove/glove.6B.50d.txt.gz when present.
    public static var sharedPath: String? { DataPaths.sharedFile("glove/glove.6B.50d.txt.gz") }
    public static let officialDownload = "GloVe 6B (glove.6B.zip, 50d file) from https://nlp.stanford.edu/projects/glove/"

    /// The table [V, D] for `vocabulary` and how many of its words GloVe covered.
    public static func load(path: String, vocabulary: Vocabulary, seed: UInt64) throws -> (matrix: Tensor<Float>, found: Int) {
        var stream = try ByteStream(path: path)
        var vectors: [Int: [Float]] = [:]
        var dimension = 0
        var line = 0
        while let parsed = try stream.nextLine({ bytes -> (word: String, values: [Float])? in
            guard let space = bytes.firstIndex(of: 0x20) else { return nil }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<space]), as: UTF8.self)
            let id = vocabulary.id(word)
            guard id != Vocabulary.unk && id != Vocabulary.pad else { return (word, []) }
            let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[(space + 1)...]), as: UTF8.self)
            return (word, rest.split(separator: " ").compactMap { Float($0) })
        }) {
            line += 1
            guard let (word, values) = parsed, !values.isEmpty else { continue }
            if line == 1 && values.count == 1 { continue }  // a word2vec "COUNT DIM" header
            if dimension == 0 { dimension = values.count }
            guard values.count == dimension else {
                throw InputError(file: path, line: line, "'\(word)' has \(values.count) values, earlier lines have \(dimension)")
            }
            vectors[vocabulary.id(word)] = values
        }
        guard dimension > 0 else { throw InputError(file: path, "no vector for any word of the vocabulary") }
        // In id order: a Dictionary's order changes from run to run, and so would a Float sum.
        let all = vectors.keys.sorted().flatMap { vectors[$0] ?? [] }
        let mean = all.reduce(0, +) / Float(all.count)
        let std = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(all.count)).squareRoot()
        var rng = SeededRNG(seed: seed)
        var matrix = Tensor<Float>.normal([vocabulary.count, dimension], mean: 0, std: std, rng: &rng)
        for (id, v) in vectors { for j in 0..<dimension { matrix[id, j] = v[j] } }
        for j in 0..<dimension { matrix[Vocabulary.pad, j] = 0 }
        return (matrix, vectors.count)
    }
}
