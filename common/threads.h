/*
 * threads.h — how many threads dlfs2 runs on by default: the CPUs this
 * process may actually use, not the cores the machine has.
 *
 * On a lab server a class shares, a program that starts one thread per
 * core of the machine competes with every other student's program, and a
 * container limited to 1.5 CPUs that starts 64 threads is throttled. So
 * the default is, in this order:
 *   1. $OMP_NUM_THREADS when it is a whole number >= 1 (its first entry
 *      when it is a list, as OpenMP reads it): the user's word;
 *   2. else the CPUs in this process's affinity mask (taskset, cpuset,
 *      `docker --cpuset-cpus`), capped by the cgroup CPU quota rounded up
 *      (`docker --cpus 1.5` gives 2; a quota below one CPU gives 1), the
 *      rule the JVM and .NET follow.
 * `--threads N` on the command line always wins over the default.
 *
 * Contention: even with passive waits, a step split over T threads ends
 * only when the last of them has run, and on a machine whose cores other
 * programs keep busy a woken thread waits for a time slice (milliseconds)
 * before it runs. The textbook trainer's steps then take longer on two
 * threads than on one. So when the count was not given (no --threads, no
 * $OMP_NUM_THREADS), the textbook trainer tunes it as it goes
 * (ThreadsTuner below): it times its iterations on the count it uses and,
 * now and then, briefly on another, and keeps the faster. Textbook mode
 * gives the same bits for any count, so tuning never changes a result.
 *
 * Waiting: OpenMP's idle threads spin on their cores for a while before
 * they sleep (libgomp's default), taking cores other programs need. Every
 * dlfs2 program makes them wait passively (common/passive_wait.c, which
 * runs the program again with OMP_WAIT_POLICY=passive before the OpenMP
 * runtime starts unless the user set it). OpenBLAS runs no threads of its
 * own (common/blas.h).
 */
#ifndef DLFS2_COMMON_THREADS_H
#define DLFS2_COMMON_THREADS_H

#include <stdbool.h>

#include "api.h"

DLFS2_API_BEGIN

/*
 * The CPU limit of the cgroups this process is in, in CPUs (quota /
 * period), the smallest over its cgroup and that cgroup's parents, for
 * cgroup v2 (cpu.max) and v1 (cpu.cfs_quota_us / cpu.cfs_period_us).
 * mountinfo and proc_cgroup are the paths of /proc/self/mountinfo and
 * /proc/self/cgroup; sysroot is prepended to every mount point found in
 * mountinfo ("" for the real system, a test folder for a fake tree).
 * Returns the limit (> 0), or 0 when there is none or nothing could be
 * read (no cgroup file system, no permission): never an error.
 */
double threads_cgroup_cpu_limit(const char *mountinfo, const char *proc_cgroup, const char *sysroot);

/* The number of CPUs in this process's affinity mask (>= 1; 1 if it cannot be read). */
int threads_affinity_count(void);

/*
 * The default thread count from its inputs (see the top of this file):
 * omp_num_threads is $OMP_NUM_THREADS (NULL when unset), affinity_cpus
 * the CPUs of the affinity mask (>= 1), cpu_limit the cgroup limit in
 * CPUs (0: none). Returns a count in [1, 1024].
 */
int threads_choose(const char *omp_num_threads, int affinity_cpus, double cpu_limit);

/* threads_choose for this process: $OMP_NUM_THREADS, its affinity mask and its cgroups. */
int threads_default(void);

/*
 * Measures which thread count runs iterations fastest, between 1 and max.
 * It alternates two phases: it runs on `current` for a while (1 s at
 * first, doubling up to 16 s while trials keep losing), timing every
 * iteration, then tries a neighbouring count (half or double, within
 * [1, max]) for THREADS_TRIAL_S seconds and at least THREADS_TRIAL_ITERS
 * iterations (a trial already 25 % slower stops after THREADS_TRIAL_MIN_S)
 * and switches to it when its mean time per iteration is at least 10 %
 * lower. The first trial comes after 0.25 s, so a run that starts on a
 * busy machine drops to fewer threads within a second. On an idle machine
 * the trials of a worse count cost about 1 % of a run of a few seconds,
 * less of a longer one.
 * A tuner with max 1 always answers 1.
 */
typedef struct ThreadsTuner {
    int max;                /* the most threads, >= 1 */
    int current;            /* the count iterations run on, outside trials */
    int trial;              /* the count being tried; 0 outside a trial */
    int last_direction;     /* -1 or +1: the direction of the last trial */
    double phase_start_s;   /* when the current phase began (the caller's clock) */
    long phase_iters;       /* iterations finished in it */
    double current_s_per_iter; /* mean seconds per iteration on current, last phase */
    double exploit_s;       /* how long the next run on current lasts */
    int switches;           /* how often current changed (for reports and tests) */
} ThreadsTuner;

enum { THREADS_TRIAL_ITERS = 5 };
#define THREADS_TRIAL_S 0.25
#define THREADS_TRIAL_MIN_S 0.05
#define THREADS_FIRST_EXPLOIT_S 0.25
#define THREADS_EXPLOIT_S 1.0
#define THREADS_MAX_EXPLOIT_S 16.0

/* A tuner starting on max threads (max >= 1). */
void threads_tuner_init(ThreadsTuner *t, int max);

/*
 * Call before each iteration with the time now in seconds (any monotonic
 * clock; the same one every call): the previous call's iteration is
 * counted as finished. Returns the thread count to run this iteration on.
 */
int threads_tuner_next(ThreadsTuner *t, double now_s);

/*
 * The program-wide thread setting the trainers follow. threads_use_fixed(n)
 * runs everything on n threads (blas_set_threads); threads_use_auto(max)
 * starts on max and lets the textbook trainer tune the count between 1
 * and max (threads_tune_step). threads_use_default() is what a program
 * does when the user gave no count: fixed at $OMP_NUM_THREADS when that is
 * set, else auto up to threads_default(). Each returns the count the
 * program starts on. Call them from the main thread, outside parallel code.
 */
int threads_use_fixed(int n);
int threads_use_auto(int max);
int threads_use_default(void);

/*
 * Called by the textbook trainer before each iteration: in auto mode,
 * times the iterations and sets the count (ThreadsTuner); otherwise does
 * nothing. Outside parallel code only.
 */
void threads_tune_step(void);

/* Whether the count is tuned (threads_use_auto), and the count now in use. */
bool threads_auto(void);
int threads_current(void);

DLFS2_API_END

#endif
