// Lesson 2, section 4: padding, truncation, masks and lengths, time-major; choosing the
// maximum length. The small batch is the one drawn in Padding.swift and section 4.2:
//   a = [5 8 2], b = [9 3], c = [7 4 6 1 3], T = 4.
// The length statistics are compared with numpy (Tests/Fixtures/lesson2/lengths.json).

import CourseTesting
import Lesson2
import TensorCore
import XCTest

final class PaddingTests: XCTestCase {
    let sequences: [[Int32]] = [[5, 8, 2], [9, 3], [7, 4, 6, 1, 3]]

    /// Compares a time-major [T, B] array row by row, naming the first wrong cell.
    func assertTimeMajor<E: Equatable>(_ got: [E], _ expected: [[E]], _ name: String,
                                       file: StaticString = #filePath, line: UInt = #line) {
        let b = expected.first?.count ?? 0
        XCTAssertEqual(got.count, expected.count * b, "\(name): \(got.count) cells, expected [T = \(expected.count), B = \(b)]",
                       file: file, line: line)
        guard got.count == expected.count * b else { return }
        for t in 0..<expected.count {
            for j in 0..<b where got[t * b + j] != expected[t][j] {
                XCTFail("\(name)[t = \(t), b = \(j)] = \(got[t * b + j]), expected \(expected[t][j]); rows should be \(expected)",
                        file: file, line: line)
                return
            }
        }
    }

    func testPadSequences_postPaddingPostTruncation() {
        let batch = padSequences(sequences, maxLength: 4, padding: .post, truncating: .post)
        XCTAssertEqual(batch.maxLength, 4, "T")
        XCTAssertEqual(batch.batchSize, 3, "B")
        assertTimeMajor(batch.ids, [[5, 9, 7], [8, 3, 4], [2, 0, 6], [0, 0, 1]], "ids")
        XCTAssertEqual(batch.lengths, [3, 2, 4], "lengths after truncation")
        assertTimeMajor(batch.mask, [[true, true, true], [true, true, true], [true, false, true], [false, false, true]], "mask")
    }

    func testPadSequences_prePaddingPreTruncation() {
        let batch = padSequences(sequences, maxLength: 4, padding: .pre, truncating: .pre)
        // Pre-truncation keeps c's last four tokens [4 6 1 3]; pre-padding aligns every end at t = 3.
        assertTimeMajor(batch.ids, [[0, 0, 4], [5, 0, 6], [8, 9, 1], [2, 3, 3]], "ids")
        assertTimeMajor(batch.mask, [[false, false, true], [true, false, true], [true, true, true], [true, true, true]], "mask")
        XCTAssertEqual(batch.lengths, [3, 2, 4], "lengths")
    }

    func testPadSequences_prePaddingPostTruncation() {
        let batch = padSequences(sequences, maxLength: 4, padding: .pre, truncating: .post)
        assertTimeMajor(batch.ids, [[0, 0, 7], [5, 0, 4], [8, 9, 6], [2, 3, 1]], "ids")
    }

    func testPadSequences_longerThanEverySequenceAndEmptySequence() {
        let batch = padSequences([[4, 2], [], [3]], maxLength: 3)
        assertTimeMajor(batch.ids, [[4, 0, 3], [2, 0, 0], [0, 0, 0]], "ids")
        XCTAssertEqual(batch.lengths, [2, 0, 1], "lengths (an empty review has length 0)")
        XCTAssertEqual(batch.paddingShare, 6.0 / 9.0, accuracy: 1e-12, "paddingShare: 6 of the 9 cells are <pad>")
        let mask: Tensor<Double> = batch.maskTensor()
        XCTAssertEqual(mask.shape, [3, 3], "maskTensor shape [T, B]")
        XCTAssertEqual(mask.scalars, [1, 0, 1, 1, 0, 0, 0, 0, 0], "maskTensor values")
    }

    func testLengthPercentile_smallExample() {
        let lengths = [10, 3, 7, 1, 5]  // sorted: 1 3 5 7 10
        XCTAssertEqual(lengthPercentile(lengths, 0), 1, "0th percentile = shortest")
        XCTAssertEqual(lengthPercentile(lengths, 20), 1, "20 %: rank ceil(0.2 * 5) = 1")
        XCTAssertEqual(lengthPercentile(lengths, 50), 5, "50 %: rank ceil(2.5) = 3")
        XCTAssertEqual(lengthPercentile(lengths, 80), 7, "80 %: rank 4 exactly, not 5")
        XCTAssertEqual(lengthPercentile(lengths, 81), 10, "81 %: rank ceil(4.05) = 5")
        XCTAssertEqual(lengthPercentile(lengths, 100), 10, "100 % = longest")
    }

    func testLengthPercentile_matchesNumpyInvertedCDF() throws {
        let f = try loadFixture("lesson2/lengths")
        let lengths = try f.tensor("lengths").scalars.map { Int($0) }
        let ps = try f.tensor("percentiles").scalars
        let expected = try f.tensor("percentile_values").scalars
        for (p, e) in zip(ps, expected) {
            XCTAssertEqual(lengthPercentile(lengths, p), Int(e), "lengthPercentile(p = \(p)) of the 500 fixture lengths (numpy: \(Int(e)))")
        }
    }

    func testPaddingShare_matchesNumpy() throws {
        let f = try loadFixture("lesson2/lengths")
        let lengths = try f.tensor("lengths").scalars.map { Int($0) }
        let maxLengths = try f.tensor("max_lengths").scalars.map { Int($0) }
        let got = Tensor(maxLengths.map { paddingShare(lengths: lengths, maxLength: $0) })
        assertClose(got, try f.tensor("padding_share"), tolerance: 1e-12, "paddingShare at max lengths \(maxLengths)")
        // The same share measured on a padded batch.
        let batch = padSequences(lengths.map { [Int32](repeating: 7, count: $0) }, maxLength: 200)
        assertClose(batch.paddingShare, paddingShare(lengths: lengths, maxLength: 200), tolerance: 1e-12,
                    "PaddedBatch.paddingShare vs paddingShare(lengths:maxLength: 200)")
    }

    func testTruncatedShare_matchesNumpy() throws {
        let f = try loadFixture("lesson2/lengths")
        let lengths = try f.tensor("lengths").scalars.map { Int($0) }
        let maxLengths = try f.tensor("max_lengths").scalars.map { Int($0) }
        let got = Tensor(maxLengths.map { truncatedShare(lengths: lengths, maxLength: $0) })
        assertClose(got, try f.tensor("truncated_share"), tolerance: 1e-12, "truncatedShare at max lengths \(maxLengths)")
    }
}
