/*
 * blas.h — the matrix products of the layers (MatMul, Affine) and the
 * number of threads everything runs on.
 *
 * OpenBLAS (Debian's pthread build) keeps a thread pool of its own beside
 * OpenMP's. On a machine with few cores the two pools wait for each other:
 * each spins on the cores the other needs, and a softmax-CBOW step took
 * twice as long as with one pool. So dlfs2 runs every thread in OpenMP:
 * blas_sgemm splits a large product into one block of rows or columns of C
 * per OpenMP thread and has OpenBLAS compute each block on the calling
 * thread (OpenBLAS itself is set to one thread). Small products are one
 * single-threaded call.
 */
#ifndef DLFS2_COMMON_BLAS_H
#define DLFS2_COMMON_BLAS_H

#include <cblas.h>

/*
 * Sets the number of threads OpenMP loops (and so the split products) use,
 * n >= 1, and sets OpenBLAS to one thread of its own. Call it before
 * training; `dlfs2 --threads N` does. Without it, OpenMP's default (one
 * thread per core, or $OMP_NUM_THREADS) applies.
 */
void blas_set_threads(int n);

/*
 * C (M, N) = alpha * op(A) op(B) + beta * C, all row-major float32, as
 * cblas_sgemm(CblasRowMajor, ...) with the same arguments: op(A) is
 * (M, K), A itself (M, K) with lda >= K or, transposed, (K, M) with
 * lda >= M; likewise B. Splits the product across OpenMP threads when
 * 2 M N K >= 2^22 flops; each element of C is computed by one thread with
 * one OpenBLAS call, so splitting changes no value. Must not be called
 * from inside an OpenMP parallel region of the caller's.
 */
void blas_sgemm(CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int M, int N, int K, float alpha,
                const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

#endif
