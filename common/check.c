/* check.c — contract checks and checked allocation (see check.h). */
#include "common/check.h"

#include <stdio.h>
#include <stdlib.h>

_Noreturn void dlfs_assert_fail(const char *file, int line, const char *cond)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, cond);
    abort();
}

static _Noreturn void out_of_memory(size_t size, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: out of memory allocating %zu bytes\n", file, line, size);
    abort();
}

void *dlfs_malloc_check(size_t size, const char *file, int line)
{
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size, file, line);
    return p;
}

void *dlfs_calloc_check(size_t count, size_t size, const char *file, int line)
{
    if (count == 0 || size == 0) count = size = 1;
    if (count > (size_t)-1 / size) out_of_memory((size_t)-1, file, line);
    void *p = calloc(count, size);
    if (!p) out_of_memory(count * size, file, line);
    return p;
}

void *dlfs_aligned_alloc_check(size_t bytes, size_t align, const char *file, int line)
{
    void *p = NULL;
    if (posix_memalign(&p, align, bytes ? bytes : 1) != 0) out_of_memory(bytes, file, line);
    return p;
}

void *dlfs_realloc_check(void *ptr, size_t size, const char *file, int line)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size, file, line);
    return p;
}
