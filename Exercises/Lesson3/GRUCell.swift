// Your copy of Solutions/Lesson3/GRUCell.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 3, section 9: the gated recurrent unit, nn.GRUCell in PyTorch's formulation.
//
// Forward, for x [B, E] and h [B, H]; gates stacked r | z | n along the rows of the weights:
//     a = x W_ihᵀ + b_ih                               [B, 3H]   columns a_r | a_z | a_n
//     b = h W_hhᵀ + b_hh                               [B, 3H]   columns b_r | b_z | b_n
//     r  = σ(a_r + b_r)                                reset gate    [B, H]
//     z  = σ(a_z + b_z)                                update gate   [B, H]
//     n  = tanh(a_n + r ⊙ b_n)                         new gate      [B, H]
//     h' = (1 - z) ⊙ n + z ⊙ h                         [B, H]
// The reset gate multiplies b_n = W_hn h + b_hn, the whole hidden-side term with its bias:
// that is where PyTorch (and cuDNN) differ from the original paper, and why the two
// pre-activations a and b are kept apart instead of summed as in the LSTM.
//
// Backward (section 9): you derive it, as section 4 does for the LSTM. In and out:
//     in   dh' = ∂L/∂h'                                [B, H]
//     out  dx [B, E], dh [B, H] (two paths: through W_hh and directly through z ⊙ h),
//          dW_ih [3H, E], dW_hh [3H, H], db_ih [3H], db_hh [3H]
//     on the way: ∂L/∂a and ∂L/∂b, [B, 3H] each, columns r | z | n

import TensorCore

/// nn.GRUCell's parameters: weightIH [3H, E], weightHH [3H, H], biasIH [3H], biasHH [3H],
/// rows r | z | n.
public struct GRUParameters<T: TensorScalar>: RecurrentParameters, Sendable {
    public typealias Scalar = T
    public static var gateNames: [String] { ["r", "z", "n"] }
    public static var gateDescriptions: [String] { ["reset gate (r)", "update gate (z)", "new gate (n)"] }

    /// [3H, E]
    public var weightIH: Tensor<T>
    /// [3H, H]
    public var weightHH: Tensor<T>
    /// [3H]
    public var biasIH: Tensor<T>
    /// [3H]
    public var biasHH: Tensor<T>

    public init(uncheckedWeightIH weightIH: Tensor<T>, weightHH: Tensor<T>, biasIH: Tensor<T>, biasHH: Tensor<T>) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }
}

public struct GRUCell<T: TensorScalar>: Sendable {
    public var parameters: GRUParameters<T>

    /// E
    public var inputSize: Int { parameters.inputSize }
    /// H
    public var hiddenSize: Int { parameters.hiddenSize }

    public init(parameters: GRUParameters<T>) {
        self.parameters = parameters
    }

    /// A fresh cell initialised as nn.GRUCell is: every entry uniform in ±1/sqrt(H).
    public init(inputSize: Int, hiddenSize: Int, rng: inout SeededRNG) {
        self.init(parameters: GRUParameters(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng))
    }

    /// What backward needs from forward.
    public struct Cache: Sendable {
        /// The input x [B, E].
        public var x: Tensor<T>
        /// The previous hidden state h [B, H].
        public var h: Tensor<T>
        /// The gates after their nonlinearities, [B, 3H]: columns r | z | n.
        public var gates: Tensor<T>
        /// b_n = h W_hnᵀ + b_hn [B, H], the term the reset gate scales.
        public var hiddenN: Tensor<T>

        public init(x: Tensor<T>, h: Tensor<T>, gates: Tensor<T>, hiddenN: Tensor<T>) {
            self.x = x
            self.h = h
            self.gates = gates
            self.hiddenN = hiddenN
        }

        /// The reset gate r, columns 0..<H of `gates` [B, H].
        public var r: Tensor<T> { gates.columns(0..<h.cols) }
        /// The update gate z, columns H..<2H [B, H].
        public var z: Tensor<T> { gates.columns(h.cols..<2 * h.cols) }
        /// The new gate n, columns 2H..<3H [B, H].
        public var n: Tensor<T> { gates.columns(2 * h.cols..<3 * h.cols) }
    }

    /// One step. x: [B, E], h: [B, H] -> h' [B, H].
    public func forward(_ x: Tensor<T>, h: Tensor<T>) -> (h: Tensor<T>, cache: Cache) {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "GRUCell.forward: x must be [B, \(inputSize)], got \(x.shape)")
        precondition(h.shape == [x.shape[0], hiddenSize],
                     "GRUCell.forward: h must be [\(x.shape[0]), \(hiddenSize)] (B from x), got \(h.shape)")
        unimplemented("GRUCell.forward", lesson: 3, see: "section 9")
    }

    /// The cell as a function: `cell(x, h: h)` is `cell.forward(x, h: h).h`.
    public func callAsFunction(_ x: Tensor<T>, h: Tensor<T>) -> Tensor<T> {
        forward(x, h: h).h
    }

    /// Backward for one step: dh = ∂L/∂h' [B, H] -> dx [B, E], dh for the previous step [B, H],
    /// and the parameters' gradients (weightIH [3H, E], weightHH [3H, H], biases [3H]).
    public func backward(dh: Tensor<T>, cache: Cache) -> (dx: Tensor<T>, dh: Tensor<T>, grads: GRUParameters<T>) {
        precondition(dh.shape == cache.h.shape, "GRUCell.backward: dh must be \(cache.h.shape) like h, got \(dh.shape)")
        unimplemented("GRUCell.backward", lesson: 3, see: "section 9")
    }
}
