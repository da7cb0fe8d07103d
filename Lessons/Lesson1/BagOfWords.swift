// Binary bag-of-words features for the baseline: which of the V most frequent training words
// occur in a review, ignoring order and counts.
//
// The tokeniser here is deliberately minimal (Lesson 2 writes the real one): HTML tags such as
// `<br />` are skipped, ASCII letters are lowercased and kept, everything else separates words
// ("don't" -> "don", "t"). Non-ASCII letters are separators too; IMDB has few.

import TensorCore

enum BagOfWords {
    /// The words of `text`, lowercased, letters only.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var word: [UInt8] = []
        var inTag = false
        func flush() {
            if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)); word.removeAll(keepingCapacity: true) }
        }
        for byte in text.utf8 {
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 32)
            case UInt8(ascii: "<"): flush(); inTag = true
            default: flush()
            }
        }
        flush()
        return out
    }

    /// The `maxSize` words found in the most training reviews (ties broken alphabetically, so
    /// the vocabulary is the same on every machine), id = position.
    static func vocabulary(_ documents: [[String]], maxSize: Int) -> [String] {
        var documentFrequency: [String: Int] = [:]
        for words in documents {
            for w in Set(words) { documentFrequency[w, default: 0] += 1 }
        }
        let ranked = documentFrequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return ranked.prefix(maxSize).map(\.key)
    }

    /// Each document as the sorted, distinct ids of its in-vocabulary words.
    static func features(_ documents: [[String]], vocabulary: [String]) -> [[Int32]] {
        var id: [String: Int32] = [:]
        for (i, w) in vocabulary.enumerated() { id[w] = Int32(i) }
        return documents.map { words in Set(words.compactMap { id[$0] }).sorted() }
    }

}

/// Builds the dense rows of each mini-batch on the fly, so the whole 25,000 × V matrix never
/// exists. It reuses one buffer per batch size, clearing only the entries the previous batch
/// set: a fresh [64, 30000] tensor per batch would spend more time in the kernel zeroing
/// memory than in the model.
struct BatchBuilder {
    let vocabularySize: Int
    /// Per batch size: the buffer and the flat positions the last batch set to 1.
    private var buffers: [Int: (x: Tensor<Float>, ones: [Int])] = [:]

    init(vocabularySize: Int) {
        self.vocabularySize = vocabularySize
    }

    /// x[r, j] = 1 when word j occurs in document rows[r].  -> x: [rows.count, V]
    mutating func batch(_ features: [[Int32]], rows: ArraySlice<Int>) -> Tensor<Float> {
        var (x, ones) = buffers.removeValue(forKey: rows.count)
            ?? (Tensor<Float>(shape: [rows.count, vocabularySize]), [])
        let v = vocabularySize
        x.withUnsafeMutableBufferPointer { p in
            for i in ones { p[i] = 0 }
            ones.removeAll(keepingCapacity: true)
            for (r, doc) in rows.enumerated() {
                for j in features[doc] {
                    p[r * v + Int(j)] = 1
                    ones.append(r * v + Int(j))
                }
            }
        }
        buffers[rows.count] = (x, ones)
        return x
    }
}
