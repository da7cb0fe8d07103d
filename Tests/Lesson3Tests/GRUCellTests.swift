import CourseTesting
import Lesson3
import TensorCore
import XCTest

/// nn.GRUCell (gates r, z, n) against PyTorch, for L = Σ h'⊙Gh, and against centred differences.
final class GRUCellTests: XCTestCase {
    // The first failing case says enough; the others would repeat it for other shapes.
    override func setUp() {
        continueAfterFailure = false
    }

    private typealias Case = SimpleCase<GRUParameters<Double>>
    private typealias Gates = GRUParameters<Double>

    private func run(_ c: Case) -> (dx: Tensor<Double>, dh: Tensor<Double>, grads: GRUParameters<Double>) {
        let cell = GRUCell(parameters: c.parameters)
        return cell.backward(dh: c.upstream, cache: cell.forward(c.x, h: c.h).cache)
    }

    func testGRUCellForward_hNext() throws {
        for c in try Case.all(kind: "gru") {
            let cell = GRUCell(parameters: c.parameters)
            assertClose(cell.forward(c.x, h: c.h).h, try c.fixture.tensor("h_next"), tolerance: Tolerance.double,
                        "\(c.name) h' = (1-z)⊙n + z⊙h (is r applied to W_hn h + b_hn, bias included?)")
            assertClose(cell(c.x, h: c.h), try c.fixture.tensor("h_next"), tolerance: Tolerance.double, "\(c.name) cell(x, h:)")
        }
    }

    func testGRUCellBackward_dx() throws {
        for c in try Case.all(kind: "gru") {
            assertClose(run(c).dx, try c.fixture.tensor("dx"), tolerance: Tolerance.double, "\(c.name) dx (through W_ih: section 9, item 4)")
        }
    }

    func testGRUCellBackward_dh() throws {
        for c in try Case.all(kind: "gru") {
            assertClose(run(c).dh, try c.fixture.tensor("dh"), tolerance: Tolerance.double,
                        "\(c.name) dh (h reaches h' by two routes: section 9, item 4)")
        }
    }

    func testGRUCellBackward_dWih() throws {
        for c in try Case.all(kind: "gru") {
            assertCloseByGate(run(c).grads.weightIH, try c.fixture.tensor("dweight_ih"), gates: Gates.self,
                              hiddenSize: c.h.cols, axis: .rows, tolerance: Tolerance.double, "\(c.name) dW_ih")
        }
    }

    func testGRUCellBackward_dWhh() throws {
        for c in try Case.all(kind: "gru") {
            assertCloseByGate(run(c).grads.weightHH, try c.fixture.tensor("dweight_hh"), gates: Gates.self,
                              hiddenSize: c.h.cols, axis: .rows, tolerance: Tolerance.double, "\(c.name) dW_hh")
        }
    }

    func testGRUCellBackward_dbih() throws {
        for c in try Case.all(kind: "gru") {
            assertCloseByGate(run(c).grads.biasIH, try c.fixture.tensor("dbias_ih"), gates: Gates.self,
                              hiddenSize: c.h.cols, axis: .rows, tolerance: Tolerance.double, "\(c.name) db_ih")
        }
    }

    func testGRUCellBackward_dbhh() throws {
        for c in try Case.all(kind: "gru") {
            assertCloseByGate(run(c).grads.biasHH, try c.fixture.tensor("dbias_hh"), gates: Gates.self,
                              hiddenSize: c.h.cols, axis: .rows, tolerance: Tolerance.double,
                              "\(c.name) db_hh (differs from db_ih in the n gate: b_hn is scaled by r)")
        }
    }

    func testGRUCellGradientCheck() throws {
        for c in try Case.all(kind: "gru") {
            assertGatesPass(gruCellGradientCheck(GRUCell(parameters: c.parameters), x: c.x, h: c.h, upstream: c.upstream),
                            tolerance: Tolerance.gradientCheck, c.name)
        }
    }

    func testGRUCell_float() throws {
        for c in try Case.all(kind: "gru") {
            let cell = GRUCell<Float>(parameters: GRUParameters<Float>(c.parameters))
            let (h, cache) = cell.forward(Tensor<Float>(c.x), h: Tensor<Float>(c.h))
            let (dx, dh, grads) = cell.backward(dh: Tensor<Float>(c.upstream), cache: cache)
            assertClose(h, try c.fixture.tensor("h_next"), tolerance: Tolerance.float, "\(c.name) Float h'")
            assertClose(dx, try c.fixture.tensor("dx"), tolerance: Tolerance.float, "\(c.name) Float dx")
            assertClose(dh, try c.fixture.tensor("dh"), tolerance: Tolerance.float, "\(c.name) Float dh")
            assertCloseByGate(grads.weightHH, try c.fixture.tensor("dweight_hh"), gates: Gates.self,
                              hiddenSize: c.h.cols, axis: .rows, tolerance: Tolerance.float, "\(c.name) Float dW_hh")
        }
    }
}
