// The fast LSTM layer's per-step product C[m, n] = A[m, k]·B[k, n] (+ beta·C) for few rows
// (m is a batch, 64 or less), with B packed once into panels of 16 columns and reused at every
// time step. See Sources/LSTMKernels/RecurrentProduct.swift for why.
#ifndef STEP_PRODUCT_H
#define STEP_PRODUCT_H

#include <stddef.h>

/// Columns per panel of a packed B.
#define STEP_PANEL_WIDTH 16

/// 1 when this processor runs the kernel (AVX2 and FMA), 0 when it does not: then use BLAS.
int step_product_available(void);

/// Floats a packed [k, n] matrix needs: n rounded up to a whole panel, times k.
size_t step_packed_count(long k, long n);

/// Packs B[k, n], element (r, c) at b[r * rowStride + c * columnStride] (so a transposed matrix
/// packs without a copy), into panels of STEP_PANEL_WIDTH columns: panel p holds columns
/// 16p..16p+15 for every row r, contiguously; columns past n are zero.
void step_pack(const float *b, long rowStride, long columnStride, long k, long n, float *packed);

/// C[m, n] = A[m, k]·B[k, n] + beta·C (beta 0: C is only written, never read), A and C row-major
/// with row strides lda and ldc, B packed by step_pack. Each element of C is the sum over k in
/// order 0, 1, ..., k-1 of fused multiply-adds, so a row's result does not depend on m or on the
/// other rows. Call only when step_product_available() is 1.
void step_product(long m, long n, long k, const float *a, long lda, const float *packed, float beta,
                  float *c, long ldc);

#endif
