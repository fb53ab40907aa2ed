/*
 * simd_math.h — lets GCC vectorise loops that call expf (internal header;
 * include it after <math.h>, in .c files only).
 *
 * glibc ships SIMD versions of expf in libmvec (_ZGVbN4v_expf for SSE,
 * _ZGVdN8v_expf for AVX2, ...; at most 4 ulp from the exact value where
 * the scalar expf is within 1 ulp). glibc's own <math.h> announces them only under
 * -ffast-math, which would also change the arithmetic elsewhere, so this
 * header announces expf alone, through OpenMP's `declare simd`, when Meson
 * found libmvec (DLFS2_HAVE_LIBMVEC). A loop marked `#pragma omp simd`
 * that calls expf then calls the vector version. Elsewhere it is a no-op and
 * the same loops call the scalar expf.
 */
#ifndef DLFS2_LAYERS_SIMD_MATH_H
#define DLFS2_LAYERS_SIMD_MATH_H

#include <math.h>

#include "common/simd.h"

#if defined(DLFS2_HAVE_LIBMVEC) && defined(_OPENMP) && defined(__x86_64__) && !defined(__FAST_MATH__)
#pragma omp declare simd notinbranch
float expf(float x);
/* common/simd.h's AVX2 copy of a function calls the 8-wide expf */
#define SIMD_MATH_CLONES SIMD_CLONES
#else
#define SIMD_MATH_CLONES
#endif

#endif
