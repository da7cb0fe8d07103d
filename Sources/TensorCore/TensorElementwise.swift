// Functions applied to every element, and elementwise division, so that a loss or an
// optimiser's update reads like its equation:
//
//     let terms = z.clamped(min: 0) - z * y + log1p(exp(-z.magnitude))  // BCE: max(z, 0) - z y + log(1 + e^{-|z|})
//     parameter -= stepSize * m / (sqrt(v) / rootCorrection2 + eps)        // Adam
//
// Each returns a new tensor of its argument's shape. exp, log1p and sqrt are free functions, as
// in the equations (a method named `exp` on Tensor would hide the scalar function inside every
// extension of Tensor). |z| and max(z, 0) are not: Swift's own abs and max are generic, and an
// overload of them for tensors makes the compiler give up on long scalar expressions such as
// `3 * abs(a - b) + 2 * abs(c - d)`; so they are `z.magnitude` (Swift's name for |x|) and
// `z.clamped(min: 0)` (torch.clamp). The activations are methods too: x.sigmoid(), x.tanh().

/// e^x, elementwise. x: any shape -> same shape
@inlinable
public func exp<T>(_ x: Tensor<T>) -> Tensor<T> { x.map { T.exp($0) } }

/// log(1 + x), elementwise, exact also where x is tiny. x: any shape, every element > -1 -> same shape
@inlinable
public func log1p<T>(_ x: Tensor<T>) -> Tensor<T> { x.map { T.log1p($0) } }

/// √x, elementwise. x: any shape, every element >= 0 -> same shape
@inlinable
public func sqrt<T>(_ x: Tensor<T>) -> Tensor<T> { x.map { $0.squareRoot() } }

extension Tensor {
    /// |x|, elementwise. self: any shape -> same shape
    @inlinable
    public var magnitude: Tensor { map { Swift.abs($0) } }

    /// max(x, low), elementwise: `z.clamped(min: 0)` keeps the positive part, max(z, 0).
    /// self: any shape -> same shape
    @inlinable
    public func clamped(min low: Scalar) -> Tensor { map { Swift.max($0, low) } }

    /// a / b, elementwise. a, b: the same shape -> that shape
    @inlinable
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "/: shapes \(a.shape) and \(b.shape) differ")
        return a.zipMap(b, /)
    }

    /// s / a, elementwise. a: any shape -> same shape
    @inlinable
    public static func / (s: Scalar, a: Tensor) -> Tensor { a.map { s / $0 } }
}
