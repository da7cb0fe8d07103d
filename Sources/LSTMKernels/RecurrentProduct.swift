// The per-step products of the fused layer's time loops, [b_k, K]·[K, N] with few rows: h·W_hhᵀ
// forward, dGates·W_hh backward. The right-hand side is the same matrix at every step, so it is
// prepared once per pass (`StepMatrix`), in the form the kernel that multiplies it reads.
//
// A plain sgemm call first copies blocks of both operands into its panel format. For the step
// products that copy is W_hh, the same matrix every step, and with b_k ≤ 64 rows there is little
// arithmetic to spread its cost over: OpenBLAS runs [32, 256]·[256, 1024] at about 70-85% of what
// it reaches on large products, [8, 256]·[256, 1024] at under 40%, [1, 256]·[256, 1024] at 5%.
// Two ways around it:
//
// - On AVX-512 CPUs, recent OpenBLAS (0.3.21 on the course machine) multiplies a product with
//   m·n·k ≤ 100³ by a direct kernel that reads the operands where they are, when neither is
//   transposed (so h·W_hhᵀ is computed as h times a transposed copy of W_hh, made once per pass).
//   Cut into tiles of 64 columns, and of the inner dimension if needed, each step's product
//   qualifies, and alone runs at 80% to 100% of the large-product speed for b_k from 4 to 48.
// - Where OpenBLAS has no direct kernel (its Haswell and Zen kernels: AVX2 processors, or
//   OPENBLAS_CORETYPE=Haswell), W_hh is packed once per pass into the panels of a register-blocked
//   kernel of our own (Sources/StepProduct), which reads them at every step without copying.
//   One thread, AMD EPYC (Zen 3), GFLOP/s, OpenBLAS against it over three runs (Lesson 4's
//   appendix "Making it fast"): [32, 256]·[256, 1024] 55-59 / 57-67, [8, ...] 34 / 55-62,
//   [3, ...] 10 / 49-55, [32, 1024]·[1024, 256] 59-71 / 81-83; at 64 rows about the same.
//
// Either way only the order of the sums changes, not the numbers beyond rounding.

import StepProduct
import TensorCore

/// Whether this process multiplies Float step products with the panel kernel: the processor runs
/// it (AVX2 and FMA) and OpenBLAS's kernels have no direct path for small products (only its
/// AVX-512 families do).
let panelKernelPreferred: Bool = {
    let direct = ["skylakex", "cooperlake", "sapphirerapids"]
    return step_product_available() == 1 && !direct.contains(Parallel.blasKernels.lowercased())
}()

/// What multiplies the Float layer's step products in this process (benchmarks print it).
public var stepProductKernel: String {
    panelKernelPreferred ? "the course's panel kernel (AVX2 and FMA, Sources/StepProduct)" : "OpenBLAS \(Parallel.blasKernels) in tiles"
}

/// The right-hand side B [k, n] of a layer's step products, in the form its kernel reads.
enum StepMatrix<T: TensorScalar> {
    /// Packed into panels of 16 columns for the Float panel kernel (StepProduct.h).
    case panels([Float], k: Int, n: Int)
    /// Row-major, for OpenBLAS in tiles (`stepProduct`).
    case rowMajor(Tensor<T>)

    /// B = Wᵀ for W [n, k] (forward: h·W_hhᵀ).
    init(transposeOf w: Tensor<T>, panels: Bool = panelKernelPreferred) {
        let (n, k) = (w.shape[0], w.shape[1])
        if panels, let packed = StepMatrix.pack(w, rowStride: 1, columnStride: k, k: k, n: n) {
            self = .panels(packed, k: k, n: n)
        } else {
            self = .rowMajor(transposedCopy(w))
        }
    }

    /// B = W [k, n] (backward: dGates·W_hh).
    init(_ w: Tensor<T>, panels: Bool = panelKernelPreferred) {
        let (k, n) = (w.shape[0], w.shape[1])
        if panels, let packed = StepMatrix.pack(w, rowStride: n, columnStride: 1, k: k, n: n) {
            self = .panels(packed, k: k, n: n)
        } else {
            self = .rowMajor(w)
        }
    }

    /// The panels of B, element (r, c) at w[r · rowStride + c · columnStride]; nil unless T is
    /// Float and the processor runs the panel kernel.
    private static func pack(_ w: Tensor<T>, rowStride: Int, columnStride: Int, k: Int, n: Int) -> [Float]? {
        guard T.self == Float.self, step_product_available() == 1, k > 0, n > 0 else { return nil }
        let count = step_packed_count(k, n)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            w.scalars.withUnsafeBufferPointer { from in
                if let source = from.baseAddress, let packed = buffer.baseAddress {
                    step_pack(UnsafeRawPointer(source).assumingMemoryBound(to: Float.self), rowStride, columnStride, k, n, packed)
                }
            }
            initialized = count
        }
    }

    /// C[m, n] = A[m, k]·B + beta·C, A and C row-major with row strides lda and ldc.
    func multiply(m: Int, a: UnsafePointer<T>, lda: Int, beta: T, c: UnsafeMutablePointer<T>, ldc: Int) {
        switch self {
        case let .panels(packed, k, n):
            // Only Float builds panels (see pack), so T is Float here.
            let a = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self)
            let c = UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self)
            let beta = Float(beta)
            packed.withUnsafeBufferPointer { p in
                if let panels = p.baseAddress { step_product(m, n, k, a, lda, panels, beta, c, ldc) }
            }
        case let .rowMajor(b):
            let (k, n) = (b.shape[0], b.shape[1])
            b.scalars.withUnsafeBufferPointer { bBuf in
                if let bp = bBuf.baseAddress { stepProduct(m: m, n: n, k: k, a: a, lda: lda, b: bp, ldb: n, beta: beta, c: c, ldc: ldc) }
            }
        }
    }
}

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
