// Your copy of Solutions/Lesson5/FastTrainingStep.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5 (provided): the training step on the provided kernels (Sources/LSTMKernels), chosen
// by the same switch as Lesson 4's fast LSTM: `model.kernel = .fast` (a run's `--kernel fast`,
// the default of the reference solutions).
//
// Your readable code writes each step of the math as a whole-tensor operation, and each makes
// a new tensor: clear, and for the LSTM's neighbours cheap in arithmetic but not in memory.
// Per training step of the default model (batch 64, up to 400 steps, 2.6M parameters, 2.5M of
// them the embedding) the kernels here replace
//
//   Adam            about a dozen passes and allocations over every parameter -> one pass (FusedAdam)
//   max-mean pool   a copy of each review's steps, and three [T, B, 2H] tensors in backward
//                   -> one read of the LSTM output, one write of its gradient (FusedPooling)
//   dropout         a mask tensor, then a product -> both in one pass (FusedDropout)
//   embedding       the gather and the gradient's scatter-add without the copies (FusedEmbedding)
//
// with the same numbers up to rounding: the kernels do the same operations in the same order.
// The output layer, the loss and the attention and last-step pooling are yours on both paths.

import Lesson1
import Lesson2
import Lesson4
import LSTMKernels
import TensorCore

extension SentimentLSTM {
    /// forward on the provided kernels: the same logits and a cache either backward can read.
    /// `perturbation` [T, B, E], when given, is added to the LSTM's input (AdversarialTraining.swift).
    func fastForward(ids: [Int32], lengths: [Int], training: Bool, rng: inout SeededRNG,
                     perturbation: Tensor<T>? = nil) -> (logits: Tensor<T>, cache: Cache) {
        let B = lengths.count
        let shape = [ids.count / B, B]
        let embedded = FusedEmbedding.gather(embedding.weight, ids: ids, shape: shape)
        let (dropped, inputMask) = fastDropout(embedded, training: training, rng: &rng)
        let x = perturbation.map { dropped + $0 } ?? dropped
        let (out, encoderCache) = encoder.forward(x, lengths: lengths, training: training, rng: &rng)
        let (pooled, poolingCache) = fastPooling(out, lengths: lengths)
        let (droppedPooled, pooledMask) = fastDropout(pooled, training: training, rng: &rng)
        let (y, outputCache) = output.forward(droppedPooled)   // [B, 1]
        return (y.reshaped([B]), Cache(embedding: Embedding<T>.Cache(ids: ids, shape: shape), inputDropout: inputMask,
                                        encoder: encoderCache, pooling: poolingCache, pooledDropout: pooledMask,
                                        output: outputCache, batchSize: B))
    }

    /// backward on the provided kernels, for a cache from either forward.
    func fastBackward(dLogits: Tensor<T>, cache: Cache) -> Gradients {
        fastBackwardToInput(dLogits: dLogits, cache: cache).gradients
    }

    /// fastBackward, and dx [T, B, E]: the gradient of the LSTM's input (after the dropout).
    func fastBackwardToInput(dLogits: Tensor<T>, cache: Cache) -> (gradients: Gradients, dx: Tensor<T>) {
        let dropout = Dropout<T>(probability: config.dropout)
        let (dDropped, outputGrads) = output.backward(dLogits.reshaped([cache.batchSize, 1]), cache: cache.output)
        let dPooled = dropout.backward(dDropped, mask: cache.pooledDropout)
        let (dOut, attentionGrads) = fastPoolingBackward(dPooled, cache: cache.pooling)
        let (dx, encoderGrads) = encoder.backward(dOutput: dOut, cache: cache.encoder)
        var dEmbedding: Tensor<T>?
        if embedding.trainable {
            let dEmbedded = dropout.backward(dx, mask: cache.inputDropout)
            dEmbedding = FusedEmbedding.scatterAdd(dEmbedded, ids: cache.embedding.ids, vocabularySize: embedding.vocabularySize,
                                                   paddingIndex: embedding.paddingIndex)
        }
        return (Gradients(embedding: dEmbedding, encoder: encoderGrads, attention: attentionGrads, output: outputGrads), dx)
    }

    /// Lesson 4's Dropout (nothing dropped outside training or at p = 0), mask and product fused.
    func fastDropout(_ x: Tensor<T>, training: Bool, rng: inout SeededRNG) -> (y: Tensor<T>, mask: Tensor<T>?) {
        guard training && config.dropout > 0 else { return (x, nil) }
        let r = FusedDropout.forward(x, probability: config.dropout, rng: &rng)
        return (r.y, r.mask)
    }

    /// The statistics FusedPooling computes for this model's pooling (nil: attention and last,
    /// which stay on your code).
    var fusedStatistics: (max: Bool, mean: Bool)? {
        switch pooling.kind {
        case .max: return (true, false)
        case .mean: return (false, true)
        case .maxMean: return (true, true)
        case .last, .attention: return nil
        }
    }

    func fastPooling(_ out: Tensor<T>, lengths: [Int]) -> (pooled: Tensor<T>, cache: SequencePooling<T>.Cache) {
        guard let statistics = fusedStatistics else { return pooling.forward(out, lengths: lengths) }
        let r = FusedPooling.forward(out, lengths: lengths, max: statistics.max, mean: statistics.mean)
        return (r.pooled, SequencePooling<T>.Cache(shape: out.shape, lengths: lengths, argmax: r.argmax))
    }

    func fastPoolingBackward(_ dPooled: Tensor<T>, cache: SequencePooling<T>.Cache) -> (dOut: Tensor<T>, attention: Linear<T>.Gradients?) {
        guard let statistics = fusedStatistics else { return pooling.backward(dPooled, cache: cache) }
        let dOut = FusedPooling.backward(dPooled, argmax: cache.argmax, shape: cache.shape, lengths: cache.lengths,
                                         max: statistics.max, mean: statistics.mean)
        return (dOut, nil)
    }
}

extension AdamOptimizer {
    /// step on FusedAdam: each parameter read and written once, the same numbers as your step.
    mutating func fastStep(_ parameters: inout [Tensor<T>], gradients: [Tensor<T>]) {
        if states.isEmpty { states = parameters.map { Adam<T>.State(like: $0) } }
        let settings = (adam, weightDecay)
        func update(_ parameter: inout Tensor<T>, _ gradient: Tensor<T>, _ state: inout Adam<T>.State) {
            state.step += 1
            FusedAdam.step(&parameter, gradient: gradient, m: &state.m, v: &state.v, t: state.step,
                           learningRate: settings.0.learningRate, beta1: settings.0.beta1, beta2: settings.0.beta2,
                           epsilon: settings.0.epsilon, weightDecay: settings.1)
        }
        for i in parameters.indices { update(&parameters[i], gradients[i], &states[i]) }
    }
}
