// What Lesson 4's tests share: tolerances, the fixtures' cases, and loading torch's nn.LSTM
// parameters (weight_ih_l0, weight_hh_l0_reverse, ...) into the lesson's types.

import CourseTesting
import Lesson3
import Lesson4
import TensorCore
import XCTest

enum Tolerance {
    /// Double code against a float64 PyTorch fixture: the same sums rounded in another order,
    /// over up to 7 steps.
    static let double = 1e-10
    /// Float code (fast sigmoid and tanh, ~3e-7 relative) against the same fixture.
    static let float = 2e-5
    /// Centred differences in Double (CS231n's threshold is 1e-7 for one layer; a few steps of
    /// recurrence lose a little more).
    static let gradientCheck = 1e-6
    /// Centred differences through two stacked bidirectional layers: some weight gradients of
    /// the lower layer are only ~1e-5 in size, and the loss's rounding (~1e-16 / ε = 1e-10)
    /// is then a relative 1e-5 of them.
    static let gradientCheckStack = 1e-5
}

/// The parameters of nn.LSTM's layer `layer`, direction forward or `_reverse`, from a fixture.
func lstmParameters(_ f: Fixture, layer: Int, reverse: Bool) throws -> LSTMParameters<Double> {
    let suffix = "_l\(layer)" + (reverse ? "_reverse" : "")
    return LSTMParameters(weightIH: try f.tensor("weight_ih" + suffix), weightHH: try f.tensor("weight_hh" + suffix),
                          biasIH: try f.tensor("bias_ih" + suffix), biasHH: try f.tensor("bias_hh" + suffix))
}

/// The gradients of the same, from the fixture's grad_... tensors.
func lstmGradients(_ f: Fixture, layer: Int, reverse: Bool) throws -> LSTMParameters<Double> {
    let suffix = "_l\(layer)" + (reverse ? "_reverse" : "")
    return LSTMParameters(weightIH: try f.tensor("grad_weight_ih" + suffix), weightHH: try f.tensor("grad_weight_hh" + suffix),
                          biasIH: try f.tensor("grad_bias_ih" + suffix), biasHH: try f.tensor("grad_bias_hh" + suffix))
}

/// The whole nn.LSTM of a fixture.
func lstm(_ f: Fixture) throws -> LSTM<Double> {
    let directions = try f.bool("bidirectional") ? 2 : 1
    let layers = try (0..<f.int("num_layers")).map { l in
        try (0..<directions).map { d in
            LSTMLayer(parameters: try lstmParameters(f, layer: l, reverse: d == 1), reverse: d == 1)
        }
    }
    return LSTM(layers: layers)
}

/// Entry `index` of the first axis: [N, ...] -> [...].
func slice<T: TensorScalar>(_ t: Tensor<T>, _ index: Int) -> Tensor<T> {
    let rest = Array(t.shape.dropFirst())
    let size = rest.reduce(1, *)
    return Tensor(shape: rest, scalars: Array(t.scalars[(index * size)..<((index + 1) * size)]))
}

/// Columns start ..< start + width of the last axis.
func lastAxis<T: TensorScalar>(_ t: Tensor<T>, from start: Int, width: Int) -> Tensor<T> {
    let total = t.shape[t.rank - 1], rows = t.count / total
    var s: [T] = []
    for r in 0..<rows { s += t.scalars[(r * total + start)..<(r * total + start + width)] }
    return Tensor(shape: Array(t.shape.dropLast()) + [width], scalars: s)
}

/// Σ a ⊙ b, the loss the fixtures backpropagate.
func dot<T: TensorScalar>(_ a: Tensor<T>, _ b: Tensor<T>) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Compares every parameter gradient, named as in PyTorch.
func assertGradientsClose<T: TensorScalar>(_ got: LSTMParameters<T>, _ expected: LSTMParameters<Double>, tolerance: Double,
                                           _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    assertClose(got.weightIH, expected.weightIH, tolerance: tolerance, "\(name) dWeightIH", file: file, line: line)
    assertClose(got.weightHH, expected.weightHH, tolerance: tolerance, "\(name) dWeightHH", file: file, line: line)
    assertClose(got.biasIH, expected.biasIH, tolerance: tolerance, "\(name) dBiasIH", file: file, line: line)
    assertClose(got.biasHH, expected.biasHH, tolerance: tolerance, "\(name) dBiasHH", file: file, line: line)
}
