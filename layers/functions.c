/* functions.c — textbook common/functions.py helpers (see functions.h). */
#include "layers/functions.h"

#include <math.h>
#include <string.h>

#include "common/check.h"

float sigmoid(float x)
{
    /* exp of a non-positive number only, so nothing overflows. */
    if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
    const float e = expf(x);
    return e / (1.0f + e);
}

double dlfs_softplus(double z)
{
    return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

void sigmoid_array(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = sigmoid(x[i]);
}

void relu(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void softmax(float *y, const float *x, int N, int C)
{
    DLFS_ASSERT(N >= 1 && C >= 1);
    for (int n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * C;
        float *yr = y + (size_t)n * C;
        float m = xr[0];
        for (int c = 1; c < C; c++)
            if (xr[c] > m) m = xr[c];
        double sum = 0.0;
        for (int c = 0; c < C; c++) {
            yr[c] = expf(xr[c] - m);   /* <= 1, and 1 at the maximum */
            sum += yr[c];
        }
        const float inv = (float)(1.0 / sum);
        for (int c = 0; c < C; c++) yr[c] *= inv;
    }
}

float cross_entropy_error(const float *y, const int32_t *t, int N, int C)
{
    DLFS_ASSERT(N >= 1 && C >= 1);
    double total = 0.0;
    for (int n = 0; n < N; n++) {
        DLFS_ASSERT(t[n] >= 0 && t[n] < C);
        total += log((double)y[(size_t)n * C + t[n]] + 1e-7);
    }
    return (float)(-total / N);
}

int32_t one_hot_to_id(const int32_t *row, int C)
{
    int32_t id = -1;
    for (int c = 0; c < C; c++) {
        DLFS_ASSERT(row[c] == 0 || row[c] == 1);
        if (row[c] == 1) {
            DLFS_ASSERT(id < 0);   /* a second 1 */
            id = c;
        }
    }
    DLFS_ASSERT(id >= 0);          /* no 1 at all */
    return id;
}

float cross_entropy_error_onehot(const float *y, const int32_t *t, int N, int C)
{
    DLFS_ASSERT(N >= 1 && C >= 1);
    double total = 0.0;
    for (int n = 0; n < N; n++) {
        const int32_t id = one_hot_to_id(t + (size_t)n * C, C);
        total += log((double)y[(size_t)n * C + id] + 1e-7);
    }
    return (float)(-total / N);
}

void one_hot_float(float *out, const int32_t *ids, int N, int stride, int V)
{
    DLFS_ASSERT(N >= 1 && V >= 1 && stride >= 1);
    memset(out, 0, (size_t)N * V * sizeof *out);
    for (int n = 0; n < N; n++) {
        const int32_t id = ids[(size_t)n * stride];
        DLFS_ASSERT(id >= 0 && id < V);
        out[(size_t)n * V + id] = 1.0f;
    }
}
