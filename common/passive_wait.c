/*
 * passive_wait.c — makes the OpenMP threads of a dlfs2 program wait
 * passively (common/threads.h says why). Linked into every program (the
 * dlfs2 command, the labs), never into libdlfs2: a library must not change
 * its host program's environment, and the linker refuses .preinit_array
 * in a shared library.
 *
 * The OpenMP runtime reads OMP_WAIT_POLICY once, in its initialiser, when
 * the program is loaded, before main runs. Setting the variable from the
 * program itself does not reach it: a function in .preinit_array runs
 * before the shared libraries' initialisers (System V ABI, "Initialization
 * and Termination Functions"), but the C library's own initialiser then
 * sets the environment back to the one the process started with, so
 * libgomp still sees none (measured: its OMP_DISPLAY_ENV=verbose report
 * then shows GOMP_SPINCOUNT '300000', and the idle thread of `dlfs2 train`
 * spins between steps instead of sleeping). So when OMP_WAIT_POLICY or
 * OPENBLAS_NUM_THREADS is missing, this function, from .preinit_array,
 * runs the same program again (execve of /proc/self/exe, the same
 * arguments) with the missing ones added: before any library has started,
 * so nothing runs twice. A value the user set is left alone; if the
 * program cannot be run again (no /proc), it goes on without them.
 * OPENBLAS_NUM_THREADS=1 keeps OpenBLAS from starting a thread pool that
 * dlfs2 never uses (it runs every product on OpenMP's threads, common/blas.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/* What every dlfs2 program runs with unless the user set the variable. */
static const char *const defaults[] = {"OMP_WAIT_POLICY=passive", "OPENBLAS_NUM_THREADS=1"};
enum { N_DEFAULTS = sizeof defaults / sizeof defaults[0] };

/* Whether envp sets the variable that assignment ("NAME=value") names. */
static bool env_has(char **envp, const char *assignment)
{
    const size_t n = (size_t)(strchr(assignment, '=') - assignment) + 1;   /* "NAME=" */
    for (char **e = envp; *e; e++)
        if (strncmp(*e, assignment, n) == 0) return true;
    return false;
}

static void wait_passively(int argc, char **argv, char **envp)
{
    (void)argc;
    if (!envp || !argv) return;
    size_t n = 0, missing = 0;
    while (envp[n]) n++;
    for (int i = 0; i < N_DEFAULTS; i++) missing += !env_has(envp, defaults[i]);
    if (missing == 0) return;
    char *env[n + missing + 1];
    memcpy(env, envp, n * sizeof *env);
    for (int i = 0; i < N_DEFAULTS; i++)
        if (!env_has(envp, defaults[i])) env[n++] = (char *)defaults[i];
    env[n] = NULL;
    execve("/proc/self/exe", argv, env);
    /* not run again: go on, with OpenMP's and OpenBLAS's defaults */
}

__attribute__((section(".preinit_array"), used)) static void (*const wait_passively_entry)(int, char **, char **) =
    wait_passively;
