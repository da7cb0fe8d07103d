// Sigmoid and tanh with the derivatives backward passes need, in both a scalar form (for
// students' own loops) and a whole-buffer form (for the fast paths).

/// σ(x) = 1 / (1 + e^{-x}), written so neither branch overflows for large |x|.
@inlinable @inline(__always)
public func sigmoid<T: TensorScalar>(_ x: T) -> T {
    if x >= 0 {
        return 1 / (1 + T.exp(-x))
    } else {
        let e = T.exp(x)
        return e / (1 + e)
    }
}

extension Tensor {
    public func sigmoid() -> Tensor { map { TensorCore.sigmoid($0) } }
    public func tanh() -> Tensor { map { Scalar.tanh($0) } }
    /// dσ/dx expressed through y = σ(x): y(1 - y). Call it on the sigmoid's output.
    public func sigmoidDerivativeFromOutput() -> Tensor { map { $0 * (1 - $0) } }
    /// dtanh/dx expressed through y = tanh(x): 1 - y². Call it on the tanh's output.
    public func tanhDerivativeFromOutput() -> Tensor { map { 1 - $0 * $0 } }
}

/// In place over n elements: p[i] = σ(p[i]).
@inlinable
public func sigmoidInPlace<T: TensorScalar>(_ p: UnsafeMutablePointer<T>, count n: Int) {
    for i in 0..<n { p[i] = sigmoid(p[i]) }
}

/// In place over n elements: p[i] = tanh(p[i]).
@inlinable
public func tanhInPlace<T: TensorScalar>(_ p: UnsafeMutablePointer<T>, count n: Int) {
    for i in 0..<n { p[i] = T.tanh(p[i]) }
}
