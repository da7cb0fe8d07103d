// Your copy of Solutions/Lesson5/CellStack.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 5.1 (provided): nn.GRU and nn.RNN(nonlinearity: "tanh") over packed
// variable-length batches, built from the student's own Lesson 3 cells.
//
// Shapes as in Lesson 4's LSTM: T padded steps, B batch, E input size, H hidden size,
// L layers, D directions, N = Σ L_b real tokens.
//
//     CellLayer (one direction of one layer), on the packed layout (PackedLayout, Lesson 4):
//         X = pack(x) [N, E]
//         for k in 0 ..< max L:   rows offsets[k] ..< offsets[k] + b_k
//             h_k[0..<b_k] = cell(X[rows], h_{k-1}[0..<b_k])          GRUCell or RNNCell, [b_k, H]
//         output = unpack(h) [T, B, H] (zero at padding), final h at each sequence's last step
//     backward, k from max L - 1 down to 0:
//         dh_k = dOutput[rows] + dh carried from step k + 1 (+ dh_n at a sequence's last step)
//         (dX[rows], dh carried, grads_k) = cell.backward(dh_k);  grads = Σ_k grads_k
//     CellStack: layers over layers, dropout between them (Lesson 4's Dropout), the reverse
//     direction reading each sequence from its own last real token, h_n [L·D, B, H] with row
//     l·D + d for layer l, direction d: what nn.GRU / nn.RNN return for a PackedSequence.
//
// Speed: the cells take x and h and do both products themselves, so the input projection is one
// small GEMM per step rather than one for all steps as in LSTMLayer; the two directions of a
// layer run on two threads. An IMDB ablation run (5,000 reviews, T ≤ 200, BiGRU H64) takes
// minutes.

import Lesson3
import Lesson4
import TensorCore

/// A Lesson 3 cell a CellStack can run: one step forward with a cache, one step backward.
public protocol StackableCell: Sendable {
    associatedtype Scalar: TensorScalar
    associatedtype Parameters: RecurrentParameters where Parameters.Scalar == Scalar
    associatedtype Cache: Sendable

    var parameters: Parameters { get set }
    init(parameters: Parameters)
    /// x: [B, E], h: [B, H] -> h' [B, H]
    func forward(_ x: Tensor<Scalar>, h: Tensor<Scalar>) -> (h: Tensor<Scalar>, cache: Cache)
    /// dh = ∂L/∂h' [B, H] -> dx [B, E], dh for the previous step [B, H], the step's gradients.
    func backward(dh: Tensor<Scalar>, cache: Cache) -> (dx: Tensor<Scalar>, dh: Tensor<Scalar>, grads: Parameters)
}

extension GRUCell: StackableCell {
    public typealias Scalar = T
}

extension RNNCell: StackableCell {
    public typealias Scalar = T
}

/// One direction of one nn.GRU / nn.RNN layer over a packed batch.
public struct CellLayer<Cell: StackableCell>: Sendable {
    public typealias T = Cell.Scalar
    public var cell: Cell
    /// Reads each sequence from its last real token back to its first.
    public var reverse: Bool

    public var inputSize: Int { cell.parameters.inputSize }
    public var hiddenSize: Int { cell.parameters.hiddenSize }

    public init(cell: Cell, reverse: Bool = false) {
        self.cell = cell
        self.reverse = reverse
    }

    public struct Cache: Sendable {
        public var layout: PackedLayout
        /// The cell's cache of every step k.
        public var steps: [Cell.Cache]
        /// E
        public var inputSize: Int
    }

    /// x: [T, B, E], lengths: B values in 1...T -> output [T, B, H] (zero at padded steps),
    /// final h [B, H] at each sequence's last real step, and the cache.
    @_specialize(where Cell == GRUCell<Float>)
    @_specialize(where Cell == GRUCell<Double>)
    @_specialize(where Cell == RNNCell<Float>)
    @_specialize(where Cell == RNNCell<Double>)
    public func forward(_ x: Tensor<T>, lengths: [Int]) -> (output: Tensor<T>, final: Tensor<T>, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "CellLayer.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1], "CellLayer.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        let layout = PackedLayout(lengths: lengths, timeSteps: x.shape[0], reverse: reverse)
        let (e, hs) = (inputSize, hiddenSize)
        let packedX = layout.gather(x)                                   // [N, E]
        var h = Tensor<T>(shape: [layout.realTokens, hs])                // h_k of every packed row
        var state = Tensor<T>(shape: [layout.batchSize, hs])             // h_{k-1}, sorted rows
        var caches: [Cell.Cache] = []
        caches.reserveCapacity(layout.steps)
        for k in 0..<layout.steps {
            let b = layout.batchSizes[k], row = layout.offsets[k]
            // The running sequences are a prefix of those that ran at step k - 1.
            let (next, cache) = cell.forward(copyRows(packedX, from: row, count: b, width: e),
                                             h: copyRows(state, from: 0, count: b, width: hs))
            writeRows(next, into: &h, at: row)
            state = next
            caches.append(cache)
        }
        var final = Tensor<T>(shape: [layout.batchSize, hs])
        for j in 0..<layout.batchSize {
            let from = layout.lastRow(sequence: j) * hs, to = layout.order[j] * hs
            for u in 0..<hs { final.scalars[to + u] = h.scalars[from + u] }
        }
        return (layout.scatter(h), final, Cache(layout: layout, steps: caches, inputSize: e))
    }

    /// dOutput = ∂L/∂output [T, B, H], dFinal = ∂L/∂(final h) [B, H] (nil: zero) -> dx [T, B, E]
    /// (zero at padded steps) and the parameters' gradients summed over every real step.
    @_specialize(where Cell == GRUCell<Float>)
    @_specialize(where Cell == GRUCell<Double>)
    @_specialize(where Cell == RNNCell<Float>)
    @_specialize(where Cell == RNNCell<Double>)
    public func backward(dOutput: Tensor<T>, dFinal: Tensor<T>?, cache: Cache) -> (dx: Tensor<T>, grads: Cell.Parameters) {
        let layout = cache.layout
        let (e, hs) = (cache.inputSize, hiddenSize)
        precondition(dOutput.shape == [layout.timeSteps, layout.batchSize, hs],
                     "CellLayer.backward: dOutput must be [\(layout.timeSteps), \(layout.batchSize), \(hs)], got \(dOutput.shape)")
        var dh = layout.gather(dOutput)                                  // [N, H]
        if let dFinal {
            precondition(dFinal.shape == [layout.batchSize, hs], "CellLayer.backward: dFinal must be [\(layout.batchSize), \(hs)], got \(dFinal.shape)")
            // The final state is h at each sequence's own last step: its gradient joins there.
            let sorted = layout.sortRows(dFinal)
            for j in 0..<layout.batchSize {
                let row = layout.lastRow(sequence: j) * hs
                for u in 0..<hs { dh.scalars[row + u] += sorted.scalars[j * hs + u] }
            }
        }
        var dx = Tensor<T>(shape: [layout.realTokens, e])
        // Sorted rows; rows of sequences that have not started yet (going backwards) stay zero.
        var carry = Tensor<T>(shape: [layout.batchSize, hs])
        var grads = Cell.Parameters.zeros(inputSize: e, hiddenSize: hs)
        for k in stride(from: layout.steps - 1, through: 0, by: -1) {
            let b = layout.batchSizes[k], row = layout.offsets[k]
            var dhk = copyRows(dh, from: row, count: b, width: hs)
            dhk += copyRows(carry, from: 0, count: b, width: hs)
            let step = cell.backward(dh: dhk, cache: cache.steps[k])
            writeRows(step.dx, into: &dx, at: row)
            writeRows(step.dh, into: &carry, at: 0)
            grads.add(step.grads, scaledBy: 1)
        }
        return (layout.scatter(dx), grads)
    }
}

/// nn.GRU / nn.RNN: layers stacked, optionally bidirectional, dropout between layers.
public struct CellStack<Cell: StackableCell>: Sendable {
    public typealias T = Cell.Scalar
    /// layers[l][d]: layer l, direction d (0 forward, 1 reverse).
    public var layers: [[CellLayer<Cell>]]
    /// Dropout on the outputs of every layer except the last, in training.
    public var dropout: Dropout<T>

    /// L
    public var numLayers: Int { layers.count }
    /// D
    public var directions: Int { layers[0].count }
    /// H
    public var hiddenSize: Int { layers[0][0].hiddenSize }
    /// E
    public var inputSize: Int { layers[0][0].inputSize }

    /// Initialised as nn.GRU / nn.RNN(inputSize, hiddenSize, numLayers, bidirectional, dropout)
    /// is: every tensor uniform in ±1/sqrt(H), drawn in PyTorch's parameter order.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false,
                dropout: Double = 0, rng: inout SeededRNG) {
        precondition(numLayers >= 1, "CellStack: numLayers must be at least 1, got \(numLayers)")
        let d = bidirectional ? 2 : 1
        var layers: [[CellLayer<Cell>]] = []
        for l in 0..<numLayers {
            let input = l == 0 ? inputSize : d * hiddenSize
            layers.append((0..<d).map { dir in
                CellLayer(cell: Cell(parameters: Cell.Parameters(inputSize: input, hiddenSize: hiddenSize, rng: &rng)),
                          reverse: dir == 1)
            })
        }
        self.init(layers: layers, dropout: dropout)
    }

    /// Given layers ([layer][direction], the second direction reversed), e.g. from a fixture.
    public init(layers: [[CellLayer<Cell>]], dropout: Double = 0) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.count == layers[0].count } && (1...2).contains(layers[0].count),
                     "CellStack: layers must be [L][D] with D = 1 or 2 directions in every layer")
        self.layers = layers
        self.dropout = Dropout(probability: dropout)
    }

    public struct Cache: Sendable {
        /// caches[l][d]
        public var layers: [[CellLayer<Cell>.Cache]]
        /// masks[l]: the dropout mask applied to layer l's output (nil: none).
        public var masks: [Tensor<T>?]
        public var timeSteps: Int
        public var batchSize: Int
    }

    /// x: [T, B, E], lengths: B values in 1...T -> output of the last layer [T, B, D·H] (zero at
    /// padded steps), h_n [L·D, B, H], and the cache. `rng` draws the dropout masks.
    public func forward(_ x: Tensor<T>, lengths: [Int], training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, finalH: Tensor<T>, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "CellStack.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1], "CellStack.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        var input = x
        var finals: [Tensor<T>] = []
        var caches: [[CellLayer<Cell>.Cache]] = [], masks: [Tensor<T>?] = []
        for (l, layer) in layers.enumerated() {
            let layerInput = input
            // The directions do not depend on each other: one thread each.
            let results = Parallel.map(layer.count) { d in layer[d].forward(layerInput, lengths: lengths) }
            var output = results.count == 1 ? results[0].output : concatenateLastAxis(results.map(\.output))
            finals += results.map(\.final)
            caches.append(results.map(\.cache))
            if l < layers.count - 1 {
                let dropped = dropout.forward(output, training: training, rng: &rng)
                output = dropped.y
                masks.append(dropped.mask)
            } else {
                masks.append(nil)
            }
            input = output
        }
        let finalH = Tensor(shape: [finals.count, x.shape[1], hiddenSize], scalars: finals.flatMap(\.scalars))
        return (input, finalH, Cache(layers: caches, masks: masks, timeSteps: x.shape[0], batchSize: x.shape[1]))
    }

    /// dOutput = ∂L/∂output [T, B, D·H], dFinalH = ∂L/∂h_n [L·D, B, H] (nil: zero)
    /// -> dx [T, B, E] and the gradients of every parameter, grads[l][d].
    public func backward(dOutput: Tensor<T>, dFinalH: Tensor<T>?, cache: Cache) -> (dx: Tensor<T>, grads: [[Cell.Parameters]]) {
        let (b, h) = (cache.batchSize, hiddenSize)
        precondition(dOutput.shape == [cache.timeSteps, b, directions * h],
                     "CellStack.backward: dOutput must be [\(cache.timeSteps), \(b), \(directions * h)], got \(dOutput.shape)")
        if let dFinalH {
            precondition(dFinalH.shape == [numLayers * directions, b, h],
                         "CellStack.backward: dFinalH must be [\(numLayers * directions), \(b), \(h)], got \(dFinalH.shape)")
        }
        var grads = [[Cell.Parameters]](repeating: [], count: numLayers)
        var dUpper = dOutput
        for l in stride(from: numLayers - 1, through: 0, by: -1) {
            let layer = layers[l]
            let dOut = dropout.backward(dUpper, mask: cache.masks[l])
            let results = Parallel.map(layer.count) { d in
                let part = layer.count == 1 ? dOut : lastAxisPart(dOut, part: d, of: layer.count)
                let index = l * layer.count + d
                let dFinal = dFinalH.map { Tensor(shape: [b, h], scalars: Array($0.scalars[(index * b * h)..<((index + 1) * b * h)])) }
                return layer[d].backward(dOutput: part, dFinal: dFinal, cache: cache.layers[l][d])
            }
            grads[l] = results.map(\.grads)
            var dx = results[0].dx
            for r in results.dropFirst() { dx += r.dx }
            dUpper = dx
        }
        return (dUpper, grads)
    }
}

/// Rows from ..< from + count of a [R, width] matrix, as a [count, width] tensor.
func copyRows<T: TensorScalar>(_ m: Tensor<T>, from: Int, count: Int, width: Int) -> Tensor<T> {
    Tensor(shape: [count, width], scalars: Array(m.scalars[(from * width)..<((from + count) * width)]))
}

/// Writes rows [count, width] into m starting at row `at`.
func writeRows<T: TensorScalar>(_ rows: Tensor<T>, into m: inout Tensor<T>, at: Int) {
    let width = rows.shape[1]
    m.scalars.replaceSubrange((at * width)..<(at * width + rows.count), with: rows.scalars)
}
