import CourseTesting
import Lesson3
import TensorCore
import XCTest

/// The LSTM cell's backward against centred differences of its own forward, in Double.
final class LSTMCellGradientCheckTests: XCTestCase {
    // The first failing case says enough; the others would repeat it for other shapes.
    override func setUp() {
        continueAfterFailure = false
    }

    /// One line when dGates is already wrong against PyTorch: the check then fails for that reason.
    private func followsFromDGates() throws -> String? {
        try LSTMCase(cellShapes[0]).followsFromDGates("backward (checked by finite differences)")
    }

    private func rows(_ c: LSTMCase) -> [GateGradientCheckRow] {
        lstmCellGradientCheck(c.cell, x: c.x, state: c.state, upstream: c.upstream)
    }

    func testLSTMCellGradientCheck_inputs() throws {
        if let line = try followsFromDGates() { XCTFail(line); return }
        for c in try LSTMCase.all() {
            assertGatesPass(rows(c).filter { $0.gate.isEmpty }, tolerance: Tolerance.gradientCheck, "\(c.name) dx, dh, dc")
        }
    }

    func testLSTMCellGradientCheck_weights() throws {
        if let line = try followsFromDGates() { XCTFail(line); return }
        for c in try LSTMCase.all() {
            assertGatesPass(rows(c).filter { $0.tensor.hasPrefix("weight") }, tolerance: Tolerance.gradientCheck,
                            "\(c.name) dW_ih, dW_hh")
        }
    }

    func testLSTMCellGradientCheck_biases() throws {
        if let line = try followsFromDGates() { XCTFail(line); return }
        for c in try LSTMCase.all() {
            assertGatesPass(rows(c).filter { $0.tensor.hasPrefix("bias") }, tolerance: Tolerance.gradientCheck,
                            "\(c.name) db_ih, db_hh")
        }
    }

    func testLSTMCellGradientCheck_randomCell() throws {
        if let line = try followsFromDGates() { XCTFail(line); return }
        // A cell the fixtures never saw, with larger weights so the gates saturate a little.
        var rng = SeededRNG(seed: 33)
        var cell = LSTMCell<Double>(inputSize: 6, hiddenSize: 11, rng: &rng)
        cell.parameters.weightIH.scale(by: 3)
        cell.parameters.weightHH.scale(by: 3)
        let x = Tensor<Double>.normal([3, 6], rng: &rng)
        let state = LSTMState<Double>(h: .normal([3, 11], rng: &rng), c: .normal([3, 11], rng: &rng))
        let upstream = LSTMState<Double>(h: .normal([3, 11], rng: &rng), c: .normal([3, 11], rng: &rng))
        assertGatesPass(lstmCellGradientCheck(cell, x: x, state: state, upstream: upstream),
                        tolerance: Tolerance.gradientCheck, "random LSTMCell(6, 11), batch 3")
    }
}
