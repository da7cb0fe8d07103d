// nn.LSTM's stack (layers, optionally bidirectional, dropout between layers) on the fused layer,
// on several cores.
//
// Shapes: T, B, E, H as in FusedLSTMLayer; L layers, D directions; the states h0, c0, h_n, c_n
// are [L·D, B, H], row l·D + d for layer l, direction d, as nn.LSTM passes them.
//
// Threads: the two directions of a layer do not depend on each other, so they run on two
// threads at once. A one-directional stack splits its batch instead: the steps of one sequence
// are sequential, and a [b_k, H]·[H, 4H] product per step is too small for OpenBLAS to split
// well over two cores, but different sequences never interact. Each group of sequences runs the
// whole stack (forward, and later backward) on its own thread with single-threaded OpenBLAS, and
// the weight gradients are summed. The groups take the sequences alternately in order of length,
// so each gets about half the real tokens. The numbers are the same as for the whole batch (up
// to the order of the gradient sums).
//
// Dropout draws its masks as Lesson 4's Dropout does (keep with probability 1 - p, scale kept
// entries by 1/(1-p)); with groups, each group draws from its own generator seeded from `rng`.

import TensorCore

public struct FusedLSTMStack<T: TensorScalar>: Sendable {
    /// layers[l][d]: layer l, direction d (0 forward, 1 reverse).
    public var layers: [[FusedLSTMLayer<T>]]
    /// p, the probability of dropping an element of every layer's output but the last, in training.
    public var dropout: Double
    /// A one-directional stack splits its batch into this many groups, one thread each.
    public var batchShards: Int

    public init(layers: [[FusedLSTMLayer<T>]], dropout: Double = 0, batchShards: Int = min(Parallel.coreCount, 2)) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.count == layers[0].count } && (1...2).contains(layers[0].count),
                     "FusedLSTMStack: layers must be [L][D] with D = 1 or 2 directions in every layer")
        precondition(dropout >= 0 && dropout < 1, "FusedLSTMStack: dropout must be in [0, 1), got \(dropout)")
        self.layers = layers
        self.dropout = dropout
        self.batchShards = batchShards
    }

    /// L
    public var numLayers: Int { layers.count }
    /// D
    public var directions: Int { layers[0].count }
    /// H
    public var hiddenSize: Int { layers[0][0].hiddenSize }
    /// E
    public var inputSize: Int { layers[0][0].inputSize }

    /// h, c [L·D, B, H] each.
    public typealias StackedState = (h: Tensor<T>, c: Tensor<T>)

    public struct Cache: Sendable {
        /// caches[l][d] (empty when the batch was split).
        public var layers: [[FusedLSTMLayer<T>.Cache]]
        /// masks[l]: the dropout mask applied to layer l's output (nil: none was applied).
        public var masks: [Tensor<T>?]
        /// When the batch was split: one cache per group, and each group's batch indices.
        public var shards: [Cache]
        public var shardBatches: [[Int]]
        /// T and B of the input.
        public var timeSteps: Int
        public var batchSize: Int
    }

    /// x: [T, B, E], lengths: B values in 1...T, initial: (h0, c0) [L·D, B, H] each (nil: zeros)
    /// -> output of the last layer [T, B, D·H] (zero at padded steps), final (h_n, c_n), and the
    /// cache. `rng` draws the dropout masks.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ x: Tensor<T>, lengths: [Int], initial: StackedState? = nil, training: Bool, rng: inout SeededRNG)
        -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "FusedLSTMStack.forward: x must be [T, B, \(inputSize)], got \(x.shape)")
        precondition(lengths.count == x.shape[1],
                     "FusedLSTMStack.forward: \(lengths.count) lengths for a batch of \(x.shape[1]) (x \(x.shape))")
        if let initial {
            let shape = [numLayers * directions, x.shape[1], hiddenSize]
            precondition(initial.h.shape == shape && initial.c.shape == shape,
                         "FusedLSTMStack.forward: initial h and c must be \(shape), got \(initial.h.shape) and \(initial.c.shape)")
        }
        let groups = directions == 1 ? min(batchShards, lengths.count) : 1
        if groups > 1 {
            return forwardSharded(x, lengths: lengths, initial: initial, groups: groups, training: training, rng: &rng)
        }
        return forwardStack(x, lengths: lengths, initial: initial, training: training, rng: &rng)
    }

    /// dOutput = ∂L/∂output [T, B, D·H], dFinal = ∂L/∂(h_n, c_n) [L·D, B, H] each (nil: zero)
    /// -> dx [T, B, E], dInitial = ∂L/∂(h0, c0), and grads[l][d].
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(dOutput: Tensor<T>, dFinal: StackedState?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMWeights<T>]]) {
        precondition(dOutput.shape == [cache.timeSteps, cache.batchSize, directions * hiddenSize],
                     "FusedLSTMStack.backward: dOutput must be [\(cache.timeSteps), \(cache.batchSize), \(directions * hiddenSize)], got \(dOutput.shape)")
        if let dFinal {
            let shape = [numLayers * directions, cache.batchSize, hiddenSize]
            precondition(dFinal.h.shape == shape && dFinal.c.shape == shape,
                         "FusedLSTMStack.backward: dFinal h and c must be \(shape), got \(dFinal.h.shape) and \(dFinal.c.shape)")
        }
        if !cache.shards.isEmpty {
            return backwardSharded(dOutput: dOutput, dFinal: dFinal, cache: cache)
        }
        return backwardStack(dOutput: dOutput, dFinal: dFinal, cache: cache)
    }

    /// The whole batch at once: layer after layer, both directions of a layer on two threads.
    /// With `group`, the stack runs on that group's sequences only (`lengths` and `initial` are
    /// theirs, in member order): its first layer reads them from the whole batch's x in place,
    /// and its last layer writes their output into the whole batch's [T, B, D·H] at `destination`
    /// (and returns an empty output).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forwardStack(_ x: Tensor<T>, lengths: [Int], initial: StackedState?, training: Bool, rng: inout SeededRNG,
                      group: BatchGroup? = nil, into destination: UnsafeMutablePointer<T>? = nil)
        -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        var input = x
        var finalH: [Tensor<T>] = [], finalC: [Tensor<T>] = []
        var caches: [[FusedLSTMLayer<T>.Cache]] = [], masks: [Tensor<T>?] = []
        let (t, b, hs) = (x.shape[0], lengths.count, hiddenSize)
        for (l, layer) in layers.enumerated() {
            let layerInput = input
            let (readGroup, writeGroup) = (l == 0 ? group : nil, l == layers.count - 1 ? group : nil)
            // Each direction scatters its packed h straight into its half of the output [T, B, D·H],
            // on its own thread; the padded positions, the same for both, are zeroed after.
            let width = layer.count * hs
            var output = Tensor<T>.uninitialized(writeGroup == nil ? [t, b, width] : [0])
            let results = output.withUnsafeMutableBufferPointer { outputBuf in
                let to = writeGroup == nil ? outputBuf.baseAddress : destination
                let results = Parallel.map(layer.count) { d in
                    let r = layer[d].forwardPacked(layerInput, lengths: lengths, within: readGroup,
                                                   initial: initial.map { stateRow($0, l * layer.count + d) })
                    r.cache.packing.addressing(writeGroup).scatter(r.cache.h, into: to, width: width, column: d * hs)
                    return r
                }
                results[0].cache.packing.addressing(writeGroup).zeroPadding(to, width: width)
                return results
            }
            finalH += results.map(\.final.h)
            finalC += results.map(\.final.c)
            caches.append(results.map(\.cache))
            if l < layers.count - 1 && training && dropout > 0 {
                let mask = dropoutMask(shape: output.shape, rng: &rng)
                output = output * mask
                masks.append(mask)
            } else {
                masks.append(nil)
            }
            input = output
        }
        let cache = Cache(layers: caches, masks: masks, shards: [], shardBatches: [], timeSteps: t, batchSize: b)
        return (input, (stack(finalH), stack(finalC)), cache)
    }

    /// backward for forwardStack's cache. With `group`, dOutput is the whole batch's (read in
    /// place at the group's columns), and the group's dx goes into the whole batch's [T, B, E]
    /// at `destination` (an empty dx is returned).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardStack(dOutput: Tensor<T>, dFinal: StackedState?, cache: Cache, group: BatchGroup? = nil,
                       into destination: UnsafeMutablePointer<T>? = nil)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMWeights<T>]]) {
        var grads = [[LSTMWeights<T>]](repeating: [], count: numLayers)
        var dInitialH: [[Tensor<T>]] = .init(repeating: [], count: numLayers), dInitialC = dInitialH
        var dUpper = dOutput
        let hs = hiddenSize
        for l in stride(from: numLayers - 1, through: 0, by: -1) {
            let layer = layers[l]
            let (readGroup, writeGroup) = (l == numLayers - 1 ? group : nil, l == 0 ? group : nil)
            let dOut = cache.masks[l].map { dUpper * $0 } ?? dUpper
            let results = Parallel.map(layer.count) { d in
                // Each direction reads its own half of dOut in place, on its own thread.
                let layerCache = cache.layers[l][d]
                let dh = layerCache.packing.addressing(readGroup).gather(dOut, columns: (d * hs)..<((d + 1) * hs))
                return layer[d].backwardPacked(dh: dh, dFinal: dFinal.map { stateRow($0, l * layer.count + d) }, cache: layerCache)
            }
            grads[l] = results.map(\.grads)
            dInitialH[l] = results.map(\.dInitial.h)
            dInitialC[l] = results.map(\.dInitial.c)
            if let writeGroup {
                // Groups run one-directional stacks: one dx, written into the group's columns.
                let packing = cache.layers[l][0].packing.addressing(writeGroup)
                packing.scatter(results[0].dx, into: destination, width: layer[0].inputSize, column: 0)
                packing.zeroPadding(destination, width: layer[0].inputSize)
                dUpper = Tensor<T>.uninitialized([0])
            } else {
                // One thread for the sum too (see Parallel.withBLASThreads).
                dUpper = Parallel.withBLASThreads(1) {
                    var dx = cache.layers[l][0].packing.local.scatter(results[0].dx)
                    for d in 1..<results.count { dx += cache.layers[l][d].packing.local.scatter(results[d].dx) }
                    return dx
                }
            }
        }
        return (dUpper, (stack(dInitialH.flatMap { $0 }), stack(dInitialC.flatMap { $0 })), grads)
    }

    /// forward with the batch split into `groups` groups of sequences, one thread each.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forwardSharded(_ x: Tensor<T>, lengths: [Int], initial: StackedState?, groups: Int, training: Bool,
                        rng: inout SeededRNG) -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        let byLength = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        let members = (0..<groups).map { g in stride(from: g, to: byLength.count, by: groups).map { byLength[$0] }.sorted() }
        // Each group draws its dropout masks from its own generator, seeded from `rng`.
        let seeds = (0..<groups).map { _ in rng.next() }
        let (t, b, width, stateRows) = (x.shape[0], x.shape[1], directions * hiddenSize, numLayers * directions)
        // Each group reads its own sequences' columns of x and writes those of the results, on its
        // own thread; together the groups cover every column, so nothing needs zeroing first.
        var output = Tensor<T>.uninitialized([t, b, width])
        var h = Tensor<T>.uninitialized([stateRows, b, hiddenSize]), c = h
        let caches = output.withUnsafeMutableBufferPointer { outputBuf in
            h.withUnsafeMutableBufferPointer { hBuf in
                c.withUnsafeMutableBufferPointer { cBuf in
                    Parallel.map(groups) { g in
                        var groupRNG = SeededRNG(seed: seeds[g])
                        let r = forwardStack(x, lengths: members[g].map { lengths[$0] },
                                             initial: initial.map { (selectBatch($0.h, members[g]), selectBatch($0.c, members[g])) },
                                             training: training, rng: &groupRNG, group: (members[g], b), into: outputBuf.baseAddress)
                        placeBatch(r.final.h, members[g], into: hBuf.baseAddress, a: stateRows, b: b, f: hiddenSize)
                        placeBatch(r.final.c, members[g], into: cBuf.baseAddress, a: stateRows, b: b, f: hiddenSize)
                        return r.cache
                    }
                }
            }
        }
        let cache = Cache(layers: [], masks: [], shards: caches, shardBatches: members, timeSteps: t, batchSize: b)
        return (output, (h, c), cache)
    }

    /// backward for a cache made by forwardSharded: each group on its thread, gradients summed.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardSharded(dOutput: Tensor<T>, dFinal: StackedState?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMWeights<T>]]) {
        let members = cache.shardBatches
        let (t, b, stateRows) = (cache.timeSteps, cache.batchSize, numLayers * directions)
        // As in forwardSharded: each group reads and writes its own columns, together all of them.
        var dx = Tensor<T>.uninitialized([t, b, inputSize])
        var dh0 = Tensor<T>.uninitialized([stateRows, b, hiddenSize]), dc0 = dh0
        let groupGrads = dx.withUnsafeMutableBufferPointer { dxBuf in
            dh0.withUnsafeMutableBufferPointer { dhBuf in
                dc0.withUnsafeMutableBufferPointer { dcBuf in
                    Parallel.map(members.count) { g in
                        let r = backwardStack(dOutput: dOutput,
                                              dFinal: dFinal.map { (selectBatch($0.h, members[g]), selectBatch($0.c, members[g])) },
                                              cache: cache.shards[g], group: (members[g], b), into: dxBuf.baseAddress)
                        placeBatch(r.dInitial.h, members[g], into: dhBuf.baseAddress, a: stateRows, b: b, f: hiddenSize)
                        placeBatch(r.dInitial.c, members[g], into: dcBuf.baseAddress, a: stateRows, b: b, f: hiddenSize)
                        return r.grads
                    }
                }
            }
        }
        var grads = groupGrads[0]
        // One BLAS thread for the sums too: see Parallel.withBLASThreads.
        Parallel.withBLASThreads(1) {
            for other in groupGrads.dropFirst() {
                for l in grads.indices { for d in grads[l].indices { grads[l][d].add(other[l][d]) } }
            }
        }
        return (dx, (dh0, dc0), grads)
    }

    /// Lesson 4's dropout mask: 1/(1-p) where kept (probability 1 - p), 0 where dropped.
    func dropoutMask(shape: [Int], rng: inout SeededRNG) -> Tensor<T> {
        let keep = 1 - dropout
        let scale = T(1 / keep)
        var m = Tensor<T>(shape: shape)
        for i in 0..<m.count where rng.nextUnit() < keep { m.scalars[i] = scale }
        return m
    }
}

/// Row `index` of stacked states [R, B, H] -> (h, c) [B, H] each.
func stateRow<T: TensorScalar>(_ stacked: (h: Tensor<T>, c: Tensor<T>), _ index: Int) -> (h: Tensor<T>, c: Tensor<T>) {
    let size = stacked.h.shape[1] * stacked.h.shape[2], rows = (index * size)..<((index + 1) * size)
    let shape = Array(stacked.h.shape.dropFirst())
    return (Tensor(shape: shape, scalars: Array(stacked.h.scalars[rows])), Tensor(shape: shape, scalars: Array(stacked.c.scalars[rows])))
}

/// [B, H] tensors, one per row, in row order -> [R, B, H].
func stack<T: TensorScalar>(_ rows: [Tensor<T>]) -> Tensor<T> {
    Tensor(shape: [rows.count] + rows[0].shape, scalars: rows.flatMap(\.scalars))
}
