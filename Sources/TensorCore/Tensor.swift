// A dense, row-major tensor: a shape and a flat array of scalars. A value type (copy on write
// through Array), so a layer's cache can never be changed behind its back.
//
// Shapes are checked: an operation on tensors whose shapes do not fit stops with a message
// that names both shapes, e.g. "matmul: [2, 3] x [4, 5]: inner dimensions 3 and 4 differ".

public struct Tensor<Scalar: TensorScalar>: Equatable, Sendable {
    /// The size of each dimension, outermost first: [rows, cols] for a matrix.
    public private(set) var shape: [Int]
    /// All elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Scalar]

    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Scalar = 0) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape) }

    public static func zeros(like other: Tensor) -> Tensor { Tensor(shape: other.shape) }

    /// A 2-D tensor from nested rows: `Tensor([[1, 2], [3, 4]])` has shape [2, 2].
    public init(_ rows: [[Scalar]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "Tensor: rows of different lengths")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A 1-D tensor.
    public init(_ vector: [Scalar]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// A tensor with the same shape and values converted to another scalar type.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }
    /// Rows of a matrix (the first dimension).
    public var rows: Int { shape[0] }
    /// Columns of a matrix (the last dimension).
    public var cols: Int { shape[shape.count - 1] }

    /// The flat index of a multi-dimensional index, checked against the shape.
    @inlinable
    public func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var flat = 0
        for (i, n) in zip(index, shape) {
            precondition(i >= 0 && i < n, "Tensor: index \(index) out of range for shape \(shape)")
            flat = flat * n + i
        }
        return flat
    }

    public subscript(_ index: Int...) -> Scalar {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    // The same for one, two and three indices without the variadic array, which would be
    // allocated on every access of an element loop (Lesson 3's GRU gates ran 7x slower).
    @inlinable
    public subscript(_ i: Int) -> Scalar {
        get { scalars[offset(i)] }
        set { scalars[offset(i)] = newValue }
    }

    @inlinable
    public subscript(_ i: Int, _ j: Int) -> Scalar {
        get { scalars[offset(i, j)] }
        set { scalars[offset(i, j)] = newValue }
    }

    @inlinable
    public subscript(_ i: Int, _ j: Int, _ k: Int) -> Scalar {
        get { scalars[offset(i, j, k)] }
        set { scalars[offset(i, j, k)] = newValue }
    }

    @inlinable
    public func offset(_ i: Int) -> Int {
        precondition(shape.count == 1 && i >= 0 && i < shape[0], "Tensor: index [\(i)] out of range for shape \(shape)")
        return i
    }

    @inlinable
    public func offset(_ i: Int, _ j: Int) -> Int {
        precondition(shape.count == 2 && i >= 0 && i < shape[0] && j >= 0 && j < shape[1],
                     "Tensor: index [\(i), \(j)] out of range for shape \(shape)")
        return i * shape[1] + j
    }

    @inlinable
    public func offset(_ i: Int, _ j: Int, _ k: Int) -> Int {
        precondition(shape.count == 3 && i >= 0 && i < shape[0] && j >= 0 && j < shape[1] && k >= 0 && k < shape[2],
                     "Tensor: index [\(i), \(j), \(k)] out of range for shape \(shape)")
        return (i * shape[1] + j) * shape[2] + k
    }

    /// Row `i` of a matrix as a 1-D tensor (a copy).
    public func row(_ i: Int) -> Tensor {
        precondition(rank == 2, "row: tensor of shape \(shape) is not a matrix")
        precondition(i >= 0 && i < rows, "row: \(i) out of range for shape \(shape)")
        return Tensor(shape: [cols], scalars: Array(scalars[(i * cols)..<((i + 1) * cols)]))
    }

    /// The same scalars seen with another shape of the same size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "reshaped: \(shape) has \(count) scalars, \(newShape) needs \(newShape.reduce(1, *))")
        return Tensor(shape: newShape, scalars: scalars)
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", ..." : "")]"
    }
}

public typealias FloatTensor = Tensor<Float>
public typealias DoubleTensor = Tensor<Double>
