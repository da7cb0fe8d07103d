import CourseTesting
import Foundation
import Lesson3
import TensorCore
import XCTest

final class LSTMCellForwardTests: XCTestCase {
    // The first failing case says enough; the others would repeat it for other shapes.
    override func setUp() {
        continueAfterFailure = false
    }

    func testLSTMCellForward_gates() throws {
        for c in try LSTMCase.all() {
            assertCloseByGate(c.cell.gates(c.x, h: c.state.h), try c.fixture.tensor("gates"), gates: LSTMParameters<Double>.self,
                              hiddenSize: c.cell.hiddenSize, axis: .columns, tolerance: Tolerance.double,
                              "\(c.name) gates(x, h:) (after σ / tanh)")
        }
    }

    func testLSTMCellForward_cNext() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromGates("c'") { XCTFail(line); return }
            let (next, _) = c.cell.forward(c.x, state: c.state)
            assertClose(next.c, try c.fixture.tensor("c_next"), tolerance: Tolerance.double, "\(c.name) c' = f⊙c + i⊙g")
        }
    }

    func testLSTMCellForward_hNext() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromGates("h'") { XCTFail(line); return }
            let (next, _) = c.cell.forward(c.x, state: c.state)
            assertClose(next.h, try c.fixture.tensor("h_next"), tolerance: Tolerance.double, "\(c.name) h' = o⊙tanh(c')")
        }
    }

    func testLSTMCellForward_cacheKeepsInputs() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            assertClose(cache.x, c.x, tolerance: 0, "\(c.name) cache.x")
            assertClose(cache.state.h, c.state.h, tolerance: 0, "\(c.name) cache.state.h (the previous h)")
            assertClose(cache.state.c, c.state.c, tolerance: 0, "\(c.name) cache.state.c (the previous c)")
            assertClose(cache.tanhC, try c.fixture.tensor("c_next").tanh(), tolerance: Tolerance.double, "\(c.name) cache.tanhC")
        }
    }

    func testLSTMCell_callAsFunction() throws {
        for c in try LSTMCase.all() {
            let next = c.cell(c.x, state: c.state)
            assertClose(next.h, try c.fixture.tensor("h_next"), tolerance: Tolerance.double, "\(c.name) cell(x, state:).h")
            assertClose(next.c, try c.fixture.tensor("c_next"), tolerance: Tolerance.double, "\(c.name) cell(x, state:).c")
        }
    }

    func testLSTMCellForward_zeroStateBatchOfOne() throws {
        // From h = c = 0 the forget gate has nothing to forget: c' = i⊙g and h' = o⊙tanh(i⊙g).
        let c = try LSTMCase("b1_e4_h13")
        let zero = LSTMState<Double>.zeros(batch: 1, hidden: 13)
        let (next, cache) = c.cell.forward(c.x, state: zero)
        let h = 13
        for j in 0..<h {
            let i = cache.gates[0, j], g = cache.gates[0, 2 * h + j], o = cache.gates[0, 3 * h + j]
            assertClose(next.c[0, j], i * g, tolerance: Tolerance.double, "c'[0, \(j)] from a zero state")
            assertClose(next.h[0, j], o * Foundation.tanh(i * g), tolerance: Tolerance.double, "h'[0, \(j)] from a zero state")
        }
        XCTAssertNotEqual(next.h.maxAbs(), 0, "h' from a zero state should not be zero: the input still drives the gates")
    }

    func testLSTMCellForward_float() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromGates("Float forward") { XCTFail(line); return }
            let cell = LSTMCell<Float>(parameters: LSTMParameters<Float>(c.cell.parameters))
            let (next, _) = cell.forward(Tensor<Float>(c.x), state: LSTMState<Float>(c.state))
            assertClose(next.h, try c.fixture.tensor("h_next"), tolerance: Tolerance.float, "\(c.name) Float h'")
            assertClose(next.c, try c.fixture.tensor("c_next"), tolerance: Tolerance.float, "\(c.name) Float c'")
        }
    }
}
