/*
 * test_train_mpi.c — cli/train_mpi.c compiled as in a build WITHOUT MPI
 * (no -DDLFS2_HAVE_MPI, whatever this build has): the launcher's process
 * count read from OMPI_COMM_WORLD_SIZE or PMI_SIZE, and a launch of more
 * than one process refused with a usage error, so that P copies of dlfs2
 * do not each train alone and overwrite one another's files. cli_error
 * (cli/dlfs2.c) is replaced here by one that keeps the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/train_mpi.h"

static char last_error[1024];
static int n_errors;

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    n_errors++;
}

static void clear_env(void)
{
    unsetenv("OMPI_COMM_WORLD_SIZE");
    unsetenv("PMI_SIZE");
    n_errors = 0;
    last_error[0] = '\0';
}

static int size_with(const char *ompi, const char *pmi)
{
    clear_env();
    if (ompi) setenv("OMPI_COMM_WORLD_SIZE", ompi, 1);
    if (pmi) setenv("PMI_SIZE", pmi, 1);
    return train_mpi_launched_size();
}

static void test_launched_size(void **state)
{
    (void)state;
    assert_int_equal(size_with(NULL, NULL), 1);
    assert_int_equal(size_with("2", NULL), 2);
    assert_int_equal(size_with("64", NULL), 64);
    assert_int_equal(size_with("1", NULL), 1);
    assert_int_equal(size_with("0", NULL), 1);
    assert_int_equal(size_with("-3", NULL), 1);
    assert_int_equal(size_with("2x", NULL), 1);
    assert_int_equal(size_with("two", NULL), 1);
    assert_int_equal(size_with("99999999999999999999", NULL), 1);
    /* MPICH, Slurm's srun */
    assert_int_equal(size_with(NULL, "3"), 3);
    /* an empty Open MPI variable is as if unset; a set one comes first */
    assert_int_equal(size_with("", "5"), 5);
    assert_int_equal(size_with("4", "5"), 4);
    assert_int_equal(size_with("junk", "5"), 1);
    clear_env();
}

static void test_begin_without_mpi(void **state)
{
    (void)state;
    assert_false(train_mpi_built());
    TrainMpi m;
    /* no launcher: rank 0 of 1, nothing started, no message */
    clear_env();
    assert_int_equal(train_mpi_begin(&m), CLI_EXIT_OK);
    assert_int_equal(m.rank, 0);
    assert_int_equal(m.size, 1);
    assert_false(m.started);
    assert_int_equal(n_errors, 0);
    train_mpi_end(&m, 0);
    /* one process under mpirun is a plain run */
    size_with("1", NULL);
    assert_int_equal(train_mpi_begin(&m), CLI_EXIT_OK);
    assert_int_equal(m.size, 1);
    assert_int_equal(n_errors, 0);
    train_mpi_end(&m, 0);
    /* mpirun -np 2 (or srun -n 3): refused, with the fix in the message */
    const char *launch[2][2] = {{"2", NULL}, {NULL, "3"}};
    for (int k = 0; k < 2; k++) {
        size_with(launch[k][0], launch[k][1]);
        assert_int_equal(train_mpi_begin(&m), CLI_EXIT_USAGE);
        assert_int_equal(n_errors, 1);
        assert_false(m.started);
        assert_int_equal(m.size, 1);
        assert_non_null(strstr(last_error, "this dlfs2 was built without MPI, so under mpirun each of the"));
        assert_non_null(strstr(last_error, k == 0 ? "each of the 2 processes" : "each of the 3 processes"));
        assert_non_null(strstr(last_error, "-Dmpi=enabled"));
        train_mpi_end(&m, CLI_EXIT_USAGE);
    }
    clear_env();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_launched_size),
        cmocka_unit_test(test_begin_without_mpi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
