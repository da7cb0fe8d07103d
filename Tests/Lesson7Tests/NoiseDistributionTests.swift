// Sections 5.2 and 5.3: the unigram^0.75 noise distribution against torch
// (Tests/Fixtures/lesson7/noise.json) and the table that draws from it.

import CourseTesting
import Lesson7
import TensorCore
import XCTest

final class NoiseDistributionTests: XCTestCase {
    private func counts() throws -> (counts: [Int], fixture: Fixture) {
        let f = try loadFixture("lesson7/noise")
        return (try f.tensor("counts").scalars.map { Int($0) }, f)
    }

    func testNoiseDistribution_matchesTorch() throws {
        let (counts, f) = try counts()
        let got = noiseDistribution(counts: counts)
        let expected = try f.tensor("p_0.75").scalars
        XCTAssertEqual(got.count, counts.count, "one probability per word")
        if zip(got, try f.tensor("p_1").scalars).allSatisfy({ abs($0 - $1) <= 1e-12 }) {
            XCTFail("these are the plain unigram frequencies: the noise distribution raises each count to a power first (section 5.2)")
            return
        }
        for (w, (g, e)) in zip(got, expected).enumerated() where abs(g - e) > 1e-12 {
            XCTFail("P_n of word \(w) (count \(counts[w])) = \(g) is not P_n with the default power (section 5.2)")
            return
        }
    }

    func testNoiseDistribution_otherPowers() throws {
        let (counts, f) = try counts()
        for (power, name) in [(1.0, "p_1"), (0.5, "p_0.5")] {
            let got = noiseDistribution(counts: counts, power: power)
            let expected = try f.tensor(name).scalars
            XCTAssertTrue(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-12 },
                          "noiseDistribution(counts:, power: \(power)) must use the power it is given")
        }
    }

    func testNoiseDistribution_sumsToOneAndUnseenWordsGetZero() throws {
        let (counts, _) = try counts()
        let p = noiseDistribution(counts: counts)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12, "a distribution sums to 1")
        XCTAssertEqual(p[0], 0, "<pad> (count 0) must never be drawn as a negative")
        XCTAssertEqual(p[1], 0, "<unk> (count 0 here) must never be drawn as a negative")
        XCTAssertTrue(p.allSatisfy { $0 >= 0 }, "probabilities are not negative")
    }

    func testNoiseTable_slotsFollowTheDistribution() throws {
        let distribution = [0, 0.5, 0.125, 0, 0.25, 0.0625, 0.0625]
        let table = NoiseTable(distribution: distribution, size: 64)
        XCTAssertEqual(table.slots.count, 64, "the table has exactly `size` slots")
        let expected: [Int32] = Array(repeating: 1, count: 32) + Array(repeating: 2, count: 8) + Array(repeating: 4, count: 16)
            + Array(repeating: 5, count: 4) + Array(repeating: 6, count: 4)
        XCTAssertEqual(table.slots, expected,
                       "64 slots for P = [0, 1/2, 1/8, 0, 1/4, 1/16, 1/16]: each word takes 64 · P(w) consecutive slots, in id order")
        // 10 slots for P = [0.26, 0.74]: the boundary 2.6 rounds to the nearest slot, 3.
        XCTAssertEqual(NoiseTable(distribution: [0.26, 0.74], size: 10).slots, [0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
                       "10 slots for P = [0.26, 0.74]: the slots before round(10 · 0.26) hold word 0 (section 5.3)")
    }

    func testNoiseTable_roundsEachWordsShare() throws {
        let (counts, _) = try counts()
        let p = noiseDistribution(counts: counts)
        let size = 1_000
        let table = NoiseTable(distribution: p, size: size)
        XCTAssertEqual(table.slots.count, size, "the table has exactly `size` slots")
        XCTAssertEqual(table.slots, table.slots.sorted(), "words fill the table in id order")
        for (w, pw) in p.enumerated() {
            let slots = table.slots.filter { $0 == Int32(w) }.count
            XCTAssertLessThanOrEqual(abs(Double(slots) - pw * Double(size)), 1,
                                     "word \(w) has \(slots) of \(size) slots; it should have \(size) · P_n(w) (give or take the rounding)")
        }
    }

    func testNoiseTable_drawsFollowTheDistribution() throws {
        // 100,000 draws from a table of 10,000 slots: each word's share within 5 standard
        // deviations (σ ≤ 0.0016) of P_n(w), whatever the seed.
        let (counts, _) = try counts()
        let p = noiseDistribution(counts: counts)
        let table = NoiseTable(distribution: p, size: 10_000)
        var rng = SeededRNG(seed: 7)
        var drawn = [Int](repeating: 0, count: p.count)
        let n = 100_000
        for _ in 0..<n { drawn[table.sample(&rng)] += 1 }
        for (w, pw) in p.enumerated() {
            let share = Double(drawn[w]) / Double(n)
            XCTAssertEqual(share, pw, accuracy: 0.008, "word \(w) drawn \(drawn[w]) times in \(n): far from P_n(w)")
        }
    }
}
