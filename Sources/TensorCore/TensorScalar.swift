// The two scalar types the course computes in: Float for speed (OpenBLAS sgemm) and Double for
// gradient checks (centred differences need the extra digits). Generic code is written once
// against `TensorScalar`; the bulk operations below are where the time goes, so each scalar
// type implements them with BLAS or a tight loop of its own.

import CBLAS
import Foundation

public protocol TensorScalar: BinaryFloatingPoint, Codable, Sendable, CustomStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before transposing).
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// y[n] += alpha * x[n]
    static func axpy(count n: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)

    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: TensorScalar {
    @inlinable
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func axpy(count n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }
    @inlinable public static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { Foundation.logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
}

extension Double: TensorScalar {
    @inlinable
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func axpy(count n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }
    @inlinable public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}
