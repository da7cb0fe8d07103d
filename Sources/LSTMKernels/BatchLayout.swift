// Copies along the batch axis and the last axis of [T, B, F] tensors, for the fused stack's
// threads: a group's sequences out and back, a direction's half of the features out and back.

import Dispatch
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

/// [T, B, F_1], [T, B, F_2], ... -> [T, B, F_1 + F_2 + ...], side by side along the last axis.
/// Large tensors are copied by two threads, each taking half of the rows.
func concatenateLastAxis<T: TensorScalar>(_ parts: [Tensor<T>]) -> Tensor<T> {
    precondition(!parts.isEmpty, "concatenateLastAxis: no tensors")
    let outer = parts[0].shape.dropLast()
    precondition(parts.allSatisfy { $0.shape.dropLast() == outer },
                 "concatenateLastAxis: leading shapes differ: \(parts.map(\.shape))")
    let widths = parts.map { $0.shape[$0.rank - 1] }
    let total = widths.reduce(0, +), rows = outer.reduce(1, *)
    var out = Tensor<T>(shape: Array(outer) + [total])
    out.withUnsafeMutableBufferPointer { dst in
        guard let base = dst.baseAddress else { return }
        let chunks = rows * total >= 1 << 20 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let rowRange = (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
            var column = 0
            for (part, width) in zip(parts, widths) {
                part.withUnsafeBufferPointer { src in
                    guard let from = src.baseAddress else { return }
                    for r in rowRange { (base + r * total + column).update(from: from + r * width, count: width) }
                }
                column += width
            }
        }
    }
    return out
}

/// Part `part` of `parts` equal parts of the last axis: [T, B, P·F] -> [T, B, F].
func lastAxisPart<T: TensorScalar>(_ x: Tensor<T>, part: Int, of parts: Int) -> Tensor<T> {
    let total = x.shape[x.rank - 1]
    precondition(parts > 0 && total % parts == 0 && (0..<parts).contains(part),
                 "lastAxisPart: \(x.shape) has no part \(part) of \(parts) equal parts")
    let width = total / parts, rows = x.count / max(total, 1)
    var out = Tensor<T>(shape: Array(x.shape.dropLast()) + [width])
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let from = src.baseAddress, let to = dst.baseAddress else { return }
            for r in 0..<rows { (to + r * width).update(from: from + r * total + part * width, count: width) }
        }
    }
    return out
}
