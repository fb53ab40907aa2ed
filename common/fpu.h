/*
 * fpu.h — flushing subnormal floats to zero around a hot loop.
 *
 * Adam's m decays by beta1 = 0.9 on every step a row is not touched; after
 * about 720 such steps it falls below FLT_MIN (1.2e-38) and becomes
 * subnormal, and x86 arithmetic on subnormals is some 100 times slower. In
 * a PTB epoch most rare words go that long untouched, so the dense Adam
 * pass slows down more than 2x as training goes on.
 *
 * fpu_flush_subnormals sets the x86 MXCSR flags FTZ (results that would be
 * subnormal become 0) and DAZ (subnormal inputs read as 0) on the calling
 * thread and returns the previous flags for fpu_restore. What it changes in
 * Adam: an m or v below 1.2e-38 becomes 0. Such an m moves its parameter by
 * at most lr_t * 1.2e-38 / 1e-7 (eps) < 1e-31, which leaves any float above
 * about 1e-24 in magnitude unchanged, and such a v is far below eps^2, so
 * sqrt(v) + eps is eps either way: the parameters stay those of the
 * textbook's arithmetic. On other CPUs both calls do nothing.
 */
#ifndef DLFS2_COMMON_FPU_H
#define DLFS2_COMMON_FPU_H

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define FPU_HAVE_MXCSR 1
#endif

typedef struct FpuState {
    unsigned int mxcsr;     /* the flags before fpu_flush_subnormals; 0 elsewhere */
} FpuState;

/* Sets FTZ and DAZ on this thread; returns the flags to restore. */
static inline FpuState fpu_flush_subnormals(void)
{
#ifdef FPU_HAVE_MXCSR
    const unsigned int old = _mm_getcsr();
    _mm_setcsr(old | 0x8040u);   /* FTZ (bit 15) | DAZ (bit 6) */
    return (FpuState){old};
#else
    return (FpuState){0};
#endif
}

/* Puts back the flags fpu_flush_subnormals returned, on the same thread. */
static inline void fpu_restore(FpuState state)
{
#ifdef FPU_HAVE_MXCSR
    _mm_setcsr(state.mxcsr);
#else
    (void)state;
#endif
}

#endif
