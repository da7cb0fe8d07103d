// Section 3: the SGNS loss of a batch against PyTorch (Tests/Fixtures/lesson7/sgns_*.json:
// -(logsigmoid(s).sum() + logsigmoid(-s_neg).sum()) in float64).

import CourseTesting
import Lesson7
import TensorCore
import XCTest

final class SkipGramLossTests: XCTestCase {
    func testSkipGramLoss_oneExample_matchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b1_k4")
        let loss = skipGramLoss(input: c.input, output: c.output, batch: c.batch)
        assertClose(loss, c.loss, tolerance: 1e-12, "loss of one example (center 1, context 2, negatives 0, 3, 4, 5)")
    }

    func testSkipGramLoss_batchMatchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b6_k3")
        let loss = skipGramLoss(input: c.input, output: c.output, batch: c.batch)
        assertClose(loss, c.loss, tolerance: 1e-12, "loss of a batch of 6 examples with 3 negatives each (the sum over examples)")
    }

    func testSkipGramLoss_withoutNegativesIsTheContextTermAlone() throws {
        // K = 0: only the context's term is left; it is below ln 2 exactly when the score is positive.
        let c = try SkipGramCase.load("sgns_b1_k4")
        let batch = SkipGramBatch(centers: [1], contexts: [2], negatives: [], negativesPerExample: 0)
        let alone = skipGramLoss(input: c.input, output: c.output, batch: batch)
        let withNoise = skipGramLoss(input: c.input, output: c.output, batch: c.batch)
        XCTAssertGreaterThan(alone, 0, "a loss built from −log σ(·) is positive")
        XCTAssertLessThan(alone, withNoise, "adding negatives adds positive terms: the loss with K = 4 must be larger than with K = 0")
    }

    func testSkipGramLoss_floatIsFiniteAtLargeScores() throws {
        // Scores of ±100 and more: σ(−146) is 0 in Float, so log σ must not be taken as log(σ(·)).
        let c = try SkipGramCase.load("sgns_large_scores")
        let loss = skipGramLoss(input: Tensor<Float>(c.input), output: Tensor<Float>(c.output), batch: c.batch)
        XCTAssertTrue(loss.isFinite, "the loss in Float came out \(loss) for scores beyond ±100: use the stable logSigmoid (section 3.2)")
        assertClose(Double(loss), c.loss, tolerance: 1e-5, "loss in Float at scores beyond ±100")
    }
}
