// Lesson 4 (provided): the switch between your readable LSTM and the fast kernel
// (Sources/LSTMKernels, explained in the appendix "Making it fast"), and the bridge between the
// lesson's types and the kernel's.
//
// The kernel computes the same numbers as the readable layer (up to rounding) from the same
// parameters; it fuses the gates of a step into one pass, runs on pointers and BLAS, and uses
// two cores. `LSTM.kernel = .fast` runs the whole stack on it.

import Lesson3
import LSTMKernels
import TensorCore

/// Which implementation an LSTM runs, and with it (Lesson 5's `SentimentLSTM.kernel`) the rest of
/// a training step: the embedding, dropout, pooling and the Adam update.
public enum LSTMKernelChoice: String, Codable, CaseIterable, Sendable {
    /// Your code, written in tensor operations: LSTMLayer and LSTM (this lesson), and Lesson 5's model and optimiser.
    case readable
    /// The provided fused kernels (LSTMKernels): the threaded LSTM, and Lesson 5's FastTrainingStep.swift.
    case fast

    /// What a sentiment run uses unless told: your own code on the exercises track, the fast
    /// kernels for the reference solutions.
    public static var trackDefault: LSTMKernelChoice {
        #if COURSE_SOLUTIONS_TRACK
        .fast
        #else
        .readable
        #endif
    }
}

/// The fast kernel's cache inside an `LSTM.Cache`: a type of this lesson's own, so that the
/// files with exercises need not import the kernel (a region cannot reach it by name).
public struct FastLSTMCache<T: TensorScalar>: Sendable {
    var stack: FusedLSTMStack<T>.Cache
}

extension LSTMParameters {
    /// The same four tensors as the kernel takes them.
    public var kernelWeights: LSTMWeights<T> {
        LSTMWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }

    public init(_ weights: LSTMWeights<T>) {
        self.init(weightIH: weights.weightIH, weightHH: weights.weightHH, biasIH: weights.biasIH, biasHH: weights.biasHH)
    }
}

extension LSTMLayer {
    /// This layer's parameters and direction in the fast kernel.
    public var fused: FusedLSTMLayer<T> { FusedLSTMLayer(weights: parameters.kernelWeights, reverse: reverse) }
}

extension LSTM {
    /// This stack (parameters, dropout, batch groups) in the fast kernel.
    public var fused: FusedLSTMStack<T> {
        FusedLSTMStack(layers: layers.map { $0.map(\.fused) }, dropout: dropout.probability, batchShards: batchShards)
    }

    /// forward on the fast kernel: the same results as the readable forward, and a cache that
    /// only `fastBackward` reads.
    func fastForward(_ x: Tensor<T>, lengths: [Int], initial: StackedState?, training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        let r = fused.forward(x, lengths: lengths, initial: initial, training: training, rng: &rng)
        var cache = Cache(layers: [], masks: [])
        cache.fast = FastLSTMCache(stack: r.cache)
        cache.timeSteps = x.shape[0]
        cache.batchSize = x.shape[1]
        return (r.output, r.final, cache)
    }

    /// backward for a cache made by fastForward.
    func fastBackward(dOutput: Tensor<T>, dFinal: StackedState?, cache: FastLSTMCache<T>)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMParameters<T>]]) {
        let r = fused.backward(dOutput: dOutput, dFinal: dFinal, cache: cache.stack)
        return (r.dx, r.dInitial, r.grads.map { $0.map(LSTMParameters.init) })
    }
}
