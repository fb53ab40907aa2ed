/* threads.c — the default thread count from OMP_NUM_THREADS, affinity and cgroup quota (see threads.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT_S */
#include "common/threads.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/blas.h"
#include "common/check.h"
#include "common/clock.h"

enum { THREADS_MAX = 1024 };

/* One cgroup hierarchy of /proc/self/cgroup: v2, or v1 with the cpu controller. */
typedef struct CgroupLine {
    bool v2;
    char path[PATH_MAX];
} CgroupLine;

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
{
    char *out = s;
    for (const char *in = s; *in != '\0'; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
            in[3] >= '0' && in[3] <= '7') {
            *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

/* True when the comma-separated list holds the token word. */
static bool has_token(const char *list, const char *word)
{
    const size_t n = strlen(word);
    for (const char *p = list; *p != '\0';) {
        const size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, word, n) == 0) return true;
        p += len;
        if (*p == ',') p++;
    }
    return false;
}

/* Reads one line of a small file into buf. Returns true when something was read. */
static bool read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) return false;
    const bool ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    return ok;
}

/*
 * The limit set in one cgroup folder, in CPUs: cpu.max ("QUOTA PERIOD" or
 * "max PERIOD") for v2, cpu.cfs_quota_us / cpu.cfs_period_us for v1.
 * 0 when there is none.
 */
static double folder_limit(const char *dir, bool v2)
{
    char path[3 * PATH_MAX + 32], line[128];
    double quota = 0.0, period = 0.0;
    if (v2) {
        snprintf(path, sizeof path, "%s/cpu.max", dir);
        if (!read_line(path, line, sizeof line) || sscanf(line, "%lf %lf", &quota, &period) != 2) return 0.0;
    } else {
        snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
        if (!read_line(path, line, sizeof line) || sscanf(line, "%lf", &quota) != 1) return 0.0;
        snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
        if (!read_line(path, line, sizeof line) || sscanf(line, "%lf", &period) != 1) return 0.0;
    }
    /* "max" does not scan as a number; -1 is v1's "no limit" */
    return quota > 0.0 && period > 0.0 ? quota / period : 0.0;
}

/*
 * The smallest limit from dir up to its top folder top (a prefix of dir),
 * both included; 0 when none sets one.
 */
static double smallest_limit_upwards(char *dir, size_t top_len, bool v2)
{
    double best = 0.0;
    for (;;) {
        const double limit = folder_limit(dir, v2);
        if (limit > 0.0 && (best == 0.0 || limit < best)) best = limit;
        char *slash = strrchr(dir, '/');
        if (strlen(dir) <= top_len || slash == NULL || (size_t)(slash - dir) < top_len) break;
        *slash = '\0';
    }
    return best;
}

/*
 * The limit for one hierarchy: finds its mount in mountinfo (cgroup2, or
 * cgroup with the cpu option), maps the cgroup path under the mount's
 * root to a folder and walks up from it.
 */
static double hierarchy_limit(const char *mountinfo, const CgroupLine *cg, const char *sysroot)
{
    FILE *f = fopen(mountinfo, "r");
    if (f == NULL) return 0.0;
    char line[4096];
    double limit = 0.0;
    while (limit == 0.0 && fgets(line, sizeof line, f) != NULL) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
        char root[PATH_MAX], mount_point[PATH_MAX];
        if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mount_point) != 2) continue;
        const char *dash = strstr(line, " - ");
        if (dash == NULL) continue;
        char fstype[64], source[256], superopts[1024];
        if (sscanf(dash + 3, "%63s %255s %1023s", fstype, source, superopts) != 3) continue;
        if (cg->v2 ? strcmp(fstype, "cgroup2") != 0
                   : strcmp(fstype, "cgroup") != 0 || !has_token(superopts, "cpu"))
            continue;
        unescape_octal(root);
        unescape_octal(mount_point);
        /* the cgroup's path below the mount's root; a path outside it (another
         * namespace's view) falls back to the mount point itself */
        const char *rel = "";
        const size_t root_len = strcmp(root, "/") == 0 ? 0 : strlen(root);
        if (strncmp(cg->path, root, root_len) == 0 && (cg->path[root_len] == '/' || cg->path[root_len] == '\0'))
            rel = cg->path + root_len;
        char dir[3 * PATH_MAX];
        const int top = snprintf(dir, sizeof dir, "%s%s", sysroot, mount_point);
        if (top < 0 || (size_t)top >= sizeof dir) continue;
        if (snprintf(dir + top, sizeof dir - (size_t)top, "%s", strcmp(rel, "/") == 0 ? "" : rel) < 0) continue;
        limit = smallest_limit_upwards(dir, (size_t)top, cg->v2);
    }
    fclose(f);
    return limit;
}

double threads_cgroup_cpu_limit(const char *mountinfo, const char *proc_cgroup, const char *sysroot)
{
    FILE *f = fopen(proc_cgroup, "r");
    if (f == NULL) return 0.0;
    char line[PATH_MAX + 256];
    double best = 0.0;
    while (fgets(line, sizeof line, f) != NULL) {
        /* HIERARCHY:CONTROLLERS:PATH */
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL) continue;
        *c1 = *c2 = '\0';
        CgroupLine cg = {.v2 = strcmp(line, "0") == 0 && c1[1] == '\0'};
        if (!cg.v2 && !has_token(c1 + 1, "cpu")) continue;
        if (snprintf(cg.path, sizeof cg.path, "%s", c2 + 1) >= (int)sizeof cg.path) continue;
        const double limit = hierarchy_limit(mountinfo, &cg, sysroot);
        if (limit > 0.0 && (best == 0.0 || limit < best)) best = limit;
    }
    fclose(f);
    return best;
}

int threads_affinity_count(void)
{
    /* a mask large enough for any machine; CPU_ALLOC for more than 1024 CPUs */
    for (int cpus = 1024; cpus <= 1 << 16; cpus *= 4) {
        cpu_set_t *set = CPU_ALLOC(cpus);
        if (set == NULL) return 1;
        const size_t size = CPU_ALLOC_SIZE(cpus);
        CPU_ZERO_S(size, set);
        const int rc = sched_getaffinity(0, size, set);
        const int count = rc == 0 ? CPU_COUNT_S(size, set) : 0;
        CPU_FREE(set);
        if (rc == 0) return count > 0 ? count : 1;
        if (errno != EINVAL) break; /* EINVAL: the mask is too small */
    }
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)(online < THREADS_MAX ? online : THREADS_MAX) : 1;
}

/*
 * $OMP_NUM_THREADS as a count: "4", or a list "4,2" (its first level);
 * 0 when unset or anything else, which OpenMP ignores too.
 */
static int omp_num_threads_count(const char *text)
{
    if (text == NULL) return 0;
    char *end = NULL;
    errno = 0;
    const long n = strtol(text, &end, 10);
    if (end == text || (*end != '\0' && *end != ',') || errno != 0 || n < 1) return 0;
    return n < THREADS_MAX ? (int)n : THREADS_MAX;
}

int threads_choose(const char *omp_num_threads, int affinity_cpus, double cpu_limit)
{
    const int given = omp_num_threads_count(omp_num_threads);
    if (given > 0) return given;
    int n = affinity_cpus >= 1 ? affinity_cpus : 1;
    if (cpu_limit > 0.0) {
        const double up = ceil(cpu_limit - 1e-9); /* 1.5 -> 2, 2.0 -> 2, 0.5 -> 1 */
        if (up < n) n = up < 1.0 ? 1 : (int)up;
    }
    return n < THREADS_MAX ? n : THREADS_MAX;
}

int threads_default(void)
{
    return threads_choose(getenv("OMP_NUM_THREADS"), threads_affinity_count(),
                          threads_cgroup_cpu_limit("/proc/self/mountinfo", "/proc/self/cgroup", ""));
}

void threads_tuner_init(ThreadsTuner *t, int max)
{
    DLFS_ASSERT(max >= 1);
    *t = (ThreadsTuner){.max = max, .current = max, .last_direction = 1, .phase_start_s = -1.0,
                        .exploit_s = THREADS_FIRST_EXPLOIT_S};
}

/* The count a trial tries next: half or double current, within [1, max]. */
static int trial_count(ThreadsTuner *t)
{
    const int down = t->current / 2 >= 1 ? t->current / 2 : 1;
    const int up = t->current * 2 <= t->max ? t->current * 2 : t->max;
    int dir = -t->last_direction;     /* alternate when both ways are open */
    if (down == t->current) dir = 1;
    if (up == t->current) dir = -1;
    t->last_direction = dir;
    return dir < 0 ? down : up;
}

int threads_tuner_next(ThreadsTuner *t, double now_s)
{
    if (t->max == 1) return 1;
    if (t->phase_start_s < 0.0) {       /* the first call: nothing finished yet */
        t->phase_start_s = now_s;
        return t->current;
    }
    t->phase_iters++;
    const double span = now_s - t->phase_start_s;
    if (t->trial == 0) {
        if (span < t->exploit_s || t->phase_iters < THREADS_TRIAL_ITERS) return t->current;
        t->current_s_per_iter = span / (double)t->phase_iters;
        t->trial = trial_count(t);
    } else {
        if (t->phase_iters < THREADS_TRIAL_ITERS) return t->trial;
        const double trial_s_per_iter = span / (double)t->phase_iters;
        /* a trial runs THREADS_TRIAL_S, or stops after THREADS_TRIAL_MIN_S when it
         * is already clearly slower (the usual case on an idle machine) */
        const bool losing = span >= THREADS_TRIAL_MIN_S && trial_s_per_iter > 1.25 * t->current_s_per_iter;
        if (span < THREADS_TRIAL_S && !losing) return t->trial;
        if (trial_s_per_iter < 0.9 * t->current_s_per_iter) {
            t->current = t->trial;
            t->switches++;
            t->exploit_s = THREADS_EXPLOIT_S;
        } else {
            t->exploit_s = t->exploit_s < THREADS_EXPLOIT_S ? THREADS_EXPLOIT_S : 2.0 * t->exploit_s;
            if (t->exploit_s > THREADS_MAX_EXPLOIT_S) t->exploit_s = THREADS_MAX_EXPLOIT_S;
        }
        t->trial = 0;
    }
    t->phase_start_s = now_s;
    t->phase_iters = 0;
    return t->trial != 0 ? t->trial : t->current;
}

/* The program-wide setting (threads.h): a fixed count, or a tuner. */
static struct {
    bool is_auto;
    int current;
    ThreadsTuner tuner;
} setting = {.current = 0};

int threads_use_fixed(int n)
{
    DLFS_ASSERT(n >= 1);
    setting.is_auto = false;
    setting.current = n;
    blas_set_threads(n);
    return n;
}

int threads_use_auto(int max)
{
    threads_use_fixed(max);
    setting.is_auto = max > 1;
    threads_tuner_init(&setting.tuner, max);
    return max;
}

int threads_use_default(void)
{
    const int n = threads_default();
    return omp_num_threads_count(getenv("OMP_NUM_THREADS")) > 0 ? threads_use_fixed(n) : threads_use_auto(n);
}

void threads_tune_step(void)
{
    if (!setting.is_auto) return;
    const int n = threads_tuner_next(&setting.tuner, dlfs_now_s());
    if (n != setting.current) {
        setting.current = n;
        blas_set_threads(n);
    }
}

bool threads_auto(void)
{
    return setting.is_auto;
}

int threads_current(void)
{
    return setting.current;
}
