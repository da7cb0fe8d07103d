// Word vectors: GloVe and .vec text, plain and gzip, matched against a vocabulary.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataWordVectorsTests: XCTestCase {
    let vocabulary = ["<pad>", "<unk>", "the", "Good", "paris", "Paris", "zzz"]
    let glove = """
        the 0.1 0.2 0.3
        Good 1 2 3
        good 4 5 6
        paris -1.5e-1 2E+1 .5
        other 7 8 9

        """

    func row(_ m: Tensor<Float>, _ r: Int) -> [Float] { m.row(r).scalars }

    func testWordVectors_gloveRowsCoverageAndMissingInit() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("vectors.txt", glove)
        let (m, coverage) = try WordVectors.load(path: path, vocabulary: vocabulary, counts: [0, 10, 50, 20, 5, 5, 10], seed: 9)
        XCTAssertEqual(m.shape, [7, 3], "matrix shape [V, D]")
        XCTAssertEqual(row(m, 0), [0, 0, 0], "row 0 (<pad>) is zero")
        XCTAssertEqual(row(m, 2), [0.1, 0.2, 0.3], "the")
        XCTAssertEqual(row(m, 3), [1, 2, 3], "'Good' takes its exact line, not 'good'")
        XCTAssertEqual(row(m, 4), [-0.15, 20, 0.5], "paris, exponents and a leading dot")
        XCTAssertEqual(row(m, 5), [-0.15, 20, 0.5], "'Paris' found in lowercase")
        // Missing rows: uniform draws of SeededRNG(seed) in row order, one per element of every row.
        var rng = SeededRNG(seed: 9)
        let draws = (0..<(7 * 3)).map { _ in Float(rng.uniform(-0.05, 0.05)) }
        XCTAssertEqual(row(m, 1), Array(draws[3..<6]), "<unk> row from the seeded draws")
        XCTAssertEqual(row(m, 6), Array(draws[18..<21]), "zzz row from the seeded draws")
        XCTAssertTrue(m.scalars.allSatisfy { $0.isFinite }, "all finite")

        XCTAssertEqual(coverage.vocabularySize, 7, "vocabulary size")
        XCTAssertEqual(coverage.found, 4, "found: the, Good, paris, Paris")
        XCTAssertEqual(coverage.foundLowercase, 1, "found only in lowercase: Paris")
        XCTAssertEqual(coverage.vocabularyShare, 4.0 / 7.0, accuracy: 1e-12, "share of vocabulary")
        XCTAssertEqual(try XCTUnwrap(coverage.tokenShare), 80.0 / 100.0, accuracy: 1e-12, "share of running tokens")
        XCTAssertEqual(coverage.dimension, 3, "dimension")
        XCTAssertEqual(coverage.fileWords, 5, "words in the file")
        XCTAssertEqual(coverage.missingExamples, ["<unk>", "zzz"], "missing, most frequent first")
        XCTAssertTrue(coverage.description.contains("4 of 7"), coverage.description)

        let again = try WordVectors.load(path: path, vocabulary: vocabulary, seed: 9).matrix
        XCTAssertEqual(again, m, "same seed, same matrix")
        let other = try WordVectors.load(path: path, vocabulary: vocabulary, seed: 10).matrix
        XCTAssertNotEqual(row(other, 6), row(m, 6), "another seed, other missing rows")
        XCTAssertEqual(row(other, 2), row(m, 2), "found rows do not depend on the seed")
    }

    func testWordVectors_vecHeaderGzipAndLoadAll() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let vec = try dir.write("wiki.vec", "3 2\nthe 1.5 -2 \nof 3 4 \r\nand 5e-1 6\n")
        let (m, coverage) = try WordVectors.load(path: vec, vocabulary: ["<pad>", "<unk>", "of", "and"])
        XCTAssertEqual(m.shape, [4, 2], "shape from the header's dimension")
        XCTAssertEqual(row(m, 2), [3, 4], "of (trailing space and CRLF)")
        XCTAssertEqual(row(m, 3), [0.5, 6], "and")
        XCTAssertEqual(coverage.fileWords, 3, "header is not a word")
        XCTAssertNil(coverage.tokenShare, "no counts, no token share")

        let plain = try dir.write("g.txt", glove)
        try runTool("/bin/sh", ["-c", "gzip -c '\(plain)' > '\(dir.path)/g.txt.gz'"])
        let a = try WordVectors.load(path: plain, vocabulary: vocabulary, seed: 1).matrix
        let b = try WordVectors.load(path: "\(dir.path)/g.txt.gz", vocabulary: vocabulary, seed: 1).matrix
        XCTAssertEqual(a, b, "gzip gives the same matrix")

        let all = try WordVectors.loadAll(path: "\(dir.path)/g.txt.gz")
        XCTAssertEqual(all.words, ["the", "Good", "good", "paris", "other"], "words in file order")
        XCTAssertEqual(all.matrix.shape, [5, 3], "all vectors")
        XCTAssertEqual(all.matrix.row(4).scalars, [7, 8, 9], "last vector")
        XCTAssertEqual(try WordVectors.loadAll(path: plain, limit: 2).words, ["the", "Good"], "limit")
    }

    func testWordVectors_numbersMatchSwiftParsing() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        var rng = SeededRNG(seed: 2)
        let values = (0..<500).map { i -> Float in
            let scale = Float(pow(10.0, Double(rng.int(below: 12) - 8)))
            return Float(rng.normal()) * scale * (i % 7 == 0 ? 1e6 : 1)
        }
        let text = values.map { "\($0)" }.joined(separator: " ")
        let path = try dir.write("v.txt", "w " + text + "\n")
        let m = try WordVectors.load(path: path, vocabulary: ["<pad>", "w"]).matrix
        for (j, v) in values.enumerated() {
            let got = m[1, j]
            XCTAssertTrue(got == v || abs(got - v) <= v.ulp, "value \(j): parsed \(got) from '\(v)'")
        }
    }

    func testWordVectors_badFilesNameFileAndLine() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let short = try dir.write("short.txt", "the 1 2 3\ngood 1 2\n")
        let e1 = expectInputError("too few values") { try WordVectors.load(path: short, vocabulary: ["<pad>", "good"]) }
        XCTAssertEqual(e1?.file, short, "file")
        XCTAssertEqual(e1?.line, 2, "line")
        XCTAssertTrue(e1?.message.contains("2 values, expected 3") ?? false, "message: \(e1?.message ?? "")")

        let word = try dir.write("nan.txt", "the 1 2 3\ngood 1 x2 3\n")
        let e2 = expectInputError("not a number") { try WordVectors.load(path: word, vocabulary: ["<pad>", "good"]) }
        XCTAssertEqual(e2?.line, 2, "line")
        XCTAssertTrue(e2?.message.contains("'x2'") ?? false, "message: \(e2?.message ?? "")")

        let lone = try dir.write("lone.txt", "the 1 2 3\ngood\n")
        XCTAssertEqual(expectInputError("no vector") { try WordVectors.load(path: lone, vocabulary: ["<pad>"]) }?.line, 2, "line")

        let empty = try dir.write("empty.txt", "\n")
        XCTAssertEqual(expectInputError("empty") { try WordVectors.load(path: empty, vocabulary: ["<pad>"]) }?.file, empty, "file")
    }

    /// The shared GloVe 6B 50d (skipped when absent).
    func testWordVectors_sharedGlove() throws {
        let path = WordVectors.sharedGlovePath
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no \(path)") }
        let (m, coverage) = try WordVectors.load(path: path, vocabulary: ["<pad>", "<unk>", "the", "good", "Good", "qwertyzzzq"])
        XCTAssertEqual(m.shape, [6, 50], "shape")
        XCTAssertEqual(coverage.fileWords, 400_000, "GloVe 6B has 400k words")
        XCTAssertEqual(coverage.found, 3, "the, good, Good")
        XCTAssertEqual(Array(row(m, 2).prefix(3)), [0.418, 0.24968, -0.41242], "first values of 'the'")
        XCTAssertEqual(Array(row(m, 3).prefix(2)), [-0.35586, 0.5213], "first values of 'good'")
        XCTAssertEqual(row(m, 4), row(m, 3), "'Good' found as 'good'")
    }

    func testWordVectors_missingRowsNormalAtFileScale() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("v.txt", "good 1 2\nbad -3 0.5\nfilm 0 4\n")
        let vocabulary = ["<pad>", "<unk>", "good", "zzz", "bad", "film"]
        let (m, coverage) = try WordVectors.load(path: path, vocabulary: vocabulary, counts: nil, seed: 6, missingRows: .normalAtFileScale)
        XCTAssertEqual(coverage.found, 3, "found")
        XCTAssertEqual(m.row(0).scalars, [0, 0], "<pad> zero")
        XCTAssertEqual(m.row(2).scalars, [1, 2], "good")
        XCTAssertEqual(m.row(4).scalars, [-3, 0.5], "bad")
        // σ of the found values in id order (good, bad, film), in Float; the draws N(0, σ²) for
        // every element of every row in order, as Tensor.normal makes them.
        let values: [Float] = [1, 2, -3, 0.5, 0, 4]
        let mean = values.reduce(0, +) / 6
        let sigma = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 6).squareRoot()
        XCTAssertEqual(Double(sigma), 2.1164042, accuracy: 1e-6, "σ")
        var rng = SeededRNG(seed: 6)
        let draws = Tensor<Float>.normal([6, 2], mean: 0, std: sigma, rng: &rng)
        XCTAssertEqual(m.row(1).scalars, draws.row(1).scalars, "<unk> from the draws")
        XCTAssertEqual(m.row(3).scalars, draws.row(3).scalars, "zzz from the draws")
        let uniform = try WordVectors.load(path: path, vocabulary: vocabulary, seed: 6).matrix
        XCTAssertEqual(uniform.row(2).scalars, [1, 2], "found rows as before with the default")
        XCTAssertTrue(uniform.row(3).scalars.allSatisfy { abs($0) < 0.05 }, "the default stays uniform in ±0.05")
    }
}
