// Your copy of Solutions/Lesson1/NumericalGradient.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 1, section 6: checking a gradient by centred differences.
//
//     ∂f/∂x_i ≈ (f(x + ε e_i) - f(x - ε e_i)) / 2ε        error O(ε²)
//     relative error = max_i |a_i - n_i| / max(1e-8, |a_i| + |n_i|)
//
// Always in Double: in Float the rounding error of f, divided by 2ε, swamps the answer.
// TensorCore's `GradientCheck` does the same with sampling and a report; this is the version
// you write once to see there is no magic in it.

import TensorCore

/// The gradient of f at x by centred differences, one entry at a time.
/// x: any shape -> a tensor of the same shape
public func numericalGradient(of f: (Tensor<Double>) -> Double, at x: Tensor<Double>,
                              epsilon: Double = 1e-6) -> Tensor<Double> {
    unimplemented("numericalGradient(of:at:epsilon:)", lesson: 1, see: "section 6")
}

/// The worst elementwise relative error between an analytic and a numeric gradient:
/// max_i |a_i - n_i| / max(1e-8, |a_i| + |n_i|). analytic, numeric: the same shape.
public func gradientRelativeError(analytic: Tensor<Double>, numeric: Tensor<Double>) -> Double {
    precondition(analytic.shape == numeric.shape,
                 "gradientRelativeError: shapes \(analytic.shape) and \(numeric.shape) differ")
    unimplemented("gradientRelativeError(analytic:numeric:)", lesson: 1, see: "section 6")
}
