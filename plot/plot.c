/* plot.c — line plots and labelled points through gnuplot, and the size of a PNG or SVG image (see plot.h). */
#include "plot/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "common/fs.h"

extern char **environ;

enum {
    PLOT_DEFAULT_WIDTH = 640,
    PLOT_DEFAULT_HEIGHT = 480,
    PLOT_MIN_SIZE = 16,
    PLOT_MAX_SIZE = 10000,
};

typedef enum { PLOT_UNKNOWN, PLOT_PNG, PLOT_SVG } PlotFormat;

static bool has_suffix(const char *s, const char *suffix)
{
    const size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static PlotFormat format_of(const char *path)
{
    if (has_suffix(path, ".png")) return PLOT_PNG;
    if (has_suffix(path, ".svg")) return PLOT_SVG;
    return PLOT_UNKNOWN;
}

/* A control character would end a gnuplot command line inside a string (or be drawn as garbage). */
static bool has_control_char(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

/* s as a gnuplot single-quoted string: nothing is special inside but the quote, which is doubled. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* Everything plot_lines can reject before gnuplot runs. */
static int check_args(const char *path, const PlotSpec *spec, const PlotSeries *series, int n_series,
                      DlfsError *err)
{
    if (format_of(path) == PLOT_UNKNOWN)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: use a .png or .svg file name", path);
    if (has_control_char(path))
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: the file name contains a control character", path);
    if (n_series < 1 || !series)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: no series to draw (n_series = %d)", path, n_series);
    if (!spec->xlabel || !spec->ylabel)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: the %s axis has no label", path,
                         spec->xlabel ? "y" : "x");
    const struct {
        const char *what, *s;
    } strings[] = {{"title", spec->title}, {"x label", spec->xlabel}, {"y label", spec->ylabel}};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strings[i].s && has_control_char(strings[i].s))
            return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: the %s contains a control character", path,
                             strings[i].what);
    const int sizes[2] = {spec->width, spec->height};
    for (int i = 0; i < 2; i++)
        if (sizes[i] != 0 && (sizes[i] < PLOT_MIN_SIZE || sizes[i] > PLOT_MAX_SIZE))
            return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: %s %d is not in [%d, %d] pixels", path,
                             i == 0 ? "width" : "height", sizes[i], PLOT_MIN_SIZE, PLOT_MAX_SIZE);

    long drawn = 0;
    for (int s = 0; s < n_series; s++) {
        const PlotSeries *ps = &series[s];
        const char *label = ps->label ? ps->label : "";
        if (ps->n < 1)
            return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: series[%d] ('%s') has %d points", path, s,
                             label, ps->n);
        if (!ps->x || !ps->y)
            return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: series[%d] ('%s') has no %s values", path, s,
                             label, ps->x ? "y" : "x");
        if (has_control_char(label))
            return dlfs_fail(err, DLFS_ERR_ARG,
                             "cannot plot to %s: the label of series[%d] contains a control character", path, s);
        for (int i = 0; i < ps->n; i++) {
            const double x = ps->x[i], y = ps->y[i];
            if (!isfinite(x) || !isfinite(y)) continue;
            if ((spec->log_x && x <= 0) || (spec->log_y && y <= 0)) {
                const bool bad_x = spec->log_x && x <= 0;
                return dlfs_fail(err, DLFS_ERR_ARG,
                                 "cannot plot to %s: series[%d] ('%s') has %s = %g at point %d, but the %s axis is "
                                 "logarithmic",
                                 path, s, label, bad_x ? "x" : "y", bad_x ? x : y, i, bad_x ? "x" : "y");
            }
            drawn++;
        }
    }
    if (drawn == 0)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: no point has a finite x and y", path);
    return DLFS_OK;
}

/* A script being written: a memory stream in the C locale for numbers. */
typedef struct Script {
    FILE *f;
    char *text;         /* malloc'ed once closed */
    size_t len;
    locale_t c_numeric;
    locale_t old_locale;
} Script;

static void script_open(Script *sc)
{
    sc->text = NULL;
    sc->f = open_memstream(&sc->text, &sc->len);
    DLFS_ASSERT(sc->f != NULL);
    /* "%.9g" must write "1.5", not "1,5", whatever locale the program chose. */
    sc->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    DLFS_ASSERT(sc->c_numeric != (locale_t)0);
    sc->old_locale = uselocale(sc->c_numeric);
}

/* Closes the stream: sc->text holds sc->len bytes, the caller frees it. */
static void script_close(Script *sc)
{
    uselocale(sc->old_locale);
    freelocale(sc->c_numeric);
    DLFS_ASSERT(fclose(sc->f) == 0);
}

/*
 * What every plot's script starts with: the terminal and its size, the
 * output tmp_path, spec's title and axis labels, a grid, key_settings (a
 * whole line, e.g. "set key top right\n") and the log scales.
 */
static void write_preamble(FILE *f, const char *tmp_path, PlotFormat format, const PlotSpec *spec,
                           const char *key_settings)
{
    const int width = spec->width ? spec->width : PLOT_DEFAULT_WIDTH;
    const int height = spec->height ? spec->height : PLOT_DEFAULT_HEIGHT;
    fputs("set encoding utf8\n", f);
    /* noenhanced: draw "_", "^", "{" and "@" in labels as they are, not as markup. */
    if (format == PLOT_PNG)
        fprintf(f, "set terminal pngcairo size %d,%d noenhanced\n", width, height);
    else
        fprintf(f, "set terminal svg size %d,%d fixed noenhanced background rgb 'white'\n", width, height);
    fputs("set output ", f);
    put_quoted(f, tmp_path);
    if (spec->title) {
        fputs("\nset title ", f);
        put_quoted(f, spec->title);
    }
    fputs("\nset xlabel ", f);
    put_quoted(f, spec->xlabel);
    fputs("\nset ylabel ", f);
    put_quoted(f, spec->ylabel);
    fputs("\nset grid\n", f);
    fputs(key_settings, f);
    if (spec->log_x) fputs("set logscale x\n", f);
    if (spec->log_y) fputs("set logscale y\n", f);
}

/*
 * The gnuplot script that draws the series into tmp_path: settings, one
 * datablock per series ($d1 ... $dN, "x y" lines; a blank line where
 * non-finite points were left out, which breaks the line), one plot
 * command, and "set output" to close the file. Malloc'ed, *len bytes.
 */
static char *build_script(const char *tmp_path, PlotFormat format, const PlotSpec *spec,
                          const PlotSeries *series, int n_series, size_t *len)
{
    Script sc;
    script_open(&sc);
    FILE *f = sc.f;
    write_preamble(f, tmp_path, format, spec, "set key top right\n");

    for (int s = 0; s < n_series; s++) {
        const PlotSeries *ps = &series[s];
        fprintf(f, "$d%d << EOD\n", s + 1);
        bool in_line = false;
        for (int i = 0; i < ps->n; i++) {
            if (!isfinite(ps->x[i]) || !isfinite(ps->y[i])) {
                if (in_line) fputc('\n', f);
                in_line = false;
                continue;
            }
            fprintf(f, "%.9g %.9g\n", ps->x[i], ps->y[i]);
            in_line = true;
        }
        fputs("EOD\n", f);
    }
    fputs("plot ", f);
    for (int s = 0; s < n_series; s++) {
        fprintf(f, "%s$d%d using 1:2 with lines linewidth 2 ", s ? ", " : "", s + 1);
        if (series[s].label && series[s].label[0]) {
            fputs("title ", f);
            put_quoted(f, series[s].label);
        } else {
            fputs("notitle", f);
        }
    }
    fputs("\nset output\n", f);

    script_close(&sc);
    *len = sc.len;
    return sc.text;
}

/*
 * The script of plot_labelled_points: the points as one datablock $d1 of
 * "x y" lines (non-finite points left out), each label a "set label" at
 * its point's coordinates, a little to the right and above it, and room
 * around the points for the labels (offsets). Malloc'ed, *len bytes.
 */
static char *build_labelled_script(const char *tmp_path, PlotFormat format, const PlotSpec *spec,
                                   const double *x, const double *y, const char *const *labels, int n,
                                   size_t *len)
{
    Script sc;
    script_open(&sc);
    FILE *f = sc.f;
    write_preamble(f, tmp_path, format, spec, "unset key\n");
    /* room for the labels: more on the right, where they extend */
    fputs("set offsets graph 0.05, graph 0.15, graph 0.05, graph 0.05\n", f);
    int tag = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !labels[i] || !labels[i][0]) continue;
        fprintf(f, "set label %d ", ++tag);
        put_quoted(f, labels[i]);
        fprintf(f, " at %.9g,%.9g left offset character 0.6,0.4 front\n", x[i], y[i]);
    }
    fputs("$d1 << EOD\n", f);
    for (int i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) fprintf(f, "%.9g %.9g\n", x[i], y[i]);
    fputs("EOD\n", f);
    fputs("plot $d1 using 1:2 with points pointtype 7 pointsize 0.8 notitle\n", f);
    fputs("set output\n", f);

    script_close(&sc);
    *len = sc.len;
    return sc.text;
}

/*
 * Writes buf[0..len) to fd with SIGPIPE blocked in this thread, so that a
 * reader that died makes write fail with EPIPE instead of killing the
 * process; a SIGPIPE raised here is consumed before the old mask comes
 * back. Returns 0 or an errno value.
 */
static int write_all_no_sigpipe(int fd, const char *buf, size_t len)
{
    sigset_t pipe_set, old_mask, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    int e = 0;
    while (len > 0) {
        const ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            e = errno;
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    if (e == EPIPE && !was_pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return e;
}

/* fd moved above 0..2 with FD_CLOEXEC set, so that the spawn's dup2s cannot clash with it; closes fd. -1 on failure. */
static int fd_cloexec_above_stdio(int fd)
{
    if (fd < 0) return -1;
    const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    const int e = errno;
    close(fd);
    errno = e;
    return moved;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The line of gnuplot's messages (text, modified) that says what went
 * wrong, into out: the first line that is not blank, not the echo of the
 * failing command ("gnuplot> ...") or the caret under it, and not a
 * warning (a warning only when nothing else is there), with runs of
 * blanks squeezed, the "line N:" of our script left out, and " (why)"
 * from a "system error: why" line after it. "" when there is none.
 */
static void gnuplot_error_line(char *text, char *out, size_t size)
{
    const char *chosen = NULL, *warning = NULL, *system_error = NULL;
    char *next = NULL;
    for (char *line = strtok_r(text, "\n", &next); line; line = strtok_r(NULL, "\n", &next)) {
        line += strspn(line, " \t\r");
        if (chosen) {
            if (starts_with(line, "system error:")) system_error = line + strlen("system error:");
            break;
        }
        if (line[strspn(line, " \t\r^")] == '\0' || starts_with(line, "gnuplot>")) continue;
        if (strstr(line, "warning:")) {
            if (!warning) warning = line;
            continue;
        }
        chosen = line;
    }
    if (!chosen) chosen = warning;
    size_t n = 0;
    out[0] = '\0';
    if (!chosen || size < 2) return;
    /* "line 12: " counts lines of the script we wrote: no help to the reader. */
    if (starts_with(chosen, "line ")) {
        const char *p = chosen + strlen("line ");
        const size_t digits = strspn(p, "0123456789");
        if (digits > 0 && p[digits] == ':') chosen = p + digits + 1;
    }
    for (int part = 0; part < 2; part++) {
        const char *p = part == 0 ? chosen : system_error;
        if (!p) break;
        if (part == 1 && n + 2 < size) {
            out[n++] = ' ';
            out[n++] = '(';
        }
        bool blank = true;  /* drops leading blanks too */
        for (; *p && n + 2 < size; p++) {
            const bool is_blank = *p == ' ' || *p == '\t' || *p == '\r';
            if (is_blank && blank) continue;
            out[n++] = is_blank ? ' ' : *p;
            blank = is_blank;
        }
        while (n > 0 && out[n - 1] == ' ') n--;
        if (part == 1 && n + 1 < size) out[n++] = ')';
    }
    out[n] = '\0';
}

/*
 * Runs gnuplot (or $DLFS2_GNUPLOT) with "-d" (no gnuplotrc, no
 * ~/.gnuplot), no shell: its stdin a pipe we write the script into, its
 * stdout /dev/null (gnuplot writes the image there when it cannot open the
 * output), its stderr an unlinked temporary file read back on failure.
 */
static int run_gnuplot(const char *path, const char *script, size_t len, DlfsError *err)
{
    const char *env = getenv("DLFS2_GNUPLOT");
    const char *prog = env && *env ? env : "gnuplot";
    int rc = DLFS_OK;
    int in[2] = {-1, -1};
    int err_fd = -1;

    FILE *err_file = tmpfile();
    if (err_file) {
        err_fd = fcntl(fileno(err_file), F_DUPFD_CLOEXEC, 3);
        fclose(err_file);
    }
    int fds[2];
    if (pipe(fds) == 0) {
        in[0] = fd_cloexec_above_stdio(fds[0]);
        in[1] = fd_cloexec_above_stdio(fds[1]);
    }
    if (err_fd < 0 || in[0] < 0 || in[1] < 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: cannot set up a pipe to gnuplot: %s", path,
                       strerror(errno));
        goto done;
    }

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    DLFS_ASSERT(posix_spawn_file_actions_init(&actions) == 0);
    DLFS_ASSERT(posix_spawnattr_init(&attr) == 0);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    /* gnuplot starts with no signal blocked and SIGPIPE at its default, whatever the caller set. */
    sigset_t none, pipe_set;
    sigemptyset(&none);
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_set);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char opt_d[] = "-d";
    char *const argv[] = {(char *)prog, opt_d, NULL};
    pid_t pid;
    const int spawn_rc = posix_spawnp(&pid, prog, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    in[0] = -1;
    if (spawn_rc == ENOENT) goto not_found;
    if (spawn_rc != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: cannot run %s: %s", path, prog, strerror(spawn_rc));
        goto done;
    }

    const int write_errno = write_all_no_sigpipe(in[1], script, len);
    close(in[1]);
    in[1] = -1;
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: cannot wait for %s: %s", path, prog,
                           strerror(errno));
            goto done;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (write_errno)
            rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: %s stopped reading its script: %s", path, prog,
                           strerror(write_errno));
        goto done;
    }

    char text[4096], line[400];
    ssize_t got;
    while ((got = pread(err_fd, text, sizeof text - 1, 0)) < 0 && errno == EINTR) {
    }
    text[got > 0 ? got : 0] = '\0';
    /* 127: the exit status of a child that could not exec, where posix_spawnp reports it late. */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && got <= 0) goto not_found;
    gnuplot_error_line(text, line, sizeof line);
    if (line[0])
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: gnuplot failed: %s", path, line);
    else if (WIFEXITED(status))
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: %s exited with status %d", path, prog,
                       WEXITSTATUS(status));
    else
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: %s was killed by signal %d", path, prog,
                       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    goto done;

not_found:
    if (env && *env)
        rc = dlfs_fail(err, DLFS_ERR_IO,
                       "cannot plot: gnuplot not found at DLFS2_GNUPLOT=%s (install the gnuplot-nox package)", prog);
    else
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot: gnuplot not found (install the gnuplot-nox package)");
done:
    if (in[0] >= 0) close(in[0]);
    if (in[1] >= 0) close(in[1]);
    if (err_fd >= 0) close(err_fd);
    return rc;
}

/*
 * Runs script (len bytes), which draws into tmp_path, and puts the image in
 * place at path: fsync'ed, then renamed over path, only when gnuplot exited
 * 0 and wrote something; on any failure tmp_path is removed.
 */
static int draw_atomically(const char *path, const char *tmp_path, const char *script, size_t len,
                           DlfsError *err)
{
    int rc = run_gnuplot(path, script, len, err);
    if (rc != DLFS_OK) goto fail;
    struct stat st;
    if (stat(tmp_path, &st) != 0 || st.st_size == 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: gnuplot wrote nothing to %s", path, tmp_path);
        goto fail;
    }
    /* On disk before the rename, as atomic_file_commit does. */
    const int fd = open(tmp_path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: cannot write %s: %s", path, tmp_path, strerror(errno));
        if (fd >= 0) close(fd);
        goto fail;
    }
    close(fd);
    if (rename(tmp_path, path) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot plot to %s: cannot rename %s to it: %s", path, tmp_path,
                       strerror(errno));
        goto fail;
    }
    return DLFS_OK;

fail:
    unlink(tmp_path);
    return rc;
}

/* path + ".tmp", malloc'ed. */
static char *tmp_path_of(const char *path)
{
    const size_t path_len = strlen(path);
    char *tmp_path = dlfs_malloc(path_len + sizeof ".tmp");
    memcpy(tmp_path, path, path_len);
    memcpy(tmp_path + path_len, ".tmp", sizeof ".tmp");
    return tmp_path;
}

int plot_lines(const char *path, const PlotSpec *spec, const PlotSeries *series, int n_series, DlfsError *err)
{
    DLFS_ASSERT(path != NULL && spec != NULL);
    int rc = check_args(path, spec, series, n_series, err);
    if (rc != DLFS_OK) return rc;

    char *tmp_path = tmp_path_of(path);
    size_t script_len;
    char *script = build_script(tmp_path, format_of(path), spec, series, n_series, &script_len);
    rc = draw_atomically(path, tmp_path, script, script_len, err);
    free(script);
    free(tmp_path);
    return rc;
}

int plot_labelled_points(const char *path, const PlotSpec *spec, const double *x, const double *y,
                         const char *const *labels, int n, DlfsError *err)
{
    DLFS_ASSERT(path != NULL && spec != NULL);
    if (n < 1) return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: no points to draw (n = %d)", path, n);
    if (!labels)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: the points have no labels", path);
    /* the points as one unlabelled series: the same checks as plot_lines' */
    const PlotSeries points = {.label = NULL, .x = x, .y = y, .n = n};
    int rc = check_args(path, spec, &points, 1, err);
    if (rc != DLFS_OK) return rc;
    for (int i = 0; i < n; i++)
        if (labels[i] && has_control_char(labels[i]))
            return dlfs_fail(err, DLFS_ERR_ARG, "cannot plot to %s: the label of point %d contains a control character",
                             path, i);

    char *tmp_path = tmp_path_of(path);
    size_t script_len;
    char *script = build_labelled_script(tmp_path, format_of(path), spec, x, y, labels, n, &script_len);
    rc = draw_atomically(path, tmp_path, script, script_len, err);
    free(script);
    free(tmp_path);
    return rc;
}

/* ---- image size ------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A PNG: the 8-byte signature, then the IHDR chunk (length 13, "IHDR", width, height, big-endian). */
static int png_size(const char *path, const unsigned char *b, size_t len, int *width, int *height, DlfsError *err)
{
    if (len < 24) return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is a truncated PNG file (%zu bytes)", path, len);
    if (be32(b + 8) != 13 || memcmp(b + 12, "IHDR", 4) != 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: a PNG file must begin with its IHDR chunk", path);
    const uint32_t w = be32(b + 16), h = be32(b + 20);
    if (w == 0 || h == 0 || w > INT32_MAX || h > INT32_MAX)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: bad PNG size %" PRIu32 " x %" PRIu32, path, w, h);
    *width = (int)w;
    *height = (int)h;
    return DLFS_OK;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A pixel length: digits, then nothing or "px". -1 when it is anything else or not in [1, 2^31 - 1]. */
static long svg_pixels(const char *s, size_t len)
{
    if (len > 2 && memcmp(s + len - 2, "px", 2) == 0) len -= 2;
    if (len == 0 || len > 10) return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= INT32_MAX ? v : -1;
}

/*
 * An SVG: XML declaration, comments and a DOCTYPE (without an internal
 * subset) may come first, then the root element must be <svg ...>, whose
 * width and height attributes give the size.
 */
static int svg_size(const char *path, const char *text, int *width, int *height, DlfsError *err)
{
    const char *p = text;
    if (starts_with(p, "\xEF\xBB\xBF")) p += 3;  /* a UTF-8 byte order mark */
    for (;;) {
        while (is_xml_space(*p)) p++;
        const char *end = NULL;
        if (*p != '<') return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is neither a PNG nor an SVG file", path);
        if (starts_with(p, "<?")) {
            if ((end = strstr(p, "?>"))) end += 2;
        } else if (starts_with(p, "<!--")) {
            if ((end = strstr(p + 4, "-->"))) end += 3;
        } else if (starts_with(p, "<!")) {
            if ((end = strchr(p, '>'))) end += 1;
        } else {
            break;
        }
        if (!end) return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is a truncated SVG file", path);
        p = end;
    }
    if (!starts_with(p, "<svg") || !(is_xml_space(p[4]) || p[4] == '>' || p[4] == '/'))
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is neither a PNG nor an SVG file", path);

    long w = 0, h = 0;
    p += 4;
    for (;;) {
        while (is_xml_space(*p)) p++;
        if (*p == '>' || *p == '/') break;
        if (*p == '\0') return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is a truncated SVG file", path);
        const char *name = p;
        while (*p && !is_xml_space(*p) && *p != '=' && *p != '>' && *p != '/') p++;
        const size_t name_len = (size_t)(p - name);
        while (is_xml_space(*p)) p++;
        if (*p == '\0') return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is a truncated SVG file", path);
        const char quote = *p == '=' ? p[1 + strspn(p + 1, " \t\r\n")] : '\0';
        if (quote != '"' && quote != '\'')
            return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: malformed attribute in the <svg> tag", path);
        p = strchr(p, quote) + 1;
        const char *value_end = strchr(p, quote);
        if (!value_end) return dlfs_fail(err, DLFS_ERR_FORMAT, "%s is a truncated SVG file", path);
        const size_t value_len = (size_t)(value_end - p);
        const bool is_width = name_len == 5 && memcmp(name, "width", 5) == 0;
        const bool is_height = name_len == 6 && memcmp(name, "height", 6) == 0;
        if (is_width || is_height) {
            const long v = svg_pixels(p, value_len);
            if (v < 0)
                return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: the <svg> %s \"%.*s\" is not a size in pixels", path,
                                 is_width ? "width" : "height", (int)(value_len < 40 ? value_len : 40), p);
            *(is_width ? &w : &h) = v;
        }
        p = value_end + 1;
    }
    if (w == 0 || h == 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: the <svg> element has no %s attribute", path,
                         w == 0 ? "width" : "height");
    *width = (int)w;
    *height = (int)h;
    return DLFS_OK;
}

int plot_image_size(const char *path, int *width, int *height, DlfsError *err)
{
    *width = 0;
    *height = 0;
    char *bytes;
    size_t len;
    int rc = read_whole_file(path, &bytes, &len, err);
    if (rc != DLFS_OK) return rc;
    static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len >= 8 && memcmp(bytes, png_signature, 8) == 0)
        rc = png_size(path, (const unsigned char *)bytes, len, width, height, err);
    else
        rc = svg_size(path, bytes, width, height, err);
    free(bytes);
    return rc;
}
