// Your copy of Solutions/Lesson5/RecurrentEncoder.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 5, section 5.1 (provided): the recurrent part of the sentiment model, an LSTM, a GRU
// or a vanilla tanh RNN, behind one forward and one backward.
//
//   x [T, B, E] ──▶ nn.LSTM / nn.GRU / nn.RNN over the packed batch ──▶ output [T, B, D·H]
//
// The LSTM is Lesson 4's: your readable layer, or the provided fast kernel (`lstm.kernel`); the GRU and the RNN are CellStack over the
// student's own Lesson 3 cells. All three have the same tensors per layer and direction,
// weight_ih, weight_hh, bias_ih, bias_hh, named as PyTorch names them (lstm.weight_ih_l0,
// gru.weight_hh_l1_reverse, rnn.bias_ih_l0), so a fixture and a checkpoint map one to one.

import Lesson3
import Lesson4
import TensorCore

/// Which recurrent cell the model runs.
public enum RecurrentCellKind: String, Codable, CaseIterable, Sendable {
    case lstm, gru, rnn
}

public struct RecurrentEncoder<T: TensorScalar>: Sendable {
    /// Exactly one of these is set, the one `kind` names.
    public var lstm: LSTM<T>?
    public var gru: CellStack<GRUCell<T>>?
    public var rnn: CellStack<RNNCell<T>>?

    /// Initialised as nn.LSTM / nn.GRU / nn.RNN(inputSize, hiddenSize, numLayers, bidirectional, dropout).
    public init(kind: RecurrentCellKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bidirectional: Bool,
                dropout: Double, rng: inout SeededRNG) {
        switch kind {
        case .lstm:
            lstm = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bidirectional: bidirectional,
                        dropout: dropout, rng: &rng)
            lstm?.kernel = .trackDefault
        case .gru:
            gru = CellStack(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bidirectional: bidirectional,
                            dropout: dropout, rng: &rng)
        case .rnn:
            rnn = CellStack(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bidirectional: bidirectional,
                            dropout: dropout, rng: &rng)
        }
    }

    public var kind: RecurrentCellKind { lstm != nil ? .lstm : gru != nil ? .gru : .rnn }

    public enum Cache: Sendable {
        case lstm(LSTM<T>.Cache)
        case gru(CellStack<GRUCell<T>>.Cache)
        case rnn(CellStack<RNNCell<T>>.Cache)
    }

    /// [layer][direction], in the encoder's own parameter type.
    public enum Gradients: Sendable {
        case lstm([[LSTMParameters<T>]])
        case gru([[GRUParameters<T>]])
        case rnn([[RNNParameters<T>]])

        /// weight_ih, weight_hh, bias_ih, bias_hh of each layer and direction: the order of
        /// `RecurrentEncoder.namedParameters`.
        public var list: [Tensor<T>] {
            switch self {
            case .lstm(let g): return Self.flatten(g)
            case .gru(let g): return Self.flatten(g)
            case .rnn(let g): return Self.flatten(g)
            }
        }

        static func flatten<P: RecurrentParameters>(_ grads: [[P]]) -> [Tensor<T>] where P.Scalar == T {
            grads.flatMap { $0.flatMap { [$0.weightIH, $0.weightHH, $0.biasIH, $0.biasHH] } }
        }
    }

    /// x: [T, B, E], lengths: B values in 1...T -> the last layer's output [T, B, D·H] (zero at
    /// padded steps) and the cache. `rng` draws the dropout masks between layers.
    public func forward(_ x: Tensor<T>, lengths: [Int], training: Bool, rng: inout SeededRNG) -> (output: Tensor<T>, cache: Cache) {
        if let lstm {
            let r = lstm.forward(x, lengths: lengths, training: training, rng: &rng)
            return (r.output, .lstm(r.cache))
        }
        if let gru {
            let r = gru.forward(x, lengths: lengths, training: training, rng: &rng)
            return (r.output, .gru(r.cache))
        }
        guard let rnn else { preconditionFailure("RecurrentEncoder: no LSTM, GRU or RNN") }
        let r = rnn.forward(x, lengths: lengths, training: training, rng: &rng)
        return (r.output, .rnn(r.cache))
    }

    /// dOutput = ∂L/∂output [T, B, D·H] -> dx [T, B, E] and every parameter's gradient.
    public func backward(dOutput: Tensor<T>, cache: Cache) -> (dx: Tensor<T>, grads: Gradients) {
        switch (cache, lstm, gru, rnn) {
        case (.lstm(let c), let lstm?, _, _):
            let r = lstm.backward(dOutput: dOutput, dFinalH: nil, cache: c)
            return (r.dx, .lstm(r.grads))
        case (.gru(let c), _, let gru?, _):
            let r = gru.backward(dOutput: dOutput, dFinalH: nil, cache: c)
            return (r.dx, .gru(r.grads))
        case (.rnn(let c), _, _, let rnn?):
            let r = rnn.backward(dOutput: dOutput, dFinalH: nil, cache: c)
            return (r.dx, .rnn(r.grads))
        default:
            preconditionFailure("RecurrentEncoder.backward: a \(cache) cache for a \(kind) encoder")
        }
    }

    /// Every tensor with its PyTorch name, in nn.Module order.
    public var namedParameters: [(name: String, tensor: Tensor<T>)] {
        var list: [(name: String, tensor: Tensor<T>)] = []
        var copy = self
        copy.forEachParameter { name, tensor in list.append((name, tensor)) }
        return list
    }

    /// body(name, &tensor) for every tensor in `namedParameters` order, in place (no copy while
    /// an optimiser moves a tensor out and back).
    public mutating func forEachParameter(_ body: (_ name: String, _ tensor: inout Tensor<T>) throws -> Void) rethrows {
        func visit<P: RecurrentParameters>(_ p: inout P, _ name: (String) -> String) throws where P.Scalar == T {
            try body(name("weight_ih"), &p.weightIH)
            try body(name("weight_hh"), &p.weightHH)
            try body(name("bias_ih"), &p.biasIH)
            try body(name("bias_hh"), &p.biasHH)
        }
        func suffix(_ l: Int, _ d: Int) -> String { "_l\(l)" + (d == 1 ? "_reverse" : "") }
        if lstm != nil {
            for l in lstm!.layers.indices {
                for d in lstm!.layers[l].indices {
                    try visit(&lstm!.layers[l][d].parameters) { "lstm.\($0)" + suffix(l, d) }
                }
            }
        }
        if gru != nil {
            for l in gru!.layers.indices {
                for d in gru!.layers[l].indices {
                    try visit(&gru!.layers[l][d].cell.parameters) { "gru.\($0)" + suffix(l, d) }
                }
            }
        }
        if rnn != nil {
            for l in rnn!.layers.indices {
                for d in rnn!.layers[l].indices {
                    try visit(&rnn!.layers[l][d].cell.parameters) { "rnn.\($0)" + suffix(l, d) }
                }
            }
        }
    }
}
