// Pretrained word vectors read against a vocabulary: GloVe text (`word v1 ... vD`, one word a
// line) and word2vec/fastText .vec text (the same after a first line `COUNT DIM`), plain or
// gzip-compressed.
//
// The result is an embedding matrix [V, D] whose row i is the vector of vocabulary word i:
//   - row 0 is the padding id (Lesson 2's Vocabulary.pad) and is all zeros;
//   - a word found in the file gets the file's vector: the exact word if the file has it,
//     otherwise its lowercase form (GloVe 6B is lowercased);
//   - every other row (including <unk>) is uniform in [-0.05, 0.05) from SeededRNG(seed),
//     drawn for every row in order, so a row's start does not depend on which others were found;
//     or, with `missingRows: .normalAtFileScale`, normal N(0, σ²) with σ the standard deviation
//     of the vectors found, so unknown words start at the same scale as known ones (Lesson 5).
// Lines are parsed only for words in the vocabulary, so a 400k-word file loads in about the
// time gzip takes to decompress it.

import Foundation
import TensorCore

public enum WordVectors {
    /// Half-width of the uniform range of rows not found in the file.
    public static let missingRange = 0.05

    /// GloVe 6B 50d in the shared data.
    public static var sharedGlovePath: String {
        "\(DataPaths.shared)/glove/glove.6B.50d.txt.gz"
    }

    public static let officialDownload = """
        GloVe (Pennington et al. 2014) is downloaded from https://nlp.stanford.edu/projects/glove/ \
        (glove.6B.zip holds glove.6B.50d.txt; gzip it or keep it plain) into \(DataPaths.shared)/glove/.
        """

    /// How much of a vocabulary the file covered.
    public struct Coverage: Sendable, CustomStringConvertible {
        /// Rows of the matrix (vocabulary words).
        public var vocabularySize: Int
        /// Vocabulary words given a vector from the file (exactly or in lowercase).
        public var found: Int
        /// Of those, found only in lowercase.
        public var foundLowercase: Int
        /// found / vocabularySize.
        public var vocabularyShare: Double
        /// Share of running tokens whose word was found, when counts were given.
        public var tokenShare: Double?
        /// Vectors' length D.
        public var dimension: Int
        /// Words (lines) in the file.
        public var fileWords: Int
        /// Up to 20 words not found: the most frequent first when counts were given, else by id.
        public var missingExamples: [String]

        public var description: String {
            var s = String(format: "%d of %d vocabulary words found (%.1f%%", found, vocabularySize, 100 * vocabularyShare)
            if let tokenShare { s += String(format: ", %.1f%% of running tokens", 100 * tokenShare) }
            s += ") in \(fileWords) vectors of dimension \(dimension)"
            if foundLowercase > 0 { s += "; \(foundLowercase) only in lowercase" }
            if !missingExamples.isEmpty { s += "; not found: \(missingExamples.prefix(10).joined(separator: ", "))" }
            return s
        }
    }

    /// How the rows of words not in the file start.
    public enum MissingRows: Sendable, Equatable {
        /// Uniform in [-missingRange, missingRange).
        case uniform
        /// N(0, σ²), σ the standard deviation of every value of the vectors found (summed in
        /// Float, rows in id order, so the same file gives the same σ to the bit).
        case normalAtFileScale
    }

    /// The matrix [V, D] for `vocabulary` (id -> word), as described above.
    public static func load(path: String, vocabulary: [String], seed: UInt64 = 0) throws -> (matrix: Tensor<Float>, coverage: Coverage) {
        try load(path: path, vocabulary: vocabulary, counts: nil, seed: seed)
    }

    /// The same, with `counts[id]` (the word's frequency in the corpus) to report the share of
    /// running tokens covered and to list the most frequent missing words.
    public static func load(path: String, vocabulary: [String], counts: [Int]?, seed: UInt64 = 0) throws -> (matrix: Tensor<Float>, coverage: Coverage) {
        try load(path: path, vocabulary: vocabulary, counts: counts, seed: seed, missingRows: .uniform)
    }

    /// The same, with the rows of missing words drawn as `missingRows` says.
    public static func load(path: String, vocabulary: [String], counts: [Int]?, seed: UInt64,
                            missingRows: MissingRows) throws -> (matrix: Tensor<Float>, coverage: Coverage) {
        if let counts {
            precondition(counts.count == vocabulary.count, "WordVectors.load: \(counts.count) counts for \(vocabulary.count) words")
        }
        var exact: [String: Int] = [:]
        var lower: [String: [Int]] = [:]
        for (id, word) in vocabulary.enumerated() where id != 0 {
            exact[word] = id
            let l = word.lowercased()
            if l != word { lower[l, default: []].append(id) }
        }
        var rows: [Int: [Float]] = [:]      // row id -> vector, filled as the file is read
        var exactRows = Set<Int>()
        var dimension = 0
        let fileWords = try readVectors(path: path, dimension: &dimension) { word in
            // Which rows want this line: the exact word, or words whose lowercase it is
            // (unless they were found exactly).
            var wanted: [Int] = []
            if let id = exact[word] { wanted.append(id) }
            if let ids = lower[word] { wanted.append(contentsOf: ids.filter { !exactRows.contains($0) }) }
            return wanted
        } store: { ids, word, vector in
            for id in ids {
                if vocabulary[id] == word { exactRows.insert(id) }
                rows[id] = vector
            }
        }

        let v = vocabulary.count
        var rng = SeededRNG(seed: seed)
        var scalars: [Float]
        switch missingRows {
        case .uniform:
            scalars = [Float](repeating: 0, count: v * dimension)
            for r in 0..<v {
                for j in 0..<dimension {
                    let u = Float(rng.uniform(-missingRange, missingRange))
                    if r != 0 { scalars[r * dimension + j] = u }
                }
            }
        case .normalAtFileScale:
            scalars = Tensor<Float>.normal([v, dimension], mean: 0, std: foundScale(rows), rng: &rng).scalars
            for j in 0..<min(dimension, scalars.count) { scalars[j] = 0 }   // row 0, <pad>
        }
        for (r, vector) in rows {
            for j in 0..<dimension { scalars[r * dimension + j] = vector[j] }
        }
        let found = rows.count
        var missing = (1..<max(v, 1)).filter { rows[$0] == nil }
        if let counts { missing.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 } }
        let tokenShare: Double? = counts.map { c in
            let total = c.reduce(0, +)
            return total == 0 ? 0 : Double(rows.keys.reduce(0) { $0 + c[$1] }) / Double(total)
        }
        let coverage = Coverage(vocabularySize: v, found: found, foundLowercase: found - exactRows.count,
                                vocabularyShare: v == 0 ? 0 : Double(found) / Double(v), tokenShare: tokenShare,
                                dimension: dimension, fileWords: fileWords,
                                missingExamples: missing.prefix(20).map { vocabulary[$0] })
        return (Tensor(shape: [v, dimension], scalars: scalars), coverage)
    }

    /// The population standard deviation of all values of `rows`, rows in id order (a
    /// Dictionary's own order changes from run to run, and a Float sum with it); 1 when empty.
    static func foundScale(_ rows: [Int: [Float]]) -> Float {
        let all = rows.keys.sorted().flatMap { rows[$0] ?? [] }
        guard !all.isEmpty else { return 1 }
        let mean = all.reduce(0, +) / Float(all.count)
        return (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(all.count)).squareRoot()
    }

    /// The first `limit` words of the file (all when nil) and their vectors [N, D], in file order
    /// (GloVe and fastText files list words by frequency).
    public static func loadAll(path: String, limit: Int? = nil) throws -> (words: [String], matrix: Tensor<Float>) {
        var words: [String] = []
        var scalars: [Float] = []
        var dimension = 0
        _ = try readVectors(path: path, dimension: &dimension, stopAfter: limit) { _ in [0] } store: { _, word, vector in
            words.append(word)
            scalars.append(contentsOf: vector)
        }
        return (words, Tensor(shape: [words.count, dimension], scalars: scalars))
    }

    /// Reads the file line by line. `want(word)` says which rows a word is for (empty: skip the
    /// line without parsing its numbers); `store` gets the parsed vector. Returns the number of
    /// word lines. `dimension` is set from the header or the first line.
    static func readVectors(path: String, dimension: inout Int, stopAfter: Int? = nil,
                            want: (String) -> [Int], store: ([Int], String, [Float]) -> Void) throws -> Int {
        var stream = try ByteStream(path: path)
        var line = 0
        var words = 0
        var vector = [Float]()
        var dim = 0
        while words < (stopAfter ?? .max) {
            let more: Bool? = try stream.nextLine { raw -> Bool in
                line += 1
                var n = raw.count
                while n > 0 && (raw[n - 1] == 0x20 || raw[n - 1] == 0x09) { n -= 1 }   // .vec lines end in a space
                if n == 0 { return true }
                let bytes = UnsafeBufferPointer(rebasing: raw[0..<n])
                guard let space = bytes.firstIndex(where: { $0 == 0x20 }) else {
                    throw InputError(file: path, line: line, "a word without a vector")
                }
                if line == 1, let header = parseHeader(bytes) {
                    dim = header
                    return true
                }
                guard let word = UTF8Text.decode(UnsafeBufferPointer(rebasing: bytes[0..<space])) else {
                    throw UTF8Text.invalidError(bytes, file: path, firstLine: line)
                }
                words += 1
                if dim == 0 {
                    dim = bytes[space...].reduce(0) { $0 + ($1 == 0x20 ? 1 : 0) }
                }
                let ids = want(word)
                if ids.isEmpty { return true }
                vector.removeAll(keepingCapacity: true)
                try parseFloats(UnsafeBufferPointer(rebasing: bytes[(space + 1)...]), into: &vector, path: path, line: line)
                guard vector.count == dim else {
                    throw InputError(file: path, line: line, "'\(word)' has \(vector.count) values, expected \(dim)")
                }
                store(ids, word, vector)
                return true
            }
            if more == nil { break }
        }
        dimension = dim
        if words == 0 && dim == 0 { throw InputError(file: path, "no word vectors in the file") }
        return words
    }

    /// `COUNT DIM` (word2vec/fastText header): the dimension; nil for an ordinary line.
    static func parseHeader(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let parts = bytes.split(separator: 0x20)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else { return nil }
        return Int(String(decoding: parts[1], as: UTF8.self))
    }

    /// Space-separated decimal numbers ("-0.12", "3e-05", "1.5E+2").
    static func parseFloats(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Float], path: String, line: Int) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            while i < n && bytes[i] == 0x20 { i += 1 }
            if i == n { break }
            let start = i
            while i < n && bytes[i] != 0x20 { i += 1 }
            guard let value = parseDecimal(UnsafeBufferPointer(rebasing: bytes[start..<i])) else {
                let token = String(decoding: bytes[start..<i], as: UTF8.self)
                throw InputError(file: path, line: line, "'\(token)' is not a number")
            }
            out.append(value)
        }
    }

    private static let powersOf10: [Double] = (0...22).map { Foundation.pow(10, Double($0)) }

    /// One decimal number; nil when malformed (or inf/nan, which no word vector should hold).
    /// Up to 19 significant digits are kept, far more than a Float can tell apart.
    @inline(__always)
    static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Float? {
        var i = 0
        let n = b.count
        var negative = false
        if i < n && (b[i] == 0x2D || b[i] == 0x2B) { negative = b[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, exponent = 0, significant = 0
        while i < n, b[i] &- 0x30 < 10 {
            if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30); if mantissa > 0 { significant += 1 } } else { exponent += 1 }
            digits += 1; i += 1
        }
        if i < n && b[i] == 0x2E {
            i += 1
            while i < n, b[i] &- 0x30 < 10 {
                if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30); exponent -= 1; if mantissa > 0 { significant += 1 } }
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < n && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            var expNegative = false
            if i < n && (b[i] == 0x2D || b[i] == 0x2B) { expNegative = b[i] == 0x2D; i += 1 }
            var e = 0, expDigits = 0
            while i < n, b[i] &- 0x30 < 10 { e = min(e * 10 + Int(b[i] &- 0x30), 10_000); expDigits += 1; i += 1 }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            value = -exponent <= 22 ? value / powersOf10[-exponent] : value / Foundation.pow(10, Double(-exponent))
        } else if exponent > 0 {
            value = exponent <= 22 ? value * powersOf10[exponent] : value * Foundation.pow(10, Double(exponent))
        }
        let f = Float(negative ? -value : value)
        return f.isFinite ? f : nil
    }
}
