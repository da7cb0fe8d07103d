// Stratified splits and samples, duplicates.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataSplitTests: XCTestCase {
    func testStratifiedSplit_702010KeepsClassShares() {
        let labels = (0..<100).map { $0 % 10 < 7 ? 0 : 1 }      // 70 negative, 30 positive
        let parts = stratifiedSplit(labels: labels, fractions: SplitFractions.trainValidationTest, seed: 1)
        XCTAssertEqual(parts.map(\.count), [70, 20, 10], "part sizes")
        XCTAssertEqual(parts.map { p in p.filter { labels[$0] == 1 }.count }, [21, 6, 3], "positives per part")
        XCTAssertEqual(parts.flatMap { $0 }.sorted(), Array(0..<100), "every row in exactly one part")
        XCTAssertTrue(parts.allSatisfy { $0 == $0.sorted() }, "parts in row order")
        XCTAssertEqual(stratifiedSplit(labels: labels, fractions: SplitFractions.trainValidationTest, seed: 1), parts, "deterministic")
        XCTAssertNotEqual(stratifiedSplit(labels: labels, fractions: SplitFractions.trainValidationTest, seed: 2)[0], parts[0], "seed matters")
    }

    func testStratifiedSplit_8020LargestRemainderAndReviews() {
        let labels = (0..<101).map { $0 < 51 ? 0 : 1 }           // 51 negative, 50 positive
        let parts = stratifiedSplit(labels: labels, fractions: SplitFractions.trainValidation, seed: 3)
        // 51 * 0.8 = 40.8 -> 41 / 10; 50 -> 40 / 10.
        XCTAssertEqual(parts[0].filter { labels[$0] == 0 }.count, 41, "negatives in train")
        XCTAssertEqual(parts[1].filter { labels[$0] == 0 }.count, 10, "negatives in validation")
        XCTAssertEqual(parts.map(\.count), [81, 20], "part sizes")

        let reviews = labels.enumerated().map { Review(text: "r\($0)", label: $1, source: "t:\($0)") }
        let split = stratifiedSplit(reviews, fractions: SplitFractions.trainValidation, seed: 3)
        XCTAssertEqual(split[1].map(\.text), parts[1].map { "r\($0)" }, "reviews follow the index split")
    }

    func testGroupedHoldOut_noGroupOnBothSidesAndClassSharesKept() {
        // 400 groups of 1-6 rows, labels mixed within a group.
        var rng = SeededRNG(seed: 9)
        var labels: [Int] = [], groups: [String] = []
        for g in 0..<400 {
            for _ in 0..<(1 + rng.int(below: 6)) {
                groups.append("film\(g)")
                labels.append(rng.nextUnit() < 0.3 ? 1 : 0)
            }
        }
        let (kept, held) = groupedHoldOut(labels: labels, groups: groups, fraction: 0.1, seed: 4)
        XCTAssertEqual((kept + held).sorted(), Array(labels.indices), "every row on exactly one side")
        XCTAssertEqual(kept, kept.sorted(), "kept rows ascending")
        XCTAssertEqual(held, held.sorted(), "held-out rows ascending")
        XCTAssertTrue(Set(kept.map { groups[$0] }).isDisjoint(with: held.map { groups[$0] }), "no group on both sides")
        for label in [0, 1] {
            let share = (0.1 * Double(labels.filter { $0 == label }.count)).rounded()
            let heldCount = Double(held.filter { labels[$0] == label }.count)
            XCTAssertLessThanOrEqual(heldCount, share, "class \(label): never more than its share")
            XCTAssertGreaterThan(heldCount, share - 6, "class \(label): short of its share by less than the largest group")
        }
        let again = groupedHoldOut(labels: labels, groups: groups, fraction: 0.1, seed: 4)
        XCTAssertEqual(again.heldOut, held, "same seed: same split")
        XCTAssertNotEqual(groupedHoldOut(labels: labels, groups: groups, fraction: 0.1, seed: 5).heldOut, held, "another seed: another split")
    }

    func testValidationSplit_holdsOutWholeFilms() {
        // 400 reviews of 80 films, 5 each, labels mixed within a film.
        let reviews = (0..<400).map { Review(text: "r\($0)", label: ($0 * 7 / 3) % 2, source: "r\($0)", subject: "tt\($0 / 5)") }
        let (kept, held) = validationSplit(reviews, fraction: 0.1, seed: 3)
        XCTAssertEqual((kept + held).sorted(), Array(reviews.indices), "every review on exactly one side")
        XCTAssertTrue(Set(kept.map { reviews[$0].subject }).isDisjoint(with: held.map { reviews[$0].subject }),
                      "a film with reviews on both sides of the split")
        XCTAssertGreaterThan(held.count, 30, "about a tenth held out: \(held.count) of 400")
        XCTAssertLessThanOrEqual(held.count, 40, "about a tenth held out: \(held.count) of 400")

        let byReview = stratifiedSplit(labels: reviews.map(\.label), fractions: [0.9, 0.1], seed: 3)
        XCTAssertEqual(validationSplit(reviews, fraction: 0.1, byFilm: false, seed: 3).heldOut, byReview[1],
                       "byFilm false: the stratified split by review")
        let anonymous = reviews.map { Review(text: $0.text, label: $0.label, source: $0.source) }
        XCTAssertEqual(validationSplit(anonymous, fraction: 0.1, seed: 3).heldOut, byReview[1],
                       "reviews without a film: the stratified split by review")
    }

    func testStratifiedSample_equalCellsAndShortfall() {
        var rng = SeededRNG(seed: 4)
        // 600 negative, 400 positive; lengths 1...300.
        let labels = (0..<1000).map { $0 < 600 ? 0 : 1 }
        let lengths = (0..<1000).map { _ in 1 + rng.int(below: 300) }
        let s = stratifiedSample(labels: labels, lengths: lengths, total: 200, lengthBins: 5, seed: 7)
        XCTAssertEqual(s.indices.count, 200, "sample size")
        XCTAssertEqual(Set(s.indices).count, 200, "no row twice")
        XCTAssertEqual(s.cells.count, 10, "2 classes x 5 bins")
        XCTAssertTrue(s.cells.allSatisfy { $0.taken == 20 }, "20 from each cell: \(s.cells.map(\.taken))")
        XCTAssertEqual(s.cells.reduce(0) { $0 + $1.available }, 1000, "cells cover all rows")
        XCTAssertEqual(s.binUpperLengths.count, 5, "five bins")
        XCTAssertEqual(s.binUpperLengths, s.binUpperLengths.sorted(), "bins ordered by length")
        for cell in s.cells {
            let rows = s.indices.filter { labels[$0] == cell.label }
            let lower = cell.bin == 0 ? 0 : s.binUpperLengths[cell.bin - 1]
            let inBin = rows.filter { lengths[$0] >= lower && lengths[$0] <= s.binUpperLengths[cell.bin] }
            XCTAssertGreaterThanOrEqual(inBin.count, 20, "label \(cell.label) bin \(cell.bin): rows in its length range")
        }
        let again = stratifiedSample(labels: labels, lengths: lengths, total: 200, lengthBins: 5, seed: 7)
        XCTAssertEqual(again.indices, s.indices, "deterministic")

        // A class too small for its share gives all it has; the other class makes up the rest.
        let small = (0..<1000).map { $0 < 985 ? 0 : 1 }          // 15 positives
        let t = stratifiedSample(labels: small, lengths: lengths, total: 200, lengthBins: 5, seed: 7)
        XCTAssertEqual(t.indices.count, 200, "sample size with a small class")
        XCTAssertEqual(t.cells.filter { $0.label == 1 }.reduce(0) { $0 + $1.taken }, 15, "all 15 positives")
        XCTAssertEqual(t.cells.filter { $0.label == 0 }.map(\.taken).reduce(0, +), 185, "negatives make up the rest")
    }

    func testStratifiedSample_tiedLengthsStillEqualBins() {
        let labels = (0..<100).map { $0 % 2 }
        let s = stratifiedSample(labels: labels, lengths: Array(repeating: 5, count: 100), total: 100, lengthBins: 5, seed: 1)
        let perBin = (0..<5).map { bin in s.cells.filter { $0.bin == bin }.reduce(0) { $0 + $1.available } }
        XCTAssertEqual(perBin, Array(repeating: 20, count: 5), "rank bins split ties evenly")
        XCTAssertEqual(s.indices, Array(0..<100), "everything taken")
    }

    func testDeduplicate_countsDuplicatesAndConflicts() {
        let r = [("a", 0), ("b", 1), ("a", 0), ("a", 1), ("c", 0), ("b", 1)].enumerated().map {
            Review(text: $1.0, label: $1.1, source: "f:\($0 + 1)")
        }
        let d = deduplicate(r)
        XCTAssertEqual(d.reviews.map(\.source), ["f:1", "f:2", "f:5"], "first copies kept in order")
        XCTAssertEqual(d.duplicates, 3, "dropped copies")
        XCTAssertEqual(d.conflictingLabels, 1, "'a' labelled both ways once")
        XCTAssertEqual(overlap([r[0], r[4]], r), [0, 2, 3, 4], "rows of b whose text is in a")
        XCTAssertEqual(wordCount("  hello  world\n<br />x "), 4, "whitespace-separated words")
    }
}
