// The Lesson 3 backward diagnosis, tested with planted wrong implementations: each is an LSTM
// gate-gradient step with one typical mistake, written here independently of the diagnosis's
// own planted variants, and the diagnosis must name that mistake (and nothing when it is right).
// Instructors only: the planted implementations hold Lesson 3's answer.

// BEGIN INSTRUCTOR
import CourseTesting
import TensorCore
import XCTest

final class LSTMBackwardDiagnosisTests: XCTestCase {
    /// The mistakes a student makes, one planted implementation each.
    private enum Bug: CaseIterable {
        case none, dropHPath, dropCarry, dropTanhPrime, dropO, tanhPrimeNoSquare, swapIF, gSigmoidPrime,
             dfFromCNext, doWithoutTanh, dcWithoutF, flipForgetSign, dropOutputSigmoidPrime, doubledEverything
    }

    /// A random step: gates in (0, 1) or (-1, 1), states and upstream gradients of size ~1. B = 3, H = 4.
    private func randomStep(seed: UInt64) -> (gates: Tensor<Double>, c: Tensor<Double>, cNext: Tensor<Double>,
                                              dh: Tensor<Double>, dc: Tensor<Double>) {
        var rng = SeededRNG(seed: seed)
        let pre = Tensor<Double>.normal([3, 16], rng: &rng)
        let gates = concatColumns([pre.columns(0..<8).sigmoid(), pre.columns(8..<12).tanh(), pre.columns(12..<16).sigmoid()])
        let c = Tensor<Double>.normal([3, 4], rng: &rng)
        let cNext = gates.columns(4..<8) * c + gates.columns(0..<4) * gates.columns(8..<12)
        return (gates, c, cNext, .normal([3, 4], rng: &rng), .normal([3, 4], rng: &rng))
    }

    /// A student's gateGradients with `bug` planted: (dĉ, dGates, dc).
    private func planted(_ bug: Bug, gates: Tensor<Double>, c: Tensor<Double>, cNext: Tensor<Double>,
                         dh: Tensor<Double>, dc: Tensor<Double>) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>) {
        var i = gates.columns(0..<4), f = gates.columns(4..<8)
        let g = gates.columns(8..<12), o = gates.columns(12..<16)
        if bug == .swapIF { (i, f) = (f, i) }
        let t = cNext.tanh()
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
        let dF = dCell * (bug == .dfFromCNext ? cNext : c)
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

    func testEveryPlantedMistakeIsNamed() {
        for seed: UInt64 in [1, 2, 3] {
            let s = randomStep(seed: seed)
            let diagnosis = LSTMBackwardDiagnosis(
                values: LSTMStepValues(gates: s.gates, c: s.c, cNext: s.cNext, dhNext: s.dh, dcNext: s.dc), tolerance: 1e-10)
            for bug in Bug.allCases {
                let (dCell, dGates, dc) = planted(bug, gates: s.gates, c: s.c, cNext: s.cNext, dh: s.dh, dc: s.dc)
                let line = diagnosis.diagnose(.dGates, got: dGates) ?? diagnosis.diagnose(.dc, got: dc)
                switch (bug, expectedMistake(bug)) {
                case (.none, _):
                    XCTAssertNil(line, "a right backward pass is not diagnosed")
                    XCTAssertNil(diagnosis.diagnose(.dCell, got: dCell))
                case (_, nil):
                    XCTAssertEqual(diagnosis.mistake(.dGates, got: dGates), nil, "\(bug)")
                    XCTAssertTrue(line?.contains("not in one of the typical ways") == true, "\(bug): \(line ?? "nil")")
                case (_, let mistake?):
                    let found = diagnosis.mistake(.dGates, got: dGates) ?? diagnosis.mistake(.dc, got: dc)
                    XCTAssertEqual(found, mistake, "\(bug) (seed \(seed))")
                    XCTAssertTrue(line?.contains(mistake.description) == true, "\(bug): \(line ?? "nil")")
                }
            }
        }
    }

    func testDCellMistakesAreNamedOnDCellAndDc() {
        let s = randomStep(seed: 7)
        let diagnosis = LSTMBackwardDiagnosis(
            values: LSTMStepValues(gates: s.gates, c: s.c, cNext: s.cNext, dhNext: s.dh, dcNext: s.dc), tolerance: 1e-10)
        for bug in [Bug.dropHPath, .dropCarry, .dropTanhPrime, .dropO, .tanhPrimeNoSquare] {
            let (dCell, _, dc) = planted(bug, gates: s.gates, c: s.c, cNext: s.cNext, dh: s.dh, dc: s.dc)
            XCTAssertEqual(diagnosis.mistake(.dCell, got: dCell), expectedMistake(bug), "\(bug) on dĉ")
            XCTAssertEqual(diagnosis.mistake(.dc, got: dc), expectedMistake(bug), "\(bug) on dc")
        }
    }

    func testMessagesNameWhereButNeverTheFormula() throws {
        let s = randomStep(seed: 11)
        let diagnosis = LSTMBackwardDiagnosis(
            values: LSTMStepValues(gates: s.gates, c: s.c, cNext: s.cNext, dhNext: s.dh, dcNext: s.dc), tolerance: 1e-10)
        let (_, dGates, _) = planted(.swapIF, gates: s.gates, c: s.c, cNext: s.cNext, dh: s.dh, dc: s.dc)
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
