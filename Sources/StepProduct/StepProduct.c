// A register-blocked product for few rows, in the manner of BLIS's Haswell kernel: a block of up
// to 6 rows of C by 16 columns lives in 12 AVX registers while k runs; every step of k loads 16
// numbers of B's panel (two registers) and broadcasts one number of each of A's rows. B's panel
// is contiguous (packed once per pass), so it streams from cache without the per-call packing
// that a BLAS call does, and it stays in L1 while every row block of A goes past it.

#include "StepProduct.h"

#include <immintrin.h>
#include <string.h>

#define W STEP_PANEL_WIDTH

int step_product_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

size_t step_packed_count(long k, long n) {
    long panels = (n + W - 1) / W;
    return (size_t)(panels * W * k);
}

void step_pack(const float *b, long rowStride, long columnStride, long k, long n, float *packed) {
    long panels = (n + W - 1) / W;
    for (long p = 0; p < panels; p++) {
        float *panel = packed + p * W * k;
        long width = n - p * W < W ? n - p * W : W;
        for (long r = 0; r < k; r++) {
            float *row = panel + r * W;
            const float *from = b + r * rowStride + p * W * columnStride;
            for (long c = 0; c < width; c++) row[c] = from[c * columnStride];
            for (long c = width; c < W; c++) row[c] = 0;
        }
    }
}

// rows (1...6) is a constant in each instantiation below, so the loops over it unroll and the
// accumulators stay in registers.
__attribute__((target("avx2,fma"), always_inline))
static inline void block(const int rows, long width, long k, const float *a, long lda, const float *panel,
                         float beta, float *c, long ldc) {
    __m256 acc[6][2];
    for (int i = 0; i < rows; i++) { acc[i][0] = _mm256_setzero_ps(); acc[i][1] = _mm256_setzero_ps(); }
    for (long r = 0; r < k; r++) {
        __m256 b0 = _mm256_loadu_ps(panel + r * W), b1 = _mm256_loadu_ps(panel + r * W + 8);
        for (int i = 0; i < rows; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i * lda + r);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    if (width == W) {
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            if (beta != 0) {
                __m256 vb = _mm256_set1_ps(beta);
                acc[i][0] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), acc[i][0]);
                acc[i][1] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), acc[i][1]);
            }
            _mm256_storeu_ps(ci, acc[i][0]);
            _mm256_storeu_ps(ci + 8, acc[i][1]);
        }
    } else {
        // The last panel of an n that is not a multiple of 16: only its first width columns exist.
        float tile[W];
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            _mm256_storeu_ps(tile, acc[i][0]);
            _mm256_storeu_ps(tile + 8, acc[i][1]);
            for (long j = 0; j < width; j++) ci[j] = beta != 0 ? beta * ci[j] + tile[j] : tile[j];
        }
    }
}

__attribute__((target("avx2,fma")))
void step_product(long m, long n, long k, const float *a, long lda, const float *packed, float beta,
                  float *c, long ldc) {
    long panels = (n + W - 1) / W;
    for (long p = 0; p < panels; p++) {
        const float *panel = packed + p * W * k;
        long width = n - p * W < W ? n - p * W : W;
        float *cp = c + p * W;
        long i = 0;
        for (; i + 6 <= m; i += 6) block(6, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc);
        switch (m - i) {
        case 5: block(5, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc); break;
        case 4: block(4, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc); break;
        case 3: block(3, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc); break;
        case 2: block(2, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc); break;
        case 1: block(1, width, k, a + i * lda, lda, panel, beta, cp + i * ldc, ldc); break;
        default: break;
        }
    }
}
