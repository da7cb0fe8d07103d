// Your copy of Solutions/Lesson7/SkipGramLoss.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, sections 3 and 4: skip-gram with negative sampling (SGNS), the loss of a batch and
// its gradient.
//
// Every word has two vectors: an input vector (a row of W_in, the word as a center) and an
// output vector (a row of W_out, the word as a context). For one example (c, o, n_1 ... n_K):
//
//     s   = u_oᵀ v_c                  v_c = W_in[c], u_o = W_out[o]     the context's score
//     s_j = u_{n_j}ᵀ v_c              u_{n_j} = W_out[n_j]              each negative's score
//     ℓ   = −log σ(s) − Σ_j log σ(−s_j)
//
// The loss of a batch is the sum of its examples' losses (word2vec takes one SGD step per
// example at the full learning rate, so a sum, not a mean, is what it minimises).
//
// Section 4 derives the gradient. Through s and s_j only:
//
//     ∂ℓ/∂s = σ(s) − 1      ∂ℓ/∂s_j = ?  (section 4.2 asks you to finish this)
//     ∂s/∂v_c = u_o         ∂s/∂u_o = v_c    (and the same for each s_j)
//
// and every word collects the gradient of every place it appears in the batch.
//
//     W_in, W_out: [V, E] -> loss: scalar, dW_in: [V, E], dW_out: [V, E]

import TensorCore

/// The loss and its gradients with respect to both tables; rows of words the batch does not
/// use are zero.
public struct SkipGramGradients<T: TensorScalar>: Sendable {
    public var loss: T
    /// [V, E]: ∂loss/∂W_in
    public var input: Tensor<T>
    /// [V, E]: ∂loss/∂W_out
    public var output: Tensor<T>

    public init(loss: T, input: Tensor<T>, output: Tensor<T>) {
        self.loss = loss
        self.input = input
        self.output = output
    }
}

private func checkShapes<T>(_ input: Tensor<T>, _ output: Tensor<T>, _ batch: SkipGramBatch, _ name: String) {
    precondition(input.rank == 2 && input.shape == output.shape,
                 "\(name): input and output tables must both be [V, E], got \(input.shape) and \(output.shape)")
    let words = batch.centers + batch.contexts + batch.negatives
    if let bad = words.first(where: { $0 < 0 || $0 >= input.shape[0] }) {
        preconditionFailure("\(name): word id \(bad) is outside the vocabulary 0..<\(input.shape[0])")
    }
}

/// The summed SGNS loss of the batch (section 3).
///   input W_in: [V, E], output W_out: [V, E] -> loss
public func skipGramLoss<T: TensorScalar>(input: Tensor<T>, output: Tensor<T>, batch: SkipGramBatch) -> T {
    checkShapes(input, output, batch, "skipGramLoss")
    unimplemented("skipGramLoss", lesson: 7, see: "section 3")
}

/// The loss and its gradients with respect to W_in and W_out (section 4).
///   input W_in: [V, E], output W_out: [V, E] -> loss, dW_in: [V, E], dW_out: [V, E]
public func skipGramGradients<T: TensorScalar>(input: Tensor<T>, output: Tensor<T>, batch: SkipGramBatch) -> SkipGramGradients<T> {
    checkShapes(input, output, batch, "skipGramGradients")
    unimplemented("skipGramGradients", lesson: 7, see: "section 4")
}
