// Column blocks of a matrix. An LSTM computes its four gates in one matrix product, so the
// gate matrix [B, 4H] holds them side by side: columns i | f | g | o. These operations let a
// cell name each block the way its equations do,
//
//     let i = sigmoid(gates.columns(0..<H))           // [B, H]
//     let dGates = concatColumns([dI, dF, dG, dO])    // 4 x [B, H] -> [B, 4H]
//
// without indexing elements by hand. Each one copies: the result never shares storage.

extension Tensor {
    /// The columns `range` of a matrix, as a new matrix.
    /// self: [m, n], range within 0..<n -> [m, range.count]
    public func columns(_ range: Range<Int>) -> Tensor {
        if let problem = Tensor.columnsProblem("columns", shape: shape, range: range) { preconditionFailure(problem) }
        let (m, n, width) = (shape[0], shape[1], range.count)
        var out = Tensor.uninitialized([m, width])
        if m * width == 0 { return out }
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<m {
                    (dst.baseAddress! + row * width).update(from: src.baseAddress! + row * n + range.lowerBound, count: width)
                }
            }
        }
        return out
    }

    /// Overwrites the columns `range` with `block`; the other columns keep their values.
    /// self: [m, n], range within 0..<n, block: [m, range.count]
    public mutating func setColumns(_ range: Range<Int>, to block: Tensor) {
        if let problem = Tensor.columnsProblem("setColumns", shape: shape, range: range) { preconditionFailure(problem) }
        precondition(block.shape == [shape[0], range.count],
                     "setColumns: columns \(range) of \(shape) are [\(shape[0]), \(range.count)], the block is \(block.shape)")
        let (m, n, width) = (shape[0], shape[1], range.count)
        if m * width == 0 { return }
        block.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for row in 0..<m {
                    (dst.baseAddress! + row * n + range.lowerBound).update(from: src.baseAddress! + row * width, count: width)
                }
            }
        }
    }

    /// Why `range` is not a column range of a matrix of `shape`, or nil when it is.
    static func columnsProblem(_ op: String, shape: [Int], range: Range<Int>) -> String? {
        if shape.count != 2 { return "\(op): tensor of shape \(shape) is not a matrix" }
        if range.lowerBound < 0 || range.upperBound > shape[1] {
            return "\(op): columns \(range) out of range for shape \(shape) (0..<\(shape[1]))"
        }
        return nil
    }
}

/// The matrices side by side, in order: the inverse of taking column blocks.
/// blocks: [m, n₁], [m, n₂], ... -> [m, n₁ + n₂ + ...]
public func concatColumns<T>(_ blocks: [Tensor<T>]) -> Tensor<T> {
    if let problem = concatColumnsProblem(blocks.map(\.shape)) { preconditionFailure(problem) }
    let m = blocks[0].shape[0]
    let n = blocks.reduce(0) { $0 + $1.shape[1] }
    var out = Tensor<T>.uninitialized([m, n])
    var start = 0
    for block in blocks {
        out.setColumns(start..<(start + block.shape[1]), to: block)
        start += block.shape[1]
    }
    return out
}

/// Why matrices of these shapes cannot stand side by side, or nil when they can.
func concatColumnsProblem(_ shapes: [[Int]]) -> String? {
    guard let first = shapes.first else { return "concatColumns: no blocks to concatenate" }
    if let bad = shapes.first(where: { $0.count != 2 }) { return "concatColumns: block of shape \(bad) is not a matrix" }
    if let bad = shapes.first(where: { $0[0] != first[0] }) {
        return "concatColumns: blocks \(first) and \(bad) have different numbers of rows"
    }
    return nil
}
