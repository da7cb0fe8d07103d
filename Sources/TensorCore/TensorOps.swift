// The operations lessons build on. Each checks shapes first, then runs one tight loop or one
// BLAS call; none allocates inside its loop.

// MARK: Matrix products (BLAS)

/// op(a) · op(b), where op transposes when asked.
/// a: [m, k] (or [k, m] with transposeA), b: [k, n] (or [n, k] with transposeB) -> [m, n]
public func matmul<T>(_ a: Tensor<T>, transposeA: Bool = false, _ b: Tensor<T>, transposeB: Bool = false) -> Tensor<T> {
    precondition(a.rank == 2 && b.rank == 2, "matmul: needs matrices, got \(a.shape) and \(b.shape)")
    let (m, ka) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(ka == kb, "matmul: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : ""): inner dimensions \(ka) and \(kb) differ")
    // BLAS with beta = 0 writes every element of c without reading it: no need to zero it first.
    var c = Tensor<T>.uninitialized([m, n])
    gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c, beta: 0)
    return c
}

/// c = alpha · op(a) · op(b) + beta · c, in place (beta = 1 accumulates, as gradients do).
public func gemm<T>(_ a: Tensor<T>, transposeA: Bool = false, _ b: Tensor<T>, transposeB: Bool = false,
                    into c: inout Tensor<T>, alpha: T = 1, beta: T = 1) {
    let (m, ka) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(ka == kb, "gemm: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : ""): inner dimensions \(ka) and \(kb) differ")
    precondition(c.shape == [m, n], "gemm: result should be [\(m), \(n)], got \(c.shape)")
    if m == 0 || n == 0 { return }
    if ka == 0 {  // BLAS rejects k = 0 with lda < 1; the product is empty, so only beta applies.
        if beta == 0 { c.fill(0) } else { c.scale(by: beta) }   // beta = 0 overwrites, as BLAS does
        return
    }
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                T.gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: ka,
                       alpha: alpha, a: pa.baseAddress!, lda: a.shape[1],
                       b: pb.baseAddress!, ldb: b.shape[1],
                       beta: beta, c: pc.baseAddress!, ldc: n)
            }
        }
    }
}

extension Tensor {
    /// The transpose of a matrix: [m, n] -> [n, m].
    public var transposed: Tensor {
        precondition(rank == 2, "transposed: tensor of shape \(shape) is not a matrix")
        let (m, n) = (shape[0], shape[1])
        var out = Tensor(shape: [n, m])
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<m { for j in 0..<n { dst[j * m + i] = src[i * n + j] } }
            }
        }
        return out
    }
}

// MARK: Elementwise

extension Tensor {
    @inline(__always)
    fileprivate func checkSameShape(_ other: Tensor, _ op: String) {
        precondition(shape == other.shape, "\(op): shapes \(shape) and \(other.shape) differ")
    }

    /// Applies `f` to every element. (Written into a fresh tensor: copying self first and then
    /// overwriting the copy would pass over the memory twice.) Always inlined, so that `f` is
    /// inlined into the loop and the loop vectorises: a call through the closure per element
    /// made `1 - x` and `s * x` several times slower.
    @inlinable @inline(__always)
    public func map(_ f: (Scalar) -> Scalar) -> Tensor {
        var out = Tensor.uninitialized(shape)
        withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in o.indices { o[i] = f(p[i]) }
            }
        }
        return out
    }

    /// Combines two tensors of one shape element by element (always inlined, as map).
    @inlinable @inline(__always)
    public func zipMap(_ other: Tensor, _ f: (Scalar, Scalar) -> Scalar) -> Tensor {
        precondition(shape == other.shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        var out = Tensor.uninitialized(shape)
        withUnsafeBufferPointer { p in
            other.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    for i in o.indices { o[i] = f(p[i], q[i]) }
                }
            }
        }
        return out
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.checkSameShape(b, "+"); return a.zipMap(b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.checkSameShape(b, "-"); return a.zipMap(b, -) }
    /// Elementwise (Hadamard) product, ⊙ in the lesson texts.
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.checkSameShape(b, "*"); return a.zipMap(b, *) }
    public static func * (s: Scalar, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    public static func += (a: inout Tensor, b: Tensor) { a.add(b) }
    public static func -= (a: inout Tensor, b: Tensor) { a.add(b, scaledBy: -1) }

    /// self += alpha · other (BLAS axpy).
    public mutating func add(_ other: Tensor, scaledBy alpha: Scalar = 1) {
        checkSameShape(other, "add")
        let n = count
        if n == 0 { return }
        withUnsafeMutableBufferPointer { y in
            other.withUnsafeBufferPointer { x in
                Scalar.axpy(count: n, alpha: alpha, x: x.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    public mutating func scale(by s: Scalar) {
        withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= s } }
    }

    public mutating func fill(_ value: Scalar) {
        withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = value } }
    }
}

// MARK: Broadcasting a row vector over a matrix (biases)

extension Tensor {
    /// [m, n] + [n]: adds `v` to every row.
    public func addingRow(_ v: Tensor) -> Tensor {
        precondition(rank == 2 && v.rank == 1 && v.count == cols, "addingRow: matrix \(shape) and row \(v.shape) do not fit")
        var out = self
        let n = cols
        out.withUnsafeMutableBufferPointer { p in
            v.withUnsafeBufferPointer { b in
                for i in 0..<(p.count / Swift.max(n, 1)) { for j in 0..<n { p[i * n + j] += b[j] } }
            }
        }
        return out
    }

    /// Sum over the rows of a matrix: [m, n] -> [n] (the gradient of a broadcast bias).
    public func sumRows() -> Tensor {
        precondition(rank == 2, "sumRows: tensor of shape \(shape) is not a matrix")
        let n = cols
        var out = Tensor(shape: [n])
        out.withUnsafeMutableBufferPointer { o in
            withUnsafeBufferPointer { p in
                // On base pointers, without overflow checks in the index: a loop the compiler
                // vectorises (the sums still run over the rows in order).
                guard let sums = o.baseAddress, let first = p.baseAddress else { return }
                for i in 0..<rows {
                    let row = first + i &* n
                    for j in 0..<n { sums[j] += row[j] }
                }
            }
        }
        return out
    }
}

// MARK: Reductions and comparisons

extension Tensor {
    public func sum() -> Scalar { scalars.reduce(0, +) }
    public func mean() -> Scalar { count == 0 ? 0 : sum() / Scalar(count) }
    /// sqrt(Σ x²): the L2 norm of all elements.
    public func norm() -> Scalar { scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    public func maxAbs() -> Scalar { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// max |a - b| over all elements.
    public func maxAbsDifference(_ other: Tensor) -> Scalar {
        checkSameShape(other, "maxAbsDifference")
        var m: Scalar = 0
        for (a, b) in zip(scalars, other.scalars) { m = Swift.max(m, Swift.abs(a - b)) }
        return m
    }

    /// True when every element is finite (no NaN, no ±Inf).
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}
