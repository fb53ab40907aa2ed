/*
 * word_map.h — a 2-D map of word vectors: the vectors of a few words
 * projected onto their first two principal components (PCA), for a scatter
 * plot with the words as labels, as the textbook draws its chapter-2 word
 * vectors (§2.4.5, ch02/count_method_small.py: `U, S, V = np.linalg.svd(W)`
 * and `plt.annotate(word, (U[id, 0], U[id, 1]))`).
 *
 * PCA here: centre the n chosen vectors on their mean, take the
 * eigenvectors of their covariance matrix (H, H) with the two largest
 * eigenvalues (the two directions along which the chosen vectors spread
 * the most), and give each word its coordinates along them. That equals
 * the two leading columns of U·S in the SVD of the centred (n, H) matrix,
 * i.e. the textbook's plot of U after centring. The eigenvectors come from
 * LAPACK's DSYEVD, which Debian's libopenblas ships (no LAPACKE needed).
 */
#ifndef DLFS2_EVALUATION_WORD_MAP_H
#define DLFS2_EVALUATION_WORD_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* How the two axes spread the points. */
typedef struct WordMapVariance {
    double axis[2];  /* the variance along axis 1 and axis 2 (the covariance's two largest
                        eigenvalues, divided by n - 1); axis[0] >= axis[1] >= 0 */
    double total;    /* the total variance of the centred vectors (the covariance's trace,
                        the sum of all H eigenvalues); axis[k] / total is the share axis k shows */
} WordMapVariance;

/*
 * Projects rows ids[0..n) of W (V, H) float32 (row-major; every id in
 * [0, V), repeats allowed) onto their first two principal components:
 * x (n,) and y (n,) float64, caller-allocated, (x[i], y[i]) the point of
 * word ids[i] (the arrays plot_labelled_points takes).
 *
 * With unit_rows, each row is first scaled to length 1 (a zero row stays
 * zero), so the map shows the cosine geometry that most_similar and
 * analogy use rather than differences in vector length; without it the
 * raw vectors are used. Then the rows are centred on their mean, so the
 * map's origin is the mean of the chosen words. x and y each have mean 0,
 * and their variances are var->axis[0] and var->axis[1].
 *
 * An eigenvector's sign is arbitrary (LAPACK may give either); here each
 * axis is oriented so that the point farthest from 0 along it (the first
 * such, on a tie) has a positive coordinate (the rule of scikit-learn's
 * svd_flip), so the same vectors always give the same map.
 *
 * var may be NULL. Allocates O(n H + H^2) doubles for the call.
 * Errors (x, y and *var untouched): DLFS_ERR_ARG when n < 2 or H < 1;
 * DLFS_ERR_NUMERIC when a chosen row holds a NaN or an infinity (the
 * message names the id) or LAPACK fails to converge.
 */
int word_map_project(const float *W, int H, const int32_t *ids, int n, bool unit_rows, double *x, double *y,
                     WordMapVariance *var, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
