// The provided fast trainer (Sources/Word2VecKernels) against your readable gradient: one
// SkipGramKernel.step on an example whose words are all distinct is exactly one SGD step
// W ← W − α ∇ℓ with your skipGramGradients, and the loss it measures is your skipGramLoss.

import CourseTesting
import Lesson7
import TensorCore
import Word2VecKernels
import XCTest

final class FastTrainerTests: XCTestCase {
    func testFastKernelStep_isOneSGDStepOfYourGradient() throws {
        let c = try SkipGramCase.load("sgns_b1_k4")
        let alpha = 0.1
        let readable = skipGramGradients(input: c.input, output: c.output, batch: c.batch)
        var input = Tensor<Float>(c.input), output = Tensor<Float>(c.output)
        let e = input.shape[1]
        var scratch = [Float](repeating: 0, count: e)
        let negatives = c.batch.negatives.map { Int32($0) }
        var loss: Float = 0
        input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    negatives.withUnsafeBufferPointer { n in
                        loss = SkipGramKernel.step(input: i.baseAddress!, output: o.baseAddress!, dimension: e,
                                                   center: c.batch.centers[0], context: c.batch.contexts[0],
                                                   negatives: n.baseAddress!, negativeCount: n.count,
                                                   learningRate: Float(alpha), scratch: s.baseAddress!, measureLoss: true)
                    }
                }
            }
        }
        assertClose(Double(loss), readable.loss, tolerance: 1e-5, "the kernel's loss next to your skipGramGradients' loss")
        assertClose(input, c.input - alpha * readable.input, tolerance: 1e-5,
                    "W_in after the kernel's step next to W_in − α · (your dW_in)")
        assertClose(output, c.output - alpha * readable.output, tolerance: 1e-5,
                    "W_out after the kernel's step next to W_out − α · (your dW_out)")
    }
}

final class FastLanguageModelTests: XCTestCase {
    func testFastSampledSoftmax_isYourGradient() {
        // The provided kernel (Sources/LanguageModelKernels) and your sampledSoftmaxGradients on
        // the same batch in Float (V = 300, N = 48, K = 40: repeated samples and accidental hits).
        for check in LanguageModelTraining.checkKernel() {
            XCTAssertLessThanOrEqual(check.difference, 1e-4, "\(check.name): the provided kernel and your sampledSoftmaxGradients differ")
        }
    }
}
