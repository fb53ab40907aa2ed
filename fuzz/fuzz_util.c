/* fuzz_util.c — the fuzz targets' scratch files and checks (see fuzz_util.h). */
#define _GNU_SOURCE  /* mkdtemp */
#include "fuzz/fuzz_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

static char scratch_dir[512];
static char paths[8][600];
static int n_paths;

static void remove_scratch(void);

void fuzz_check_fail(const char *file, int line, const char *cond)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, cond);
    remove_scratch();  /* abort() runs no atexit handler; libFuzzer has saved the input itself */
    abort();
}

/* Removes the scratch directory and every file in it (there are no subdirectories). */
static void remove_scratch(void)
{
    DIR *d = opendir(scratch_dir);
    if (!d) return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", scratch_dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(scratch_dir);
    scratch_dir[0] = '\0';
}

static void make_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    struct stat st;
    if (!tmp || !*tmp) tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                                 ? "/dev/shm"
                                 : "/tmp";
    snprintf(scratch_dir, sizeof scratch_dir, "%s/dlfs2-fuzz.XXXXXX", tmp);
    if (!mkdtemp(scratch_dir)) {
        perror(scratch_dir);
        abort();
    }
    atexit(remove_scratch);
    __sanitizer_set_death_callback(remove_scratch);  /* a sanitizer's report ends the process too */
}

const char *fuzz_path(const char *name)
{
    if (!scratch_dir[0]) make_scratch();
    for (int i = 0; i < n_paths; i++) {
        const char *base = strrchr(paths[i], '/') + 1;
        if (strcmp(base, name) == 0) return paths[i];
    }
    FUZZ_CHECK(n_paths < (int)(sizeof paths / sizeof paths[0]));
    snprintf(paths[n_paths], sizeof paths[n_paths], "%s/%s", scratch_dir, name);
    return paths[n_paths++];
}

void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    for (size_t done = 0; done < size;) {
        const ssize_t n = write(fd, data + done, size - done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    FUZZ_CHECK(close(fd) == 0);
}

void fuzz_check_error(int rc, const DlfsError *err, const char *path, const int *allowed)
{
    int ok = 0;
    for (const int *a = allowed; *a; a++) ok |= rc == *a;
    if (!ok) fprintf(stderr, "unexpected status %d (%s): %s\n", rc, dlfs_status_name(rc), err->msg);
    FUZZ_CHECK(ok);
    FUZZ_CHECK(err->status == rc);
    FUZZ_CHECK(err->msg[0] != '\0');
    FUZZ_CHECK(strstr(err->msg, path) != NULL);
    for (const unsigned char *c = (const unsigned char *)err->msg; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) fprintf(stderr, "control byte 0x%02x in: %s\n", *c, err->msg);
        FUZZ_CHECK(*c >= 0x20 && *c != 0x7f);
    }
}
