// The largest element of each column, and where it is: max pooling over time. A sequence's
// outputs are the rows of a matrix [T, F] (one row per step); its max-pooled vector takes, for
// each feature, the largest value over the steps,
//
//     let (pooled, winners) = steps.maxRows()                          // [T, F] -> [F], F rows
//     let dSteps = Tensor.placing(dPooled, atRows: winners, height: T) // [F] -> [T, F]
//
// and its gradient goes to the step that won, nowhere else (torch.max(x, dim=0) and its backward).

extension Tensor {
    /// For each column j, the largest element and the row it is in; when several rows hold
    /// that value, the first of them. NaN never wins over a number in row 0.
    /// self: [m, n] with m >= 1 -> values: [n], rows: n indices in 0..<m
    public func maxRows() -> (values: Tensor, rows: [Int]) {
        precondition(rank == 2 && shape[0] >= 1, "maxRows: needs a matrix with at least one row, got \(shape)")
        let (m, n) = (shape[0], shape[1])
        var values = Tensor.uninitialized([n])
        var rows = [Int](repeating: 0, count: n)
        withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { top in
                rows.withUnsafeMutableBufferPointer { at in
                    for j in 0..<n { top[j] = src[j] }
                    for i in 1..<m {
                        for j in 0..<n where src[i * n + j] > top[j] {
                            top[j] = src[i * n + j]
                            at[j] = i
                        }
                    }
                }
            }
        }
        return (values, rows)
    }

    /// A matrix of zeros with `values[j]` at row `rows[j]` of column j: the gradient of
    /// maxRows, sent to the row that won each column.
    /// values: [n], rows: n indices in 0..<height -> [height, n]
    public static func placing(_ values: Tensor, atRows rows: [Int], height: Int) -> Tensor {
        precondition(values.rank == 1 && rows.count == values.count,
                     "placing: \(values.shape) values but \(rows.count) row indices")
        if let bad = rows.first(where: { $0 < 0 || $0 >= height }) {
            preconditionFailure("placing: row index \(bad) out of range 0..<\(height)")
        }
        let n = values.count
        var out = Tensor(shape: [height, n])
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for (j, row) in rows.enumerated() { o[row * n + j] = v[j] }
            }
        }
        return out
    }
}
