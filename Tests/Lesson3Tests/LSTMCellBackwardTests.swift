import CourseTesting
import Lesson3
import TensorCore
import XCTest

/// Every gradient of one LSTM step against torch.nn.LSTMCell, for L = Σ h'⊙Gh + Σ c'⊙Gc.
final class LSTMCellBackwardTests: XCTestCase {
    // The first failing case says enough; the others would repeat it for other shapes.
    override func setUp() {
        continueAfterFailure = false
    }

    private typealias Gates = LSTMParameters<Double>

    private func run(_ c: LSTMCase) -> (dx: Tensor<Double>, dState: LSTMState<Double>, grads: LSTMParameters<Double>) {
        let (_, cache) = c.cell.forward(c.x, state: c.state)
        return c.cell.backward(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
    }

    func testLSTMCellBackward_cellGradient() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let dCell = c.cell.cellGradient(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            if let line = try c.diagnosis().diagnose(.dCell, got: dCell) {
                XCTFail("\(c.name): \(line)")
                return
            }
        }
    }

    func testLSTMCellBackward_dGates() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let (dGates, _) = c.cell.gateGradients(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            let diagnosis = try c.diagnosis()
            guard let line = diagnosis.diagnose(.dGates, got: dGates) else { continue }
            let dCell = c.cell.cellGradient(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            if diagnosis.diagnose(.dCell, got: dCell) != nil {
                XCTFail("\(c.name): dGates is wrong, and this follows from dĉ above "
                        + "(testLSTMCellBackward_cellGradient). Fix cellGradient first.")
                return
            }
            assertCloseByGate(dGates, try c.fixture.tensor("dgates"), gates: Gates.self, hiddenSize: c.cell.hiddenSize,
                              axis: .columns, tolerance: Tolerance.double, "\(c.name): \(line).\n  dGates")
            return
        }
    }

    func testLSTMCellBackward_gateGradientsDc() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let (_, dc) = c.cell.gateGradients(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            let diagnosis = try c.diagnosis()
            guard let line = diagnosis.diagnose(.dc, got: dc) else { continue }
            let dCell = c.cell.cellGradient(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            if diagnosis.diagnose(.dCell, got: dCell) != nil {
                XCTFail("\(c.name): dc is wrong, and this follows from dĉ above "
                        + "(testLSTMCellBackward_cellGradient). Fix cellGradient first.")
            } else {
                XCTFail("\(c.name): gateGradients' \(line)")
            }
            return
        }
    }

    func testLSTMCellBackward_dx() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromDGates("dx") { XCTFail(line); return }
            assertClose(run(c).dx, try c.fixture.tensor("dx"), tolerance: Tolerance.double,
                        "\(c.name) dx (dGates is right, so look at the matrix products of section 5)")
        }
    }

    func testLSTMCellBackward_dh() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromDGates("dh") { XCTFail(line); return }
            assertClose(run(c).dState.h, try c.fixture.tensor("dh"), tolerance: Tolerance.double,
                        "\(c.name) dh (dGates is right, so look at the matrix products of section 5)")
        }
    }

    func testLSTMCellBackward_dc() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let (_, dc) = c.cell.gateGradients(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            if try c.diagnosis().diagnose(.dc, got: dc) != nil {
                XCTFail("\(c.name): dState.c is wrong, and this follows from gateGradients' dc above "
                        + "(testLSTMCellBackward_gateGradientsDc). Fix it there first.")
                return
            }
            assertClose(run(c).dState.c, try c.fixture.tensor("dc"), tolerance: Tolerance.double,
                        "\(c.name) dState.c (gateGradients' dc is right: does backward pass it on?)")
        }
    }

    func testLSTMCellBackward_dWih() throws {
        try checkParameterGradient("dW_ih", \.weightIH, key: "dweight_ih")
    }

    func testLSTMCellBackward_dWhh() throws {
        try checkParameterGradient("dW_hh", \.weightHH, key: "dweight_hh")
    }

    func testLSTMCellBackward_dbih() throws {
        try checkParameterGradient("db_ih", \.biasIH, key: "dbias_ih")
    }

    func testLSTMCellBackward_dbhh() throws {
        try checkParameterGradient("db_hh", \.biasHH, key: "dbias_hh")
    }

    /// One parameter's gradient, gate block by gate block; one line when dGates is already wrong.
    private func checkParameterGradient(_ name: String, _ keyPath: KeyPath<LSTMParameters<Double>, Tensor<Double>>,
                                        key: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for c in try LSTMCase.all() {
            if let follows = try c.followsFromDGates(name) { XCTFail(follows, file: file, line: line); return }
            assertCloseByGate(run(c).grads[keyPath: keyPath], try c.fixture.tensor(key), gates: Gates.self,
                              hiddenSize: c.cell.hiddenSize, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) \(name) (dGates is right, so look at the matrix products of section 5)",
                              file: file, line: line)
        }
    }

    func testLSTMCellBackward_float() throws {
        for c in try LSTMCase.all() {
            if let line = try c.followsFromDGates("Float backward") { XCTFail(line); return }
            let cell = LSTMCell<Float>(parameters: LSTMParameters<Float>(c.cell.parameters))
            let (_, cache) = cell.forward(Tensor<Float>(c.x), state: LSTMState<Float>(c.state))
            let (dx, dState, grads) = cell.backward(dh: Tensor<Float>(c.upstream.h), dc: Tensor<Float>(c.upstream.c), cache: cache)
            let f = c.fixture
            assertClose(dx, try f.tensor("dx"), tolerance: Tolerance.float, "\(c.name) Float dx")
            assertClose(dState.h, try f.tensor("dh"), tolerance: Tolerance.float, "\(c.name) Float dh")
            assertClose(dState.c, try f.tensor("dc"), tolerance: Tolerance.float, "\(c.name) Float dc")
            for (name, got, key) in [("dW_ih", grads.weightIH, "dweight_ih"), ("dW_hh", grads.weightHH, "dweight_hh"),
                                     ("db_ih", grads.biasIH, "dbias_ih"), ("db_hh", grads.biasHH, "dbias_hh")] {
                assertCloseByGate(got, try f.tensor(key), gates: Gates.self, hiddenSize: cell.hiddenSize, axis: .rows,
                                  tolerance: Tolerance.float, "\(c.name) Float \(name)")
            }
        }
    }
}
