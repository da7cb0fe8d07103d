// Shared by the Lesson 3 tests: the fixture cases, tolerances, and comparisons that name the
// gate a wrong value belongs to.

import CourseTesting
import Lesson3
import TensorCore
import XCTest

enum Tolerance {
    /// Double against PyTorch's float64: only rounding differs.
    static let double = 1e-10
    /// Float code against float64 references, |got - expected| / max(1, |expected|). Float keeps
    /// about 7 digits; a step adds up E + H products per gate and goes through σ and tanh, so a
    /// few units in the sixth digit is what a correct Float cell shows (section 7).
    static let float = 2e-5
    /// Finite differences in Double (fourth order, ε = 1e-3, README section 6): a correct backward
    /// pass scores ~1e-9 or better. The course's threshold for one layer or cell in every lesson.
    static let gradientCheck = 1e-7
}

/// (B, E, H) of the fixtures: a batch of one, and H = 5 and 13, not multiples of 8.
let cellShapes = ["b2_e3_h5", "b1_e4_h13", "b3_e7_h8", "b4_e6_h13"]

struct LSTMCase {
    let name: String
    let fixture: Fixture
    let cell: LSTMCell<Double>
    let x: Tensor<Double>
    let state: LSTMState<Double>
    /// Gh and Gc: dh' and dc' for backward.
    let upstream: LSTMState<Double>

    init(_ shape: String) throws {
        name = "lstm_cell_\(shape)"
        fixture = try loadFixture("lesson3/\(name)")
        cell = LSTMCell(parameters: LSTMParameters(
            weightIH: try fixture.tensor("weight_ih"), weightHH: try fixture.tensor("weight_hh"),
            biasIH: try fixture.tensor("bias_ih"), biasHH: try fixture.tensor("bias_hh")))
        x = try fixture.tensor("x")
        state = LSTMState(h: try fixture.tensor("h"), c: try fixture.tensor("c"))
        upstream = LSTMState(h: try fixture.tensor("Gh"), c: try fixture.tensor("Gc"))
    }

    static func all() throws -> [LSTMCase] { try cellShapes.map(LSTMCase.init) }

    /// Names the mistake behind a wrong dĉ, dGates or dc, from the tensors this fixture stores.
    func diagnosis() throws -> LSTMBackwardDiagnosis {
        try LSTMBackwardDiagnosis(fixture: fixture, tolerance: Tolerance.double)
    }

    /// One line when the student's dGates is wrong: the tensor a test checks is computed from it,
    /// so its failure follows from that one; nil when dGates is right.
    func followsFromDGates(_ tensor: String) throws -> String? {
        let (_, cache) = cell.forward(x, state: state)
        let (dGates, _) = cell.gateGradients(dh: upstream.h, dc: upstream.c, cache: cache)
        guard try diagnosis().diagnose(.dGates, got: dGates) != nil else { return nil }
        return "\(name): \(tensor) is wrong, and this follows from dGates above "
            + "(testLSTMCellBackward_dGates). Fix gateGradients first."
    }

    /// One line when the student's `gates` step is wrong: every forward output follows from it.
    func followsFromGates(_ tensor: String) throws -> String? {
        let gates = cell.gates(x, h: state.h)
        let c = compare("gates", got: gates, expected: try fixture.tensor("gates"), tolerance: Tolerance.double)
        return c.ok ? nil : "\(name): \(tensor) is wrong, and this follows from the gates above "
            + "(testLSTMCellForward_gates). Fix LSTMCell.gates first."
    }
}

/// A fixture for RNNCell or GRUCell: x, h, Gh and the parameters.
struct SimpleCase<P: RecurrentParameters> where P.Scalar == Double {
    let name: String
    let fixture: Fixture
    let parameters: P
    let x: Tensor<Double>
    let h: Tensor<Double>
    let upstream: Tensor<Double>

    init(kind: String, shape: String) throws {
        name = "\(kind)_cell_\(shape)"
        fixture = try loadFixture("lesson3/\(name)")
        parameters = P(weightIH: try fixture.tensor("weight_ih"), weightHH: try fixture.tensor("weight_hh"),
                       biasIH: try fixture.tensor("bias_ih"), biasHH: try fixture.tensor("bias_hh"))
        x = try fixture.tensor("x")
        h = try fixture.tensor("h")
        upstream = try fixture.tensor("Gh")
    }

    static func all(kind: String) throws -> [SimpleCase] { try cellShapes.map { try SimpleCase(kind: kind, shape: $0) } }
}

/// Where a stacked tensor keeps its gates: along the rows of a weight [G·H, n] or a bias [G·H],
/// or along the columns of a gate activation or gradient [B, G·H].
enum GateAxis { case rows, columns }

/// Compares `got` with `expected` one gate block at a time, so a failure reads "dW_hh is wrong
/// in the forget gate (f) ..." and lists the gates that are right.
func assertCloseByGate<P: RecurrentParameters, T: TensorScalar>(
    _ got: Tensor<T>, _ expected: Tensor<Double>, gates: P.Type, hiddenSize h: Int, axis: GateAxis,
    tolerance: Double, _ name: String, file: StaticString = #filePath, line: UInt = #line
) {
    guard got.shape == expected.shape else {
        XCTFail("\(name): shape \(got.shape), expected \(expected.shape)", file: file, line: line)
        return
    }
    var wrong: [String] = [], right: [String] = []
    for (g, gate) in P.gateDescriptions.enumerated() {
        let block: (Int) -> Bool
        switch axis {
        case .rows:
            let perRow = expected.rank == 2 ? expected.shape[1] : 1
            block = { i in (i / perRow) / h == g }
        case .columns:
            block = { i in (i % expected.cols) / h == g }
        }
        let indices = (0..<expected.count).filter(block)
        let slice = { (t: [Double]) in Tensor<Double>(shape: [indices.count], scalars: indices.map { t[$0] }) }
        let c = compare(name, got: slice(got.scalars.map(Double.init)), expected: slice(expected.scalars), tolerance: tolerance)
        if c.ok {
            right.append(P.gateNames[g])
            continue
        }
        let flat = indices[c.worstIndex.first ?? 0]
        let index = unflatten(flat, shape: expected.shape)
        let unit = (axis == .rows ? index[0] : index[index.count - 1]) - g * h
        let range = axis == .rows ? "rows \(g * h)..<\((g + 1) * h)" : "columns \(g * h)..<\((g + 1) * h)"
        wrong.append("\(gate), \(range): worst at \(index) (unit \(unit) of the gate): got \(c.got), expected \(c.expected), "
                     + "difference \(String(format: "%.2e", c.maxAbsDifference)) > tolerance \(tolerance)")
    }
    XCTAssertTrue(wrong.isEmpty, "\(name) \(expected.shape) is wrong in the "
                  + wrong.joined(separator: "; and in the ")
                  + (right.isEmpty ? "" : ". Right in gates: \(right.joined(separator: ", "))."),
                  file: file, line: line)
}


/// Fails unless `got` matches `expected`; on failure adds `diagnosis()` to the message.
func assertClose(_ got: Tensor<Double>, _ expected: Tensor<Double>, tolerance: Double, _ name: String,
                 diagnosis: () -> String, file: StaticString = #filePath, line: UInt = #line) {
    let c = compare(name, got: got, expected: expected, tolerance: tolerance)
    XCTAssertTrue(c.ok, c.description + (c.ok ? "" : diagnosis()), file: file, line: line)
}

/// Fails unless every row of a gate-by-gate gradient check passed; names each failing gate.
func assertGatesPass(_ rows: [GateGradientCheckRow], tolerance: Double, _ name: String,
                     file: StaticString = #filePath, line: UInt = #line) {
    let failed = rows.filter { !$0.result.passed(tolerance: tolerance) }
    let what = failed.map { $0.gate.isEmpty ? $0.tensor : "\($0.tensor) \($0.gate)" }
    XCTAssertTrue(failed.isEmpty,
                  "\(name): backward disagrees with centred differences for \(what.joined(separator: ", ")) "
                  + "(relative error > \(tolerance)):\n" + formatGateGradientCheck(rows, tolerance: tolerance)
                  + "\n" + failed.map(\.result.description).joined(separator: "\n"),
                  file: file, line: line)
}
