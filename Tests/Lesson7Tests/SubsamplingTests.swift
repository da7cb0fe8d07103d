// Section 5.1: the subsampling keep probability, word2vec.c's rule, against the values the
// generator computes with numpy (Tests/Fixtures/lesson7/subsampling.json) for t = 1e-3 and 1e-4.

import CourseTesting
import Lesson7
import TensorCore
import XCTest

final class SubsamplingTests: XCTestCase {
    func testKeepProbability_matchesWord2vecC() throws {
        let f = try loadFixture("lesson7/subsampling")
        let counts = try f.tensor("counts").scalars.map { Int($0) }
        let total = Int(try f.scalar("total"))
        for (t, name) in [(1e-3, "keep_0.001"), (1e-4, "keep_0.0001")] {
            let expected = try f.tensor(name).scalars
            let paper = try f.tensor("paper_" + name).scalars
            for (i, count) in counts.enumerated() {
                let got = keepProbability(count: count, totalCount: total, threshold: t)
                if abs(got - expected[i]) <= 1e-12 { continue }
                var why = "keepProbability(count: \(count), totalCount: \(total), threshold: \(t)) = \(got) is not word2vec.c's value"
                if abs(got - paper[i]) <= 1e-12 { why += ": this is the paper's rule; the course uses the C code's (section 5.1)" }
                else if abs(got - (1 - expected[i])) <= 1e-12 { why += ": it looks like the probability of dropping the word, not of keeping it" }
                XCTFail(why)
                return
            }
        }
    }

    func testKeepProbability_rareWordsAreAlwaysKept() {
        // f = 1e-6 and f = 0: far below t = 1e-3, kept every time, exactly 1 (a probability).
        XCTAssertEqual(keepProbability(count: 1, totalCount: 1_000_000), 1, "a word seen once in a million tokens must always be kept")
        XCTAssertEqual(keepProbability(count: 0, totalCount: 1_000_000), 1, "a word never seen: keep probability 1")
        XCTAssertEqual(keepProbability(count: 2_000, totalCount: 1_000_000), 1,
                       "f = 2e-3 with t = 1e-3: the rule gives more than 1 there, and a probability stops at 1")
    }

    func testKeepProbability_fallsAsWordsGetFrequent() {
        let total = 1_000_000
        let counts = [5_000, 10_000, 50_000, 100_000, 400_000]
        let keep = counts.map { keepProbability(count: $0, totalCount: total) }
        for i in 1..<keep.count {
            XCTAssertLessThan(keep[i], keep[i - 1], "a word seen \(counts[i]) times must be kept less often than one seen \(counts[i - 1]) times")
        }
        XCTAssertLessThan(keep.last ?? 1, 0.1, "a word that is 40% of the text (f = 0.4, t = 1e-3) is kept less than one time in ten")
        XCTAssertGreaterThan(keep.last ?? 0, 0, "every word is kept sometimes")
    }
}
