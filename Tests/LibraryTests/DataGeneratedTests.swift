// The generated reviews: deterministic by seed, balanced, and impossible for a bag of words.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataGeneratedTests: XCTestCase {
    func bag(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init).sorted()
    }

    func testGeneratedReviews_deterministicBySeed() {
        let a = GeneratedReviews.make(count: 101, seed: 7)
        let b = GeneratedReviews.make(count: 101, seed: 7)
        let c = GeneratedReviews.make(count: 101, seed: 8)
        XCTAssertEqual(a, b, "same seed, same reviews")
        XCTAssertNotEqual(a.map(\.text), c.map(\.text), "another seed, other reviews")
        XCTAssertEqual(a.count, 101, "count")
        XCTAssertEqual(a[0].source, "generated:7:0", "source names seed and index")
        XCTAssertTrue(GeneratedReviews.make(count: 0, seed: 1).isEmpty, "count 0")
        XCTAssertTrue(a.allSatisfy { $0.rating == nil && ($0.label == 0 || $0.label == 1) }, "labels 0/1, no rating")
    }

    func testGeneratedReviews_bagOfWordsCannotSeparateClasses() {
        let reviews = GeneratedReviews.make(count: 2000, seed: 3)
        XCTAssertEqual(reviews.filter { $0.label == 1 }.count, 1000, "balanced classes")
        // Every word occurs equally often in each class.
        var counts: [String: [Int]] = [:]
        for r in reviews {
            for w in r.text.split(separator: " ") { counts[String(w), default: [0, 0]][r.label] += 1 }
        }
        for word in GeneratedReviews.positiveWords + GeneratedReviews.negativeWords + ["not", "but", "although"] {
            let c = counts[word] ?? [0, 0]
            XCTAssertEqual(c[0], c[1], "'\(word)' occurs \(c[0]) times in negative and \(c[1]) in positive reviews")
        }
        XCTAssertGreaterThan(counts["good", default: [0, 0]][0], 0, "'good' occurs at all")
        XCTAssertTrue(counts.values.allSatisfy { $0[0] == $0[1] }, "every word balanced")
        // Stronger: each whole bag of words occurs as often with label 0 as with label 1, so the
        // best any order-blind classifier can do is 50%.
        var bags: [[String]: [Int]] = [:]
        for r in reviews { bags[bag(r.text), default: [0, 0]][r.label] += 1 }
        let unbalanced = bags.filter { $0.value[0] != $0.value[1] }
        XCTAssertTrue(unbalanced.isEmpty, "bags with unequal labels: \(unbalanced.prefix(3))")
    }

    func testGeneratedReviews_labelsFollowWordOrder() {
        // Each review has one positive and one negative word; the template decides.
        let reviews = GeneratedReviews.make(count: 400, seed: 11)
        func polarity(_ w: Substring) -> Int? {
            if GeneratedReviews.positiveWords.contains(String(w)) { return 1 }
            if GeneratedReviews.negativeWords.contains(String(w)) { return 0 }
            return nil
        }
        var templatesSeen = Set<String>()
        for r in reviews {
            let words = r.text.split(separator: " ")
            let sentiment = words.enumerated().compactMap { i, w in polarity(w).map { (i, $0) } }
            XCTAssertEqual(sentiment.count, 2, "two sentiment words in '\(r.text)'")
            guard sentiment.count == 2 else { continue }
            let expected: Int
            if words.contains("but") {
                expected = sentiment[1].1; templatesSeen.insert("but")
            } else if words.first(where: { $0 == "although" || $0 == "the" }) == "although" {
                expected = sentiment[1].1; templatesSeen.insert("although-first")
            } else if words.contains("although") {
                expected = sentiment[0].1; templatesSeen.insert("although-second")
            } else if r.text.contains(" at all") {
                expected = sentiment[0].1; templatesSeen.insert("not-at-all")
            } else {
                XCTAssertTrue(words.contains("not"), "negation template in '\(r.text)'")
                expected = sentiment[1].1; templatesSeen.insert("not-it-was")
            }
            XCTAssertEqual(r.label, expected, "label of '\(r.text)'")
        }
        XCTAssertEqual(templatesSeen.count, 5, "all five templates occur: \(templatesSeen.sorted())")
    }

    func testCourseDatasets_imdbOrGenerated() {
        let d = CourseDatasets.imdbOrGenerated(limitPerSplit: 50, seed: 4)
        XCTAssertEqual(d.train.count, 50, "train size")
        XCTAssertEqual(d.test.count, 50, "test size")
        if d.isReal {
            XCTAssertTrue(d.message.contains("IMDB"), d.message)
            XCTAssertTrue(d.train.allSatisfy { $0.rating != nil }, "real reviews have ratings")
        } else {
            XCTAssertTrue(d.message.contains("https://ai.stanford.edu/~amaas/data/sentiment/"), d.message)
            XCTAssertEqual(d.train, GeneratedReviews.make(count: 50, seed: 4), "generated train from the seed")
            XCTAssertEqual(d.test, GeneratedReviews.make(count: 50, seed: 5), "generated test from seed + 1")
        }
        XCTAssertEqual(d.train.filter { $0.label == 1 }.count, 25, "balanced train")
    }
}
