// The Lesson 3 backward diagnosis. It names a mistake by matching the student's tensor with the
// variants the fixture generator stored (Tools/fixtures/lstm_mistakes.py); these tests check
// that every fixture has them, and, with planted wrong implementations written here
// independently of the generator, that each typical mistake gets its name.

import CourseTesting
import TensorCore
import XCTest

/// The Lesson 3 LSTM fixtures the diagnosis reads: the tests' four and the walkthrough's.
private let diagnosedFixtures = ["b2_e3_h5", "b1_e4_h13", "b3_e7_h8", "b4_e6_h13", "b1_e3_h2"].map { "lesson3/lstm_cell_\($0)" }

final class LSTMBackwardDiagnosisFixtureTests: XCTestCase {
    func testEveryFixtureStoresEveryMistake() throws {
        for name in diagnosedFixtures {
            let diagnosis = try LSTMBackwardDiagnosis(fixture: try loadFixture(name), tolerance: 1e-10)
            for mistake in LSTMBackwardMistake.all {
                let stored = [LSTMBackwardQuantity.dCell, .dGates, .dc].compactMap { diagnosis.planted(mistake, $0) }
                XCTAssertFalse(stored.isEmpty, "\(name) stores nothing for \(mistake.key): regenerate Tools/fixtures/lesson3.py")
            }
            for quantity in [LSTMBackwardQuantity.dCell, .dGates, .dc] {
                XCTAssertNil(diagnosis.diagnose(quantity, got: diagnosis.expected(quantity)), "\(name): the right \(quantity) is right")
            }
        }
    }

    func testAStoredMistakeGetsItsName() throws {
        let diagnosis = try LSTMBackwardDiagnosis(fixture: try loadFixture(diagnosedFixtures[0]), tolerance: 1e-10)
        let swapped = try XCTUnwrap(diagnosis.planted(.inputForgetSwapped, .dGates))
        let line = try XCTUnwrap(diagnosis.diagnose(.dGates, got: swapped))
        XCTAssertTrue(line.hasPrefix("dGates is wrong (first wrong entry dGates[0, 0], input gate (i), unit 0)"), line)
        XCTAssertTrue(line.hasSuffix(LSTMBackwardMistake.inputForgetSwapped.description), line)
        let doubled = 2 * diagnosis.expected(.dGates)
        XCTAssertTrue(diagnosis.diagnose(.dGates, got: doubled)?.contains("not in one of the typical ways") == true)
        XCTAssertEqual(diagnosis.diagnose(.dc, got: Tensor<Double>.zeros([1, 1])), "dc has shape [1, 1], expected \(diagnosis.expected(.dc).shape)")
    }
}

// BEGIN INSTRUCTOR
// Instructors only: the planted implementations hold Lesson 3's answer.
final class LSTMBackwardDiagnosisTests: XCTestCase {
    /// The mistakes a student makes, one planted implementation each.
    private enum Bug: CaseIterable {
        case none, dropHPath, dropCarry, dropTanhPrime, dropO, tanhPrimeNoSquare, swapIF, gSigmoidPrime,
             dfFromCNext, doWithoutTanh, dcWithoutF, flipForgetSign, dropOutputSigmoidPrime, doubledEverything
    }

    /// A fixture's step: the gates after their nonlinearities [B, 4H], c and c′ [B, H], and the
    /// upstream gradients dh′ = Gh and dc′ = Gc [B, H].
    private struct Step {
        let gates, c, cNext, dh, dc: Tensor<Double>

        init(_ fixture: Fixture) throws {
            gates = try fixture.tensor("gates")
            c = try fixture.tensor("c")
            cNext = try fixture.tensor("c_next")
            dh = try fixture.tensor("Gh")
            dc = try fixture.tensor("Gc")
        }
    }

    /// A student's gateGradients with `bug` planted: (dĉ, dGates, dc).
    private func planted(_ bug: Bug, _ s: Step) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>) {
        let h = s.c.cols
        var i = s.gates.columns(0..<h), f = s.gates.columns(h..<2 * h)
        let g = s.gates.columns(2 * h..<3 * h), o = s.gates.columns(3 * h..<4 * h)
        if bug == .swapIF { (i, f) = (f, i) }
        let (dh, dc) = (s.dh, s.dc)
        let t = s.cNext.tanh()
        let dCell: Tensor<Double>
        switch bug {
        case .dropHPath: dCell = dc
        case .dropCarry: dCell = dh * o * (1 - t * t)
        case .dropTanhPrime: dCell = dc + dh * o
        case .dropO: dCell = dc + dh * (1 - t * t)
        case .tanhPrimeNoSquare: dCell = dc + dh * o * (1 - t)
        default: dCell = dc + dh * o * (1 - t * t)
        }
        let dO = bug == .doWithoutTanh ? dh : dh * t
        let dF = dCell * (bug == .dfFromCNext ? s.cNext : s.c)
        let dgPrime = bug == .gSigmoidPrime ? g * (1 - g) : 1 - g * g
        let doPrime = bug == .dropOutputSigmoidPrime ? Tensor(shape: o.shape, repeating: 1) : o * (1 - o)
        var dGates = concatColumns([dCell * g * i * (1 - i), (bug == .flipForgetSign ? -1 : 1) * dF * f * (1 - f),
                                    dCell * i * dgPrime, dO * doPrime])
        if bug == .doubledEverything { dGates = 2 * dGates }
        return (dCell, dGates, bug == .dcWithoutF ? dCell : dCell * f)
    }

    private func expectedMistake(_ bug: Bug) -> LSTMBackwardMistake? {
        switch bug {
        case .none, .doubledEverything: return nil
        case .dropHPath: return .hPathMissing
        case .dropCarry: return .carryMissing
        case .dropTanhPrime: return .tanhPrimeMissing
        case .dropO: return .outputGateMissing
        case .tanhPrimeNoSquare: return .tanhPrimeNotSquared
        case .swapIF: return .inputForgetSwapped
        case .gSigmoidPrime: return .candidateSigmoidDerivative
        case .dfFromCNext: return .forgetUsesNewCell
        case .doWithoutTanh: return .outputMissingTanh
        case .dcWithoutF: return .carryMissingForgetGate
        case .flipForgetSign: return .signFlipped(gate: 1)
        case .dropOutputSigmoidPrime: return .activationDerivativeMissing(gate: 3)
        }
    }

    func testEveryPlantedMistakeIsNamed() throws {
        for name in diagnosedFixtures {
            let fixture = try loadFixture(name)
            let step = try Step(fixture)
            let diagnosis = try LSTMBackwardDiagnosis(fixture: fixture, tolerance: 1e-10)
            for bug in Bug.allCases {
                let (dCell, dGates, dc) = planted(bug, step)
                let line = diagnosis.diagnose(.dGates, got: dGates) ?? diagnosis.diagnose(.dc, got: dc)
                switch (bug, expectedMistake(bug)) {
                case (.none, _):
                    XCTAssertNil(line, "\(name): a right backward pass is not diagnosed")
                    XCTAssertNil(diagnosis.diagnose(.dCell, got: dCell))
                case (_, nil):
                    XCTAssertEqual(diagnosis.mistake(.dGates, got: dGates), nil, "\(name): \(bug)")
                    XCTAssertTrue(line?.contains("not in one of the typical ways") == true, "\(name): \(bug): \(line ?? "nil")")
                case (_, let mistake?):
                    let found = diagnosis.mistake(.dGates, got: dGates) ?? diagnosis.mistake(.dc, got: dc)
                    XCTAssertEqual(found, mistake, "\(name): \(bug)")
                    XCTAssertTrue(line?.contains(mistake.description) == true, "\(name): \(bug): \(line ?? "nil")")
                }
            }
        }
    }

    func testDCellMistakesAreNamedOnDCellAndDc() throws {
        for name in diagnosedFixtures {
            let fixture = try loadFixture(name)
            let step = try Step(fixture)
            let diagnosis = try LSTMBackwardDiagnosis(fixture: fixture, tolerance: 1e-10)
            for bug in [Bug.dropHPath, .dropCarry, .dropTanhPrime, .dropO, .tanhPrimeNoSquare] {
                let (dCell, _, dc) = planted(bug, step)
                XCTAssertEqual(diagnosis.mistake(.dCell, got: dCell), expectedMistake(bug), "\(name): \(bug) on dĉ")
                XCTAssertEqual(diagnosis.mistake(.dc, got: dc), expectedMistake(bug), "\(name): \(bug) on dc")
            }
        }
    }

    func testMessagesNameWhereButNeverTheFormula() throws {
        let fixture = try loadFixture(diagnosedFixtures[0])
        let diagnosis = try LSTMBackwardDiagnosis(fixture: fixture, tolerance: 1e-10)
        let (_, dGates, _) = planted(.swapIF, try Step(fixture))
        let line = try XCTUnwrap(diagnosis.diagnose(.dGates, got: dGates))
        XCTAssertTrue(line.hasPrefix("dGates is wrong (first wrong entry dGates[0, 0], input gate (i), unit 0)"), line)
        for mistake in LSTMBackwardMistake.all {
            for formula in ["dĉ =", "dGates =", "dc =", "(1 - ", "(1 − ", "σ(1", "dh′ ⊙", "dh' ⊙", "dc′ +", "dc' +"] {
                XCTAssertFalse(mistake.description.contains(formula), "\(mistake) gives away \(formula)")
            }
        }
    }
}
// END INSTRUCTOR
