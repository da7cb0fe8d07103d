// Your copy of Solutions/Lesson1/Sigmoid.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 1, section 4: the logistic sigmoid, written so it never overflows.
//
//     σ(z) = 1 / (1 + e^{-z})        for z ≥ 0
//          = e^{z} / (1 + e^{z})     for z < 0   (the same number, multiplied by e^{z}/e^{z})
//     dσ/dz = σ(z) (1 - σ(z))
//
// The one-line form 1 / (1 + e^{-z}) computes e^{10000} = inf for z = -1e4; the two-branch
// form only ever exponentiates a number ≤ 0. TensorCore's scalar `sigmoid(_:)` is the same
// formula; from Lesson 3 on the library's version is used, here you write it yourself.

import TensorCore

/// σ applied to every element, stable for any finite input.  z: any shape -> same shape
public func sigmoid<T: TensorScalar>(_ z: Tensor<T>) -> Tensor<T> {
    unimplemented("sigmoid", lesson: 1, see: "section 4")
}

/// ∂L/∂z from dy = ∂L/∂σ(z) and the forward output y = σ(z): dy ⊙ y ⊙ (1 - y).
/// dy, y: any shape (the same) -> same shape
public func sigmoidBackward<T: TensorScalar>(_ dy: Tensor<T>, output y: Tensor<T>) -> Tensor<T> {
    unimplemented("sigmoidBackward", lesson: 1, see: "section 4")
}
