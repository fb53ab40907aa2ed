/*
 * test_threads.c — the default thread count (common/threads.h): the rule
 * over $OMP_NUM_THREADS, the affinity mask and the cgroup limit; the
 * cgroup limit read from fake v1 and v2 trees; and the tuner on a made-up
 * clock where one count is faster than the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/threads.h"

static void test_choose_rule(void **state)
{
    (void)state;
    assert_int_equal(threads_choose(NULL, 4, 0.0), 4);      /* no limit: the mask */
    assert_int_equal(threads_choose(NULL, 4, 1.5), 2);      /* docker --cpus 1.5: rounded up */
    assert_int_equal(threads_choose(NULL, 4, 2.0), 2);
    assert_int_equal(threads_choose(NULL, 4, 0.5), 1);      /* under one CPU: one thread */
    assert_int_equal(threads_choose(NULL, 2, 8.0), 2);      /* a limit above the mask */
    assert_int_equal(threads_choose(NULL, 0, 0.0), 1);
    assert_int_equal(threads_choose("3", 2, 1.0), 3);       /* the user's word wins */
    assert_int_equal(threads_choose("3,1", 2, 1.0), 3);     /* a list: its first level */
    assert_int_equal(threads_choose("100000", 2, 0.0), 1024);
    /* what OpenMP ignores is ignored */
    assert_int_equal(threads_choose("0", 2, 0.0), 2);
    assert_int_equal(threads_choose("-2", 2, 0.0), 2);
    assert_int_equal(threads_choose("two", 2, 0.0), 2);
    assert_int_equal(threads_choose("", 2, 0.0), 2);
    assert_int_equal(threads_choose("4x", 2, 1.5), 2);
}

static void test_affinity_count(void **state)
{
    (void)state;
    const int n = threads_affinity_count();
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    assert_true(n >= 1);
    assert_true(n <= online);
}

/* A fake system root in a temporary folder. */
typedef struct Fake {
    char root[64];
    char mountinfo[128];
    char cgroup[128];
} Fake;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* mkdir -p root/rel */
static void make_dirs(const Fake *fk, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", fk->root, rel);
    for (char *p = path + strlen(fk->root) + 1; *p != '\0'; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    mkdir(path, 0755);
}

static void put(const Fake *fk, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", fk->root, rel);
    write_file(path, text);
}

static void fake_init(Fake *fk, const char *mountinfo, const char *cgroup)
{
    snprintf(fk->root, sizeof fk->root, "/tmp/dlfs2-threads-XXXXXX");
    assert_non_null(mkdtemp(fk->root));
    snprintf(fk->mountinfo, sizeof fk->mountinfo, "%s/mountinfo", fk->root);
    snprintf(fk->cgroup, sizeof fk->cgroup, "%s/cgroup", fk->root);
    write_file(fk->mountinfo, mountinfo);
    write_file(fk->cgroup, cgroup);
}

static void fake_free(Fake *fk)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fk->root);
    assert_int_equal(system(cmd), 0);
}

static void test_cgroup_v2(void **state)
{
    (void)state;
    Fake fk;
    fake_init(&fk,
              "22 1 0:21 / /proc rw - proc proc rw\n"
              "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 rw,nsdelegate\n",
              "0::/user.slice/lab.scope\n");
    make_dirs(&fk, "sys/fs/cgroup/user.slice/lab.scope");
    assert_true(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root) == 0.0); /* no cpu.max */
    put(&fk, "sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
    assert_true(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root) == 0.0); /* "max": none */
    put(&fk, "sys/fs/cgroup/user.slice/lab.scope/cpu.max", "150000 100000\n");
    assert_float_equal(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root), 1.5, 1e-12);
    /* a parent's smaller limit holds for its children */
    put(&fk, "sys/fs/cgroup/user.slice/cpu.max", "50000 100000\n");
    assert_float_equal(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root), 0.5, 1e-12);
    /* but nothing above the mount point counts */
    put(&fk, "sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
    put(&fk, "sys/fs/cpu.max", "10000 100000\n");
    assert_float_equal(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root), 1.5, 1e-12);
    fake_free(&fk);
}

static void test_cgroup_v1(void **state)
{
    (void)state;
    Fake fk;
    /* a container's view: the mount's root is the container's own cgroup,
     * with a space in the mount point (escaped \040 in mountinfo) */
    fake_init(&fk,
              "40 30 0:35 /docker/abc /sys/fs/cgroup/cpu\\040acct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
              "41 30 0:36 /docker/abc /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory\n",
              "5:memory:/docker/abc\n"
              "4:cpu,cpuacct:/docker/abc\n"
              "0::/\n");
    make_dirs(&fk, "sys/fs/cgroup/cpu acct");
    make_dirs(&fk, "sys/fs/cgroup/memory");
    put(&fk, "sys/fs/cgroup/memory/cpu.cfs_quota_us", "10000\n");     /* not the cpu controller */
    put(&fk, "sys/fs/cgroup/memory/cpu.cfs_period_us", "100000\n");
    put(&fk, "sys/fs/cgroup/cpu acct/cpu.cfs_quota_us", "-1\n");       /* v1's "no limit" */
    put(&fk, "sys/fs/cgroup/cpu acct/cpu.cfs_period_us", "100000\n");
    assert_true(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root) == 0.0);
    put(&fk, "sys/fs/cgroup/cpu acct/cpu.cfs_quota_us", "250000\n");
    assert_float_equal(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root), 2.5, 1e-12);
    assert_int_equal(threads_choose(NULL, 8, threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root)), 3);
    fake_free(&fk);

    /* the host's view: the cgroup path lies below the mount */
    fake_init(&fk, "40 30 0:35 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "3:cpu:/lab/student7\n");
    make_dirs(&fk, "sys/fs/cgroup/cpu/lab/student7");
    put(&fk, "sys/fs/cgroup/cpu/lab/student7/cpu.cfs_quota_us", "100000\n");
    put(&fk, "sys/fs/cgroup/cpu/lab/student7/cpu.cfs_period_us", "50000\n");
    assert_float_equal(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root), 2.0, 1e-12);
    fake_free(&fk);
}

static void test_cgroup_unreadable(void **state)
{
    (void)state;
    assert_true(threads_cgroup_cpu_limit("/nonexistent/mountinfo", "/nonexistent/cgroup", "") == 0.0);
    Fake fk;
    fake_init(&fk, "garbage\n\n - \n", "no colons here\n0::\n");
    assert_true(threads_cgroup_cpu_limit(fk.mountinfo, fk.cgroup, fk.root) == 0.0);
    fake_free(&fk);
}

/*
 * Runs a tuner for `seconds` of made-up time in which an iteration on n
 * threads takes cost(n, t) seconds; returns the fraction of iterations run
 * on `count` after time `after`, and the count at the end in *last.
 */
typedef double (*CostFn)(int n, double t);

static double run_tuner(ThreadsTuner *tuner, CostFn cost, double seconds, int count, double after, int *last)
{
    double t = 0.0;
    long on = 0, total = 0;
    int n = 0;
    while (t < seconds) {
        n = threads_tuner_next(tuner, t);
        assert_true(n >= 1 && n <= tuner->max);
        t += cost(n, t);
        if (t > after) {
            total++;
            on += n == count;
        }
    }
    *last = n;
    return total > 0 ? (double)on / (double)total : 0.0;
}

/* an idle 2-core machine: two threads are 1.6 times as fast */
static double idle_cost(int n, double t)
{
    (void)t;
    return n == 2 ? 1.0e-3 : 1.6e-3;
}

/* one busy process per core: a woken thread waits for a time slice */
static double busy_cost(int n, double t)
{
    (void)t;
    return n == 2 ? 8.0e-3 : 3.0e-3;
}

/* idle for 30 s, then busy */
static double later_busy_cost(int n, double t)
{
    return t < 30.0 ? idle_cost(n, t) : busy_cost(n, t);
}

/* 8 CPUs, 6 of them busy: 2 threads are best */
static double eight_cost(int n, double t)
{
    (void)t;
    static const double ms[9] = {0, 4.0, 2.2, 3.0, 3.5, 5.0, 6.0, 7.0, 9.0};
    return ms[n] * 1e-3;
}

static void test_tuner(void **state)
{
    (void)state;
    ThreadsTuner tuner;
    int last = 0;

    /* idle: stays on 2, the trials of 1 cost little */
    threads_tuner_init(&tuner, 2);
    double share = run_tuner(&tuner, idle_cost, 100.0, 2, 0.0, &last);
    assert_int_equal(last, 2);
    assert_int_equal(tuner.switches, 0);
    assert_true(share > 0.97);

    /* a short idle run (2.5 s): the trials of 1 thread take under 3 % of its iterations */
    threads_tuner_init(&tuner, 2);
    share = run_tuner(&tuner, idle_cost, 2.5, 2, 0.0, &last);
    assert_int_equal(last, 2);
    assert_true(share > 0.97);

    /* busy from the start: on 1 thread within a second, and nearly always after */
    threads_tuner_init(&tuner, 2);
    share = run_tuner(&tuner, busy_cost, 100.0, 1, 1.0, &last);
    assert_int_equal(last, 1);
    assert_true(share > 0.97);

    /* busy after 30 s: found within the longest wait between trials */
    threads_tuner_init(&tuner, 2);
    share = run_tuner(&tuner, later_busy_cost, 100.0, 1, 30.0 + THREADS_MAX_EXPLOIT_S + 1.0, &last);
    assert_int_equal(last, 1);
    assert_true(share > 0.97);

    /* 8 CPUs: halves its way down to the best count */
    threads_tuner_init(&tuner, 8);
    share = run_tuner(&tuner, eight_cost, 100.0, 2, 10.0, &last);
    assert_int_equal(last, 2);
    assert_true(share > 0.9);

    /* one CPU: nothing to tune */
    threads_tuner_init(&tuner, 1);
    for (int i = 0; i < 100; i++) assert_int_equal(threads_tuner_next(&tuner, i * 0.1), 1);
}

static void test_program_setting(void **state)
{
    (void)state;
    unsetenv("OMP_NUM_THREADS");
    const int n = threads_use_default();
    assert_int_equal(n, threads_default());
    assert_true(threads_auto() == (n > 1));
    assert_int_equal(threads_current(), n);
    assert_int_equal(threads_use_fixed(1), 1);
    assert_false(threads_auto());
    threads_tune_step();    /* fixed: never changes */
    assert_int_equal(threads_current(), 1);
    setenv("OMP_NUM_THREADS", "3", 1);
    assert_int_equal(threads_use_default(), 3);
    assert_false(threads_auto());
    unsetenv("OMP_NUM_THREADS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choose_rule),
        cmocka_unit_test(test_affinity_count),
        cmocka_unit_test(test_cgroup_v2),
        cmocka_unit_test(test_cgroup_v1),
        cmocka_unit_test(test_cgroup_unreadable),
        cmocka_unit_test(test_tuner),
        cmocka_unit_test(test_program_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
