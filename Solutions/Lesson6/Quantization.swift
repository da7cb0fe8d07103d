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
        // BEGIN SOLUTION: Int8RowQuantized.init(quantizing:) (section 12)
        let r = weight.rank == 2 ? weight.shape[0] : 1
        let c = weight.rank == 2 ? weight.shape[1] : weight.shape[0]
        var values = [Int8](repeating: 0, count: r * c)
        var scales = [Float](repeating: 0, count: r)
        let w = weight.scalars
        for i in 0..<r {
            let row = w[(i * c)..<((i + 1) * c)]
            let largest = row.reduce(Float(0)) { max($0, abs($1)) }
            guard largest > 0 else { continue }   // an all-zero row (the <pad> embedding): scale 0, q 0
            let scale = largest / 127
            scales[i] = scale
            for (j, x) in row.enumerated() {
                values[i * c + j] = Int8(max(-127, min(127, (x / scale).rounded())))
            }
        }
        self.init(shape: [r, c], values: values, scales: scales)
        // END SOLUTION
    }

    /// W' [R, C] = scale[r] · q[r, c]
    public func dequantized() -> Tensor<Float> {
        // BEGIN SOLUTION: Int8RowQuantized.dequantized (section 12)
        var out = [Float](repeating: 0, count: values.count)
        let c = columns
        for i in 0..<rows {
            let scale = scales[i]
            for j in 0..<c { out[i * c + j] = scale * Float(values[i * c + j]) }
        }
        return Tensor(shape: shape, scalars: out)
        // END SOLUTION
    }
}
