import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

// Hidden tests (grading.json: "visibility": "hidden"; not in the student edition). Each run
// draws new shapes, lengths, directions and values from COURSE_HIDDEN_SEED, which the grader
// sets afresh for every grading run (a random seed without it). The expected values come from
// this file's own plain-loop LSTM layer in Double, the expected gradients from centred
// differences of it, never from the student's code.

/// The seed for this run's draws, mixed with a per-test salt.
private func hiddenSeed(_ salt: UInt64) -> UInt64 {
    let base = ProcessInfo.processInfo.environment["COURSE_HIDDEN_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 1 ... .max)
    return base &* 0x9E37_79B9_7F4A_7C15 ^ salt
}

/// One random layer run: nn.LSTM's one direction over padded sequences of different lengths.
private struct HiddenLayerCase {
    let steps: Int, batch: Int, inputSize: Int, hiddenSize: Int
    let lengths: [Int]
    let reverse: Bool
    let seed: UInt64
    /// W_ih [4H, E], W_hh [4H, H], b_ih, b_hh [4H], one after the other.
    var parameters: [Double]
    /// [T, B, E]; padded steps hold values too (the layer must ignore them).
    var x: [Double]
    /// h0 and c0 [B, H] each.
    var h0: [Double], c0: [Double]
    /// Upstream gradients: output [T, B, H] (used at real steps only), final h and c [B, H].
    let dOutput: [Double], dh: [Double], dc: [Double]

    init(seed: UInt64) {
        self.seed = seed
        var rng = SeededRNG(seed: seed)
        let steps = 1 + rng.int(below: 6), batch = 1 + rng.int(below: 4)
        self.steps = steps
        self.batch = batch
        inputSize = 1 + rng.int(below: 5)
        hiddenSize = 1 + rng.int(below: 6)
        var lengths = (0..<batch).map { _ in 1 + rng.int(below: steps) }
        lengths[rng.int(below: batch)] = steps    // the batch is as long as its longest sequence
        self.lengths = lengths
        reverse = rng.int(below: 2) == 1
        let scale = rng.uniform(0.5, 2.5) / Double(hiddenSize).squareRoot()
        parameters = (0 ..< 4 * hiddenSize * (inputSize + hiddenSize + 2)).map { _ in rng.uniform(-scale, scale) }
        func normal(_ n: Int) -> [Double] { (0..<n).map { _ in rng.normal() } }
        x = normal(steps * batch * inputSize)
        h0 = normal(batch * hiddenSize); c0 = normal(batch * hiddenSize)
        dOutput = normal(steps * batch * hiddenSize)
        dh = normal(batch * hiddenSize); dc = normal(batch * hiddenSize)
    }

    var description: String {
        "LSTMLayer(inputSize: \(inputSize), hiddenSize: \(hiddenSize), reverse: \(reverse)), T \(steps), lengths \(lengths) (hidden-test seed \(seed))"
    }

    /// The reference: output [T, B, H] (zero at padding) and the final (h, c) [B, H].
    func forward(_ p: HiddenLayerCase) -> (output: [Double], h: [Double], c: [Double]) {
        let (E, H, B) = (inputSize, hiddenSize, batch)
        let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
        var output = [Double](repeating: 0, count: steps * B * H)
        var hFinal = [Double](repeating: 0, count: B * H), cFinal = hFinal
        for b in 0..<B {
            var h = Array(p.h0[b * H ..< (b + 1) * H]), c = Array(p.c0[b * H ..< (b + 1) * H])
            let order = reverse ? Array((0..<lengths[b]).reversed()) : Array(0..<lengths[b])
            for t in order {
                var hNext = h, cNext = c
                for j in 0..<H {
                    var pre = [Double](repeating: 0, count: 4)
                    for gate in 0..<4 {
                        let row = gate * H + j
                        var s = p.parameters[bih + row] + p.parameters[bhh + row]
                        for e in 0..<E { s += p.parameters[row * E + e] * p.x[(t * B + b) * E + e] }
                        for k in 0..<H { s += p.parameters[whh + row * H + k] * h[k] }
                        pre[gate] = s
                    }
                    let i = 1 / (1 + Foundation.exp(-pre[0])), f = 1 / (1 + Foundation.exp(-pre[1]))
                    let g = Foundation.tanh(pre[2]), o = 1 / (1 + Foundation.exp(-pre[3]))
                    cNext[j] = f * c[j] + i * g
                    hNext[j] = o * Foundation.tanh(cNext[j])
                }
                h = hNext; c = cNext
                for j in 0..<H { output[(t * B + b) * H + j] = h[j] }
            }
            for j in 0..<H { hFinal[b * H + j] = h[j]; cFinal[b * H + j] = c[j] }
        }
        return (output, hFinal, cFinal)
    }

    /// L = Σ dOutput ⊙ output (output is zero at padded steps) + Σ dh ⊙ final h + Σ dc ⊙ final c.
    func loss(_ probe: HiddenLayerCase) -> Double {
        let (output, h, c) = forward(probe)
        return zip(output, dOutput).reduce(0) { $0 + $1.0 * $1.1 }
            + zip(h, dh).reduce(0) { $0 + $1.0 * $1.1 } + zip(c, dc).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func numericGradient(_ path: WritableKeyPath<HiddenLayerCase, [Double]>) -> [Double] {
        centredDifferences(of: self, at: path, loss: loss)
    }

    var studentLayer: LSTMLayer<Double> {
        let (E, H) = (inputSize, hiddenSize)
        let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
        return LSTMLayer(parameters: LSTMParameters(
            uncheckedWeightIH: Tensor(shape: [4 * H, E], scalars: Array(parameters[0..<whh])),
            weightHH: Tensor(shape: [4 * H, H], scalars: Array(parameters[whh..<bih])),
            biasIH: Tensor(shape: [4 * H], scalars: Array(parameters[bih..<bhh])),
            biasHH: Tensor(shape: [4 * H], scalars: Array(parameters[bhh...]))), reverse: reverse)
    }

    var studentInitial: LSTMState<Double> {
        LSTMState(h: Tensor(shape: [batch, hiddenSize], scalars: h0), c: Tensor(shape: [batch, hiddenSize], scalars: c0))
    }

}

/// Fails with the first wrong entry's index, never the expected numbers.
private func assertHiddenAgrees(_ actual: [Double], _ expected: [Double], _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    if let i = actual.indices.first(where: { !(abs(actual[$0] - expected[$0]) <= 1e-6 * max(1, abs(expected[$0]))) }) {
        XCTFail("\(what) is wrong at flat index \(i)", file: file, line: line)
    }
}

final class HiddenLSTMLayerTests: XCTestCase {
    func testHiddenLSTMLayerForward_randomShapes() {
        let seed = hiddenSeed(0x4_0001)
        for k in 0..<4 {
            let c = HiddenLayerCase(seed: seed &+ UInt64(k))
            let expected = c.forward(c)
            let x = Tensor(shape: [c.steps, c.batch, c.inputSize], scalars: c.x)
            let (output, final, _) = c.studentLayer.forward(x, lengths: c.lengths, initial: c.studentInitial)
            assertHiddenAgrees(output.scalars, expected.output, "output [T, B, H] of \(c.description)")
            assertHiddenAgrees(final.h.scalars, expected.h, "final h of \(c.description)")
            assertHiddenAgrees(final.c.scalars, expected.c, "final c of \(c.description)")
        }
    }

    func testHiddenLSTMLayerBackward_randomShapes() {
        let seed = hiddenSeed(0x4_0002)
        for k in 0..<3 {
            let c = HiddenLayerCase(seed: seed &+ UInt64(k))
            let (E, H) = (c.inputSize, c.hiddenSize)
            let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
            let layer = c.studentLayer
            let x = Tensor(shape: [c.steps, c.batch, E], scalars: c.x)
            let (_, _, cache) = layer.forward(x, lengths: c.lengths, initial: c.studentInitial)
            // dOutput has values at padded steps too; the layer must ignore them (the reference's
            // output is zero there, so they do not reach its loss).
            let (dx, dInitial, grads) = layer.backward(
                dOutput: Tensor(shape: [c.steps, c.batch, H], scalars: c.dOutput),
                dFinal: LSTMState(h: Tensor(shape: [c.batch, H], scalars: c.dh), c: Tensor(shape: [c.batch, H], scalars: c.dc)),
                cache: cache)
            let dParameters = c.numericGradient(\.parameters)
            assertHiddenAgrees(dx.scalars, c.numericGradient(\.x), "dx [T, B, E] (zero at padded steps) of \(c.description)")
            assertHiddenAgrees(dInitial.h.scalars, c.numericGradient(\.h0), "dInitial.h of \(c.description)")
            assertHiddenAgrees(dInitial.c.scalars, c.numericGradient(\.c0), "dInitial.c of \(c.description)")
            assertHiddenAgrees(grads.weightIH.scalars, Array(dParameters[0..<whh]), "dWeightIH of \(c.description)")
            assertHiddenAgrees(grads.weightHH.scalars, Array(dParameters[whh..<bih]), "dWeightHH of \(c.description)")
            assertHiddenAgrees(grads.biasIH.scalars, Array(dParameters[bih..<bhh]), "dBiasIH of \(c.description)")
            assertHiddenAgrees(grads.biasHH.scalars, Array(dParameters[bhh...]), "dBiasHH of \(c.description)")
        }
    }
}
