// Lesson 2, section 3: the vocabulary. Counts are small enough to check by eye:
//   "the" 4, "film" 3, "good" 2, "bad" 2, "awful" 1, "plot" 1, "zebra" 1.

import Foundation
import Lesson2
import TensorCore
import XCTest

final class VocabularyTests: XCTestCase {
    let documents: [[String]] = [
        ["the", "film", "good", "the", "plot"],
        ["the", "bad", "film", "zebra"],
        ["good", "the", "film", "bad", "awful"],
    ]

    func testVocabulary_specialEntriesComeFirst() {
        let vocabulary = Vocabulary(counting: documents, maxSize: 100, minFrequency: 1)
        XCTAssertEqual(Array(vocabulary.words.prefix(2)), ["<pad>", "<unk>"], "words[0] and words[1]")
        XCTAssertEqual(vocabulary.id("<pad>"), 0, "id(\"<pad>\")")
        XCTAssertEqual(vocabulary.id("<unk>"), 1, "id(\"<unk>\")")
        XCTAssertEqual(vocabulary.count, 9, "2 special entries + 7 distinct words")
    }

    func testVocabulary_orderIsCountThenAlphabetical() {
        let vocabulary = Vocabulary(counting: documents, maxSize: 100, minFrequency: 1)
        // "bad" and "good" both occur twice: alphabetical; so do "awful", "plot", "zebra" (once).
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "the", "film", "bad", "good", "awful", "plot", "zebra"],
                       "words in id order")
        XCTAssertEqual(vocabulary.counts, [0, 0, 4, 3, 2, 2, 1, 1, 1], "counts in id order")
        // The order must not depend on the order of the documents.
        let reversed = Vocabulary(counting: documents.reversed().map { $0.reversed() }, maxSize: 100, minFrequency: 1)
        XCTAssertEqual(reversed.words, vocabulary.words, "same documents in another order give the same ids")
    }

    func testVocabulary_minFrequencyDropsRareWords() {
        let vocabulary = Vocabulary(counting: documents, maxSize: 100, minFrequency: 2)
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "the", "film", "bad", "good"],
                       "minFrequency 2 keeps the words seen at least twice")
    }

    func testVocabulary_maxSizeCountsTheSpecialEntries() {
        let vocabulary = Vocabulary(counting: documents, maxSize: 5, minFrequency: 1)
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "the", "film", "bad"],
                       "maxSize 5 = <pad>, <unk> and the 3 most frequent words (ties alphabetical: bad before good)")
        let tiny = Vocabulary(counting: documents, maxSize: 2, minFrequency: 1)
        XCTAssertEqual(tiny.words, ["<pad>", "<unk>"], "maxSize 2 holds only the special entries")
    }

    func testVocabulary_literalSpecialTokensAreNotCounted() {
        let vocabulary = Vocabulary(counting: [["<pad>", "<unk>", "<unk>", "good"]], maxSize: 10, minFrequency: 1)
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "good"], "'<pad>' and '<unk>' in the text must not become new entries")
    }

    func testVocabularyEncode_unknownWordsBecomeUnk() {
        let vocabulary = Vocabulary(counting: documents, maxSize: 100, minFrequency: 2)
        let ids = vocabulary.encode(["the", "plot", "was", "good", "film"])
        XCTAssertEqual(ids, [2, 1, 1, 5, 3], "encode: 'plot' (seen once, below minFrequency) and 'was' (never seen) are <unk> = 1")
        XCTAssertEqual(vocabulary.encode([]), [], "encode([])")
    }

    func testVocabulary_saveAndLoadRoundTrip() throws {
        let vocabulary = Vocabulary(counting: documents, maxSize: 6, minFrequency: 1)
        let path = temporaryPath("round-trip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vocabulary.save(to: path)
        let loaded = try Vocabulary.load(from: path)
        XCTAssertEqual(loaded.words, vocabulary.words, "words after save and load")
        XCTAssertEqual(loaded.counts, vocabulary.counts, "counts after save and load")
        XCTAssertEqual(loaded.encode(["good", "zebra", "the"]), [5, 1, 2], "the loaded vocabulary encodes as the original does")
    }

    func testVocabularyLoad_missingUnkIsInputError() throws {
        try assertLoadFails(
            json: #"{"format":"lstm-course-vocabulary-v1","words":["<pad>","the","<unk>"],"counts":[0,5,0]}"#,
            mentioning: "<unk>")
    }

    func testVocabularyLoad_duplicateWordIsInputError() throws {
        try assertLoadFails(
            json: #"{"format":"lstm-course-vocabulary-v1","words":["<pad>","<unk>","the","film","the"],"counts":[0,0,5,3,2]}"#,
            mentioning: "twice")
    }

    func testVocabularyLoad_countsOfWrongLengthIsInputError() throws {
        try assertLoadFails(
            json: #"{"format":"lstm-course-vocabulary-v1","words":["<pad>","<unk>","the"],"counts":[0,0]}"#,
            mentioning: "counts")
    }

    func testVocabularyLoad_negativeCountIsInputError() throws {
        try assertLoadFails(
            json: #"{"format":"lstm-course-vocabulary-v1","words":["<pad>","<unk>","the","film"],"counts":[0,0,5,-3]}"#,
            mentioning: "negative")
    }

    func testVocabularyLoad_truncatedOrMissingFileIsInputError() throws {
        let vocabulary = Vocabulary(counting: documents, maxSize: 100, minFrequency: 1)
        let path = temporaryPath("truncated")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vocabulary.save(to: path)
        let full = try XCTUnwrap(FileManager.default.contents(atPath: path))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Vocabulary.load(from: path)) { error in
            XCTAssertEqual((error as? InputError)?.file, path, "a truncated file must give an InputError naming the file, got \(error)")
        }
        let missing = path + ".missing"
        XCTAssertThrowsError(try Vocabulary.load(from: missing)) { error in
            XCTAssertEqual((error as? InputError)?.file, missing, "a missing file must give an InputError naming the file, got \(error)")
        }
    }

    // MARK: Helpers

    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "lesson2-vocabulary-\(name)-\(getpid()).json"
    }

    /// Writes `json`, loads it, and expects an InputError for that file whose message contains `word`.
    func assertLoadFails(json: String, mentioning word: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = temporaryPath("bad-\(line)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        do {
            let loaded = try Vocabulary.load(from: path)
            XCTFail("load accepted a bad vocabulary file and returned \(loaded.words)", file: file, line: line)
        } catch let error as InputError {
            XCTAssertEqual(error.file, path, "the InputError must name the file", file: file, line: line)
            XCTAssertTrue(error.message.contains(word), "the message should say what is wrong (mention '\(word)'): \(error)",
                          file: file, line: line)
        }
    }
}
