// Your copy of Solutions/Lesson4/LSTM.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4, section 5: nn.LSTM, layers stacked, optionally bidirectional, with dropout between
// layers.
//
// Shapes: T, B, E, H as in LSTMLayer; L layers, D directions (2 if bidirectional, else 1).
//
//     input of layer 0        x                                     [T, B, E]
//     input of layer l > 0    dropout(output of layer l - 1)        [T, B, D·H]  (training only)
//     output of layer l       [forward output | reverse output]     [T, B, D·H]
//     initial h, c            row l·D + d: layer l, direction d     [L·D, B, H]  (PyTorch's h0, c0; zeros if nil)
//     final h, c              row l·D + d: layer l, direction d     [L·D, B, H]  (PyTorch's h_n, c_n)
//
// The reverse direction starts at each sequence's own last real token (PackedLayout). The two
// directions of a layer read the same input and do not depend on each other, so Parallel.map
// runs them side by side, one thread each (it is `map` on threads).
// Backward goes from the top layer down; a layer's input gradient is the sum of its two
// directions' dx, which dropout's mask then carries to the layer below. Row l·D + d of ∂L/∂h_n
// and ∂L/∂c_n enters layer l's direction d at its final state, and that direction's dInitial
// is row l·D + d of ∂L/∂h0 and ∂L/∂c0, as nn.LSTM's h0.grad and c0.grad are.

import Lesson3
import TensorCore

public struct LSTM<T: TensorScalar>: Sendable {
    /// layers[l][d]: layer l, direction d (0 forward, 1 reverse).
    public var layers: [[LSTMLayer<T>]]
    /// Dropout on the outputs of every layer except the last, in training.
    public var dropout: Dropout<T>
    /// Your readable layers, or the provided fast kernel (FastKernel.swift): the same numbers.
    public var kernel: LSTMKernelChoice = .readable
    /// On the fast kernel, a one-directional LSTM splits its batch into this many groups of
    /// sequences and runs them on as many threads; the numbers are the same as with 1.
    public var batchShards: Int = min(Parallel.coreCount, 2)

    /// L
    public var numLayers: Int { layers.count }
    /// D: 2 if bidirectional, else 1.
    public var directions: Int { layers[0].count }
    /// H
    public var hiddenSize: Int { layers[0][0].hiddenSize }
    /// E
    public var inputSize: Int { layers[0][0].inputSize }

    /// Initialised as nn.LSTM(inputSize, hiddenSize, numLayers, bidirectional, dropout) is.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false,
                dropout: Double = 0, rng: inout SeededRNG) {
        precondition(numLayers >= 1, "LSTM: numLayers must be at least 1, got \(numLayers)")
        unimplemented("LSTM.init", lesson: 4, see: "section 5")
    }

    /// Given layers ([layer][direction], the second direction reversed), e.g. from a fixture.
    public init(layers: [[LSTMLayer<T>]], dropout: Double = 0) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.count == layers[0].count } && (1...2).contains(layers[0].count),
                     "LSTM: layers must be [L][D] with D = 1 or 2 directions in every layer")
        self.layers = layers
        self.dropout = Dropout(probability: dropout)
    }

    public struct Cache: Sendable {
        /// caches[l][d]
        public var layers: [[LSTMLayer<T>.Cache]]
        /// masks[l]: the dropout mask applied to layer l's output (nil: none was applied).
        public var masks: [Tensor<T>?]
        /// The fast kernel's cache when it ran (`layers` and `masks` are empty then).
        public var fast: FastLSTMCache<T>?
        /// The padded length T and the batch size B of the input.
        public var timeSteps: Int
        public var batchSize: Int

        public init(layers: [[LSTMLayer<T>.Cache]], masks: [Tensor<T>?]) {
            self.layers = layers
            self.masks = masks
            timeSteps = layers.first?.first?.layout.timeSteps ?? 0
            batchSize = layers.first?.first?.layout.batchSize ?? 0
        }
    }

    /// Initial or final h and c of every layer and direction, as nn.LSTM passes them: h, c
    /// [L·D, B, H] each, row l·D + d for layer l, direction d.
    public typealias StackedState = (h: Tensor<T>, c: Tensor<T>)

    /// x: [T, B, E], lengths: B values in 1...T, initial: (h0, c0) [L·D, B, H] each (zeros if
    /// nil) -> output of the last layer [T, B, D·H] (zero at padded steps), final (h_n, c_n)
    /// [L·D, B, H] each, and the cache. `rng` draws the dropout masks.
    public func forward(_ x: Tensor<T>, lengths: [Int], initial: StackedState? = nil, training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "LSTM.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1], "LSTM.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        if let initial {
            let shape = [numLayers * directions, x.shape[1], hiddenSize]
            precondition(initial.h.shape == shape && initial.c.shape == shape,
                         "LSTM.forward: initial h and c must be \(shape), got \(initial.h.shape) and \(initial.c.shape)")
        }
        if kernel == .fast {
            return fastForward(x, lengths: lengths, initial: initial, training: training, rng: &rng)
        }
        return forwardStack(x, lengths: lengths, initial: initial, training: training, rng: &rng)
    }

    /// forward on your layers: layer after layer, direction after direction.
    public func forwardStack(_ x: Tensor<T>, lengths: [Int], initial: StackedState?, training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        unimplemented("LSTM.forward", lesson: 4, see: "section 5")
    }

    /// dOutput = ∂L/∂output [T, B, D·H], dFinalH = ∂L/∂h_n and dFinalC = ∂L/∂c_n [L·D, B, H]
    /// (nil: zero) -> dx [T, B, E], dInitial = ∂L/∂(h0, c0) [L·D, B, H] each, and the gradients
    /// of every parameter, grads[l][d].
    public func backward(dOutput: Tensor<T>, dFinalH: Tensor<T>?, dFinalC: Tensor<T>? = nil, cache: Cache)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMParameters<T>]]) {
        let (b, h) = (cache.batchSize, hiddenSize)
        precondition(dOutput.shape == [cache.timeSteps, b, directions * h],
                     "LSTM.backward: dOutput must be [\(cache.timeSteps), \(b), \(directions * h)], got \(dOutput.shape)")
        let stateShape = [numLayers * directions, b, h]
        for (name, given) in [("dFinalH", dFinalH), ("dFinalC", dFinalC)] {
            if let given {
                precondition(given.shape == stateShape, "LSTM.backward: \(name) must be \(stateShape), got \(given.shape)")
            }
        }
        // One of the two may be nil: it is zero then.
        let dFinal: StackedState? = dFinalH == nil && dFinalC == nil
            ? nil : (dFinalH ?? .zeros(stateShape), dFinalC ?? .zeros(stateShape))
        if let fast = cache.fast {
            return fastBackward(dOutput: dOutput, dFinal: dFinal, cache: fast)
        }
        return backwardStack(dOutput: dOutput, dFinal: dFinal, cache: cache)
    }

    /// backward on your layers, for a cache made by forwardStack. dFinal = ∂L/∂(h_n, c_n) [L·D, B, H] each
    /// (nil: zero).
    public func backwardStack(dOutput: Tensor<T>, dFinal: StackedState?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMParameters<T>]]) {
        unimplemented("LSTM.backward", lesson: 4, see: "section 5")
    }
}

/// Row `index` of stacked states: h, c [R, B, H] each -> LSTMState [B, H]. For nn.LSTM's h0, c0,
/// h_n and c_n, row l·D + d belongs to layer l, direction d.
public func stateRow<T: TensorScalar>(_ stacked: (h: Tensor<T>, c: Tensor<T>), _ index: Int) -> LSTMState<T> {
    precondition(stacked.h.rank == 3 && stacked.h.shape == stacked.c.shape && (0..<stacked.h.shape[0]).contains(index),
                 "stateRow: no row \(index) in h \(stacked.h.shape) and c \(stacked.c.shape)")
    let size = stacked.h.shape[1] * stacked.h.shape[2], rows = (index * size)..<((index + 1) * size)
    let shape = Array(stacked.h.shape.dropFirst())
    return LSTMState(h: Tensor(shape: shape, scalars: Array(stacked.h.scalars[rows])),
                     c: Tensor(shape: shape, scalars: Array(stacked.c.scalars[rows])))
}

/// The inverse: states [B, H], one per row, in row order -> h, c [R, B, H] each.
public func stackStates<T: TensorScalar>(_ states: [LSTMState<T>]) -> (h: Tensor<T>, c: Tensor<T>) {
    precondition(!states.isEmpty && states.allSatisfy { $0.h.shape == states[0].h.shape },
                 "stackStates: no states, or states of different shapes")
    let shape = [states.count] + states[0].h.shape
    return (Tensor(shape: shape, scalars: states.flatMap(\.h.scalars)), Tensor(shape: shape, scalars: states.flatMap(\.c.scalars)))
}
