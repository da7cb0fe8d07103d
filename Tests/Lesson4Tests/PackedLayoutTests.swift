import CourseTesting
import Lesson4
import TensorCore
import XCTest

final class PackedLayoutTests: XCTestCase {
    func testPackedLayout_batchSizes() {
        let layout = PackedLayout(lengths: [7, 3, 5, 1], timeSteps: 7)
        XCTAssertEqual(layout.order, [0, 2, 1, 3], "order: batch indices sorted by length, longest first")
        XCTAssertEqual(layout.batchSizes, [4, 3, 3, 2, 2, 1, 1], "batchSizes: sequences still running at each step (torch's batch_sizes)")
        XCTAssertEqual(layout.offsets, [0, 4, 7, 10, 12, 14, 15, 16], "offsets: first packed row of each step, then N")
        XCTAssertEqual(layout.realTokens, 16, "N = 7 + 3 + 5 + 1")
        let ties = PackedLayout(lengths: [2, 4, 2, 4], timeSteps: 5)
        XCTAssertEqual(ties.order, [1, 3, 0, 2], "ties must keep batch order (a stable sort)")
        XCTAssertEqual(ties.batchSizes, [4, 4, 2, 2], "batchSizes for lengths [2, 4, 2, 4]")
    }

    func testPackedLayout_gatherScatterRoundTrip() {
        var rng = SeededRNG(seed: 1)
        let lengths = [7, 3, 5, 1]
        let x = Tensor<Double>.normal([7, 4, 2], rng: &rng)
        for reverse in [false, true] {
            let layout = PackedLayout(lengths: lengths, timeSteps: 7, reverse: reverse)
            let packed = layout.gather(x)
            XCTAssertEqual(packed.shape, [16, 2], "gather: [N, F] with N = 16 real tokens (reverse \(reverse))")
            // Step 0 of sorted sequence 0 (batch 0, length 7) is time 0, or its last token 6 in reverse.
            let t0 = reverse ? 6 : 0
            XCTAssertEqual(packed[0, 1], x[t0, 0, 1], "gather reverse \(reverse): packed row 0 is x[\(t0), 0, :]")
            // Step 0 of sorted sequence 3 (batch 3, length 1) is time 0 either way.
            XCTAssertEqual(packed[3, 0], x[0, 3, 0], "gather reverse \(reverse): packed row 3 is x[0, 3, :]")
            // Step 1 of sorted sequence 1 (batch 2, length 5) is time 1, or 3 in reverse.
            XCTAssertEqual(packed[5, 0], x[reverse ? 3 : 1, 2, 0], "gather reverse \(reverse): packed row 5")
            let back = layout.scatter(packed)
            for t in 0..<7 {
                for b in 0..<4 {
                    for i in 0..<2 {
                        let expected = t < lengths[b] ? x[t, b, i] : 0
                        XCTAssertEqual(back[t, b, i], expected, "scatter(gather(x))[\(t), \(b), \(i)] (reverse \(reverse)): real steps kept, padding zero")
                    }
                }
            }
        }
    }
}
