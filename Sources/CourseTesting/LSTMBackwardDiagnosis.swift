// When a student's LSTM backward pass is wrong, say what kind of wrong it is: "i and f look
// swapped", "missing tanh′(c′) factor", "the dc′ carry is missing". The diagnosis compares the
// student's tensor with tensors stored in a Lesson 3 fixture: the right dĉ, dGates and dc, and
// the same quantities with each typical mistake planted, which the fixture generator computes
// from the fixture's values (Tools/fixtures/lstm_mistakes.py, with the instructor). Nothing here
// computes a backward pass: the formula is the student's to derive (Lessons/Lesson3/README.md,
// section 4), and the messages name the tensor, the gate and the first wrong entry, and point
// at the line to re-derive, never print it.
//
// Shapes: B batch, H hidden size. Everything is in Double, from the fixture's inputs and
// PyTorch's forward values, so a wrong forward pass cannot hide a backward mistake: the student's
// backward must be run on the fixture's x, state and upstream gradients.

import TensorCore

/// The quantities of an LSTM step's backward pass that the diagnosis knows how to read.
public enum LSTMBackwardQuantity: String, Sendable {
    /// dĉ, all the gradient reaching c′ [B, H].
    case dCell = "dĉ"
    /// ∂L/∂gates before σ / tanh [B, 4H], columns i | f | g | o.
    case dGates
    /// ∂L/∂c for the previous step [B, H].
    case dc

    /// Its name in a fixture: "dcell", "dgates", "dc".
    var fixtureKey: String {
        switch self {
        case .dCell: return "dcell"
        case .dGates: return "dgates"
        case .dc: return "dc"
        }
    }
}

/// A typical mistake in an LSTM backward pass, with what a student is told about it.
public enum LSTMBackwardMistake: Sendable, Equatable, CustomStringConvertible {
    /// dĉ without the gradient that arrives through h′.
    case hPathMissing
    /// dĉ without dc′, the gradient carried from the next step.
    case carryMissing
    /// dĉ's h′ path without tanh′(c′).
    case tanhPrimeMissing
    /// dĉ's h′ path without the output gate o.
    case outputGateMissing
    /// tanh′(c′) taken as 1 - tanh(c′).
    case tanhPrimeNotSquared
    /// dĉ's h′ path subtracted instead of added.
    case hPathSignFlipped
    /// The i and f columns read (or written) the wrong way round.
    case inputForgetSwapped
    /// g's derivative taken as σ′ although g is a tanh.
    case candidateSigmoidDerivative
    /// df from the new cell state c′ instead of the previous c.
    case forgetUsesNewCell
    /// di from the wrong factor of i ⊙ g.
    case inputUsesItself
    /// do without tanh(c′).
    case outputMissingTanh
    /// do from tanh(c) instead of tanh(c′).
    case outputUsesOldCell
    /// dc passed back without the forget gate.
    case carryMissingForgetGate
    /// One gate block without the derivative of its nonlinearity (0 i, 1 f, 2 g, 3 o).
    case activationDerivativeMissing(gate: Int)
    /// One gate block with the right size and the wrong sign.
    case signFlipped(gate: Int)

    static let gates = ["input gate (i)", "forget gate (f)", "cell candidate (g)", "output gate (o)"]

    /// Every mistake the diagnosis tries, in the order it reports the first match.
    public static let all: [LSTMBackwardMistake] =
        [.hPathMissing, .carryMissing, .tanhPrimeMissing, .outputGateMissing, .tanhPrimeNotSquared, .hPathSignFlipped,
         .inputForgetSwapped, .candidateSigmoidDerivative, .forgetUsesNewCell, .inputUsesItself, .outputMissingTanh,
         .outputUsesOldCell, .carryMissingForgetGate]
        + (0..<4).map { .activationDerivativeMissing(gate: $0) } + (0..<4).map { .signFlipped(gate: $0) }

    /// What the student reads: the pattern, and where to look. Never the formula.
    public var description: String {
        switch self {
        case .hPathMissing:
            return "the dh′ path into c′ is missing: c′ also reaches the loss through h′ (README section 4, dĉ)"
        case .carryMissing:
            return "the dc′ carry is missing: dĉ must include the gradient dc′ that arrives from the next step (README section 4, dĉ)"
        case .tanhPrimeMissing:
            return "missing tanh′(c′) factor on the dh′ path into c′ (README section 4, dĉ)"
        case .outputGateMissing:
            return "the dh′ path through o is missing its factor o: h′ depends on c′ only through o and tanh (README section 4, dĉ)"
        case .tanhPrimeNotSquared:
            return "tanh′(c′) looks like 1 − tanh(c′): the derivative of tanh, written with its output, has a square (README section 4, dĉ)"
        case .hPathSignFlipped:
            return "the dh′ path into c′ has the wrong sign: the two paths into c′ add up (README section 4, dĉ)"
        case .inputForgetSwapped:
            return "i and f look swapped: the gates are stored i | f | g | o, the input gate first (columns 0..<H)"
        case .candidateSigmoidDerivative:
            return "the cell candidate (g) goes through σ′, but g is a tanh gate: use tanh's derivative there"
        case .forgetUsesNewCell:
            return "df uses the new cell state c′ where the previous c belongs (the one f multiplies in the forward pass)"
        case .inputUsesItself:
            return "di is multiplied by i itself; in a product, each factor's gradient is the upstream gradient times the other factor"
        case .outputMissingTanh:
            return "do is missing the tanh(c′) factor: in h′ = o ⊙ tanh(c′), o is multiplied by tanh(c′)"
        case .outputUsesOldCell:
            return "do uses tanh of the previous c; o multiplies tanh of the new c′"
        case .carryMissingForgetGate:
            return "dc, the gradient passed to the previous step, is missing the forget-gate factor (c enters c′ multiplied by f)"
        case .activationDerivativeMissing(let k):
            return "the \(Self.gates[k]) block is missing the derivative of its nonlinearity: dGates is the gradient before σ / tanh"
        case .signFlipped(let k):
            return "the \(Self.gates[k]) block has the right size but the wrong sign"
        }
    }

    /// Its name in a fixture, as Tools/fixtures/lstm_mistakes.py writes it: the tensors
    /// "mistake.<key>.dcell", ".dgates" and ".dc" (those the mistake changes).
    public var key: String {
        switch self {
        case .hPathMissing: return "h_path_missing"
        case .carryMissing: return "carry_missing"
        case .tanhPrimeMissing: return "tanh_prime_missing"
        case .outputGateMissing: return "output_gate_missing"
        case .tanhPrimeNotSquared: return "tanh_prime_not_squared"
        case .hPathSignFlipped: return "h_path_sign_flipped"
        case .inputForgetSwapped: return "input_forget_swapped"
        case .candidateSigmoidDerivative: return "candidate_sigmoid_derivative"
        case .forgetUsesNewCell: return "forget_uses_new_cell"
        case .inputUsesItself: return "input_uses_itself"
        case .outputMissingTanh: return "output_missing_tanh"
        case .outputUsesOldCell: return "output_uses_old_cell"
        case .carryMissingForgetGate: return "carry_missing_forget_gate"
        case .activationDerivativeMissing(let k): return "activation_derivative_missing_" + Self.gateLetters[k]
        case .signFlipped(let k): return "sign_flipped_" + Self.gateLetters[k]
        }
    }

    static let gateLetters = ["i", "f", "g", "o"]
}

/// Reads a wrong dĉ, dGates or dc and names the mistake behind it.
public struct LSTMBackwardDiagnosis: Sendable {
    /// A Lesson 3 LSTM fixture (lesson3/lstm_cell_*): the student's backward ran on its x, h, c,
    /// Gh and Gc.
    public let fixture: Fixture
    /// |got - expected| / max(1, |expected|) above this counts as wrong.
    public var tolerance: Double
    /// The right dĉ [B, H], dGates [B, 4H] and dc [B, H] (PyTorch's autograd).
    private let dCell, dGates, dc: Tensor<Double>

    /// Throws when the fixture lacks the right dĉ, dGates or dc.
    public init(fixture: Fixture, tolerance: Double) throws {
        self.fixture = fixture
        self.tolerance = tolerance
        dCell = try fixture.tensor(LSTMBackwardQuantity.dCell.fixtureKey)
        dGates = try fixture.tensor(LSTMBackwardQuantity.dGates.fixtureKey)
        dc = try fixture.tensor(LSTMBackwardQuantity.dc.fixtureKey)
    }

    /// The right value of `quantity`.
    public func expected(_ quantity: LSTMBackwardQuantity) -> Tensor<Double> {
        switch quantity {
        case .dCell: return dCell
        case .dGates: return dGates
        case .dc: return dc
        }
    }

    /// `quantity` with `mistake` planted, as the fixture stores it; nil when the mistake leaves
    /// `quantity` as it is on this fixture (e.g. a mistake in do, for dĉ).
    public func planted(_ mistake: LSTMBackwardMistake, _ quantity: LSTMBackwardQuantity) -> Tensor<Double>? {
        try? fixture.tensor("mistake.\(mistake.key).\(quantity.fixtureKey)")
    }

    /// nil when `got` is right; otherwise one line: the tensor, the first wrong entry (with its
    /// gate for dGates) and the pattern of the mistake when it is a typical one.
    public func diagnose(_ quantity: LSTMBackwardQuantity, got: Tensor<Double>) -> String? {
        let expected = self.expected(quantity)
        guard got.shape == expected.shape else {
            return "\(quantity.rawValue) has shape \(got.shape), expected \(expected.shape)"
        }
        guard let first = firstWrong(got, expected) else { return nil }
        let whereWrong = "first wrong entry \(quantity.rawValue)\(first)" + gateOf(quantity, column: first[1])
        guard let mistake = mistake(quantity, got: got) else {
            return "\(quantity.rawValue) is wrong (\(whereWrong)), and not in one of the typical ways: "
                + "re-derive \(quantity == .dGates ? "that gate's line" : "it") step by step (README section 4)"
        }
        return "\(quantity.rawValue) is wrong (\(whereWrong)): \(mistake)"
    }

    /// The typical mistake whose result matches `got`, if one does.
    public func mistake(_ quantity: LSTMBackwardQuantity, got: Tensor<Double>) -> LSTMBackwardMistake? {
        LSTMBackwardMistake.all.first { m in
            guard let planted = planted(m, quantity) else { return false }
            return firstWrong(planted, expected(quantity)) != nil && firstWrong(got, planted) == nil
        }
    }

    /// [row, column] of the first entry (row-major) beyond the tolerance, or nil.
    func firstWrong(_ got: Tensor<Double>, _ expected: Tensor<Double>) -> [Int]? {
        guard got.shape == expected.shape else { return [0, 0] }
        for k in 0..<expected.count {
            let d = abs(got.scalars[k] - expected.scalars[k]) / max(1, abs(expected.scalars[k]))
            if !(d <= tolerance) { return [k / expected.cols, k % expected.cols] }
        }
        return nil
    }

    func gateOf(_ q: LSTMBackwardQuantity, column: Int) -> String {
        guard q == .dGates else { return "" }
        let h = expected(.dCell).cols
        return ", \(LSTMBackwardMistake.gates[column / h]), unit \(column % h)"
    }
}
