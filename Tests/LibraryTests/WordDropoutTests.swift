// Word dropout: which ids it replaces, how often, and that the same seed replaces the same ones.

import CourseData
import TensorCore
import XCTest

final class WordDropoutTests: XCTestCase {
    func testWordDropout_replacesTokensNeverPaddingAtTheGivenRate() {
        // A [T=1000, B=100] batch: ids 2...9, with the last 100 steps padding.
        let ids = (0..<100_000).map { $0 >= 90_000 ? Int32(0) : Int32(2 + $0 % 8) }
        var rng = SeededRNG(seed: 3)
        var dropped = ids
        WordDropout.apply(&dropped, probability: 0.1, unknown: 1, rng: &rng)
        XCTAssertEqual(Array(dropped[90_000...]), Array(ids[90_000...]), "padding (id 0) is never replaced")
        let replaced = zip(ids, dropped).filter { $0 != $1 }
        XCTAssertTrue(replaced.allSatisfy { $0.1 == 1 }, "a replaced id becomes <unk>")
        // 90,000 draws at p = 0.1: the count's sd is 90; 0.1 ± 0.01 is ±100 sd.
        XCTAssertEqual(Double(replaced.count) / 90_000, 0.1, accuracy: 0.01, "share of tokens replaced")

        var again = ids
        var rng2 = SeededRNG(seed: 3)
        WordDropout.apply(&again, probability: 0.1, unknown: 1, rng: &rng2)
        XCTAssertEqual(again, dropped, "same seed: the same tokens replaced")

        var none = ids
        WordDropout.apply(&none, probability: 0, unknown: 1, rng: &rng)
        XCTAssertEqual(none, ids, "probability 0: nothing replaced")
        var all = ids
        WordDropout.apply(&all, probability: 1, unknown: 1, rng: &rng)
        XCTAssertEqual(all, ids.map { $0 == 0 ? 0 : 1 }, "probability 1: every real token replaced")
    }
}
