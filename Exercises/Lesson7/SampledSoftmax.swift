// Your copy of Solutions/Lesson7/SampledSoftmax.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, part 2, sections 12-14: the language model's head. At each of N positions the LSTM's
// hidden state h_n [H] must predict the next word t_n out of V = 50,000: a softmax over the
// vocabulary,
//
//     z_w = u_wᵀ h_n + b_w         (u_w = W[w], a row of the output layer W [V, H]; bias b [V])
//     ℓ_n = log Σ_w e^{z_w} − z_{t_n}          the cross-entropy of the next word
//
// Every step touches all V rows: N · V · H multiply-adds, 50,000 / 1,025 times the work of the
// sampled softmax below. It is what perplexity is measured with (section 14), not what we train
// with.
//
// The sampled softmax (Jean et al. 2015) scores the target against K noise words s_1 ... s_K,
// drawn once per batch from a noise distribution Q and shared by all N positions. Each candidate's
// logit is corrected by the log of how often the sampling expects to draw it,
//
//     ẑ_w = u_wᵀ h_n + b_w − log(K · Q(w))        (K · Q(w): w's expected count among K draws)
//
// and the loss is the cross-entropy over the K + 1 candidates [t_n, s_1, ..., s_K], with the
// target in column 0. A noise word that happens to be the position's own target (an accidental
// hit) would make the word its own negative: its logit is −∞ in that row, so it takes no
// probability. The loss of a batch is the mean over its N positions.
//
//     hidden [N, H], weight [V, H], bias [V] -> loss: scalar, dHidden [N, H], dWeight [V, H], dBias [V]

import TensorCore

/// N targets and K shared noise words, with the noise distribution Q they were drawn from.
public struct SampledSoftmaxBatch: Sendable, Equatable {
    /// [N] word ids: the next word at each position.
    public let targets: [Int]
    /// [K] word ids drawn from `noise` (with replacement: a word may repeat).
    public let samples: [Int]
    /// [V] Q(w), summing to 1: every target and sample must have Q(w) > 0.
    public let noise: [Double]

    /// K
    public var sampleCount: Int { samples.count }

    public init(targets: [Int], samples: [Int], noise: [Double]) {
        precondition(!targets.isEmpty && !samples.isEmpty, "SampledSoftmaxBatch: needs at least one target and one sample")
        if let bad = (targets + samples).first(where: { $0 < 0 || $0 >= noise.count || noise[$0] <= 0 }) {
            preconditionFailure("SampledSoftmaxBatch: word \(bad) is outside the vocabulary 0..<\(noise.count) or has noise probability 0")
        }
        self.targets = targets
        self.samples = samples
        self.noise = noise
    }
}

/// The loss and its gradients; rows of words the batch does not use are zero.
public struct SampledSoftmaxGradients<T: TensorScalar>: Sendable {
    public var loss: T
    /// [N, H]: ∂loss/∂hidden
    public var hidden: Tensor<T>
    /// [V, H]: ∂loss/∂W
    public var weight: Tensor<T>
    /// [V]: ∂loss/∂b
    public var bias: Tensor<T>

    public init(loss: T, hidden: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>) {
        self.loss = loss
        self.hidden = hidden
        self.weight = weight
        self.bias = bias
    }
}

private func checkShapes<T>(_ hidden: Tensor<T>, _ weight: Tensor<T>, _ bias: Tensor<T>, targets: Int, vocabulary: Int?, _ name: String) {
    precondition(hidden.rank == 2 && weight.rank == 2 && hidden.shape[1] == weight.shape[1] && bias.shape == [weight.shape[0]],
                 "\(name): needs hidden [N, H], weight [V, H] and bias [V], got \(hidden.shape), \(weight.shape) and \(bias.shape)")
    precondition(hidden.shape[0] == targets, "\(name): \(hidden.shape[0]) hidden states for \(targets) targets")
    if let vocabulary {
        precondition(vocabulary == weight.shape[0], "\(name): the noise distribution has \(vocabulary) words, the output layer \(weight.shape[0])")
    }
}

/// [N, 1 + K]: row n holds the corrected logit of position n's target (column 0), then those of
/// the K samples; a sample equal to the row's target is −∞ (section 12.2).
public func sampledLogits<T: TensorScalar>(hidden: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>, batch: SampledSoftmaxBatch) -> Tensor<T> {
    checkShapes(hidden, weight, bias, targets: batch.targets.count, vocabulary: batch.noise.count, "sampledLogits")
    unimplemented("sampledLogits", lesson: 7, see: "section 12")
}

/// The mean sampled-softmax cross-entropy over the N positions (section 12).
///   hidden [N, H], weight [V, H], bias [V] -> loss
public func sampledSoftmaxLoss<T: TensorScalar>(hidden: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>, batch: SampledSoftmaxBatch) -> T {
    unimplemented("sampledSoftmaxLoss", lesson: 7, see: "section 12")
}

/// The loss and its gradients with respect to the hidden states, W and b (section 13).
///   hidden [N, H], weight [V, H], bias [V] -> loss, dHidden [N, H], dWeight [V, H], dBias [V]
public func sampledSoftmaxGradients<T: TensorScalar>(hidden: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>,
                                                     batch: SampledSoftmaxBatch) -> SampledSoftmaxGradients<T> {
    unimplemented("sampledSoftmaxGradients", lesson: 7, see: "section 13")
}

/// The mean cross-entropy of the full softmax over all V words (section 14): what perplexity
/// e^{loss} is measured with.
///   hidden [N, H], weight [V, H], bias [V], targets [N] -> loss
public func fullSoftmaxLoss<T: TensorScalar>(hidden: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>, targets: [Int]) -> T {
    checkShapes(hidden, weight, bias, targets: targets.count, vocabulary: nil, "fullSoftmaxLoss")
    unimplemented("fullSoftmaxLoss", lesson: 7, see: "section 14")
}
