// Your copy of Solutions/Lesson6/Quantization.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 12 (deployment): int8 weights with one scale per row (post-training quantisation).
//
// A weight matrix W [R, C] is stored as int8 values q [R, C] and one Float scale per row:
//
//   scale[r] = max_c |W[r, c]| / 127          (a zero row gets scale 0)
//   q[r, c]  = round(W[r, c] / scale[r])       in -127...127 (symmetric: -128 is never used)
//   W'[r, c] = scale[r] · q[r, c]              the dequantised weight used for inference
//
// Rounding to the nearest integer makes every weight's error at most scale[r] / 2. One scale
// per row, not one per matrix, matters for an LSTM: the rows of W_ih belong to different gates
// and units whose weights differ in size, and an embedding row of a rare word is much smaller
// than one of "the". Storage falls from 4 bytes to 1 byte per weight plus 4 bytes per row.

import TensorCore

public struct Int8RowQuantized: Sendable, Equatable {
    /// [R, C]: the shape of the matrix (a vector [C] is stored as one row, shape [1, C]).
    public var shape: [Int]
    /// q: R·C values in -127...127, row-major.
    public var values: [Int8]
    /// [R]
    public var scales: [Float]

    public var rows: Int { shape[0] }
    public var columns: Int { shape[1] }

    /// Bytes the quantised matrix needs: one per weight and four per row scale.
    public var byteCount: Int { values.count + 4 * scales.count }

    public init(shape: [Int], values: [Int8], scales: [Float]) {
        precondition(shape.count == 2 && values.count == shape[0] * shape[1] && scales.count == shape[0],
                     "Int8RowQuantized: shape \(shape), \(values.count) values, \(scales.count) scales")
        self.shape = shape
        self.values = values
        self.scales = scales
    }

    /// Quantises `weight` ([R, C], or a vector [C] as one row) row by row.
    public init(quantizing weight: Tensor<Float>) {
        precondition(weight.rank == 1 || weight.rank == 2, "Int8RowQuantized: a matrix or a vector, got shape \(weight.shape)")
        unimplemented("Int8RowQuantized.init(quantizing:)", lesson: 6, see: "section 12")
    }

    /// W' [R, C] = scale[r] · q[r, c]
    public func dequantized() -> Tensor<Float> {
        unimplemented("Int8RowQuantized.dequantized", lesson: 6, see: "section 12")
    }
}
