// Your copy of Solutions/Lesson5/AdversarialTraining.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, section 17.2 (provided): adversarial training on the embedded words (Goodfellow et
// al. 2015's adversarial examples, carried to text by Miyato et al. 2017).
//
// A word is discrete, so the smallest change that fools the model is made to its vector. Each
// step first finds, to first order, the change of the LSTM's input that raises the loss most
// among those of length ε per review,
//
//   g = ∂L/∂x   (x: [T, B, E], the embedded and dropped-out review)
//   r = ε · g / ‖g‖      (‖·‖ over one review's real steps and all E numbers; 0 at padding)
//
// (LSTMKernels' AdversarialPerturbation), then trains on L(x) + L(x + r), r held fixed (no
// gradient flows through g). The model learns to keep its answer when a review's words move a
// little in the directions it is most sensitive to: a regulariser that costs a second forward
// and backward per step.

import Lesson1
import LSTMKernels
import TensorCore

extension SentimentLSTM {
    /// The mean BCE and the gradients at x + perturbation (x: the embedded, dropped-out batch;
    /// nil: x itself), and dx [T, B, E], the gradient of the loss with respect to x. On the
    /// provided kernels for the embedding, the dropout and the pooling (the same numbers as your
    /// code); the LSTM is the one `kernel` chose.
    public func lossAndInputGradient(ids: [Int32], lengths: [Int], targets: Tensor<T>, training: Bool, rng: inout SeededRNG,
                                     perturbation: Tensor<T>? = nil) -> (loss: T, logits: Tensor<T>, gradients: Gradients, dx: Tensor<T>) {
        let (logits, cache) = fastForward(ids: ids, lengths: lengths, training: training, rng: &rng, perturbation: perturbation)
        let loss = bceWithLogits(logits, targets: targets)
        let (gradients, dx) = fastBackwardToInput(dLogits: bceWithLogitsBackward(logits, targets: targets), cache: cache)
        return (loss, logits, gradients, dx)
    }

    /// The gradients of L(x) + L(x + r) in `namedParameters` order, r the adversarial
    /// perturbation of length `epsilon` per review, with both losses and the clean logits.
    /// The dropout masks of the second pass are drawn anew.
    public func adversarialLossAndGradients(ids: [Int32], lengths: [Int], targets: Tensor<T>, epsilon: Double, rng: inout SeededRNG)
        -> (loss: T, adversarialLoss: T, logits: Tensor<T>, gradients: [Tensor<T>]) {
        let clean = lossAndInputGradient(ids: ids, lengths: lengths, targets: targets, training: true, rng: &rng)
        let r = AdversarialPerturbation.along(clean.dx, lengths: lengths, epsilon: epsilon)
        let adversarial = lossAndInputGradient(ids: ids, lengths: lengths, targets: targets, training: true, rng: &rng, perturbation: r)
        var gradients = clean.gradients.list
        for (i, g) in adversarial.gradients.list.enumerated() { gradients[i] += g }
        return (clean.loss, adversarial.loss, clean.logits, gradients)
    }
}
