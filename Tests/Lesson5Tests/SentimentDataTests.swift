import CourseData
import Foundation
import Lesson5
import TensorCore
import XCTest

/// The full Amazon polarity set as a `sentiment train` data set (amazon-full), on a small
/// generated pair of files in Zhang's CSV format.
final class SentimentDataTests: XCTestCase {
    private var dir = ""

    override func setUp() {
        dir = NSTemporaryDirectory() + "lesson5-data-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir + "/amazon_review_polarity_csv", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Zhang's CSV: "label","title","text", labels 1 (negative) / 2 (positive) alternating, the
    /// text saying so in different lengths; every 50th row has a bad label.
    private func writeCSV(_ name: String, rows: Int, seed: UInt64) throws -> String {
        var rng = SeededRNG(seed: seed)
        var text = ""
        for i in 0..<rows {
            let positive = i % 2 == 1
            let words = (0..<(3 + rng.int(below: 30))).map { _ in
                rng.int(below: 3) == 0 ? (positive ? "great" : "awful") : ["the", "item", "arrived", "box", "and"][rng.int(below: 5)]
            }
            let label = i % 50 == 49 ? "9" : (positive ? "2" : "1")
            text += "\"\(label)\",\"Title \(i)\",\"\(words.joined(separator: " "))\"\n"
        }
        let path = "\(dir)/amazon_review_polarity_csv/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testSentimentData_amazonFullSamplesTrainAndTestByClassAndLength() throws {
        _ = try writeCSV("train.csv", rows: 1000, seed: 1)
        _ = try writeCSV("test.csv", rows: 300, seed: 2)
        let folder = dir + "/amazon_review_polarity_csv"
        var log: [String] = []
        let corpus = try SentimentCorpus.prepare(dataset: .amazonFull, maxLength: 20, vocabularySize: 100, seed: 3,
                                                 amazonDirectory: folder, amazonSample: 400, log: { log.append($0) })
        XCTAssertEqual(corpus.train.count + corpus.validation.count, 400, "--sample training reviews, validation cut from them")
        XCTAssertEqual(corpus.validation.count, 40, "10% validation")
        XCTAssertEqual(corpus.test.count, 294, "all 300 test rows but the 6 bad ones (fewer than 25,000)")
        XCTAssertEqual(corpus.train.labels.filter { $0 == 1 }.count + corpus.validation.labels.filter { $0 == 1 }.count, 200,
                       "the sample is half positive")
        XCTAssertTrue(corpus.isReal, "real data (a user's files)")
        XCTAssertTrue(corpus.description.contains("400 of 980 reviews of \(folder)/train.csv (20 unreadable rows skipped"),
                      "description names the file, the sample and the skipped rows: \(corpus.description)")
        XCTAssertTrue(corpus.train.sequences.allSatisfy { $0.count <= 20 }, "cut to maxLength")
        XCTAssertTrue(corpus.vocabulary.words.contains("great") && corpus.vocabulary.words.contains("awful"), "vocabulary from the reviews")

        // --limit caps both splits; the same seed gives the same sample.
        let limited = try SentimentCorpus.prepare(dataset: .amazonFull, maxLength: 20, vocabularySize: 100, limit: 100, seed: 3,
                                                  amazonDirectory: folder, amazonSample: 400, log: { _ in })
        XCTAssertEqual(limited.train.count + limited.validation.count, 100, "train capped by --limit")
        XCTAssertEqual(limited.test.count, 100, "test sampled to --limit")
        let again = try SentimentCorpus.amazonFull(directory: folder, split: .test, total: 100, seed: 3)
        XCTAssertEqual(again.reviews.count, 100, "the test sample `sentiment eval` reads")
        XCTAssertEqual(again.reviews.map(\.label), limited.test.labels, "eval and train read the same test reviews")

        // A missing folder is an error naming it, not a fallback to another data set.
        XCTAssertThrowsError(try SentimentCorpus.prepare(dataset: .amazonFull, maxLength: 20, vocabularySize: 100, seed: 3,
                                                         amazonDirectory: dir + "/nowhere", log: { _ in })) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(dir + "/nowhere/train.csv") && text.contains("amazon_review_polarity_csv.tgz"), text)
        }
    }

    /// Training reviews are cut at maxLength, validation and test reviews at evalMaxLength, and a
    /// saved model cuts what `eval` and `predict` read the way its validation split was cut.
    func testSentimentData_validationAndTestAreCutAtTheEvaluationLength() throws {
        _ = try writeCSV("train.csv", rows: 400, seed: 6)
        _ = try writeCSV("test.csv", rows: 100, seed: 7)
        let folder = dir + "/amazon_review_polarity_csv"
        let corpus = try SentimentCorpus.prepare(dataset: .amazonFull, maxLength: 8, evalMaxLength: 20, truncation: .end,
                                                 vocabularySize: 100, seed: 3, amazonDirectory: folder, amazonSample: 300, log: { _ in })
        let train = corpus.train.sequences.map(\.count), judged = (corpus.validation.sequences + corpus.test.sequences).map(\.count)
        XCTAssertEqual(train.max(), 8, "training reviews cut at maxLength 8")
        XCTAssertEqual(judged.max(), 20, "validation and test reviews cut at evalMaxLength 20, not at maxLength")
        XCTAssertTrue(corpus.test.sequences.contains { $0.count > 8 }, "test reviews longer than maxLength are kept longer")

        var o = SentimentRunOptions(out: dir + "/run")
        o.maxLength = 8
        XCTAssertEqual(o.judgedLength, SentimentRunOptions(out: "").evalMaxLength, "the default judges at evalMaxLength")
        XCTAssertTrue(o.fingerprint.contains(" eval-max-length \(o.judgedLength)"), "a different judging length changes the result: \(o.fingerprint)")
        o.evalMaxLength = nil
        XCTAssertEqual(o.judgedLength, 8, "nil: judged at maxLength")
        XCTAssertFalse(o.fingerprint.contains("eval-max-length"), "the same length adds nothing: \(o.fingerprint)")
    }

    func testSentimentData_amazonFullTrainsAndOldOptionsStillDecode() throws {
        _ = try writeCSV("train.csv", rows: 400, seed: 4)
        _ = try writeCSV("test.csv", rows: 100, seed: 5)
        var o = SentimentRunOptions(out: dir + "/run")
        o.dataset = .amazonFull
        o.amazonDirectory = dir + "/amazon_review_polarity_csv"
        o.sample = 200
        o.embedding = .random
        o.embeddingSize = 8
        o.hidden = 8
        o.maxLength = 30
        o.epochs = 1
        o.batchSize = 32
        o.checkpointEverySteps = 0
        let r = try XCTUnwrap(try SentimentRun.run(o, resume: false, log: { _ in }))
        XCTAssertEqual(r.state.history.count, 1, "one epoch trained")
        XCTAssertEqual(r.metrics.testReviews, 98, "the test split: 100 rows, 2 bad")
        XCTAssertTrue(o.fingerprint.hasSuffix(" amazon \(dir)/amazon_review_polarity_csv sample 200"), "fingerprint: \(o.fingerprint)")
        let saved = try JSONDecoder().decode(SentimentMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: o.out + "/metrics.json")))
        XCTAssertEqual(saved.options.dataset, .amazonFull, "dataset in metrics.json")
        XCTAssertEqual(saved.options.amazonDirectory, o.amazonDirectory, "--amazon-dir in metrics.json")
        XCTAssertEqual(saved.options.sample, 200, "--sample in metrics.json")

        // metrics.json of a run from before the options: decodes, and its fingerprint (for
        // --resume) is what it was.
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: o.out + "/metrics.json"))) as? [String: Any])
        var options = try XCTUnwrap(object["options"] as? [String: Any])
        options["dataset"] = "imdb"
        options.removeValue(forKey: "amazonDirectory")
        options.removeValue(forKey: "sample")
        options.removeValue(forKey: "schedule")
        options.removeValue(forKey: "evalMaxLength")
        options.removeValue(forKey: "wordDropout")
        options.removeValue(forKey: "validationByFilm")
        object["options"] = options
        let old = try JSONDecoder().decode(SentimentMetrics.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.options.amazonDirectory, "no --amazon-dir in an old run")
        XCTAssertNil(old.options.sample, "no --sample in an old run")
        XCTAssertNil(old.options.schedule, "no --schedule in an old run: the plateau schedule it trained with")
        XCTAssertEqual(old.options.judgedLength, 30, "no --eval-max-length in an old run: it judged at --max-length")
        XCTAssertNil(old.options.wordDropout, "no --word-dropout in an old run: it dropped no words")
        XCTAssertNil(old.options.validationByFilm, "no --validation-by-film in an old run: its validation split was by review")
        XCTAssertTrue(old.options.fingerprint.hasSuffix("seed 1 limit all"), "an imdb fingerprint unchanged: \(old.options.fingerprint)")
    }
}
