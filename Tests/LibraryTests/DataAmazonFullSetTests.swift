// The full Amazon polarity folder (Zhang's train.csv + test.csv), sampled by class x length bin.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataAmazonFullSetTests: XCTestCase {
    /// Zhang's CSV: `rows` rows, labels alternating 1/2, lengths 1...40 words, `bad` broken rows.
    func zhangCSV(rows: Int, bad: Int, seed: UInt64) -> String {
        var rng = SeededRNG(seed: seed)
        var lines: [String] = []
        for i in 0..<rows {
            let words = (0..<(1 + rng.int(below: 40))).map { _ in ["good", "bad", "film", "book", "\"\"ok\"\"", "a,b"][rng.int(below: 6)] }
            lines.append("\"\(i % 2 + 1)\",\"title \(i)\",\"\(words.joined(separator: " "))\"")
        }
        for b in 0..<bad { lines.insert("\"3\",\"not a label\",\"row \(b)\"", at: 7 + 11 * b) }
        return lines.joined(separator: "\n") + "\n"
    }

    func testAmazonFullSet_samplesEachSplitByClassAndLengthAndCountsBadRows() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        try dir.write("amazon_review_polarity_csv/train.csv", zhangCSV(rows: 400, bad: 2, seed: 1))
        try dir.write("amazon_review_polarity_csv/test.csv", zhangCSV(rows: 60, bad: 0, seed: 2))
        let folder = "\(dir.path)/amazon_review_polarity_csv"

        let train = try Amazon.sampleFullSet(directory: folder, split: .train, total: 100, seed: 4)
        XCTAssertEqual(train.file, "\(folder)/train.csv", "file")
        XCTAssertEqual(train.reviews.count, 100, "train sample size")
        XCTAssertEqual(train.rows, 400, "readable rows of train.csv")
        XCTAssertEqual(train.reviews.filter { $0.label == 1 }.count, 50, "half of the sample positive")
        XCTAssertEqual(train.sample.cells.map(\.taken), Array(repeating: 10, count: 10), "10 per cell of 2 classes x 5 bins")
        XCTAssertEqual(train.skipped.skipped, 2, "bad rows skipped")
        XCTAssertEqual(train.skipped.problems.first?.line, 8, "the first bad row's line")
        XCTAssertTrue(train.description.contains("100 of 400") && train.description.contains("2 unreadable rows skipped"), train.description)
        XCTAssertTrue(train.reviews.allSatisfy { $0.text.hasPrefix("title ") }, "title joined to the text")

        let again = try Amazon.sampleFullSet(directory: folder, split: .train, total: 100, seed: 4)
        XCTAssertEqual(again.reviews, train.reviews, "same seed, same sample")
        let other = try Amazon.sampleFullSet(directory: folder, split: .train, total: 100, seed: 5)
        XCTAssertNotEqual(other.reviews.map(\.source), train.reviews.map(\.source), "another seed, another sample")

        let test = try Amazon.sampleFullSet(directory: folder, split: .test, total: 1000, seed: 4)
        XCTAssertEqual(test.reviews.count, 60, "a file with fewer rows than asked gives them all")
        XCTAssertEqual(test.skipped.skipped, 0, "no bad row in test.csv")
        XCTAssertEqual(test.description, "60 of 60 reviews of \(folder)/test.csv", "description")
    }

    func testAmazonFullSet_missingFileNamesPathAndDownload() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        try dir.write("train.csv", zhangCSV(rows: 10, bad: 0, seed: 1))
        do {
            _ = try Amazon.sampleFullSet(directory: dir.path, split: .train, total: 5, seed: 0)
            XCTFail("a folder without test.csv must be refused")
        } catch let e as DataUnavailable {
            XCTAssertEqual(e.searched, ["\(dir.path)/test.csv"], "the missing file")
            XCTAssertTrue(e.description.contains("amazon_review_polarity_csv.tgz") && e.description.contains(Amazon.fullSetVariable),
                          "names the download and the variable: \(e.description)")
        }
        try dir.write("test.csv", "\"7\",\"x\",\"y\"\n")
        let e = expectInputError("no readable row") { try Amazon.sampleFullSet(directory: dir.path, split: .test, total: 5, seed: 0) }
        XCTAssertEqual(e?.file, "\(dir.path)/test.csv", "file named")
    }

    func testAmazonFullSet_defaultDirectoryFromEnvironment() {
        let old = ProcessInfo.processInfo.environment[Amazon.fullSetVariable]
        defer { if let old { setenv(Amazon.fullSetVariable, old, 1) } else { unsetenv(Amazon.fullSetVariable) } }
        setenv(Amazon.fullSetVariable, "/somewhere/amazon", 1)
        XCTAssertEqual(Amazon.defaultFullSetDirectory, "/somewhere/amazon", "$\(Amazon.fullSetVariable)")
        unsetenv(Amazon.fullSetVariable)
        XCTAssertEqual(Amazon.defaultFullSetDirectory, "\(DataPaths.shared)/amazon/amazon_review_polarity_csv", "the shared folder")
    }
}
