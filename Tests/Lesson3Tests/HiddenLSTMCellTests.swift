import CourseTesting
import Lesson3
import TensorCore
import XCTest

// Hidden tests (grading.json: "visibility": "hidden"; not in the student edition). Each run
// draws new shapes and values from COURSE_HIDDEN_SEED, which the grader sets afresh for every
// grading run (a random seed without it), so no fixture can be memorised. The expected values
// come from this file's own plain-loop LSTM cell in Double, and the expected gradients from
// centred differences of that cell, never from the student's code.

/// The seed for this run's draws, mixed with a per-test salt.
private func hiddenSeed(_ salt: UInt64) -> UInt64 {
    let base = ProcessInfo.processInfo.environment["COURSE_HIDDEN_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 1 ... .max)
    return base &* 0x9E37_79B9_7F4A_7C15 ^ salt
}

/// nn.LSTMCell in plain loops: W_ih [4H, E], W_hh [4H, H], biases [4H], gates i, f, g, o.
private struct ReferenceCell {
    let inputSize: Int, hiddenSize: Int
    /// W_ih, W_hh, b_ih, b_hh, one after the other (row-major).
    var parameters: [Double]

    var parameterCount: Int { 4 * hiddenSize * (inputSize + hiddenSize + 2) }

    /// x [B, E], h and c [B, H] -> (h', c') [B, H] each.
    func forward(x: [Double], h: [Double], c: [Double], batch: Int) -> (h: [Double], c: [Double]) {
        let (E, H) = (inputSize, hiddenSize)
        let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
        var hNext = [Double](repeating: 0, count: batch * H), cNext = hNext
        for b in 0..<batch {
            for j in 0..<H {
                var pre = [Double](repeating: 0, count: 4)
                for gate in 0..<4 {
                    let row = gate * H + j
                    var s = parameters[bih + row] + parameters[bhh + row]
                    for e in 0..<E { s += parameters[row * E + e] * x[b * E + e] }
                    for k in 0..<H { s += parameters[whh + row * H + k] * h[b * H + k] }
                    pre[gate] = s
                }
                let i = 1 / (1 + Foundation.exp(-pre[0])), f = 1 / (1 + Foundation.exp(-pre[1]))
                let g = Foundation.tanh(pre[2]), o = 1 / (1 + Foundation.exp(-pre[3]))
                cNext[b * H + j] = f * c[b * H + j] + i * g
                hNext[b * H + j] = o * Foundation.tanh(cNext[b * H + j])
            }
        }
        return (hNext, cNext)
    }
}

/// One random case: a cell, an input, a state and upstream gradients.
private struct HiddenCellCase {
    let batch: Int
    var cell: ReferenceCell
    var x: [Double], h: [Double], c: [Double]
    let dh: [Double], dc: [Double]
    let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        var rng = SeededRNG(seed: seed)
        batch = 1 + rng.int(below: 5)
        let E = 1 + rng.int(below: 9), H = 1 + rng.int(below: 12)
        // Weights up to ±3/sqrt(H): some gates saturate, as after training.
        let scale = rng.uniform(0.5, 3) / Double(H).squareRoot()
        var p: [Double] = []
        for _ in 0 ..< 4 * H * (E + H + 2) { p.append(rng.uniform(-scale, scale)) }
        cell = ReferenceCell(inputSize: E, hiddenSize: H, parameters: p)
        func normal(_ n: Int) -> [Double] { (0..<n).map { _ in rng.normal() } }
        x = normal(batch * E); h = normal(batch * H); c = normal(batch * H)
        dh = normal(batch * H); dc = normal(batch * H)
    }

    var description: String {
        "LSTMCell(inputSize: \(cell.inputSize), hiddenSize: \(cell.hiddenSize)), batch \(batch) (hidden-test seed \(seed))"
    }

    /// The student's cell with these parameters.
    var studentCell: LSTMCell<Double> {
        let (E, H) = (cell.inputSize, cell.hiddenSize)
        let p = cell.parameters
        let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
        return LSTMCell(parameters: LSTMParameters(
            uncheckedWeightIH: Tensor(shape: [4 * H, E], scalars: Array(p[0..<whh])),
            weightHH: Tensor(shape: [4 * H, H], scalars: Array(p[whh..<bih])),
            biasIH: Tensor(shape: [4 * H], scalars: Array(p[bih..<bhh])),
            biasHH: Tensor(shape: [4 * H], scalars: Array(p[bhh...]))))
    }

    var studentState: LSTMState<Double> {
        LSTMState(h: Tensor(shape: [batch, cell.hiddenSize], scalars: h), c: Tensor(shape: [batch, cell.hiddenSize], scalars: c))
    }

    var studentInput: Tensor<Double> { Tensor(shape: [batch, cell.inputSize], scalars: x) }

    /// L = Σ dh ⊙ h' + Σ dc ⊙ c' of the reference cell.
    func loss(_ probe: HiddenCellCase) -> Double {
        let out = probe.cell.forward(x: probe.x, h: probe.h, c: probe.c, batch: batch)
        return zip(out.h, dh).reduce(0) { $0 + $1.0 * $1.1 } + zip(out.c, dc).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// ∂L/∂(one array of this case) by centred differences (ε = 1e-6).
    func numericGradient(_ path: WritableKeyPath<HiddenCellCase, [Double]>) -> [Double] {
        centredDifferences(of: self, at: path, loss: loss)
    }
}

/// Fails with the first wrong entry's index (and gate block, for 4H-row tensors), never the
/// expected numbers.
private func assertHiddenAgrees(_ actual: [Double], _ expected: [Double], _ what: String, gateRows: (rowLength: Int, hidden: Int)? = nil,
                          file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    // Centred differences in Double are good to ~1e-8 here; a wrong formula is off by far more.
    if let i = actual.indices.first(where: { !(abs(actual[$0] - expected[$0]) <= 1e-6 * max(1, abs(expected[$0]))) }) {
        var place = "entry \(i)"
        if let rows = gateRows {
            let row = i / rows.rowLength
            place += " (row \(row): gate \(["i", "f", "g", "o"][min(3, row / rows.hidden)]))"
        }
        XCTFail("\(what) is wrong at \(place)", file: file, line: line)
    }
}

final class HiddenLSTMCellTests: XCTestCase {
    func testHiddenLSTMCellForward_randomShapes() {
        let seed = hiddenSeed(0x3_0001)
        for k in 0..<3 {
            let c = HiddenCellCase(seed: seed &+ UInt64(k))
            let expected = c.cell.forward(x: c.x, h: c.h, c: c.c, batch: c.batch)
            let (state, _) = c.studentCell.forward(c.studentInput, state: c.studentState)
            XCTAssertEqual(state.h.shape, [c.batch, c.cell.hiddenSize], "h' shape, \(c.description)")
            XCTAssertEqual(state.c.shape, [c.batch, c.cell.hiddenSize], "c' shape, \(c.description)")
            guard state.h.shape == [c.batch, c.cell.hiddenSize], state.c.shape == state.h.shape else { return }
            assertHiddenAgrees(state.c.scalars, expected.c, "c' of \(c.description)")
            assertHiddenAgrees(state.h.scalars, expected.h, "h' of \(c.description)")
        }
    }

    func testHiddenLSTMCellBackward_randomShapes() {
        let seed = hiddenSeed(0x3_0002)
        for k in 0..<3 {
            let c = HiddenCellCase(seed: seed &+ UInt64(k))
            let (E, H) = (c.cell.inputSize, c.cell.hiddenSize)
            let student = c.studentCell
            let (_, cache) = student.forward(c.studentInput, state: c.studentState)
            let upstream = (h: Tensor(shape: [c.batch, H], scalars: c.dh), c: Tensor(shape: [c.batch, H], scalars: c.dc))
            let (dx, dState, grads) = student.backward(dh: upstream.h, dc: upstream.c, cache: cache)
            let dParameters = c.numericGradient(\.cell.parameters)
            let whh = 4 * H * E, bih = whh + 4 * H * H, bhh = bih + 4 * H
            assertHiddenAgrees(dx.scalars, c.numericGradient(\.x), "dx of \(c.description)")
            assertHiddenAgrees(dState.h.scalars, c.numericGradient(\.h), "dState.h of \(c.description)")
            assertHiddenAgrees(dState.c.scalars, c.numericGradient(\.c), "dState.c of \(c.description)")
            assertHiddenAgrees(grads.weightIH.scalars, Array(dParameters[0..<whh]), "dWeightIH of \(c.description)", gateRows: (E, H))
            assertHiddenAgrees(grads.weightHH.scalars, Array(dParameters[whh..<bih]), "dWeightHH of \(c.description)", gateRows: (H, H))
            assertHiddenAgrees(grads.biasIH.scalars, Array(dParameters[bih..<bhh]), "dBiasIH of \(c.description)", gateRows: (1, H))
            assertHiddenAgrees(grads.biasHH.scalars, Array(dParameters[bhh...]), "dBiasHH of \(c.description)", gateRows: (1, H))
        }
    }
}
