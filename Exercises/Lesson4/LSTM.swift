// Your copy of Solutions/Lesson4/LSTM.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4, section 5: nn.LSTM, layers stacked, optionally bidirectional, with dropout between
// layers.
//
// Shapes: T, B, E, H as in LSTMLayer; L layers, D directions (2 if bidirectional, else 1).
//
//     input of layer 0        x                                     [T, B, E]
//     input of layer l > 0    dropout(output of layer l - 1)        [T, B, D·H]  (training only)
//     output of layer l       [forward output | reverse output]     [T, B, D·H]
//     final h, c              row l·D + d: layer l, direction d     [L·D, B, H]  (PyTorch's h_n, c_n)
//
// The reverse direction starts at each sequence's own last real token (PackedLayout). The two
// directions of a layer do not depend on each other, so they run on two threads at once; a
// one-directional LSTM splits its batch over two threads instead (BatchShards.swift, section 9).
// Backward goes from the top layer down; a layer's input gradient is the sum of its two
// directions' dx, which dropout's mask then carries to the layer below.

import Dispatch
import Lesson3
import TensorCore

public struct LSTM<T: TensorScalar>: Sendable {
    /// layers[l][d]: layer l, direction d (0 forward, 1 reverse).
    public var layers: [[LSTMLayer<T>]]
    /// Dropout on the outputs of every layer except the last, in training.
    public var dropout: Dropout<T>
    /// A one-directional LSTM splits its batch into this many groups of sequences and runs them
    /// on as many threads (section 9); the numbers are the same as with 1. Bidirectional layers
    /// already run their two directions on two threads and do not split.
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
        /// When the batch was split (section 9): one cache per group, and each group's batch
        /// indices. Empty otherwise.
        public var shards: [Cache] = []
        public var shardBatches: [[Int]] = []
        /// The padded length T and the batch size B of the input.
        public var timeSteps: Int
        public var batchSize: Int

        public init(layers: [[LSTMLayer<T>.Cache]], masks: [Tensor<T>?]) {
            self.layers = layers
            self.masks = masks
            timeSteps = layers.first?.first?.layout.timeSteps ?? 0
            batchSize = layers.first?.first?.layout.batchSize ?? 0
        }

        public init(shards: [Cache], shardBatches: [[Int]], timeSteps: Int, batchSize: Int) {
            self.layers = []
            self.masks = []
            self.shards = shards
            self.shardBatches = shardBatches
            self.timeSteps = timeSteps
            self.batchSize = batchSize
        }
    }

    // @_specialize: Float and Double versions are compiled here, so even a generic caller (a
    // closure run on another thread) reaches specialised code, never protocol witnesses in the
    // time loop.
    /// x: [T, B, E], lengths: B values in 1...T -> output of the last layer [T, B, D·H] (zero at
    /// padded steps), final h and c [L·D, B, H], and the cache. `rng` draws the dropout masks.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ x: Tensor<T>, lengths: [Int], training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: (h: Tensor<T>, c: Tensor<T>), cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "LSTM.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1], "LSTM.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        let groups = directions == 1 ? min(batchShards, lengths.count) : 1
        if groups > 1 {
            return forwardSharded(x, lengths: lengths, groups: groups, training: training, rng: &rng)
        }
        return forwardStack(x, lengths: lengths, training: training, rng: &rng)
    }

    /// forward for the whole batch at once: layer after layer, both directions of a layer on two
    /// threads.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forwardStack(_ x: Tensor<T>, lengths: [Int], training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: (h: Tensor<T>, c: Tensor<T>), cache: Cache) {
        unimplemented("LSTM.forward", lesson: 4, see: "section 5")
    }

    /// dOutput = ∂L/∂output [T, B, D·H], dFinalH = ∂L/∂h_n [L·D, B, H] (nil: zero)
    /// -> dx [T, B, E] and the gradients of every parameter, grads[l][d].
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(dOutput: Tensor<T>, dFinalH: Tensor<T>?, cache: Cache)
        -> (dx: Tensor<T>, grads: [[LSTMParameters<T>]]) {
        let (b, h) = (cache.batchSize, hiddenSize)
        precondition(dOutput.shape == [cache.timeSteps, b, directions * h],
                     "LSTM.backward: dOutput must be [\(cache.timeSteps), \(b), \(directions * h)], got \(dOutput.shape)")
        if let dFinalH {
            precondition(dFinalH.shape == [numLayers * directions, b, h],
                         "LSTM.backward: dFinalH must be [\(numLayers * directions), \(b), \(h)], got \(dFinalH.shape)")
        }
        if !cache.shards.isEmpty {
            return backwardSharded(dOutput: dOutput, dFinalH: dFinalH, cache: cache)
        }
        return backwardStack(dOutput: dOutput, dFinalH: dFinalH, cache: cache)
    }

    /// backward for a cache made by forwardStack.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backwardStack(dOutput: Tensor<T>, dFinalH: Tensor<T>?, cache: Cache)
        -> (dx: Tensor<T>, grads: [[LSTMParameters<T>]]) {
        unimplemented("LSTM.backward", lesson: 4, see: "section 5")
    }
}

/// [T, B, F_1], [T, B, F_2], ... -> [T, B, F_1 + F_2 + ...], side by side along the last axis.
/// Large tensors are copied by two threads, each taking half of the rows.
public func concatenateLastAxis<T: TensorScalar>(_ parts: [Tensor<T>]) -> Tensor<T> {
    precondition(!parts.isEmpty, "concatenateLastAxis: no tensors")
    let outer = parts[0].shape.dropLast()
    precondition(parts.allSatisfy { $0.shape.dropLast() == outer },
                 "concatenateLastAxis: leading shapes differ: \(parts.map(\.shape))")
    let widths = parts.map { $0.shape[$0.rank - 1] }
    let total = widths.reduce(0, +), rows = outer.reduce(1, *)
    var out = Tensor<T>(shape: Array(outer) + [total])
    out.withUnsafeMutableBufferPointer { dst in
        guard let base = dst.baseAddress else { return }
        let chunks = rows * total >= 1 << 20 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let rowRange = (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
            var column = 0
            for (part, width) in zip(parts, widths) {
                part.withUnsafeBufferPointer { src in
                    guard let from = src.baseAddress else { return }
                    for r in rowRange { (base + r * total + column).update(from: from + r * width, count: width) }
                }
                column += width
            }
        }
    }
    return out
}

/// Part `part` of `parts` equal parts of the last axis: [T, B, P·F] -> [T, B, F].
public func lastAxisPart<T: TensorScalar>(_ x: Tensor<T>, part: Int, of parts: Int) -> Tensor<T> {
    let total = x.shape[x.rank - 1]
    precondition(parts > 0 && total % parts == 0 && (0..<parts).contains(part),
                 "lastAxisPart: \(x.shape) has no part \(part) of \(parts) equal parts")
    let width = total / parts, rows = x.count / max(total, 1)
    var out = Tensor<T>(shape: Array(x.shape.dropLast()) + [width])
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let from = src.baseAddress, let to = dst.baseAddress else { return }
            for r in 0..<rows { (to + r * width).update(from: from + r * total + part * width, count: width) }
        }
    }
    return out
}
