// Your copy of Solutions/Lesson2/Vocabulary.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 2, section 3: the vocabulary, a two-way map between words and integer ids.
//
//   id 0  <pad>   fills the positions after (or before) a short review in a batch
//   id 1  <unk>   every word the vocabulary does not hold
//   id 2… the kept words, most frequent first; equal counts in alphabetical order
//
// Which words are kept: those seen at least `minFrequency` times in the training documents,
// and of those the most frequent, so that the whole vocabulary (the two special entries
// included, as torchtext's `max_tokens` counts them) has at most `maxSize` entries. The
// order is fully determined by the counts and the words, so the same documents give the same
// ids on every machine, a requirement for saved models and for tests.
//
// Build it from the training split only: words that appear only in the test split must map
// to <unk>, as they would for a review the model meets after deployment.
//
// Saving and loading, which need files, are in VocabularyFile.swift.

import TensorCore

public struct Vocabulary: Codable, Sendable, Equatable {
    public static let pad = 0
    public static let unk = 1
    public static let padToken = "<pad>"
    public static let unkToken = "<unk>"
    /// The `format` field of a saved vocabulary.
    public static let formatName = "lstm-course-vocabulary-v1"

    /// id -> word. words[0] is "<pad>", words[1] is "<unk>".
    public private(set) var words: [String]
    /// id -> how often the word occurred in the documents counted (0 for <pad> and <unk>).
    public private(set) var counts: [Int]
    /// word -> id, derived from `words`.
    private var index: [String: Int]

    /// Entries including <pad> and <unk>.
    public var count: Int { words.count }

    /// Counts the tokens of `documents` and keeps the words seen at least `minFrequency` times,
    /// most frequent first, ties broken alphabetically, at most `maxSize` entries in all (3.2).
    /// A token spelled "<pad>" or "<unk>" is not counted: those ids are reserved.
    public init(counting documents: [[String]], maxSize: Int, minFrequency: Int = 1) {
        precondition(maxSize >= 2, "Vocabulary: maxSize \(maxSize) leaves no room for <pad> and <unk>")
        precondition(minFrequency >= 1, "Vocabulary: minFrequency must be at least 1, got \(minFrequency)")
        unimplemented("Vocabulary.init(counting:maxSize:minFrequency:)", lesson: 2, see: "section 3.2")
    }

    /// A vocabulary from a list already in id order; the caller has checked it (`problem`).
    init(uncheckedWords words: [String], counts: [Int]) {
        self.words = words
        self.counts = counts
        var index: [String: Int] = [:]
        index.reserveCapacity(words.count)
        for (id, word) in words.enumerated() { index[word] = id }
        self.index = index
    }

    /// The id of `word`, or `Vocabulary.unk` when the vocabulary does not hold it.
    public func id(_ word: String) -> Int {
        index[word] ?? Vocabulary.unk
    }

    /// The ids of `tokens`; unknown words become `Vocabulary.unk` (section 3.3).
    public func encode(_ tokens: [String]) -> [Int32] {
        unimplemented("Vocabulary.encode", lesson: 2, see: "section 3.3")
    }

    /// The words of `ids` (for reading a batch back); ids out of range become "<unk>".
    public func decode(_ ids: [Int32]) -> [String] {
        ids.map { $0 >= 0 && Int($0) < words.count ? words[Int($0)] : Vocabulary.unkToken }
    }

    /// The share of the running tokens of `documents` that the vocabulary holds (not <unk>).
    public func coverage(of documents: [[String]]) -> Double {
        var known = 0, total = 0
        for document in documents {
            for token in document where index[token] != nil { known += 1 }
            total += document.count
        }
        return total == 0 ? 0 : Double(known) / Double(total)
    }

    // MARK: Saving and loading (section 3.4)

    /// What is wrong with a stored word list, or nil when it makes a valid vocabulary:
    /// at least the two special entries, "<pad>" at 0 and "<unk>" at 1, no word twice, no
    /// empty word, one count per word and no negative count (section 3.4).
    static func problem(words: [String], counts: [Int]) -> String? {
        unimplemented("Vocabulary.problem(words:counts:)", lesson: 2, see: "section 3.4")
    }

    private enum CodingKeys: String, CodingKey { case format, words, counts }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Vocabulary.formatName else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c,
                debugDescription: "format is '\(format)', expected '\(Vocabulary.formatName)'")
        }
        let words = try c.decode([String].self, forKey: .words)
        let counts = try c.decode([Int].self, forKey: .counts)
        if let problem = Vocabulary.problem(words: words, counts: counts) {
            throw DecodingError.dataCorruptedError(forKey: .words, in: c, debugDescription: problem)
        }
        self.init(uncheckedWords: words, counts: counts)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Vocabulary.formatName, forKey: .format)
        try c.encode(words, forKey: .words)
        try c.encode(counts, forKey: .counts)
    }
}
