// Lesson 1, section 5: binary cross-entropy on logits, nn.BCEWithLogitsLoss (reduction "mean").
//
// With z a logit, y ∈ [0, 1] its target and N the number of elements:
//
//     L = (1/N) Σ  -[ y log σ(z) + (1 - y) log(1 - σ(z)) ]
//       = (1/N) Σ  max(z, 0) - z y + log(1 + e^{-|z|})       (the stable form, section 5)
//     ∂L/∂z = (σ(z) - y) / N
//
// The stable form never exponentiates a positive number and never takes the log of 0, so a
// logit of ±1e4 gives a large but finite loss (1e4 when the model is that sure and wrong)
// and a gradient of exactly ±1/N.

import TensorCore

/// The mean binary cross-entropy of sigmoid(logits) against targets.
/// logits, targets: any shape (the same) -> a scalar
public func bceWithLogits<T: TensorScalar>(_ logits: Tensor<T>, targets: Tensor<T>) -> T {
    precondition(logits.shape == targets.shape,
                 "bceWithLogits: logits \(logits.shape) and targets \(targets.shape) differ")
    // BEGIN SOLUTION: bceWithLogits (section 5)
    let n = logits.count
    if n == 0 { return 0 }
    let (z, y) = (logits, targets)
    let terms = z.clamped(min: 0) - z * y + log1p(exp(-z.magnitude))   // max(z, 0) - z y + log(1 + e^{-|z|})
    // Summed in Double: a Float sum over a large batch would lose the small terms.
    let total = terms.scalars.reduce(0.0) { $0 + Double($1) }
    return T(total / Double(n))
    // END SOLUTION
}

/// ∂(mean loss)/∂logits = (σ(logits) - targets) / N.  logits, targets: any shape -> same shape
public func bceWithLogitsBackward<T: TensorScalar>(_ logits: Tensor<T>, targets: Tensor<T>) -> Tensor<T> {
    precondition(logits.shape == targets.shape,
                 "bceWithLogitsBackward: logits \(logits.shape) and targets \(targets.shape) differ")
    // BEGIN SOLUTION: bceWithLogitsBackward (section 5)
    let scale = 1 / T(max(logits.count, 1))
    return sigmoid(logits).zipMap(targets) { s, y in (s - y) * scale }
    // END SOLUTION
}
