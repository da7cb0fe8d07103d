// Copies along the batch axis of [T, B, F] tensors, for the fused stack's threads: a group's
// sequences out and back.

import TensorCore

/// Columns `batch` of axis 1: [A, B, F] -> [A, batch.count, F].
func selectBatch<T: TensorScalar>(_ t: Tensor<T>, _ batch: [Int]) -> Tensor<T> {
    let (a, b, f) = (t.shape[0], t.shape[1], t.shape[2])
    var out = Tensor<T>.uninitialized([a, batch.count, f])   // every element is written below
    t.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let from = src.baseAddress, let to = dst.baseAddress else { return }
            for i in 0..<a {
                for (j, column) in batch.enumerated() {
                    (to + (i * batch.count + j) * f).update(from: from + (i * b + column) * f, count: f)
                }
            }
        }
    }
    return out
}

/// The inverse: writes part [A, batch.count, F] into columns `batch` of axis 1 of the [A, B, F]
/// tensor whose memory starts at `to` (nil: an empty tensor, nothing to write). Threads that
/// place disjoint batches may write into one tensor at once.
func placeBatch<T: TensorScalar>(_ part: Tensor<T>, _ batch: [Int], into to: UnsafeMutablePointer<T>?, a: Int, b: Int, f: Int) {
    precondition(part.shape == [a, batch.count, f], "placeBatch: part \(part.shape) is not [\(a), \(batch.count), \(f)]")
    part.withUnsafeBufferPointer { src in
        guard let from = src.baseAddress, let to else { return }
        for i in 0..<a {
            for (j, column) in batch.enumerated() {
                (to + (i * b + column) * f).update(from: from + (i * batch.count + j) * f, count: f)
            }
        }
    }
}
