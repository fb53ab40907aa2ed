/* word_map.c — word vectors onto their first two principal components (see word_map.h). */
#include "evaluation/word_map.h"

#include <cblas.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "common/check.h"

/*
 * LAPACK's DSYEVD (reference: netlib.org/lapack, dsyevd.f): all eigenvalues
 * (ascending, into w) and, with jobz = 'V', the orthonormal eigenvectors
 * (into the columns of a) of the real symmetric n x n column-major matrix
 * a, of which only the uplo ('U' or 'L') triangle is read. lwork = liwork
 * = -1 asks for the work sizes (returned in work[0], iwork[0]). info 0 is
 * success, < 0 a bad argument, > 0 no convergence. The Fortran routine as
 * Debian's libopenblas exports it (LP64: INTEGER is int); the two size_t
 * are the hidden lengths that gfortran passes for CHARACTER arguments.
 */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len,
                    size_t uplo_len);

int word_map_project(const float *W, int H, const int32_t *ids, int n, bool unit_rows, double *x, double *y,
                     WordMapVariance *var, DlfsError *err)
{
    DLFS_ASSERT(W != NULL && ids != NULL && x != NULL && y != NULL);
    if (n < 2) return dlfs_fail(err, DLFS_ERR_ARG, "a word map needs at least 2 words, got %d", n);
    if (H < 1) return dlfs_fail(err, DLFS_ERR_ARG, "a word map needs vectors of size >= 1, got %d", H);

    int status = DLFS_OK;
    double *X = dlfs_malloc((size_t)n * (size_t)H * sizeof *X);   /* (n, H) the centred rows */
    double *C = dlfs_malloc((size_t)H * (size_t)H * sizeof *C);   /* (H, H) covariance, then eigenvectors */
    double *eig = dlfs_malloc((size_t)H * sizeof *eig);          /* (H,) eigenvalues, ascending */
    double *mean = dlfs_calloc((size_t)H, sizeof *mean);
    double *work = NULL;
    int *iwork = NULL;

    for (int i = 0; i < n; i++) {
        const float *row = W + (size_t)ids[i] * (size_t)H;
        double *row_i = X + (size_t)i * (size_t)H;
        double norm2 = 0.0;
        for (int k = 0; k < H; k++) {
            if (!isfinite(row[k])) {
                status = dlfs_fail(err, DLFS_ERR_NUMERIC, "the vector of id %d holds a NaN or an infinity",
                                   (int)ids[i]);
                goto done;
            }
            row_i[k] = row[k];
            norm2 += row_i[k] * row_i[k];
        }
        if (unit_rows && norm2 > 0.0)
            for (int k = 0; k < H; k++) row_i[k] /= sqrt(norm2);
        for (int k = 0; k < H; k++) mean[k] += row_i[k];
    }
    for (int k = 0; k < H; k++) mean[k] /= n;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < H; k++) X[(size_t)i * H + k] -= mean[k];

    /* C = X^T X / (n - 1): the upper triangle, row-major, which is the lower one column-major */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, H, n, 1.0 / (n - 1), X, H, 0.0, C, H);
    double total = 0.0;
    for (int k = 0; k < H; k++) total += C[(size_t)k * H + k];

    int info = 0, lwork = -1, liwork = -1, iwork_size = 0;
    double work_size = 0.0;
    dsyevd_("V", "L", &H, C, &H, eig, &work_size, &lwork, &iwork_size, &liwork, &info, 1, 1);
    if (info == 0) {
        lwork = (int)work_size;
        liwork = iwork_size;
        work = dlfs_malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work);
        iwork = dlfs_malloc((size_t)(liwork > 1 ? liwork : 1) * sizeof *iwork);
        dsyevd_("V", "L", &H, C, &H, eig, work, &lwork, iwork, &liwork, &info, 1, 1);
    }
    if (info != 0) {
        status = dlfs_fail(err, DLFS_ERR_NUMERIC, "LAPACK dsyevd failed (info %d) on the %d x %d covariance",
                           info, H, H);
        goto done;
    }

    /* eigenvector j is column j (column-major): contiguous at C + j H; the largest come last */
    for (int axis = 0; axis < 2; axis++) {
        const int j = H - 1 - axis;
        double *coord = axis == 0 ? x : y;
        double far = 0.0;
        for (int i = 0; i < n; i++) {
            double c = 0.0;
            if (j >= 0)
                for (int k = 0; k < H; k++) c += X[(size_t)i * H + k] * C[(size_t)j * H + k];
            coord[i] = c;
            if (fabs(c) > fabs(far)) far = c;
        }
        if (far < 0.0)
            for (int i = 0; i < n; i++) coord[i] = -coord[i];
        if (var) var->axis[axis] = j >= 0 && eig[j] > 0.0 ? eig[j] : 0.0;
    }
    if (var) var->total = total;

done:
    free(X);
    free(C);
    free(eig);
    free(mean);
    free(work);
    free(iwork);
    return status;
}
