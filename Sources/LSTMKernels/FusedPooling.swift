// Max and mean pooling over the real steps of a padded batch, forward and backward in one pass
// over the LSTM output (provided; the sentiment model's fast path runs it for max, mean and
// max-mean pooling).
//
//     out: [T, B, F] time-major (step t of sequence b is row t·B + b), lengths: B values in 1...T
//     max    p[b, f] = max_{t<len_b} out[t, b, f], the first step that holds it wins (argmax)
//     mean   p[b, f] = (Σ_{t<len_b} out[t, b, f]) / len_b, summed in order t = 0, 1, ...
//
// Lesson 5's readable pooling copies each sequence's real steps into a matrix of their own and
// reduces it, and its backward builds one zero tensor [T, B, F] per statistic and adds them.
// Here forward reads each step once for both statistics, and backward writes every element of
// dOut once: the mean's share at the real steps (or zero), zero at padding, plus the max's
// gradient at the winning step. The same operations in the same order as the readable version.

import TensorCore

public enum FusedPooling {
    /// out: [T, B, F], lengths: B values in 1...T -> pooled: [B, F·k] (max in columns 0..<F when
    /// `max`, then the mean when `mean`; k of the two asked for) and argmax: [B·F] winning steps
    /// (empty without `max`).
    public static func forward<T: TensorScalar>(_ out: Tensor<T>, lengths: [Int], max: Bool, mean: Bool) -> (pooled: Tensor<T>, argmax: [Int]) {
        let (_, B, F) = check(out.shape, lengths: lengths, max: max, mean: mean, "forward")
        let width = F * ((max ? 1 : 0) + (mean ? 1 : 0))
        var pooled = Tensor<T>.zeros([B, width])
        var argmax = [Int](repeating: 0, count: max ? B * F : 0)
        let meanOffset = max ? F : 0
        out.withUnsafeBufferPointer { o in
            pooled.withUnsafeMutableBufferPointer { p in
                argmax.withUnsafeMutableBufferPointer { at in
                    for b in 0..<B {
                        let length = lengths[b]
                        let row = b * width
                        if max {
                            for f in 0..<F { p[row + f] = o[b * F + f] }
                        }
                        for t in 0..<length {
                            let step = (t * B + b) * F
                            if max && t > 0 {
                                // Both stores unconditional (a select, not a branch): the loop vectorises.
                                for f in 0..<F {
                                    let x = o[step + f], top = p[row + f]
                                    let wins = x > top
                                    p[row + f] = wins ? x : top
                                    at[b * F + f] = wins ? t : at[b * F + f]
                                }
                            }
                            if mean {
                                for f in 0..<F { p[row + meanOffset + f] += o[step + f] }
                            }
                        }
                        if mean {
                            let n = T(length)
                            for f in 0..<F { p[row + meanOffset + f] = p[row + meanOffset + f] / n }
                        }
                    }
                }
            }
        }
        return (pooled, argmax)
    }

    /// dPooled: [B, F·k] as forward made it, the forward's argmax, shape [T, B, F] and lengths
    /// -> dOut: [T, B, F] (zero at padding): the max's gradient to the winning step, the mean's
    /// dp / len_b to every real step.
    public static func backward<T: TensorScalar>(_ dPooled: Tensor<T>, argmax: [Int], shape: [Int], lengths: [Int],
                                                 max: Bool, mean: Bool) -> Tensor<T> {
        let (steps, B, F) = check(shape, lengths: lengths, max: max, mean: mean, "backward")
        let width = F * ((max ? 1 : 0) + (mean ? 1 : 0))
        precondition(dPooled.shape == [B, width], "FusedPooling.backward: dPooled \(dPooled.shape), expected [\(B), \(width)]")
        precondition(!max || argmax.count == B * F, "FusedPooling.backward: \(argmax.count) winners for [\(B), \(F)]")
        var dOut = Tensor<T>.uninitialized([steps, B, F])
        let meanOffset = max ? F : 0
        dPooled.withUnsafeBufferPointer { dp in
            dOut.withUnsafeMutableBufferPointer { d in
                for b in 0..<B {
                    let length = lengths[b]
                    let row = b * width
                    let n = T(length)
                    for t in 0..<steps {
                        let step = (t * B + b) * F
                        if mean && t < length {
                            for f in 0..<F { d[step + f] = dp[row + meanOffset + f] / n }
                        } else {
                            for f in 0..<F { d[step + f] = 0 }
                        }
                    }
                    if max {
                        for f in 0..<F {
                            let t = argmax[b * F + f]
                            precondition(t >= 0 && t < length, "FusedPooling.backward: winner \(t) outside 0..<\(length)")
                            d[(t * B + b) * F + f] += dp[row + f]
                        }
                    }
                }
            }
        }
        return dOut
    }

    private static func check(_ shape: [Int], lengths: [Int], max: Bool, mean: Bool, _ op: String) -> (Int, Int, Int) {
        precondition(shape.count == 3 && lengths.count == shape[1], "FusedPooling.\(op): shape \(shape), \(lengths.count) lengths")
        precondition(max || mean, "FusedPooling.\(op): neither max nor mean asked for")
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= shape[0] }, "FusedPooling.\(op): lengths \(lengths) must be in 1...\(shape[0])")
        return (shape[0], shape[1], shape[2])
    }
}
