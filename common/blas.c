/* blas.c — products split across OpenMP threads (see blas.h). */
#include "common/blas.h"

#include <omp.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/check.h"

/* Below this many flops one call on one thread is as fast. */
#define BLAS_SPLIT_MIN_FLOPS (1L << 22)
/* Blocks of columns are whole cache lines of C. */
enum { BLAS_COLUMN_ALIGN = 16 };

static pthread_once_t single_threaded_once = PTHREAD_ONCE_INIT;

static void make_openblas_single_threaded(void)
{
    openblas_set_num_threads(1);
}

void blas_set_threads(int n)
{
    DLFS_ASSERT(n >= 1);
    pthread_once(&single_threaded_once, make_openblas_single_threaded);
    omp_set_num_threads(n);
}

void blas_sgemm(CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int M, int N, int K, float alpha,
                const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    DLFS_ASSERT(M >= 0 && N >= 0 && K >= 0);
    pthread_once(&single_threaded_once, make_openblas_single_threaded);
    const int threads = omp_get_max_threads();
    const double flops = 2.0 * M * N * K;
    if (threads == 1 || flops < (double)BLAS_SPLIT_MIN_FLOPS || (M < 2 && N < 2 * BLAS_COLUMN_ALIGN)) {
        cblas_sgemm(CblasRowMajor, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    const bool by_columns = N >= M;
#pragma omp parallel
    {
        const int nt = omp_get_num_threads(), t = omp_get_thread_num();
        if (by_columns) {
            /* C[:, j0:j1] = op(A) op(B)[:, j0:j1] */
            const int blocks = (N + BLAS_COLUMN_ALIGN - 1) / BLAS_COLUMN_ALIGN;
            const int j0 = (int)((long)blocks * t / nt) * BLAS_COLUMN_ALIGN;
            int j1 = (int)((long)blocks * (t + 1) / nt) * BLAS_COLUMN_ALIGN;
            if (j1 > N) j1 = N;
            if (j1 > j0) {
                const float *Bj = trans_b == CblasNoTrans ? B + j0 : B + (size_t)j0 * ldb;
                cblas_sgemm(CblasRowMajor, trans_a, trans_b, M, j1 - j0, K, alpha, A, lda, Bj, ldb,
                            beta, C + j0, ldc);
            }
        } else {
            /* C[i0:i1, :] = op(A)[i0:i1, :] op(B) */
            const int i0 = (int)((long)M * t / nt), i1 = (int)((long)M * (t + 1) / nt);
            if (i1 > i0) {
                const float *Ai = trans_a == CblasNoTrans ? A + (size_t)i0 * lda : A + i0;
                cblas_sgemm(CblasRowMajor, trans_a, trans_b, i1 - i0, N, K, alpha, Ai, lda, B, ldb,
                            beta, C + (size_t)i0 * ldc, ldc);
            }
        }
    }
}
