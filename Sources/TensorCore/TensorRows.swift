// Rows of a matrix, for packed batches. A packed batch sorts its sequences longest first, so at
// time step t only the first b_t rows are still running: a layer reads `h.rows(0..<b)`, writes
// its step's rows back, and in backward adds each step's gradient into the rows it came from.
// Rows at arbitrary indices serve the final states (each sequence's last step) and reordering.
//
//     let hStep = h.rows(0..<b)                      // [B, H] -> [b, H]
//     dh.addToRows(0..<b, dhStep)                    // [B, H] += [b, H] in its first b rows
//     let hLast = outputs.rows(lastIndices)          // [N, H] -> [S, H]
//
// Reads copy; writes change only the rows named.

extension Tensor {
    /// The rows `range` of a matrix, as a new matrix.
    /// self: [m, n], range within 0..<m -> [range.count, n]
    public func rows(_ range: Range<Int>) -> Tensor {
        if let problem = Tensor.rowsProblem("rows", shape: shape, range: range) { preconditionFailure(problem) }
        let n = shape[1]
        return Tensor(shape: [range.count, n], scalars: Array(scalars[(range.lowerBound * n)..<(range.upperBound * n)]))
    }

    /// The rows at `indices`, in that order (an index may repeat): a gather.
    /// self: [m, n], indices: k values in 0..<m -> [k, n]
    public func rows(_ indices: [Int]) -> Tensor {
        if let problem = Tensor.rowsProblem("rows", shape: shape, indices: indices) { preconditionFailure(problem) }
        let n = shape[1]
        var out = Tensor.uninitialized([indices.count, n])
        if indices.isEmpty || n == 0 { return out }
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, row) in indices.enumerated() {
                    (dst.baseAddress! + k * n).update(from: src.baseAddress! + row * n, count: n)
                }
            }
        }
        return out
    }

    /// Overwrites the rows `range` with `block`.
    /// self: [m, n], range within 0..<m, block: [range.count, n]
    public mutating func setRows(_ range: Range<Int>, to block: Tensor) {
        if let problem = Tensor.rowsProblem("setRows", shape: shape, range: range) { preconditionFailure(problem) }
        checkBlock("setRows", block, rows: range.count)
        let n = shape[1]
        scalars.replaceSubrange((range.lowerBound * n)..<(range.upperBound * n), with: block.scalars)
    }

    /// Overwrites row indices[k] with row k of `block`: a scatter. When an index repeats, the
    /// last of its rows stays.
    /// self: [m, n], indices: k values in 0..<m, block: [k, n]
    public mutating func setRows(_ indices: [Int], to block: Tensor) {
        if let problem = Tensor.rowsProblem("setRows", shape: shape, indices: indices) { preconditionFailure(problem) }
        checkBlock("setRows", block, rows: indices.count)
        let n = shape[1]
        if indices.isEmpty || n == 0 { return }
        block.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for (k, row) in indices.enumerated() {
                    (dst.baseAddress! + row * n).update(from: src.baseAddress! + k * n, count: n)
                }
            }
        }
    }

    /// Adds `block` into the rows `range` (gradients flowing back into the rows they came from).
    /// self: [m, n], range within 0..<m, block: [range.count, n]
    public mutating func addToRows(_ range: Range<Int>, _ block: Tensor) {
        if let problem = Tensor.rowsProblem("addToRows", shape: shape, range: range) { preconditionFailure(problem) }
        checkBlock("addToRows", block, rows: range.count)
        let n = shape[1]
        let total = range.count * n
        if total == 0 { return }
        block.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                Scalar.axpy(count: total, alpha: 1, x: src.baseAddress!, y: dst.baseAddress! + range.lowerBound * n)
            }
        }
    }

    /// Adds row k of `block` into row indices[k]: a scatter-add. When an index repeats, all of
    /// its rows add up, as the gradient of a gather that read that row more than once must.
    /// self: [m, n], indices: k values in 0..<m, block: [k, n]
    public mutating func addToRows(_ indices: [Int], _ block: Tensor) {
        if let problem = Tensor.rowsProblem("addToRows", shape: shape, indices: indices) { preconditionFailure(problem) }
        checkBlock("addToRows", block, rows: indices.count)
        let n = shape[1]
        if indices.isEmpty || n == 0 { return }
        block.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for (k, row) in indices.enumerated() {
                    let from = src.baseAddress! + k * n, to = dst.baseAddress! + row * n
                    for j in 0..<n { to[j] += from[j] }
                }
            }
        }
    }

    private func checkBlock(_ op: String, _ block: Tensor, rows count: Int) {
        precondition(block.shape == [count, shape[1]],
                     "\(op): \(count) rows of \(shape) are [\(count), \(shape[1])], the block is \(block.shape)")
    }

    /// Why `range` is not a row range of a matrix of `shape`, or nil when it is.
    static func rowsProblem(_ op: String, shape: [Int], range: Range<Int>) -> String? {
        if shape.count != 2 { return "\(op): tensor of shape \(shape) is not a matrix" }
        if range.lowerBound < 0 || range.upperBound > shape[0] {
            return "\(op): rows \(range) out of range for shape \(shape) (0..<\(shape[0]))"
        }
        return nil
    }

    /// Why `indices` are not row indices of a matrix of `shape`, or nil when they are.
    static func rowsProblem(_ op: String, shape: [Int], indices: [Int]) -> String? {
        if shape.count != 2 { return "\(op): tensor of shape \(shape) is not a matrix" }
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
            return "\(op): row index \(bad) out of range for shape \(shape) (0..<\(shape[0]))"
        }
        return nil
    }
}

/// The matrices one below the other, in order (a packed sequence's steps into one [N, n]).
/// blocks: [m₁, n], [m₂, n], ... -> [m₁ + m₂ + ..., n]
public func concatRows<T>(_ blocks: [Tensor<T>]) -> Tensor<T> {
    if let problem = concatRowsProblem(blocks.map(\.shape)) { preconditionFailure(problem) }
    var scalars = [T]()
    scalars.reserveCapacity(blocks.reduce(0) { $0 + $1.count })
    for block in blocks { scalars.append(contentsOf: block.scalars) }
    return Tensor(shape: [blocks.reduce(0) { $0 + $1.shape[0] }, blocks[0].shape[1]], scalars: scalars)
}

/// Why matrices of these shapes cannot stand one below the other, or nil when they can.
func concatRowsProblem(_ shapes: [[Int]]) -> String? {
    guard let first = shapes.first else { return "concatRows: no blocks to concatenate" }
    if let bad = shapes.first(where: { $0.count != 2 }) { return "concatRows: block of shape \(bad) is not a matrix" }
    if let bad = shapes.first(where: { $0[1] != first[1] }) {
        return "concatRows: blocks \(first) and \(bad) have different numbers of columns"
    }
    return nil
}
