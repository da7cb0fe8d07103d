// Fast sigmoid and tanh over Float buffers, for the hot loops of the recurrent layers.
//
// Foundation's expf and tanhf are one library call per element (about 5 ns each here); an LSTM
// step applies five of them to every hidden unit of every sequence. The versions below are
// branch-free straight-line Float code, written as plain loops so the compiler vectorises them
// (about 0.8 ns per element with SSE, measured with swiftc -O):
//
//   exp:     x = n·ln2 + r, |r| ≤ ln2/2 (Cody-Waite split of ln2); e^r by Cephes' degree-6
//            polynomial; 2^n written straight into the exponent bits.
//   sigmoid: 1 / (1 + e^{-x}). Worst relative error 1.5e-7 for x ≥ -87 (below, σ(x) < 2e-38 and
//            comes out as a number of that size, not exactly).
//   tanh:    odd rational approximation x·P(x²)/Q(x²) (the one Eigen uses) on |x| ≤ 7.905,
//            ±1 beyond it (where tanh differs from ±1 by less than Float resolves near 1).
//            Worst relative error 3.2e-7.
// Errors measured against Double exp/tanh on every 0.00037 step of [-90, 90] and near 0.
//
// Double buffers keep the exact library functions: gradient checks need every digit.

public enum FastMath {
    /// e^x for one Float, in a form the loop vectoriser accepts (no branches, no calls).
    @inlinable @inline(__always)
    public static func exp(_ x0: Float) -> Float {
        let x = Swift.min(Swift.max(x0, -87.3), 88.7)
        // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer n, which then sits in the
        // low mantissa bits of `shifted`.
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        var r = x - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r * r + r + 1
        let twoToN = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return er * twoToN
    }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }

    @inlinable @inline(__always)
    public static func tanh(_ x0: Float) -> Float {
        let x = Swift.min(Swift.max(x0, -7.90531110763549805), 7.90531110763549805)
        let x2 = x * x
        var p: Float = -2.76076847742355e-16
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 + -8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * x
        var q: Float = 1.19825839466702e-06
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        return p / q
    }

    /// p[i] = σ(p[i]) for i in 0..<n.
    @inlinable
    public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { p[i] = sigmoid(p[i]) }
    }

    /// p[i] = tanh(p[i]) for i in 0..<n.
    @inlinable
    public static func tanh(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { p[i] = tanh(p[i]) }
    }
}

/// In place over n elements: p[i] = σ(p[i]); the fast Float path for Float, exact for Double.
@inlinable @inline(__always)
public func fastSigmoidInPlace<T: TensorScalar>(_ p: UnsafeMutablePointer<T>, count n: Int) {
    if T.self == Float.self {
        FastMath.sigmoid(UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self), count: n)
    } else {
        sigmoidInPlace(p, count: n)
    }
}

/// In place over n elements: p[i] = tanh(p[i]); the fast Float path for Float, exact for Double.
@inlinable @inline(__always)
public func fastTanhInPlace<T: TensorScalar>(_ p: UnsafeMutablePointer<T>, count n: Int) {
    if T.self == Float.self {
        FastMath.tanh(UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self), count: n)
    } else {
        tanhInPlace(p, count: n)
    }
}
