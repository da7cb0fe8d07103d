// Reductions over Float buffers in SIMD registers, for the hot loops of provided kernels.
//
// The compiler vectorises a loop that writes each element on its own (z[j] = exp(z[j])), but
// not a sum or a maximum over a loop: it may not reorder Float additions, so it adds one element
// at a time. These keep 16 partial results side by side and combine them at the end, so a sum
// comes out in a different order than a plain loop's (the same to about 1e-7 relative).

public enum VectorLoops {
    /// The largest of p[0..<n] (-∞ when n is 0).
    @inlinable
    public static func maximum(_ p: UnsafePointer<Float>, count n: Int) -> Float {
        var j = 0
        var top = SIMD16<Float>(repeating: -.infinity)
        while j + 16 <= n {
            top = pointwiseMax(top, UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self))
            j += 16
        }
        var result = top.max()
        while j < n {
            result = Swift.max(result, p[j])
            j += 1
        }
        return result
    }

    /// p[0] + ... + p[n - 1], in 16 partial sums.
    @inlinable
    public static func sum(_ p: UnsafePointer<Float>, count n: Int) -> Float {
        var j = 0
        var partial = SIMD16<Float>()
        while j + 16 <= n {
            partial += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self)
            j += 16
        }
        var result = partial.sum()
        while j < n {
            result += p[j]
            j += 1
        }
        return result
    }
}
