/*
 * fuzz_util.h — what the libFuzzer targets (fuzz_*.c) share. The readers
 * under test take a path, so every input is written to a file in a
 * directory of the process's own (under $TMPDIR, else /dev/shm, else /tmp),
 * removed when the process exits, fails a check or stops on a sanitizer's
 * report (only a crash by signal leaves it behind). A broken promise of the readers is
 * reported by FUZZ_CHECK, which prints the condition and aborts, so
 * libFuzzer saves the input as a crash.
 */
#ifndef DLFS2_FUZZ_FUZZ_UTIL_H
#define DLFS2_FUZZ_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* Aborts with file, line and condition when cond is false (on in every build, like DLFS_ASSERT). */
#define FUZZ_CHECK(cond)                                            \
    do {                                                            \
        if (!(cond)) fuzz_check_fail(__FILE__, __LINE__, #cond);    \
    } while (0)

_Noreturn void fuzz_check_fail(const char *file, int line, const char *cond);

/*
 * The path of a file in the process's scratch directory ("in.txt",
 * "saved.bin", ...; up to 8 names). The directory is made on the first
 * call and removed with what is in it as said above. The string is static.
 */
const char *fuzz_path(const char *name);

/* Replaces the file at path with data[0..size). Aborts if it cannot. */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);

/*
 * The promises every reader's failure keeps: rc is one of the status codes
 * in allowed (a 0-terminated list), err->status == rc, and err->msg is one
 * non-empty line that names path and holds no control byte (a word quoted
 * from the file must not move the terminal's cursor).
 */
void fuzz_check_error(int rc, const DlfsError *err, const char *path, const int *allowed);

#endif
