// Your copy of Solutions/Lesson3/RecurrentParameters.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3, section 2: what every PyTorch recurrent cell stores.
//
// nn.RNNCell, nn.LSTMCell and nn.GRUCell all hold the same four tensors; only the number of
// gates G stacked along the rows differs (RNN 1, GRU 3: r, z, n, LSTM 4: i, f, g, o):
//
//     weightIH  [G·H, E]   weight_ih     input  -> gates
//     weightHH  [G·H, H]   weight_hh     hidden -> gates
//     biasIH    [G·H]      bias_ih
//     biasHH    [G·H]      bias_hh       (two biases, as PyTorch and cuDNN keep them)
//
// Rows k·H ..< (k+1)·H belong to gate k. Keeping the gates stacked is what lets one matrix
// product compute all of them at once; it is also how a wrong gradient row is traced back to
// the gate it belongs to (`gate(ofRow:hiddenSize:)`).

import TensorCore

/// The parameters of one recurrent cell, named as in PyTorch so a fixture maps one to one.
public protocol RecurrentParameters: Sendable {
    associatedtype Scalar: TensorScalar

    /// The gates stacked along the rows, in PyTorch's order, e.g. ["i", "f", "g", "o"].
    static var gateNames: [String] { get }
    /// A longer name per gate for messages, e.g. "forget gate (f)".
    static var gateDescriptions: [String] { get }

    /// [G·H, E]
    var weightIH: Tensor<Scalar> { get set }
    /// [G·H, H]
    var weightHH: Tensor<Scalar> { get set }
    /// [G·H]
    var biasIH: Tensor<Scalar> { get set }
    /// [G·H]
    var biasHH: Tensor<Scalar> { get set }

    /// Stores the four tensors without checking them; call `init(weightIH:weightHH:biasIH:biasHH:)`.
    init(uncheckedWeightIH weightIH: Tensor<Scalar>, weightHH: Tensor<Scalar>,
         biasIH: Tensor<Scalar>, biasHH: Tensor<Scalar>)
}

extension RecurrentParameters {
    /// G, the number of gates stacked along the rows.
    public static var gateCount: Int { gateNames.count }

    /// H
    public var hiddenSize: Int { weightHH.shape[1] }
    /// E
    public var inputSize: Int { weightIH.shape[1] }

    /// The four tensors, shapes checked: weightIH [G·H, E], weightHH [G·H, H], biases [G·H].
    public init(weightIH: Tensor<Scalar>, weightHH: Tensor<Scalar>, biasIH: Tensor<Scalar>, biasHH: Tensor<Scalar>) {
        let g = Self.gateCount
        precondition(weightHH.rank == 2 && weightHH.shape[0] == g * weightHH.shape[1],
                     "\(Self.self): weightHH must be [\(g)·H, H], got \(weightHH.shape)")
        let rows = weightHH.shape[0]
        precondition(weightIH.rank == 2 && weightIH.shape[0] == rows,
                     "\(Self.self): weightIH must be [\(rows), E] to match weightHH \(weightHH.shape), got \(weightIH.shape)")
        precondition(biasIH.shape == [rows], "\(Self.self): biasIH must be [\(rows)], got \(biasIH.shape)")
        precondition(biasHH.shape == [rows], "\(Self.self): biasHH must be [\(rows)], got \(biasHH.shape)")
        self.init(uncheckedWeightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }

    /// Freshly initialised as PyTorch does it: every entry uniform in ±1/sqrt(H).
    public init(inputSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        let rows = Self.gateCount * hiddenSize
        let weightIH = Tensor<Scalar>.recurrentInit([rows, inputSize], hidden: hiddenSize, rng: &rng)
        let weightHH = Tensor<Scalar>.recurrentInit([rows, hiddenSize], hidden: hiddenSize, rng: &rng)
        let biasIH = Tensor<Scalar>.recurrentInit([rows], hidden: hiddenSize, rng: &rng)
        let biasHH = Tensor<Scalar>.recurrentInit([rows], hidden: hiddenSize, rng: &rng)
        self.init(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }

    /// All zeros: where gradients are accumulated.
    public static func zeros(inputSize: Int, hiddenSize: Int) -> Self {
        let rows = gateCount * hiddenSize
        return Self(weightIH: .zeros([rows, inputSize]), weightHH: .zeros([rows, hiddenSize]),
                    biasIH: .zeros([rows]), biasHH: .zeros([rows]))
    }

    /// The same parameters in another scalar type (Double fixtures -> Float code, and back).
    public init<Other: RecurrentParameters>(_ other: Other) {
        precondition(Other.gateNames == Self.gateNames, "\(Self.self)(\(Other.self)): the gates differ")
        self.init(weightIH: Tensor(other.weightIH), weightHH: Tensor(other.weightHH),
                  biasIH: Tensor(other.biasIH), biasHH: Tensor(other.biasHH))
    }

    /// self += scale · other, tensor by tensor (an SGD step, or summing gradients over time).
    public mutating func add(_ other: Self, scaledBy scale: Scalar) {
        weightIH.add(other.weightIH, scaledBy: scale)
        weightHH.add(other.weightHH, scaledBy: scale)
        biasIH.add(other.biasIH, scaledBy: scale)
        biasHH.add(other.biasHH, scaledBy: scale)
    }

    /// The four tensors with PyTorch's names, in PyTorch's order (for reports and optimisers).
    public var namedTensors: [(name: String, tensor: Tensor<Scalar>)] {
        [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias_ih", biasIH), ("bias_hh", biasHH)]
    }

    /// Total number of scalars.
    public var parameterCount: Int { weightIH.count + weightHH.count + biasIH.count + biasHH.count }

    /// Which gate row `row` of a [G·H, ...] tensor (or entry `row` of a [G·H] bias) belongs to.
    public static func gate(ofRow row: Int, hiddenSize: Int) -> (index: Int, name: String, description: String, unit: Int) {
        let k = min(max(row / max(hiddenSize, 1), 0), gateCount - 1)
        return (k, gateNames[k], gateDescriptions[k], row - k * hiddenSize)
    }
}
