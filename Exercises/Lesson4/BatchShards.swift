// Your copy of Solutions/Lesson4/BatchShards.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4, section 9: a one-directional LSTM on several cores.
//
// The steps of one sequence are sequential, and a [b_k, H]·[H, 4H] product per step is too small
// for OpenBLAS to split well over two cores. Different sequences, though, never interact: the
// batch is split into groups, each group runs the whole stack (forward, and later backward) on
// its own thread with single-threaded OpenBLAS, and the weight gradients are summed. The groups
// take the sequences alternately in order of length, so each gets about half the real tokens.
// The numbers are the same as for the whole batch (up to the order of the gradient sums).

import Lesson3
import TensorCore

extension LSTM {
    // @_specialize: Float and Double versions are compiled here, so even a generic caller (a
    // closure run on another thread) reaches specialised code, never protocol witnesses in the
    // time loop.
    /// forward with the batch split into `groups` groups of sequences, one thread each.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forwardSharded(_ x: Tensor<T>, lengths: [Int], initial: StackedState?, groups: Int, training: Bool,
                               rng: inout SeededRNG) -> (output: Tensor<T>, final: StackedState, cache: Cache) {
        let byLength = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        let members = (0..<groups).map { g in stride(from: g, to: byLength.count, by: groups).map { byLength[$0] }.sorted() }
        // Each group draws its dropout masks from its own generator, seeded from `rng`.
        let seeds = (0..<groups).map { _ in rng.next() }
        let results = Parallel.map(groups) { g in
            var groupRNG = SeededRNG(seed: seeds[g])
            return forwardStack(selectBatch(x, members[g]), lengths: members[g].map { lengths[$0] },
                                initial: initial.map { (selectBatch($0.h, members[g]), selectBatch($0.c, members[g])) },
                                training: training, rng: &groupRNG)
        }
        let (t, b) = (x.shape[0], x.shape[1])
        var output = Tensor<T>(shape: [t, b, directions * hiddenSize])
        var h = Tensor<T>(shape: [numLayers * directions, b, hiddenSize]), c = h
        for (g, r) in results.enumerated() {
            placeBatch(r.output, members[g], into: &output)
            placeBatch(r.final.h, members[g], into: &h)
            placeBatch(r.final.c, members[g], into: &c)
        }
        return (output, (h, c), Cache(shards: results.map(\.cache), shardBatches: members, timeSteps: t, batchSize: b))
    }

    /// backward for a cache made by forwardSharded: each group on its thread, gradients summed.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backwardSharded(dOutput: Tensor<T>, dFinal: StackedState?, cache: Cache)
        -> (dx: Tensor<T>, dInitial: StackedState, grads: [[LSTMParameters<T>]]) {
        let members = cache.shardBatches
        let results = Parallel.map(members.count) { g in
            backwardStack(dOutput: selectBatch(dOutput, members[g]),
                          dFinal: dFinal.map { (selectBatch($0.h, members[g]), selectBatch($0.c, members[g])) },
                          cache: cache.shards[g])
        }
        var dx = Tensor<T>(shape: [cache.timeSteps, cache.batchSize, inputSize])
        var dh0 = Tensor<T>(shape: [numLayers * directions, cache.batchSize, hiddenSize]), dc0 = dh0
        var grads = results[0].grads
        // One BLAS thread for the sums too: see Parallel.withBLASThreads.
        Parallel.withBLASThreads(1) {
            for (g, r) in results.enumerated() {
                placeBatch(r.dx, members[g], into: &dx)
                placeBatch(r.dInitial.h, members[g], into: &dh0)
                placeBatch(r.dInitial.c, members[g], into: &dc0)
                if g > 0 {
                    for l in grads.indices { for d in grads[l].indices { grads[l][d].add(r.grads[l][d], scaledBy: 1) } }
                }
            }
        }
        return (dx, (dh0, dc0), grads)
    }
}

/// Columns `batch` of axis 1: [A, B, F] -> [A, batch.count, F].
public func selectBatch<T: TensorScalar>(_ t: Tensor<T>, _ batch: [Int]) -> Tensor<T> {
    let (a, b, f) = (t.shape[0], t.shape[1], t.shape[2])
    var out = Tensor<T>(shape: [a, batch.count, f])
    t.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for i in 0..<a {
                for (j, column) in batch.enumerated() {
                    for e in 0..<f { dst[(i * batch.count + j) * f + e] = src[(i * b + column) * f + e] }
                }
            }
        }
    }
    return out
}

/// The inverse: writes part [A, batch.count, F] into columns `batch` of axis 1 of t [A, B, F].
public func placeBatch<T: TensorScalar>(_ part: Tensor<T>, _ batch: [Int], into t: inout Tensor<T>) {
    let (a, b, f) = (t.shape[0], t.shape[1], t.shape[2])
    part.withUnsafeBufferPointer { src in
        t.withUnsafeMutableBufferPointer { dst in
            for i in 0..<a {
                for (j, column) in batch.enumerated() {
                    for e in 0..<f { dst[(i * b + column) * f + e] = src[(i * batch.count + j) * f + e] }
                }
            }
        }
    }
}
