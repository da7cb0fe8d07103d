// The embedding's gather and its gradient's scatter-add on buffers (provided; the sentiment
// model's fast path runs them).
//
//     forward    y[n, :] = W[ids[n], :]                  ids: N values in 0..<V, W: [V, E]
//     backward   dW[v, :] = Σ_{n : ids[n] = v} dy[n, :]   dW[paddingIndex, :] = 0
//
// The same sums as Lesson 2's readable Embedding, in the same order (n = 0, 1, ...), without the
// Int copy of the ids and with the padding positions skipped instead of added and zeroed.

import TensorCore

public enum FusedEmbedding {
    /// weight: [V, E], ids: `shape.reduce(1, *)` values in 0..<V -> y: shape + [E].
    public static func gather<T: TensorScalar>(_ weight: Tensor<T>, ids: [Int32], shape: [Int]) -> Tensor<T> {
        precondition(weight.rank == 2 && shape.reduce(1, *) == ids.count,
                     "FusedEmbedding.gather: weight \(weight.shape), \(ids.count) ids for shape \(shape)")
        let (v, e) = (weight.shape[0], weight.shape[1])
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= v }) {
            preconditionFailure("FusedEmbedding.gather: id \(bad) is outside the vocabulary 0..<\(v)")
        }
        var y = Tensor<T>.uninitialized(shape + [e])
        if e == 0 || ids.isEmpty { return y }
        weight.withUnsafeBufferPointer { w in
            y.withUnsafeMutableBufferPointer { y in
                guard let from = w.baseAddress, let to = y.baseAddress else { return }
                for (n, id) in ids.enumerated() {
                    (to + n * e).update(from: from + Int(id) * e, count: e)
                }
            }
        }
        return y
    }

    /// dy: [N, E] (any shape whose last axis is E and whose other axes hold N = ids.count
    /// positions) -> dWeight: [V, E], zero in the rows no id read and in the padding row.
    public static func scatterAdd<T: TensorScalar>(_ dy: Tensor<T>, ids: [Int32], vocabularySize: Int, paddingIndex: Int?) -> Tensor<T> {
        let e = ids.isEmpty ? (dy.shape.last ?? 0) : dy.count / ids.count
        precondition(dy.count == ids.count * e && dy.shape.last == e,
                     "FusedEmbedding.scatterAdd: dy \(dy.shape) for \(ids.count) ids")
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            preconditionFailure("FusedEmbedding.scatterAdd: id \(bad) is outside the vocabulary 0..<\(vocabularySize)")
        }
        var dWeight = Tensor<T>.zeros([vocabularySize, e])
        if e == 0 { return dWeight }
        let skip = Int32(truncatingIfNeeded: paddingIndex ?? -1)
        dy.withUnsafeBufferPointer { dy in
            dWeight.withUnsafeMutableBufferPointer { dw in
                guard let from = dy.baseAddress, let to = dw.baseAddress else { return }
                for (n, id) in ids.enumerated() where paddingIndex == nil || id != skip {
                    let row = to + Int(id) * e, source = from + n * e
                    for j in 0..<e { row[j] += source[j] }
                }
            }
        }
        return dWeight
    }
}
