// The per-step products of the fused layer's time loops, [b_k, K]·[K, N] with few rows, cut into
// tiles that OpenBLAS multiplies without packing.
//
// A plain sgemm call first copies blocks of both operands into its panel format. For the step
// products that copy is W_hh, the same matrix every step, and with b_k ≤ 64 rows there is little
// arithmetic to spread its cost over: OpenBLAS runs [32, 256]·[256, 1024] at about 70% of what
// it reaches on large products, [8, 256]·[256, 1024] at under 40%. On AVX-512 CPUs, recent
// OpenBLAS (0.3.21 on the course machine) multiplies a product with m·n·k ≤ 100³ by a direct
// kernel that reads the operands where they are, when neither is transposed (so PyTorch's
// h·W_hhᵀ is computed as h times a transposed copy of W_hh, made once per forward pass). Cut
// into tiles of 64 columns, and of the inner dimension if needed, each step's product
// qualifies, and alone runs at 80% to 100% of the large-product speed for b_k from 4 to 48. Where
// OpenBLAS has no direct kernel (other CPUs, OPENBLAS_CORETYPE=Haswell) the tiles cost about what
// the single call did. Either way only the order of the sums changes, not the numbers beyond
// rounding.

import TensorCore

/// C[m, n] = A[m, k]·B[k, n] + beta·C, all row-major with row strides lda, ldb, ldc; for m ≤ 64
/// in tiles of at most 64 columns of B and C and of at most 100³ / (64 m) of the inner dimension.
func stepProduct<T: TensorScalar>(m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
                                  beta: T, c: UnsafeMutablePointer<T>, ldc: Int) {
    /// OpenBLAS's bound on m·n·k for its direct small-matrix kernels.
    let directLimit = 1_000_000
    let tileColumns = 64
    guard m <= 64, k > 0, n > 0 else {
        T.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    // Halve the inner tile until one tile is small enough: equal halves, no thin remainder.
    var tileK = k
    while m * min(n, tileColumns) * tileK > directLimit && tileK > 16 { tileK = (tileK + 1) / 2 }
    for column in stride(from: 0, to: n, by: tileColumns) {
        let width = min(tileColumns, n - column)
        for inner in stride(from: 0, to: k, by: tileK) {
            T.gemm(transA: false, transB: false, m: m, n: width, k: min(tileK, k - inner), alpha: 1,
                   a: a + inner, lda: lda, b: b + inner * ldb + column, ldb: ldb,
                   beta: inner == 0 ? beta : 1, c: c + column, ldc: ldc)
        }
    }
}

/// W [R, C] row-major -> Wᵀ [C, R].
func transposedCopy<T: TensorScalar>(_ w: Tensor<T>) -> Tensor<T> {
    let (rows, columns) = (w.shape[0], w.shape[1])
    var out = Tensor<T>.uninitialized([columns, rows])
    w.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let from = src.baseAddress, let to = dst.baseAddress else { return }
            for r in 0..<rows {
                for c in 0..<columns { to[c * rows + r] = from[r * columns + c] }
            }
        }
    }
    return out
}
