/*
 * passive_wait.c — makes the OpenMP threads of a dlfs2 program wait
 * passively (common/threads.h says why). Linked into every program (the
 * dlfs2 command, the labs), never into libdlfs2: a library must not change
 * its host program's environment, and the linker refuses .preinit_array
 * in a shared library.
 *
 * The OpenMP runtime reads OMP_WAIT_POLICY once, when it is loaded, before
 * main runs; so the setting is made by a function in the program's
 * .preinit_array, which the dynamic loader calls before the initialisers
 * of any shared library (System V ABI, "Initialization and Termination
 * Functions"). A value the user set is left alone. The same is done for
 * OPENBLAS_NUM_THREADS, so OpenBLAS does not start a thread pool that
 * dlfs2 never uses (it runs every product on OpenMP's threads, common/blas.h).
 */
#include <stdlib.h>

static void wait_passively(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    setenv("OMP_WAIT_POLICY", "passive", 0);
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
}

__attribute__((section(".preinit_array"), used)) static void (*const wait_passively_entry)(int, char **, char **) =
    wait_passively;
