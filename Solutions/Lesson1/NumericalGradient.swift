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
    // BEGIN SOLUTION: numericalGradient(of:at:epsilon:) (section 6)
    var probe = x
    var gradient = Tensor<Double>(shape: x.shape)
    for i in 0..<x.count {
        let saved = probe.scalars[i]
        probe.scalars[i] = saved + epsilon
        let plus = f(probe)
        probe.scalars[i] = saved - epsilon
        let minus = f(probe)
        probe.scalars[i] = saved  // the next entry must see the original x
        gradient.scalars[i] = (plus - minus) / (2 * epsilon)
    }
    return gradient
    // END SOLUTION
}

/// The worst elementwise relative error between an analytic and a numeric gradient:
/// max_i |a_i - n_i| / max(1e-8, |a_i| + |n_i|). analytic, numeric: the same shape.
public func gradientRelativeError(analytic: Tensor<Double>, numeric: Tensor<Double>) -> Double {
    precondition(analytic.shape == numeric.shape,
                 "gradientRelativeError: shapes \(analytic.shape) and \(numeric.shape) differ")
    // BEGIN SOLUTION: gradientRelativeError(analytic:numeric:) (section 6)
    var worst = 0.0
    for (a, n) in zip(analytic.scalars, numeric.scalars) {
        // The floor keeps two zeros (or two tiny numbers) from dividing 0 by 0.
        let e = abs(a - n) / max(1e-8, abs(a) + abs(n))
        if e > worst || e.isNaN { worst = e }
    }
    return worst
    // END SOLUTION
}
