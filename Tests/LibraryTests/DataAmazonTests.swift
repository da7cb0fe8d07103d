// Amazon polarity in Zhang's CSV and in fastText lines, good and bad rows.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataAmazonTests: XCTestCase {
    func testAmazonCSV_titleAndTextJoinedEscapesUndone() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("train.csv", """
            "2","Great CD","My lovely Pat\\nhas ""one"", of the voices"
            "1","Broken","Stopped after a week, sadly."
            "1","","Only a body"
            "2","Only a title",""

            """)
        let reviews = try Amazon.loadCSV(path)
        XCTAssertEqual(reviews.map(\.text), ["Great CD: My lovely Pat\nhas \"one\", of the voices",
                                             "Broken: Stopped after a week, sadly.", "Only a body", "Only a title"], "texts")
        XCTAssertEqual(reviews.map(\.label), [1, 0, 0, 1], "labels (1 -> 0, 2 -> 1)")
        XCTAssertEqual(reviews.map(\.source), (1...4).map { "\(path):\($0)" }, "sources")
    }

    func testAmazonCSV_badRowsFailOrAreSkippedAndCounted() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("bad.csv", bytes: Array("""
            "2","Good","Fine"
            "3","Odd","label three"
            "1","Two fields"
            "1","",""
            "2","Quote"x,"broken"
            "1","Bad bytes","
            """.utf8) + [0xC0, 0xAF] + Array("\"\n\"1\",\"Last\",\"ok\"\n".utf8))
        let expected: [(Int, String)] = [(2, "unknown label '3'"), (3, "2 fields"), (4, "empty"),
                                         (5, "after a closing quote"), (6, "invalid UTF-8")]
        let first = expectInputError("strict load") { try Amazon.loadCSV(path) }
        XCTAssertEqual(first?.line, 2, "the first bad row stops the load")
        XCTAssertTrue(first?.message.contains("unknown label '3'") ?? false, "message: \(first?.message ?? "")")

        let result = try Amazon.loadCSV(path, badRows: .skip)
        XCTAssertEqual(result.reviews.map(\.text), ["Good: Fine", "Last: ok"], "good rows kept")
        XCTAssertEqual(result.reviews.map(\.source), ["\(path):1", "\(path):7"], "good rows' lines")
        XCTAssertEqual(result.skipped, 5, "bad rows counted")
        XCTAssertEqual(result.problems.map(\.line), expected.map(\.0), "lines of the problems")
        for (problem, (line, words)) in zip(result.problems, expected) {
            XCTAssertEqual(problem.file, path, "file of the problem on line \(line)")
            XCTAssertTrue(problem.message.contains(words), "line \(line): '\(problem.message)' should mention '\(words)'")
        }
    }

    func testAmazonFastText_labelsTextsAndErrors() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("a.ft.txt", "__label__2 Great CD: My lovely Pat\r\n\n__label__1 Broken: stopped, \"sadly\"\n__label__1 last line without newline")
        let reviews = try Amazon.loadFastText(path)
        XCTAssertEqual(reviews.map(\.text), ["Great CD: My lovely Pat", "Broken: stopped, \"sadly\"", "last line without newline"], "texts")
        XCTAssertEqual(reviews.map(\.label), [1, 0, 0], "labels")
        XCTAssertEqual(reviews.map(\.source), ["\(path):1", "\(path):3", "\(path):4"], "sources count blank lines")

        try runTool("/bin/sh", ["-c", "gzip -c '\(path)' > '\(path).gz'"])
        XCTAssertEqual(try Amazon.loadFastText(path + ".gz").map(\.text), reviews.map(\.text), "gzip gives the same reviews")
        // Kaggle ships train.ft.txt.bz2; detected by name and, renamed, by its magic bytes.
        try runTool("/bin/sh", ["-c", "bzip2 -c '\(path)' > '\(path).bz2' && cp '\(path).bz2' '\(dir.path)/renamed.txt'"])
        XCTAssertEqual(try Amazon.loadFastText(path + ".bz2").map(\.text), reviews.map(\.text), "bzip2 gives the same reviews")
        XCTAssertEqual(try Amazon.loadFastText("\(dir.path)/renamed.txt").map(\.text), reviews.map(\.text), "bzip2 found by magic bytes")

        let bad = try dir.write("bad.ft.txt", bytes: Array("__label__2 fine\n__label__3 three stars\nno label here\n__label__1   \n__label__1 bad ".utf8) + [0xE2, 0x28, 0xA1] + Array("\n__label__2 good\n".utf8))
        let first = expectInputError("strict") { try Amazon.loadFastText(bad) }
        XCTAssertEqual(first?.line, 2, "first bad line")
        XCTAssertTrue(first?.message.contains("__label__3") ?? false, "message: \(first?.message ?? "")")
        let result = try Amazon.loadFastText(bad, badRows: .skip)
        XCTAssertEqual(result.reviews.map(\.text), ["fine", "good"], "good lines")
        XCTAssertEqual(result.skipped, 4, "bad lines counted")
        XCTAssertEqual(result.problems.map(\.line), [2, 3, 4, 5], "lines of the problems")
        XCTAssertTrue(result.problems[3].message.contains("invalid UTF-8"), "message: \(result.problems[3].message)")

        let limited = try Amazon.loadFastText(path, badRows: .fail, limit: 2)
        XCTAssertEqual(limited.reviews.count, 2, "limit")
    }

    /// The shared 5,000-row sample (skipped when absent): the counts its README gives.
    func testAmazonFastText_sharedSampleCounts() throws {
        guard FileManager.default.fileExists(atPath: Amazon.sharedSamplePath) else {
            throw XCTSkip("no \(Amazon.sharedSamplePath)")
        }
        let reviews = try Amazon.loadFastText(Amazon.sharedSamplePath)
        XCTAssertEqual(reviews.count, 5000, "rows")
        XCTAssertEqual(reviews.filter { $0.label == 0 }.count, 2435, "negative rows")
        XCTAssertTrue(reviews[0].text.hasPrefix("Great CD: My lovely Pat"), "first review: \(reviews[0].text.prefix(40))")
        XCTAssertEqual(reviews[0].label, 1, "first label")
    }
}

final class DataAmazonSampleTests: XCTestCase {
    /// Two passes over a CSV: equal cells of class x length bin, the same rows as the
    /// in-memory sampler picks.
    func testAmazonSampleCSV_equalCellsMatchInMemorySample() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        var rng = SeededRNG(seed: 3)
        var text = ""
        for i in 0..<200 {
            let words = (0..<(1 + rng.int(below: 40))).map { _ in "w\(rng.int(below: 9))" }.joined(separator: " ")
            text += "\"\(i % 3 == 0 ? 1 : 2)\",\"t\(i)\",\"\(words)\"\n"
        }
        let path = try dir.write("s.csv", text)
        let (reviews, sample, skipped) = try Amazon.sampleCSV(path, total: 40, lengthBins: 2, seed: 5)
        XCTAssertEqual(skipped, 0, "no bad rows")
        XCTAssertEqual(reviews.count, 40, "sample size")
        XCTAssertEqual(sample.cells.map(\.taken), [10, 10, 10, 10], "2 classes x 2 bins, 10 each")
        let all = try Amazon.loadCSV(path)
        let expected = stratifiedSample(labels: all.map(\.label), lengths: all.map { wordCount($0.text) },
                                        total: 40, lengthBins: 2, seed: 5)
        XCTAssertEqual(reviews, expected.indices.map { all[$0] }, "same rows as sampling in memory")
        XCTAssertEqual(reviews.filter { $0.label == 0 }.count, 20, "half negative")
    }
}
