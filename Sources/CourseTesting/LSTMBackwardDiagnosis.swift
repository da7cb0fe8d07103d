// When a student's LSTM backward pass is wrong, say what kind of wrong it is: "i and f look
// swapped", "missing tanh′(c′) factor", "the dc′ carry is missing". The diagnosis recomputes the
// step's backward with each typical mistake planted in it and reports the mistake whose result
// matches the student's tensor. The messages name the tensor, the gate and the first wrong
// entry, and point at the line to re-derive; they never print the formula, which is the
// student's to derive (Lessons/Lesson3/README.md, section 4).
//
// Shapes: B batch, H hidden size. Everything is in Double, from the reference forward values
// (a fixture's gates and cell states), so a wrong forward pass cannot hide a backward mistake.

import TensorCore

/// The reference values one LSTM step's backward starts from.
public struct LSTMStepValues: Sendable {
    /// The gates after σ / tanh, [B, H] each.
    public var i, f, g, o: Tensor<Double>
    /// The previous cell state c and the new one c′, [B, H] each.
    public var c, cNext: Tensor<Double>
    /// dh′ = ∂L/∂h′ and dc′ = ∂L/∂c′, [B, H] each.
    public var dhNext, dcNext: Tensor<Double>

    /// gates: [B, 4H], columns i | f | g | o after their nonlinearities; the others [B, H].
    public init(gates: Tensor<Double>, c: Tensor<Double>, cNext: Tensor<Double>,
                dhNext: Tensor<Double>, dcNext: Tensor<Double>) {
        let h = c.cols
        precondition(gates.shape == [c.rows, 4 * h], "LSTMStepValues: gates must be [B, 4H] = \([c.rows, 4 * h]), got \(gates.shape)")
        i = gates.columns(0..<h)
        f = gates.columns(h..<2 * h)
        g = gates.columns(2 * h..<3 * h)
        o = gates.columns(3 * h..<4 * h)
        self.c = c
        self.cNext = cNext
        self.dhNext = dhNext
        self.dcNext = dcNext
    }
}

/// The quantities of an LSTM step's backward pass that the diagnosis knows how to read.
public enum LSTMBackwardQuantity: String, Sendable {
    /// dĉ, all the gradient reaching c′ [B, H].
    case dCell = "dĉ"
    /// ∂L/∂gates before σ / tanh [B, 4H], columns i | f | g | o.
    case dGates
    /// ∂L/∂c for the previous step [B, H].
    case dc
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

    /// The backward pass with this mistake planted: (dĉ [B, H], dGates [B, 4H], dc [B, H]).
    func backward(_ v: LSTMStepValues) -> (dCell: Tensor<Double>, dGates: Tensor<Double>, dc: Tensor<Double>) {
        var (i, f) = (v.i, v.f)
        if self == .inputForgetSwapped { swap(&i, &f) }
        let (g, o, c) = (v.g, v.o, v.c)
        let t = v.cNext.tanh()
        var tanhPrime = 1 - t * t
        if self == .tanhPrimeNotSquared { tanhPrime = 1 - t }
        if self == .tanhPrimeMissing { tanhPrime = Tensor(shape: t.shape, repeating: 1) }
        let hPath = v.dhNext * (self == .outputGateMissing ? Tensor(shape: o.shape, repeating: 1) : o) * tanhPrime
        let dCell: Tensor<Double>
        switch self {
        case .hPathMissing: dCell = v.dcNext
        case .carryMissing: dCell = hPath
        case .hPathSignFlipped: dCell = v.dcNext - hPath
        default: dCell = v.dcNext + hPath
        }
        let dI = dCell * (self == .inputUsesItself ? i : g)
        let dF = dCell * (self == .forgetUsesNewCell ? v.cNext : c)
        let dG = dCell * i
        let dO: Tensor<Double>
        switch self {
        case .outputMissingTanh: dO = v.dhNext
        case .outputUsesOldCell: dO = v.dhNext * c.tanh()
        default: dO = v.dhNext * t
        }
        var derivatives = [i * (1 - i), f * (1 - f), 1 - g * g, o * (1 - o)]
        if self == .candidateSigmoidDerivative { derivatives[2] = g * (1 - g) }
        if case .activationDerivativeMissing(let k) = self { derivatives[k] = Tensor(shape: g.shape, repeating: 1) }
        var blocks = zip([dI, dF, dG, dO], derivatives).map { $0 * $1 }
        if case .signFlipped(let k) = self { blocks[k] = -blocks[k] }
        let dc = self == .carryMissingForgetGate ? dCell : dCell * f
        return (dCell, concatColumns(blocks), dc)
    }
}

/// Reads a wrong dĉ, dGates or dc and names the mistake behind it.
public struct LSTMBackwardDiagnosis: Sendable {
    public var values: LSTMStepValues
    /// |got - expected| / max(1, |expected|) above this counts as wrong.
    public var tolerance: Double

    public init(values: LSTMStepValues, tolerance: Double) {
        self.values = values
        self.tolerance = tolerance
    }

    /// The backward pass with `mistake` planted: (dĉ [B, H], dGates [B, 4H], dc [B, H]), e.g. to
    /// show what the mistake does to a gradient check.
    public func planted(_ mistake: LSTMBackwardMistake) -> (dCell: Tensor<Double>, dGates: Tensor<Double>, dc: Tensor<Double>) {
        mistake.backward(values)
    }

    /// The right value of `quantity`.
    public func expected(_ quantity: LSTMBackwardQuantity) -> Tensor<Double> {
        pick(quantity, from: Self.reference(values))
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
            let planted = pick(quantity, from: m.backward(values))
            return firstWrong(planted, expected(quantity)) != nil && firstWrong(got, planted) == nil
        }
    }

    func pick(_ q: LSTMBackwardQuantity, from r: (dCell: Tensor<Double>, dGates: Tensor<Double>, dc: Tensor<Double>)) -> Tensor<Double> {
        switch q {
        case .dCell: return r.dCell
        case .dGates: return r.dGates
        case .dc: return r.dc
        }
    }

    /// The right backward: no mistake planted.
    static func reference(_ v: LSTMStepValues) -> (dCell: Tensor<Double>, dGates: Tensor<Double>, dc: Tensor<Double>) {
        let t = v.cNext.tanh()
        let dCell = v.dcNext + v.dhNext * v.o * (1 - t * t)
        let blocks = [dCell * v.g * v.i * (1 - v.i), dCell * v.c * v.f * (1 - v.f),
                      dCell * v.i * (1 - v.g * v.g), v.dhNext * t * v.o * (1 - v.o)]
        return (dCell, concatColumns(blocks), dCell * v.f)
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
        let h = values.c.cols
        return ", \(LSTMBackwardMistake.gates[column / h]), unit \(column % h)"
    }
}
