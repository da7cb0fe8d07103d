// Your copy of Solutions/Lesson4/LastAxis.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4 (provided): the two directions of a bidirectional layer side by side along the last
// axis of a [T, B, F] tensor, and each direction's part back out.

import TensorCore

/// [T, B, F_1], [T, B, F_2], ... -> [T, B, F_1 + F_2 + ...], side by side along the last axis.
public func concatenateLastAxis<T: TensorScalar>(_ parts: [Tensor<T>]) -> Tensor<T> {
    precondition(!parts.isEmpty && parts.allSatisfy { $0.rank >= 1 && $0.shape.dropLast() == parts[0].shape.dropLast() },
                 "concatenateLastAxis: no tensors, or leading shapes differ: \(parts.map(\.shape))")
    let outer = Array(parts[0].shape.dropLast()), rows = outer.reduce(1, *)
    let joined = concatColumns(parts.map { $0.reshaped([rows, $0.cols]) })   // [rows, F_1 + F_2 + ...]
    return joined.reshaped(outer + [joined.cols])
}

/// Part `part` of `parts` equal parts of the last axis: [T, B, P·F] -> [T, B, F].
public func lastAxisPart<T: TensorScalar>(_ x: Tensor<T>, part: Int, of parts: Int) -> Tensor<T> {
    let total = x.cols
    precondition(parts > 0 && total % parts == 0 && (0..<parts).contains(part),
                 "lastAxisPart: \(x.shape) has no part \(part) of \(parts) equal parts")
    let width = total / parts
    let matrix = x.reshaped([x.count / max(total, 1), total])
    return matrix.columns(part * width..<(part + 1) * width).reshaped(Array(x.shape.dropLast()) + [width])
}
