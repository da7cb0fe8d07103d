// Section 4: the SGNS gradients against PyTorch's autograd and against centred differences in
// Double, with messages that say which rows are wrong (the center's, the context's, the
// negatives') but not what they should be.

import CourseTesting
import Lesson7
import TensorCore
import XCTest

final class SkipGramGradientTests: XCTestCase {
    func testSkipGramGradients_lossMatchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b6_k3")
        let g = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        assertClose(g.loss, c.loss, tolerance: 1e-12, "loss returned with the gradients")
        XCTAssertEqual(g.input.shape, c.input.shape, "dW_in has the shape of W_in [V, E]")
        XCTAssertEqual(g.output.shape, c.output.shape, "dW_out has the shape of W_out [V, E]")
    }

    func testSkipGramGradients_oneExample_rowByRow() throws {
        // Every word distinct: center 1 (a row of dW_in), context 2 and negatives 0, 3, 4, 5 (rows of dW_out).
        let c = try SkipGramCase.load("sgns_b1_k4")
        let g = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        var problems: [String] = []
        if let d = rowDiagnosis(g.output, c.dOutput, rows: [2], tolerance: 1e-10) {
            problems.append("dW_out's row of the context word (2) \(d): look at ∂ℓ/∂s for the context's score (section 4.1)")
        }
        if let d = rowDiagnosis(g.output, c.dOutput, rows: [0, 3, 4, 5], tolerance: 1e-10) {
            problems.append("dW_out's rows of the negatives (0, 3, 4, 5) \(d): look at ∂ℓ/∂s_j for a negative's score (section 4.2)")
        }
        if let d = rowDiagnosis(g.input, c.dInput, rows: [1], tolerance: 1e-10) {
            problems.append("dW_in's row of the center word (1) \(d): it collects a term from the context and one from every negative (section 4.3)")
        }
        if rowDiagnosis(g.input, c.dInput, rows: [0, 2, 3, 4, 5], tolerance: 1e-10) != nil {
            problems.append("dW_in has values in rows of words that are not a center: only a center's input vector is used")
        }
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    }

    func testSkipGramGradients_dInput_matchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b6_k3")
        let g = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        assertClose(g.input, c.dInput, tolerance: 1e-10, "dW_in [9, 5] (word 2 is the center of examples 0 and 2)")
    }

    func testSkipGramGradients_dOutput_matchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b6_k3")
        let g = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        assertClose(g.output, c.dOutput, tolerance: 1e-10,
                    "dW_out [9, 5] (word 4 is a context and a negative, word 7 a negative twice in one example)")
    }

    func testSkipGramGradients_floatMatchesTorch() throws {
        let c = try SkipGramCase.load("sgns_b6_k3")
        let g = skipGramGradients(input: Tensor<Float>(c.input), output: Tensor<Float>(c.output), batch: c.batch)
        assertClose(g.input, c.dInput, tolerance: 1e-5, "dW_in in Float")
        assertClose(g.output, c.dOutput, tolerance: 1e-5, "dW_out in Float")
    }

    func testSkipGramGradients_centredDifferences() throws {
        // ε = 1e-5 in Double: the loss is smooth and of order 10, so truncation (ε²) and
        // round-off (1e-16 · 10 / ε) both stay near 1e-10, far under the tolerance.
        let c = try SkipGramCase.load("sgns_b6_k3")
        let g = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        let check = GradientCheck(epsilon: 1e-5)
        let dInput = check.check("dW_in", analytic: g.input, at: c.input) { w in
            skipGramLoss(input: w, output: c.output, batch: c.batch)
        }
        let dOutput = check.check("dW_out", analytic: g.output, at: c.output) { w in
            skipGramLoss(input: c.input, output: w, batch: c.batch)
        }
        assertGradientsPass([dInput, dOutput], tolerance: 1e-6)
    }

    func testSkipGramGradients_aBatchIsTheSumOfItsExamples() throws {
        // A word used by several examples collects each one's gradient: the batch's tables must
        // equal the sum of the six one-example tables.
        let c = try SkipGramCase.load("sgns_b6_k3")
        let whole = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        var dInput = Tensor<Double>.zeros(c.input.shape), dOutput = Tensor<Double>.zeros(c.output.shape)
        let k = c.batch.negativesPerExample
        for b in 0..<c.batch.count {
            let one = SkipGramBatch(centers: [c.batch.centers[b]], contexts: [c.batch.contexts[b]],
                                    negatives: Array(c.batch.negatives[(b * k)..<((b + 1) * k)]), negativesPerExample: k)
            let g = skipGramGradients(input: c.input, output: c.output, batch: one)
            dInput = dInput + g.input
            dOutput = dOutput + g.output
        }
        var problems: [String] = []
        if let d = rowDiagnosis(whole.input, dInput, rows: [2], tolerance: 1e-10) {
            problems.append("dW_in's row of word 2 (the center of examples 0 and 2) \(d) next to the sum of the examples' rows")
        }
        if let d = rowDiagnosis(whole.output, dOutput, rows: [7, 4, 1, 0], tolerance: 1e-10) {
            problems.append("dW_out's rows of words used more than once (7 twice as a negative of example 0; 4, 1, 0 as contexts and negatives) \(d) "
                            + "next to the sum of the examples' rows: every appearance must add its contribution")
        }
        if problems.isEmpty, rowDiagnosis(whole.input, dInput, rows: Array(0..<9), tolerance: 1e-10) != nil
            || rowDiagnosis(whole.output, dOutput, rows: Array(0..<9), tolerance: 1e-10) != nil {
            problems.append("the batch's gradient differs from the sum of its examples' gradients")
        }
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    }
}
