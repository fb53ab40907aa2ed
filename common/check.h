/*
 * check.h — contract checks and checked allocation.
 *
 * DLFS_ASSERT stops the program with file, line and condition when a caller
 * breaks a contract (shape mismatch, index >= V, backward before forward).
 * Unlike assert() it stays on in release builds (ggml's GGML_ASSERT).
 * Errors that come from the outside world (files, arguments, NaN in
 * training) are not contract violations: they are returned as status codes
 * (common/status.h).
 */
#ifndef DLFS2_COMMON_CHECK_H
#define DLFS2_COMMON_CHECK_H

#include <stddef.h>

/* Prints "file:line: assertion failed: cond" to stderr and aborts. */
_Noreturn void dlfs_assert_fail(const char *file, int line, const char *cond);

#define DLFS_ASSERT(cond)                                          \
    do {                                                           \
        if (!(cond)) dlfs_assert_fail(__FILE__, __LINE__, #cond);  \
    } while (0)

/*
 * malloc/calloc that never return NULL: on failure they print how many
 * bytes were asked for, where, and abort (llm.c's mallocCheck). A request
 * of 0 bytes returns a valid pointer. Free with free().
 */
void *dlfs_malloc_check(size_t size, const char *file, int line);
void *dlfs_calloc_check(size_t count, size_t size, const char *file, int line);
void *dlfs_realloc_check(void *ptr, size_t size, const char *file, int line);
/* bytes aligned to align (a power of two, a multiple of sizeof(void *)); free with free(). */
void *dlfs_aligned_alloc_check(size_t bytes, size_t align, const char *file, int line);

#define dlfs_malloc(size) dlfs_malloc_check((size), __FILE__, __LINE__)
#define dlfs_calloc(count, size) dlfs_calloc_check((count), (size), __FILE__, __LINE__)
#define dlfs_realloc(ptr, size) dlfs_realloc_check((ptr), (size), __FILE__, __LINE__)
#define dlfs_aligned_alloc(bytes, align) dlfs_aligned_alloc_check((bytes), (align), __FILE__, __LINE__)

#endif
