// IMDB loaders on small aclImdb trees written to a temporary folder, and on the shared data
// when it is present.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataIMDBTests: XCTestCase {
    /// train: neg 3 (ratings 1..3), pos 2 (7, 10); test: neg 1, pos 1.
    func makeTree(_ dir: DataTempDir) throws -> String {
        try dir.write("aclImdb/train/neg/0_1.txt", "Awful.<br /><br />Really, \"awful\".")
        try dir.write("aclImdb/train/neg/1_2.txt", "Bad film")
        try dir.write("aclImdb/train/neg/2_3.txt", "Poor film")
        try dir.write("aclImdb/train/pos/0_7.txt", "Good film")
        try dir.write("aclImdb/train/pos/5_10.txt", "Great film, café")
        try dir.write("aclImdb/train/pos/urls.lst", "not a review")
        try dir.write("aclImdb/test/neg/3_4.txt", "Dull")
        try dir.write("aclImdb/test/pos/4_8.txt", "Fine")
        return "\(dir.path)/aclImdb"
    }

    func testIMDBDirectory_labelsRatingsAndBalancedOrder() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let root = try makeTree(dir)
        let train = try IMDB.loadDirectory(root, split: "train")
        XCTAssertEqual(train.count, 5, "train reviews")
        // neg, pos, neg, pos, neg: any prefix is balanced.
        XCTAssertEqual(train.map(\.label), [0, 1, 0, 1, 0], "labels in order")
        for review in train {
            let name = (review.source as NSString).lastPathComponent
            let rating = Int(name.dropLast(4).split(separator: "_")[1])
            XCTAssertEqual(review.rating, rating, "rating of \(name)")
            XCTAssertEqual(review.label, review.source.contains("/pos/") ? 1 : 0, "label of \(name)")
        }
        let awful = try XCTUnwrap(train.first { $0.source.hasSuffix("/neg/0_1.txt") })
        XCTAssertEqual(awful.text, "Awful.<br /><br />Really, \"awful\".", "text is kept as written")
        let great = try XCTUnwrap(train.first { $0.rating == 10 })
        XCTAssertEqual(great.text, "Great film, café", "UTF-8 text")

        let test = try IMDB.loadDirectory(root, split: "test")
        XCTAssertEqual(test.map(\.label), [0, 1], "test labels")
        XCTAssertEqual(test.map(\.rating), [4, 8], "test ratings")

        let limited = try IMDB.loadDirectory(root, split: "train", limit: 2, badRows: .fail)
        XCTAssertEqual(limited.reviews.map(\.label), [0, 1], "a limit of 2 takes one of each class")
        XCTAssertEqual(limited.reviews, Array(train.prefix(2)), "the limited load is a prefix of the full one")
    }

    func testIMDBDirectory_filmOfEachReviewFromTheURLFiles() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let root = try makeTree(dir)
        var none = try IMDB.loadDirectory(root, split: "train")
        XCTAssertEqual(none.compactMap(\.subject), [], "no urls_*.txt: no film")
        // Line ID+1 of urls_neg.txt / urls_pos.txt is the film of review ID.
        try dir.write("aclImdb/train/urls_neg.txt", (0..<3).map { "http://www.imdb.com/title/tt000000\($0)/usercomments" }.joined(separator: "\n") + "\n")
        try dir.write("aclImdb/train/urls_pos.txt", (0..<6).map { "http://www.imdb.com/title/tt99\($0)/usercomments" }.joined(separator: "\n"))
        none = try IMDB.loadDirectory(root, split: "train")
        let film = Dictionary(uniqueKeysWithValues: none.map { (($0.source as NSString).lastPathComponent + ($0.label == 1 ? "+" : "-"), $0.subject) })
        XCTAssertEqual(film["0_1.txt-"], "tt0000000", "neg review 0: line 1 of urls_neg.txt")
        XCTAssertEqual(film["2_3.txt-"], "tt0000002", "neg review 2: line 3")
        XCTAssertEqual(film["0_7.txt+"], "tt990", "pos review 0: line 1 of urls_pos.txt (no newline at the end)")
        XCTAssertEqual(film["5_10.txt+"], "tt995", "pos review 5: line 6")

        try dir.write("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/tt990/usercomments\nnot a url\n")
        let bad = expectInputError("a line that is no URL") { try IMDB.loadDirectory(root, split: "train") }
        XCTAssertEqual(bad?.file, "\(root)/train/urls_pos.txt", "file of the bad line")
        XCTAssertEqual(bad?.line, 2, "line of the bad line")
        try dir.write("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/tt990/usercomments\n")
        let short = expectInputError("too few lines") { try IMDB.loadDirectory(root, split: "train") }
        XCTAssertEqual(short?.file, "\(root)/train/urls_pos.txt", "file with too few lines")
        XCTAssertTrue(short?.message.contains("line 6") ?? false, "names the line review 5 needs: \(short?.message ?? "")")
    }

    func testIMDBDirectory_badFilesNameFileAndLine() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let root = try makeTree(dir)
        try dir.write("aclImdb/train/pos/9_3.txt", "rated 3 but filed as positive")
        let rating = expectInputError("rating 3 in pos/") { try IMDB.loadDirectory(root, split: "train") }
        XCTAssertEqual(rating?.file, "\(root)/train/pos/9_3.txt", "file of the bad rating")
        XCTAssertTrue(rating?.message.contains("rating 3") ?? false, "message: \(rating?.message ?? "")")
        try FileManager.default.removeItem(atPath: "\(root)/train/pos/9_3.txt")

        try dir.write("aclImdb/train/neg/7_2.txt", bytes: Array("line one\nline two \u{e9}\nbad ".utf8) + [0xC3, 0x28] + Array(" here".utf8))
        let utf8 = expectInputError("invalid UTF-8") { try IMDB.loadDirectory(root, split: "train") }
        XCTAssertEqual(utf8?.file, "\(root)/train/neg/7_2.txt", "file of the invalid UTF-8")
        XCTAssertEqual(utf8?.line, 3, "line of the invalid UTF-8")
        XCTAssertTrue(utf8?.message.contains("byte 5") ?? false, "column in message: \(utf8?.message ?? "")")

        try dir.write("aclImdb/train/neg/8_1.txt", "  \n ")
        let skipped = try IMDB.loadDirectory(root, split: "train", limit: nil, badRows: .skip)
        XCTAssertEqual(skipped.skipped, 2, "invalid UTF-8 and empty review skipped")
        XCTAssertEqual(skipped.reviews.count, 5, "good reviews kept")
        XCTAssertEqual(Set(skipped.problems.map(\.file)), ["\(root)/train/neg/7_2.txt", "\(root)/train/neg/8_1.txt"], "problems name the files")

        let split = expectInputError("unknown split") { try IMDB.loadDirectory(root, split: "dev") }
        XCTAssertTrue(split?.message.contains("\"dev\"") ?? false, "message: \(split?.message ?? "")")
        let missing = expectInputError("missing folder") { try IMDB.loadDirectory("\(dir.path)/nothing", split: "train") }
        XCTAssertEqual(missing?.file, "\(dir.path)/nothing/train/neg", "missing folder is named")
    }

    func testIMDBKaggleCSV_quotesCommasAndLabels() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let csv = try dir.write("IMDB Dataset.csv", """
            review,sentiment
            "One of the best, truly.<br /><br />A ""classic"".",positive
            Plain and dull,negative
            "Two
            lines",positive

            """)
        let reviews = try IMDB.loadKaggleCSV(csv)
        XCTAssertEqual(reviews.map(\.text), ["One of the best, truly.<br /><br />A \"classic\".", "Plain and dull", "Two\nlines"], "texts")
        XCTAssertEqual(reviews.map(\.label), [1, 0, 1], "labels")
        XCTAssertEqual(reviews.map(\.source), ["\(csv):2", "\(csv):3", "\(csv):4"], "sources are file:line")
        XCTAssertEqual(reviews.map(\.rating), [nil, nil, nil], "no ratings in the CSV")

        let badLabel = try dir.write("bad-label.csv", "review,sentiment\nfine,positive\n\"multi\nline\",neutral\n")
        let e1 = expectInputError("unknown sentiment") { try IMDB.loadKaggleCSV(badLabel) }
        XCTAssertEqual(e1?.file, badLabel, "file")
        XCTAssertEqual(e1?.line, 3, "line where the bad row starts")
        XCTAssertTrue(e1?.message.contains("neutral") ?? false, "message: \(e1?.message ?? "")")

        let badHeader = try dir.write("bad-header.csv", "text,label\nfine,positive\n")
        let e2 = expectInputError("wrong header") { try IMDB.loadKaggleCSV(badHeader) }
        XCTAssertEqual(e2?.line, 1, "header line")

        let empty = try dir.write("empty.csv", "review,sentiment\nfine,positive\n\"  \",negative\nok,negative\n")
        let e3 = expectInputError("empty review") { try IMDB.loadKaggleCSV(empty) }
        XCTAssertEqual(e3?.line, 3, "line of the empty review")
        let skipped = try IMDB.loadKaggleCSV(empty, badRows: .skip)
        XCTAssertEqual(skipped.skipped, 1, "one row skipped")
        XCTAssertEqual(skipped.reviews.map(\.text), ["fine", "ok"], "the good rows")
    }

    func testDataPaths_extractOnceRenamesIntoPlace() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        try dir.write("src/aclImdb/train/pos/1_9.txt", "Great")
        try dir.write("src/aclImdb/train/unsup/1_0.txt", "unlabelled")
        try runTool("/usr/bin/tar", ["-czf", "\(dir.path)/a.tar.gz", "-C", "\(dir.path)/src", "aclImdb"])
        let cache = "\(dir.path)/cache"
        let out = try DataPaths.extractOnce(archive: "\(dir.path)/a.tar.gz", into: "imdb",
                                            excluding: ["aclImdb/train/unsup"], cacheDirectory: cache)
        XCTAssertEqual(out, "\(cache)/imdb", "destination")
        XCTAssertEqual(try String(contentsOfFile: "\(out)/aclImdb/train/pos/1_9.txt", encoding: .utf8), "Great", "extracted file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/aclImdb/train/unsup"), "excluded folder")
        func partials() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.contains(".partial-") }
        }
        XCTAssertEqual(try partials(), [], "no partial folder left behind")
        // A second call does not extract again: a file added to the cache survives.
        try dir.write("cache/imdb/marker", "x")
        _ = try DataPaths.extractOnce(archive: "\(dir.path)/a.tar.gz", into: "imdb", cacheDirectory: cache)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/marker"), "cache reused")

        try dir.write("broken.tar.gz", "not gzip")
        let e = expectInputError("broken archive") {
            try DataPaths.extractOnce(archive: "\(dir.path)/broken.tar.gz", into: "b", cacheDirectory: cache)
        }
        XCTAssertEqual(e?.file, "\(dir.path)/broken.tar.gz", "archive named")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(cache)/b"), "a failed extraction is not in place")
        XCTAssertEqual(try partials(), [], "partial removed after a failure")

        // A killed run's partial folder is cleared; threads extracting at once all get the result.
        try dir.write("cache/.c.partial-1-2/aclImdb/junk", "half")
        let outputs = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let r = Result { try DataPaths.extractOnce(archive: "\(dir.path)/a.tar.gz", into: "c", cacheDirectory: cache) }
            outputs.append(r)
        }
        XCTAssertEqual(outputs.values.map { try? $0.get() }, Array(repeating: "\(cache)/c", count: 4), "every caller gets the folder")
        XCTAssertEqual(try String(contentsOfFile: "\(cache)/c/aclImdb/train/pos/1_9.txt", encoding: .utf8), "Great", "extracted once, complete")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(cache)/c/aclImdb/junk"), "no stale content")
        XCTAssertEqual(try partials(), [], "stale partial removed")
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<String, Error>] = []
        func append(_ r: Result<String, Error>) { lock.lock(); values.append(r); lock.unlock() }
    }

    func testDataPaths_sharedFollowsCourseRoot() {
        if ProcessInfo.processInfo.environment["COURSE_DATA"] == nil {
            let expected = URL(fileURLWithPath: courseRoot).deletingLastPathComponent()
                .appendingPathComponent("shared/data").standardizedFileURL.path
            XCTAssertEqual(DataPaths.shared, expected, "shared data next to the checkout")
        }
        XCTAssertEqual(DataPaths.cache, "\(courseRoot)/data-cache", "cache inside the checkout")
    }

    /// On the real data (skipped when absent): a balanced prefix with consistent ratings.
    func testIMDBOfficialSplit_realDataPrefix() throws {
        let loaded: (train: [Review], test: [Review])
        do {
            loaded = try IMDB.loadOfficialSplit(limitPerSplit: 200)
        } catch let error as DataUnavailable {
            throw XCTSkip("\(error)")
        }
        XCTAssertEqual(loaded.train.count, 200, "train limit")
        XCTAssertEqual(loaded.test.count, 200, "test limit")
        XCTAssertEqual(loaded.train.filter { $0.label == 1 }.count, 100, "balanced train")
        for r in loaded.train + loaded.test {
            let rating = try XCTUnwrap(r.rating, "rating of \(r.source)")
            XCTAssertTrue(r.label == 1 ? rating >= 7 : rating <= 4, "rating \(rating) vs label \(r.label) at \(r.source)")
            XCTAssertFalse(r.text.isEmpty, "text of \(r.source)")
        }
        XCTAssertTrue(loaded.train[0].source.contains("/train/neg/"), "first train review is negative: \(loaded.train[0].source)")
    }
}
