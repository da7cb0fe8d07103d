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

    private func run(_ c: LSTMCase) -> (cache: LSTMCell<Double>.Cache, dx: Tensor<Double>, dState: LSTMState<Double>, grads: LSTMParameters<Double>) {
        let (_, cache) = c.cell.forward(c.x, state: c.state)
        let (dx, dState, grads) = c.cell.backward(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
        return (cache, dx, dState, grads)
    }

    func testLSTMCellBackward_dGates() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let (dGates, _) = c.cell.gateGradients(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            assertCloseByGate(dGates, try c.fixture.tensor("dgates"), gates: Gates.self, hiddenSize: c.cell.hiddenSize,
                              axis: .columns, tolerance: Tolerance.double, "\(c.name) dGates = ∂L/∂(pre-activation gates)")
        }
    }

    func testLSTMCellBackward_gateGradientsDc() throws {
        for c in try LSTMCase.all() {
            let (_, cache) = c.cell.forward(c.x, state: c.state)
            let (_, dc) = c.cell.gateGradients(dh: c.upstream.h, dc: c.upstream.c, cache: cache)
            assertClose(dc, try c.fixture.tensor("dc"), tolerance: Tolerance.double,
                        "\(c.name) dc from gateGradients (= (dc' + dh'⊙o⊙(1 - tanh²c'))⊙f)")
        }
    }

    func testLSTMCellBackward_dx() throws {
        for c in try LSTMCase.all() {
            let r = run(c)
            assertClose(r.dx, try c.fixture.tensor("dx"), tolerance: Tolerance.double, "\(c.name) dx = dGates·W_ih",
                        diagnosis: { lstmDGatesDiagnosis(c, cache: r.cache) })
        }
    }

    func testLSTMCellBackward_dh() throws {
        for c in try LSTMCase.all() {
            let r = run(c)
            assertClose(r.dState.h, try c.fixture.tensor("dh"), tolerance: Tolerance.double, "\(c.name) dh = dGates·W_hh",
                        diagnosis: { lstmDGatesDiagnosis(c, cache: r.cache) })
        }
    }

    func testLSTMCellBackward_dc() throws {
        for c in try LSTMCase.all() {
            let r = run(c)
            assertClose(r.dState.c, try c.fixture.tensor("dc"), tolerance: Tolerance.double,
                        "\(c.name) dState.c (= (dc' + dh'⊙o⊙(1 - tanh²c'))⊙f)",
                        diagnosis: { lstmDGatesDiagnosis(c, cache: r.cache) })
        }
    }

    func testLSTMCellBackward_dWih() throws {
        for c in try LSTMCase.all() {
            assertCloseByGate(run(c).grads.weightIH, try c.fixture.tensor("dweight_ih"), gates: Gates.self,
                              hiddenSize: c.cell.hiddenSize, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) dW_ih = dGatesᵀ·x")
        }
    }

    func testLSTMCellBackward_dWhh() throws {
        for c in try LSTMCase.all() {
            assertCloseByGate(run(c).grads.weightHH, try c.fixture.tensor("dweight_hh"), gates: Gates.self,
                              hiddenSize: c.cell.hiddenSize, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) dW_hh = dGatesᵀ·h")
        }
    }

    func testLSTMCellBackward_dbih() throws {
        for c in try LSTMCase.all() {
            assertCloseByGate(run(c).grads.biasIH, try c.fixture.tensor("dbias_ih"), gates: Gates.self,
                              hiddenSize: c.cell.hiddenSize, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) db_ih = Σ_rows dGates")
        }
    }

    func testLSTMCellBackward_dbhh() throws {
        for c in try LSTMCase.all() {
            assertCloseByGate(run(c).grads.biasHH, try c.fixture.tensor("dbias_hh"), gates: Gates.self,
                              hiddenSize: c.cell.hiddenSize, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) db_hh = Σ_rows dGates")
        }
    }

    func testLSTMCellBackward_float() throws {
        for c in try LSTMCase.all() {
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
