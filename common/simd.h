/*
 * simd.h — SIMD_CLONES: compile a hot function twice, for AVX2 and for the
 * baseline x86-64 the build targets, and let the loader pick the copy the
 * CPU runs (GCC's target_clones, resolved once through glibc's ifunc). The
 * results are the same IEEE operations either way; only the vector width
 * (4 or 8 floats) changes, and with it the order of the partial sums in
 * `omp simd` reductions. Elsewhere the macro is empty.
 */
#ifndef DLFS2_COMMON_SIMD_H
#define DLFS2_COMMON_SIMD_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMD_CLONES
#endif

#endif
