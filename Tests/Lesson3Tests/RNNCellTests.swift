import CourseTesting
import Lesson3
import TensorCore
import XCTest

/// nn.RNNCell (tanh) against PyTorch, for L = Σ h'⊙Gh, and against centred differences.
final class RNNCellTests: XCTestCase {
    // The first failing case says enough; the others would repeat it for other shapes.
    override func setUp() {
        continueAfterFailure = false
    }

    private typealias Case = SimpleCase<RNNParameters<Double>>

    private func run(_ c: Case) -> (dx: Tensor<Double>, dh: Tensor<Double>, grads: RNNParameters<Double>) {
        let cell = RNNCell(parameters: c.parameters)
        return cell.backward(dh: c.upstream, cache: cell.forward(c.x, h: c.h).cache)
    }

    func testRNNCellForward_hNext() throws {
        for c in try Case.all(kind: "rnn") {
            let cell = RNNCell(parameters: c.parameters)
            assertClose(cell.forward(c.x, h: c.h).h, try c.fixture.tensor("h_next"), tolerance: Tolerance.double,
                        "\(c.name) h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)")
            assertClose(cell(c.x, h: c.h), try c.fixture.tensor("h_next"), tolerance: Tolerance.double, "\(c.name) cell(x, h:)")
        }
    }

    func testRNNCellBackward_dx() throws {
        for c in try Case.all(kind: "rnn") {
            assertClose(run(c).dx, try c.fixture.tensor("dx"), tolerance: Tolerance.double, "\(c.name) dx")
        }
    }

    func testRNNCellBackward_dh() throws {
        for c in try Case.all(kind: "rnn") {
            assertClose(run(c).dh, try c.fixture.tensor("dh"), tolerance: Tolerance.double, "\(c.name) dh")
        }
    }

    func testRNNCellBackward_dWih() throws {
        for c in try Case.all(kind: "rnn") {
            assertClose(run(c).grads.weightIH, try c.fixture.tensor("dweight_ih"), tolerance: Tolerance.double, "\(c.name) dW_ih")
        }
    }

    func testRNNCellBackward_dWhh() throws {
        for c in try Case.all(kind: "rnn") {
            assertClose(run(c).grads.weightHH, try c.fixture.tensor("dweight_hh"), tolerance: Tolerance.double, "\(c.name) dW_hh")
        }
    }

    func testRNNCellBackward_dBiases() throws {
        for c in try Case.all(kind: "rnn") {
            let grads = run(c).grads
            assertClose(grads.biasIH, try c.fixture.tensor("dbias_ih"), tolerance: Tolerance.double, "\(c.name) db_ih")
            assertClose(grads.biasHH, try c.fixture.tensor("dbias_hh"), tolerance: Tolerance.double, "\(c.name) db_hh")
        }
    }

    func testRNNCellGradientCheck() throws {
        for c in try Case.all(kind: "rnn") {
            assertGatesPass(rnnCellGradientCheck(RNNCell(parameters: c.parameters), x: c.x, h: c.h, upstream: c.upstream),
                            tolerance: Tolerance.gradientCheck, c.name)
        }
    }

    func testRNNCell_float() throws {
        for c in try Case.all(kind: "rnn") {
            let cell = RNNCell<Float>(parameters: RNNParameters<Float>(c.parameters))
            let (h, cache) = cell.forward(Tensor<Float>(c.x), h: Tensor<Float>(c.h))
            let (dx, dh, grads) = cell.backward(dh: Tensor<Float>(c.upstream), cache: cache)
            assertClose(h, try c.fixture.tensor("h_next"), tolerance: Tolerance.float, "\(c.name) Float h'")
            assertClose(dx, try c.fixture.tensor("dx"), tolerance: Tolerance.float, "\(c.name) Float dx")
            assertClose(dh, try c.fixture.tensor("dh"), tolerance: Tolerance.float, "\(c.name) Float dh")
            assertClose(grads.weightHH, try c.fixture.tensor("dweight_hh"), tolerance: Tolerance.float, "\(c.name) Float dW_hh")
        }
    }
}
