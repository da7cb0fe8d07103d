// Sections 12-14: the sampled softmax's logits, loss and gradients, and the full softmax's loss,
// against PyTorch (Tests/Fixtures/lesson7/sampled_softmax.json) and centred differences in Double.
// The batch has an accidental hit (position 2's target 5 is also sample 3), a sample drawn twice
// (word 3) and a target that repeats (word 2).

import CourseTesting
import Foundation
import Lesson7
import TensorCore
import XCTest

final class SampledSoftmaxTests: XCTestCase {
    func testSampledLogits_matchTorch() throws {
        let c = try SampledSoftmaxCase.load()
        let got = sampledLogits(hidden: c.hidden, weight: c.weight, bias: c.bias, batch: c.batch)
        let (n, k) = (c.batch.targets.count, c.batch.sampleCount)
        XCTAssertEqual(got.shape, [n, k + 1], "one row per position: the target's logit, then the K samples'")
        guard got.shape == [n, k + 1] else { return }
        var problems: [String] = []
        var offByLogQ = true, anyWrong = false
        for i in 0..<n {
            for j in 0...k where c.hits.scalars[i * (k + 1) + j] == 0 {
                let g = got.scalars[i * (k + 1) + j], e = c.logits.scalars[i * (k + 1) + j]
                let word = j == 0 ? c.batch.targets[i] : c.batch.samples[j - 1]
                let logQ = Foundation.log(Double(k) * c.batch.noise[word])
                if abs(g - e) > 1e-10 { anyWrong = true }
                if abs(g - (e + logQ)) > 1e-10 { offByLogQ = false }
            }
        }
        if anyWrong {
            problems.append(offByLogQ ? "the logits are not corrected for how often the sampling expects each word (section 12.1)"
                                      : "the logits of the words that are not accidental hits are wrong (section 12.1)")
        }
        for i in 0..<n {
            for j in 1...k where c.hits.scalars[i * (k + 1) + j] == 1 && got.scalars[i * (k + 1) + j] != -Double.infinity {
                problems.append("position \(i)'s target is also sample \(j - 1): that sample's logit must not compete with the target (section 12.2)")
            }
        }
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    }

    func testSampledSoftmaxLoss_matchesTorch() throws {
        let c = try SampledSoftmaxCase.load()
        let loss = sampledSoftmaxLoss(hidden: c.hidden, weight: c.weight, bias: c.bias, batch: c.batch)
        if abs(loss - c.lossWithoutLogQ) < 1e-10 {
            XCTFail("this is the loss without the log-Q correction: each candidate's logit must account for how often it is drawn (section 12.1)")
        } else if abs(loss - c.lossHitsUnmasked) < 1e-10 {
            XCTFail("an accidental hit (a sample equal to the target) is counted among the negatives (section 12.2)")
        } else if abs(loss - c.loss * Double(c.batch.targets.count)) < 1e-9 {
            XCTFail("this is the sum over the positions: the loss of a batch is their mean (section 12)")
        } else {
            assertClose(loss, c.loss, tolerance: 1e-12, "sampled-softmax loss (N = 6, K = 5)")
        }
    }

    func testSampledSoftmaxLoss_floatIsFiniteAtLargeLogits() throws {
        // Hidden states 200 times larger: logits of several hundred, e^z overflows Float.
        let c = try SampledSoftmaxCase.load()
        let loss = sampledSoftmaxLoss(hidden: Tensor<Float>(c.hidden * 200), weight: Tensor<Float>(c.weight), bias: Tensor<Float>(c.bias), batch: c.batch)
        let reference = sampledSoftmaxLoss(hidden: c.hidden * 200, weight: c.weight, bias: c.bias, batch: c.batch)
        XCTAssertTrue(loss.isFinite, "the loss in Float came out \(loss) at logits of several hundred: use a stable log-sum-exp (section 12.3)")
        assertClose(Double(loss), reference, tolerance: 1e-4, "loss in Float at large logits next to Double")
    }

    func testSampledSoftmaxGradients_matchTorch() throws {
        let c = try SampledSoftmaxCase.load()
        let g = sampledSoftmaxGradients(hidden: c.hidden, weight: c.weight, bias: c.bias, batch: c.batch)
        assertClose(g.loss, c.loss, tolerance: 1e-12, "loss returned with the gradients")
        var problems: [String] = []
        if let d = tensorDiagnosis(g.hidden, c.dHidden, tolerance: 1e-10) {
            problems.append("dHidden [N, H] \(d): each position collects its target's row and every sample's row, weighted (section 13.2)")
        }
        if let d = tensorDiagnosis(g.weight, c.dWeight, tolerance: 1e-10) {
            problems.append("dWeight [V, H] \(d): word 3 is drawn twice and word 2 is the target of two positions; every appearance adds (section 13.3)")
        }
        if let d = tensorDiagnosis(g.bias, c.dBias, tolerance: 1e-10) {
            problems.append("dBias [V] \(d): the bias gets the same derivatives as the logits, summed per word (section 13.3)")
        }
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    }

    func testSampledSoftmaxGradients_untouchedRowsAreZero() throws {
        // Words 0, 6 and 8 are neither a target nor a sample.
        let c = try SampledSoftmaxCase.load()
        let g = sampledSoftmaxGradients(hidden: c.hidden, weight: c.weight, bias: c.bias, batch: c.batch)
        let h = c.hidden.shape[1]
        for word in [0, 6, 8] {
            XCTAssertTrue((0..<h).allSatisfy { g.weight.scalars[word * h + $0] == 0 } && g.bias.scalars[word] == 0,
                          "word \(word) is neither a target nor a sample: its rows of dWeight and dBias must stay zero")
        }
    }

    func testSampledSoftmaxGradients_centredDifferences() throws {
        // ε = 1e-5 in Double; the loss is of order 1, so truncation and round-off stay near 1e-10.
        let c = try SampledSoftmaxCase.load()
        let g = sampledSoftmaxGradients(hidden: c.hidden, weight: c.weight, bias: c.bias, batch: c.batch)
        let check = GradientCheck(epsilon: 1e-5)
        let results = [
            check.check("dHidden", analytic: g.hidden, at: c.hidden) { sampledSoftmaxLoss(hidden: $0, weight: c.weight, bias: c.bias, batch: c.batch) },
            check.check("dWeight", analytic: g.weight, at: c.weight) { sampledSoftmaxLoss(hidden: c.hidden, weight: $0, bias: c.bias, batch: c.batch) },
            check.check("dBias", analytic: g.bias, at: c.bias) { sampledSoftmaxLoss(hidden: c.hidden, weight: c.weight, bias: $0, batch: c.batch) },
        ]
        assertGradientsPass(results, tolerance: 1e-6)
    }

    func testSampledSoftmaxGradients_floatMatchesTorch() throws {
        let c = try SampledSoftmaxCase.load()
        let g = sampledSoftmaxGradients(hidden: Tensor<Float>(c.hidden), weight: Tensor<Float>(c.weight), bias: Tensor<Float>(c.bias), batch: c.batch)
        assertClose(g.hidden, c.dHidden, tolerance: 1e-5, "dHidden in Float")
        assertClose(g.weight, c.dWeight, tolerance: 1e-5, "dWeight in Float")
        assertClose(g.bias, c.dBias, tolerance: 1e-5, "dBias in Float")
    }

    func testFullSoftmaxLoss_matchesTorch() throws {
        let c = try SampledSoftmaxCase.load()
        let loss = fullSoftmaxLoss(hidden: c.hidden, weight: c.weight, bias: c.bias, targets: c.batch.targets)
        assertClose(loss, c.fullLoss, tolerance: 1e-12, "full-softmax loss over V = 10 words (mean over N = 6)")
    }

    func testFullSoftmaxLoss_floatIsFiniteAtLargeLogits() throws {
        let c = try SampledSoftmaxCase.load()
        let loss = fullSoftmaxLoss(hidden: Tensor<Float>(c.hidden * 200), weight: Tensor<Float>(c.weight), bias: Tensor<Float>(c.bias), targets: c.batch.targets)
        let reference = fullSoftmaxLoss(hidden: c.hidden * 200, weight: c.weight, bias: c.bias, targets: c.batch.targets)
        XCTAssertTrue(loss.isFinite, "the full-softmax loss in Float came out \(loss) at logits of several hundred: use a stable log-sum-exp (section 14)")
        assertClose(Double(loss), reference, tolerance: 1e-4, "full-softmax loss in Float at large logits next to Double")
    }
}
