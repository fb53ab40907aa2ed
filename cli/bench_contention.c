/*
 * bench_contention.c — `dlfs2 bench --contention`: how the default thread
 * count behaves on a machine whose cores other programs keep busy, as on a
 * lab server a class shares (common/threads.h).
 *
 * Each round times four whole runs of this same program, `dlfs2 train
 * --max-iters N` (the textbook's CBOW on PTB), in turn: with the default
 * threads and with --threads 1 on the machine as it is, then the same two
 * while one busy process per CPU this process may use spins (a child of
 * this one that only loops; it dies with its parent). It prints the
 * machine's load before it starts, the median of each figure over the
 * rounds, and the median of the rounds' ratios default / --threads 1.
 */
#define _GNU_SOURCE /* getloadavg */
#include "cli/bench_contention.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench_external.h"
#include "cli/cli.h"
#include "common/threads.h"


enum { MAX_BUSY = 1024, MAX_ROUNDS = 99 };

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n), n >= 1 (v is sorted in place). */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Starts n busy children. Returns how many started (their pids in pids). */
static int start_busy(pid_t *pids, int n)
{
    const pid_t parent = getpid();
    int started = 0;
    for (; started < n; started++) {
        const pid_t pid = fork();
        if (pid < 0) break;
        if (pid == 0) {
            /* dies with the benchmark, also when it is killed */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(0);
            volatile unsigned long spin = 0;
            for (;;) spin++;
        }
        pids[started] = pid;
    }
    return started;
}

static void stop_busy(const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++)
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {}
}

/*
 * Runs `dlfs2 train --max-iters iters --eval-interval 0 --out out_dir
 * [--data-dir DIR] [--threads 1]`, stdout and stderr to /dev/null, and puts
 * its wall seconds into *seconds. Returns CLI_EXIT_OK, or CLI_EXIT_RUNTIME
 * after a message when it could not start or did not exit 0.
 */
static int time_train(const ContentionOptions *o, const char *out_dir, bool one_thread, double *seconds)
{
    char iters[32], seed[32];
    snprintf(iters, sizeof iters, "%d", o->iters);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "dlfs2";
    argv[argc++] = "train";
    argv[argc++] = "--max-iters";
    argv[argc++] = iters;
    argv[argc++] = "--seed";
    argv[argc++] = seed;
    argv[argc++] = "--eval-interval";
    argv[argc++] = "0";
    argv[argc++] = "--out";
    argv[argc++] = (char *)out_dir;
    if (o->data_dir != NULL) {
        argv[argc++] = "--data-dir";
        argv[argc++] = (char *)o->data_dir;
    }
    if (one_thread) {
        argv[argc++] = "--threads";
        argv[argc++] = "1";
    }
    argv[argc] = NULL;

    int status = 0;
    double peak_mib;
    if (bench_run_self(argv, NULL, seconds, &peak_mib, &status) != CLI_EXIT_OK) return CLI_EXIT_RUNTIME;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("bench: 'dlfs2 train --max-iters %d%s' failed (%s %d); run it by hand to see why",
                  o->iters, one_thread ? " --threads 1" : "", WIFEXITED(status) ? "exit" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

/* Removes out_dir and the files dlfs2 train writes into it. */
static void remove_out_dir(const char *out_dir)
{
    static const char *const files[] = {"vectors.txt", "loss.csv", "loss.csv.tmp"};
    char path[4096];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", out_dir, files[i]);
        unlink(path);
    }
    rmdir(out_dir);
}

int bench_contention(const ContentionOptions *o)
{
    const int cpus = threads_affinity_count();
    const double limit = threads_cgroup_cpu_limit("/proc/self/mountinfo", "/proc/self/cgroup", "");
    const int busy_n = cpus < MAX_BUSY ? cpus : MAX_BUSY;
    double load[3] = {0.0, 0.0, 0.0};
    const bool have_load = getloadavg(load, 3) == 3;
    printf("contention: this process may use %d CPU%s (affinity mask; cgroup limit ", cpus,
           cpus == 1 ? "" : "s");
    if (limit > 0.0)
        printf("%.2f CPUs)", limit);
    else
        printf("none)");
    printf("; default threads %d%s\n", threads_default(),
           getenv("OMP_NUM_THREADS") != NULL ? " ($OMP_NUM_THREADS)" : ", tuned while training");
    if (have_load)
        printf("load average before: %.2f %.2f %.2f (runnable processes, 1, 5 and 15 minute means)\n",
               load[0], load[1], load[2]);
    printf("job: dlfs2 train --max-iters %d (the textbook's CBOW on PTB), %d round%s; median "
           "wall seconds per run\n", o->iters, o->rounds, o->rounds == 1 ? "" : "s");
    fflush(stdout);

    char out_dir[] = "/tmp/dlfs2-contention-XXXXXX";
    if (mkdtemp(out_dir) == NULL) {
        cli_error("bench: cannot make a folder in /tmp: %s", strerror(errno));
        return CLI_EXIT_RUNTIME;
    }
    /* [idle/busy][default/one thread][round] */
    double t[2][2][MAX_ROUNDS], ratio[2][MAX_ROUNDS];
    pid_t pids[MAX_BUSY];
    int rc = CLI_EXIT_OK;
    for (int r = 0; r < o->rounds && rc == CLI_EXIT_OK; r++) {
        for (int busy = 0; busy < 2 && rc == CLI_EXIT_OK; busy++) {
            int started = 0;
            if (busy) {
                started = start_busy(pids, busy_n);
                if (started < busy_n) {
                    cli_error("bench: could start only %d of %d busy processes", started, busy_n);
                    rc = CLI_EXIT_RUNTIME;
                }
            }
            for (int one = 0; one < 2 && rc == CLI_EXIT_OK; one++)
                rc = time_train(o, out_dir, one == 1, &t[busy][one][r]);
            if (busy) stop_busy(pids, started);
            if (rc == CLI_EXIT_OK) ratio[busy][r] = t[busy][0][r] / t[busy][1][r];
        }
        if (rc == CLI_EXIT_OK) {
            printf("round %d: idle %.2f s / %.2f s, busy %.2f s / %.2f s (default / --threads 1)\n",
                   r + 1, t[0][0][r], t[0][1][r], t[1][0][r], t[1][1][r]);
            fflush(stdout);
        }
    }
    remove_out_dir(out_dir);
    if (rc != CLI_EXIT_OK) return rc;
    for (int busy = 0; busy < 2; busy++) {
        const double def = median(t[busy][0], o->rounds), one = median(t[busy][1], o->rounds);
        const double q = median(ratio[busy], o->rounds);
        if (busy)
            printf("contended: default %.3f s, --threads 1 %.3f s, ratio %.2fx (%d busy process%s, "
                   "one per CPU)\n", def, one, q, busy_n, busy_n == 1 ? "" : "es");
        else
            printf("idle:      default %.3f s, --threads 1 %.3f s, ratio %.2fx\n", def, one, q);
    }
    return CLI_EXIT_OK;
}
