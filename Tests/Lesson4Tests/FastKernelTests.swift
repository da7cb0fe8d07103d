// The provided fast kernel (Sources/LSTMKernels) against the readable layer of this lesson, on
// random packed batches: every output and every gradient must agree, in Double and in Float.
// The readable layer is the reference here (it is checked against PyTorch and by centred
// differences in the other tests), so a failure with the other tests passing is the kernel's.

import CourseTesting
import Lesson3
import Lesson4
import LSTMKernels
import TensorCore
import XCTest

final class FastKernelTests: XCTestCase {
    /// Double: the same sums in another order.
    static let double = 1e-10
    /// Float: the fast sigmoid and tanh (~3e-7 relative) and another summation order in the
    /// products, through up to 9 steps and sums over up to 60 rows, on any OpenBLAS kernel.
    static let float = 2e-4

    /// A random batch: T, B, E, H, lengths in 1...T in any order (1 always among them), the
    /// padded steps of x and of the upstream gradient holding values that must be ignored.
    struct Case {
        var t, b, e, h: Int
        var lengths: [Int]
        var x, h0, c0, dOutput, dh: Tensor<Double>
        var dc: Tensor<Double>

        init(rng: inout SeededRNG) {
            let (t, b) = (2 + rng.int(below: 8), 1 + rng.int(below: 6))
            self.init(t: t, b: b, e: 1 + rng.int(below: 5), h: 1 + rng.int(below: 6), rng: &rng)
        }

        /// Given sizes (the first step has all B rows).
        init(t: Int, b: Int, e: Int, h: Int, rng: inout SeededRNG) {
            (self.t, self.b, self.e, self.h) = (t, b, e, h)
            var lengths = [Int]()
            for _ in 0..<b { lengths.append(1 + rng.int(below: t)) }
            lengths[rng.int(below: b)] = 1
            self.lengths = lengths
            x = .normal([t, b, e], rng: &rng)
            h0 = .normal([b, h], rng: &rng)
            c0 = .normal([b, h], rng: &rng)
            dOutput = .normal([t, b, h], rng: &rng)
            dh = .normal([b, h], rng: &rng)
            dc = .normal([b, h], rng: &rng)
        }

        var description: String { "T=\(t) B=\(b) E=\(e) H=\(h) lengths \(lengths)" }
    }

    /// One layer, both directions, forward and backward, in scalar type S.
    private func compareLayer<S: TensorScalar>(_ c: Case, reverse: Bool, parameters: LSTMParameters<Double>, as _: S.Type,
                                               tolerance: Double, file: StaticString = #filePath, line: UInt = #line) {
        let tag = "\(S.self) \(reverse ? "reverse" : "forward") \(c.description)"
        let layer = LSTMLayer<S>(parameters: LSTMParameters(parameters), reverse: reverse)
        let fused = layer.fused
        let initial = LSTMState<S>(h: Tensor(c.h0), c: Tensor(c.c0))
        let x = Tensor<S>(c.x)
        let readable = layer.forward(x, lengths: c.lengths, initial: initial)
        let fast = fused.forward(x, lengths: c.lengths, initial: (initial.h, initial.c))
        assertClose(fast.output, readable.output, tolerance: tolerance, "\(tag): output", file: file, line: line)
        assertClose(fast.final.h, readable.final.h, tolerance: tolerance, "\(tag): h_n", file: file, line: line)
        assertClose(fast.final.c, readable.final.c, tolerance: tolerance, "\(tag): c_n", file: file, line: line)

        let dFinal = LSTMState<S>(h: Tensor(c.dh), c: Tensor(c.dc))
        let back = layer.backward(dOutput: Tensor(c.dOutput), dFinal: dFinal, cache: readable.cache)
        let fastBack = fused.backward(dOutput: Tensor(c.dOutput), dFinal: (dFinal.h, dFinal.c), cache: fast.cache)
        assertClose(fastBack.dx, back.dx, tolerance: tolerance, "\(tag): dx", file: file, line: line)
        assertClose(fastBack.dInitial.h, back.dInitial.h, tolerance: tolerance, "\(tag): dh0", file: file, line: line)
        assertClose(fastBack.dInitial.c, back.dInitial.c, tolerance: tolerance, "\(tag): dc0", file: file, line: line)
        assertGradientsClose(LSTMParameters(fastBack.grads), back.grads.converted(), tolerance: tolerance, tag, file: file, line: line)
    }

    func testFastKernelLayer_matchesReadableLayer() {
        var rng = SeededRNG(seed: 41)
        // Random small sizes, then sizes where the kernel cuts its per-step products into tiles
        // (RecurrentProduct.swift): 64 rows (the inner dimension cut too), H and 4H not multiples
        // of 16 or 64, H = 1, one row, and 65 rows (one plain product).
        let sized = [(3, 64, 5, 70), (2, 64, 3, 260), (4, 17, 2, 1), (5, 1, 4, 33), (2, 65, 3, 9), (3, 40, 2, 64)]
        for i in 0..<(12 + sized.count) {
            let c = i < 12 ? Case(rng: &rng) : Case(t: sized[i - 12].0, b: sized[i - 12].1, e: sized[i - 12].2, h: sized[i - 12].3, rng: &rng)
            for reverse in [false, true] {
                let p = LSTMParameters<Double>(inputSize: c.e, hiddenSize: c.h, rng: &rng)
                compareLayer(c, reverse: reverse, parameters: p, as: Double.self, tolerance: Self.double)
                compareLayer(c, reverse: reverse, parameters: p, as: Float.self, tolerance: Self.float)
            }
        }
    }

    /// The whole stack through `LSTM.kernel`: 2 bidirectional layers, and 3 one-directional
    /// layers with the batch split over threads; initial states and gradients at h_n and c_n.
    private func compareStack<S: TensorScalar>(bidirectional: Bool, layers: Int, shards: Int, as _: S.Type, tolerance: Double,
                                               rng: inout SeededRNG) {
        let (t, b, e, h) = (7, 5, 3, 4)
        let d = bidirectional ? 2 : 1
        let lengths = [3, 7, 1, 5, 7]
        var model = LSTM<S>(inputSize: e, hiddenSize: h, numLayers: layers, bidirectional: bidirectional, rng: &rng)
        model.batchShards = shards
        let x = Tensor<S>(Tensor<Double>.normal([t, b, e], rng: &rng))
        let h0 = Tensor<S>(Tensor<Double>.normal([layers * d, b, h], rng: &rng))
        let c0 = Tensor<S>(Tensor<Double>.normal([layers * d, b, h], rng: &rng))
        let gOut = Tensor<S>(Tensor<Double>.normal([t, b, d * h], rng: &rng))
        let gH = Tensor<S>(Tensor<Double>.normal([layers * d, b, h], rng: &rng))
        let gC = Tensor<S>(Tensor<Double>.normal([layers * d, b, h], rng: &rng))
        var results: [(output: Tensor<S>, h: Tensor<S>, c: Tensor<S>, dx: Tensor<S>, dh0: Tensor<S>, dc0: Tensor<S>, grads: [[LSTMParameters<S>]])] = []
        for kernel in [LSTMKernelChoice.readable, .fast] {
            model.kernel = kernel
            var r = SeededRNG(seed: 0)
            let fwd = model.forward(x, lengths: lengths, initial: (h0, c0), training: false, rng: &r)
            let back = model.backward(dOutput: gOut, dFinalH: gH, dFinalC: gC, cache: fwd.cache)
            results.append((fwd.output, fwd.final.h, fwd.final.c, back.dx, back.dInitial.h, back.dInitial.c, back.grads))
        }
        let (readable, fast) = (results[0], results[1])
        let tag = "\(S.self) \(layers) layers\(bidirectional ? ", bidirectional" : ", \(shards) batch groups")"
        assertClose(fast.output, readable.output, tolerance: tolerance, "\(tag): output")
        assertClose(fast.h, readable.h, tolerance: tolerance, "\(tag): h_n")
        assertClose(fast.c, readable.c, tolerance: tolerance, "\(tag): c_n")
        assertClose(fast.dx, readable.dx, tolerance: tolerance, "\(tag): dx")
        assertClose(fast.dh0, readable.dh0, tolerance: tolerance, "\(tag): dh0")
        assertClose(fast.dc0, readable.dc0, tolerance: tolerance, "\(tag): dc0")
        for l in 0..<layers {
            for dir in 0..<d {
                assertGradientsClose(fast.grads[l][dir], readable.grads[l][dir].converted(), tolerance: tolerance,
                                     "\(tag), layer \(l) direction \(dir)")
            }
        }
    }

    func testFastKernelStack_matchesReadableStack() {
        var rng = SeededRNG(seed: 42)
        compareStack(bidirectional: true, layers: 2, shards: 1, as: Double.self, tolerance: Self.double, rng: &rng)
        compareStack(bidirectional: false, layers: 3, shards: 2, as: Double.self, tolerance: Self.double, rng: &rng)
        compareStack(bidirectional: true, layers: 2, shards: 1, as: Float.self, tolerance: Self.float, rng: &rng)
        compareStack(bidirectional: false, layers: 3, shards: 2, as: Float.self, tolerance: Self.float, rng: &rng)
    }

    /// The fixtures' stacks (2 one-directional layers; 3 layers with H = 1, an initial state and
    /// gradients at h_n and c_n), the batch split into 1, 2 and 3 groups on the fast kernel: each
    /// group must get its own sequences' rows of h0, c0 and of the final-state gradients.
    func testFastKernelStack_batchGroups() throws {
        for name in ["lstm_2layer_uni", "lstm_state_uni3_h1"] {
            let f = try loadFixture("lesson4/\(name)")
            var model = try lstm(f)
            let x = try f.tensor("x"), lengths = try f.ints("lengths")
            let initial = f.tensorNames.contains("h0") ? (try f.tensor("h0"), try f.tensor("c0")) : nil
            let dFinalC = f.tensorNames.contains("grad_c_n") ? try f.tensor("grad_c_n") : nil
            func run() throws -> (output: Tensor<Double>, h: Tensor<Double>, c: Tensor<Double>, dx: Tensor<Double>,
                                  dh0: Tensor<Double>, dc0: Tensor<Double>, grads: [[LSTMParameters<Double>]]) {
                var rng = SeededRNG(seed: 0)
                let r = model.forward(x, lengths: lengths, initial: initial, training: false, rng: &rng)
                let back = model.backward(dOutput: try f.tensor("grad_output"), dFinalH: try f.tensor("grad_h_n"), dFinalC: dFinalC,
                                          cache: r.cache)
                return (r.output, r.final.h, r.final.c, back.dx, back.dInitial.h, back.dInitial.c, back.grads)
            }
            let readable = try run()
            model.kernel = .fast
            for groups in [1, 2, 3] {
                model.batchShards = groups
                let fast = try run()
                let tag = "\(name), fast kernel with \(groups) batch groups"
                assertClose(fast.output, readable.output, tolerance: Self.double, "\(tag): output")
                assertClose(fast.h, readable.h, tolerance: Self.double, "\(tag): h_n")
                assertClose(fast.c, readable.c, tolerance: Self.double, "\(tag): c_n")
                assertClose(fast.dx, readable.dx, tolerance: Self.double, "\(tag): dx")
                assertClose(fast.dh0, readable.dh0, tolerance: Self.double, "\(tag): dh0")
                assertClose(fast.dc0, readable.dc0, tolerance: Self.double, "\(tag): dc0")
                for l in readable.grads.indices {
                    assertGradientsClose(fast.grads[l][0], readable.grads[l][0], tolerance: Self.double, "\(tag), layer \(l)")
                }
            }
        }
    }
}

private extension LSTMParameters {
    /// The same gradients in Double, for assertGradientsClose.
    func converted() -> LSTMParameters<Double> { LSTMParameters<Double>(self) }
}
