/*
 * test_plot.c — line plots through gnuplot (plot/plot.h): PNG and SVG
 * images of the requested size with the labels and legend in them, file
 * names with a space and a quote, log axes, every argument error, a
 * missing or failing gnuplot that leaves the file already there alone
 * (and cannot kill the caller with SIGPIPE), and plot_image_size on
 * hand-made and broken files; labelled points (a word map) and their
 * errors. Needs gnuplot (gnuplot-nox) installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "tests/testutil.h"

enum { N_POINTS = 50 };

/* Two falling loss curves, like `dlfs2 compare` draws; one has a NaN (a gap) in the middle. */
typedef struct Curves {
    double x[N_POINTS], softmax[N_POINTS], negative[N_POINTS];
    PlotSeries series[2];
} Curves;

static void make_curves(Curves *c)
{
    for (int i = 0; i < N_POINTS; i++) {
        c->x[i] = 20.0 * (i + 1);
        c->softmax[i] = 9.2 * exp(-0.02 * i) + 2.0;
        c->negative[i] = 4.2 * exp(-0.05 * i) + 1.4;
    }
    c->negative[N_POINTS / 2] = NAN;
    c->series[0] = (PlotSeries){.label = "softmax", .x = c->x, .y = c->softmax, .n = N_POINTS};
    c->series[1] = (PlotSeries){.label = "Mikolov's neg_sampling", .x = c->x, .y = c->negative, .n = N_POINTS};
}

/* path and path.tmp in the fixture's directory (test_tmpdir_path's buffer is overwritten by the next call). */
typedef struct Paths {
    char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
} Paths;

static Paths paths_of(const TestTmpdir *t, const char *name)
{
    Paths p;
    snprintf(p.path, sizeof p.path, "%s", test_tmpdir_path(t, name));
    snprintf(p.tmp, sizeof p.tmp, "%s.tmp", p.path);
    return p;
}

/*
 * How many pieces ("M" moves in the d attribute) the first <path> of
 * gnuplot's group for plot k (1-based) has in svg: the legend sample plus
 * one per unbroken stretch of line. -1 when there is no such path.
 */
static int svg_plot_moves(const char *svg, int k)
{
    char id[32];
    snprintf(id, sizeof id, "id=\"gnuplot_plot_%d\"", k);
    const char *g = strstr(svg, id);
    const char *path = g ? strstr(g, "<path ") : NULL;
    const char *d = path ? strstr(path, " d='") : NULL;
    if (!d) return -1;
    int moves = 0;
    for (d += 4; *d && *d != '\''; d++) moves += *d == 'M';
    return moves;
}

static void assert_size(const char *path, int want_w, int want_h)
{
    int w = -1, h = -1;
    DlfsError err = {0};
    if (plot_image_size(path, &w, &h, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_int_equal(w, want_w);
    assert_int_equal(h, want_h);
}

/* A PNG of two series: the PNG signature, exactly 800 x 500 pixels, no path.tmp left. */
static void test_png_two_series(void **state)
{
    Paths p = paths_of(*state, "loss.png");
    Curves c;
    make_curves(&c);
    const PlotSpec spec = {.title = "CBOW on PTB", .xlabel = "iterations", .ylabel = "loss",
                           .width = 800, .height = 500};
    DlfsError err = {0};
    if (plot_lines(p.path, &spec, c.series, 2, &err) != DLFS_OK) fail_msg("%s", err.msg);
    size_t len;
    unsigned char *bytes = test_read_bytes(p.path, &len);
    assert_true(len > 1000);
    assert_memory_equal(bytes, "\x89PNG\r\n\x1a\n", 8);
    free(bytes);
    assert_size(p.path, 800, 500);
    assert_false(test_path_exists(p.tmp));

    /* Drawing again replaces the file: now the default size. */
    const PlotSpec small = {.xlabel = "iterations", .ylabel = "loss"};
    if (plot_lines(p.path, &small, c.series, 1, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(p.path, 640, 480);
}

/* An SVG of the default 640 x 480 carries the title, the axis labels and the legend, as written. */
static void test_svg_labels_and_legend(void **state)
{
    Paths p = paths_of(*state, "loss.SVG");
    Curves c;
    make_curves(&c);
    const PlotSpec spec = {.title = "softmax vs negative sampling", .xlabel = "iterations (×20)",
                           .ylabel = "損失 (loss)"};
    DlfsError err = {0};
    if (plot_lines(p.path, &spec, c.series, 2, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(p.path, 640, 480);
    size_t len;
    char *svg = (char *)test_read_bytes(p.path, &len);
    assert_contains(svg, "<svg");
    assert_contains(svg, ">softmax vs negative sampling<");
    assert_contains(svg, ">iterations (×20)<");
    assert_contains(svg, ">損失 (loss)<");
    assert_contains(svg, ">softmax<");
    /* The quote came through gnuplot's '' escape, and "_" is not a subscript (noenhanced). */
    assert_contains(svg, ">Mikolov's neg_sampling<");
    /* The NaN in the second curve breaks its line in two; the first is one piece. */
    const int moves_softmax = svg_plot_moves(svg, 1), moves_negative = svg_plot_moves(svg, 2);
    assert_true(moves_softmax >= 1);
    assert_int_equal(moves_negative, moves_softmax + 1);
    free(svg);
    assert_false(test_path_exists(p.tmp));
}

/* A file name with a space and a single quote, as PNG and as SVG. */
static void test_path_with_space_and_quote(void **state)
{
    Curves c;
    make_curves(&c);
    const PlotSpec spec = {.xlabel = "x", .ylabel = "y", .width = 300, .height = 200};
    const char *names[] = {"it's a plot.png", "it's a plot.svg", "'.svg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        Paths p = paths_of(*state, names[i]);
        DlfsError err = {0};
        if (plot_lines(p.path, &spec, c.series, 2, &err) != DLFS_OK) fail_msg("%s: %s", names[i], err.msg);
        assert_size(p.path, 300, 200);
        assert_false(test_path_exists(p.tmp));
    }
}

/*
 * A sampler's distribution over word rank on log-log axes; a value <= 0 on
 * a log axis is named and nothing is written.
 */
static void test_log_axes(void **state)
{
    enum { V = 1000 };
    static double rank[V], p1[V], p075[V];
    double z1 = 0, z075 = 0;
    for (int i = 0; i < V; i++) {
        rank[i] = i + 1;
        z1 += p1[i] = 1.0 / (i + 1);            /* Zipf counts */
        z075 += p075[i] = pow(1.0 / (i + 1), 0.75);
    }
    for (int i = 0; i < V; i++) {
        p1[i] /= z1;
        p075[i] /= z075;
    }
    const PlotSeries series[2] = {
        {.label = "count", .x = rank, .y = p1, .n = V},
        {.label = "count^0.75", .x = rank, .y = p075, .n = V},
    };
    PlotSpec spec = {.xlabel = "word rank", .ylabel = "P(word)", .log_x = true, .log_y = true};
    Paths p = paths_of(*state, "sampler.svg");
    DlfsError err = {0};
    if (plot_lines(p.path, &spec, series, 2, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(p.path, 640, 480);
    size_t len;
    char *svg = (char *)test_read_bytes(p.path, &len);
    assert_contains(svg, ">count^0.75<");
    free(svg);

    /* y = 0 on a log y axis. */
    p075[7] = 0;
    Paths q = paths_of(*state, "zero.png");
    assert_int_equal(plot_lines(q.path, &spec, series, 2, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "series[1] ('count^0.75') has y = 0 at point 7");
    assert_contains(err.msg, "y axis is logarithmic");
    assert_false(test_path_exists(q.path));
    assert_false(test_path_exists(q.tmp));
    /* A non-finite y is a gap, not a log-axis error. */
    p075[7] = NAN;
    if (plot_lines(q.path, &spec, series, 2, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(q.path, 640, 480);

    /* x = -1 on a log x axis; fine once the x axis is linear. */
    rank[3] = -1;
    Paths r = paths_of(*state, "negative.png");
    assert_int_equal(plot_lines(r.path, &spec, series, 2, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "series[0] ('count') has x = -1 at point 3");
    assert_false(test_path_exists(r.path));
    spec.log_x = false;
    if (plot_lines(r.path, &spec, series, 2, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_true(test_path_exists(r.path));
}

/* Writes "old bytes" to path, expects plot_lines to fail with status/message, then the file must be as it was. */
static void expect_failure_keeps_file(const Paths *p, int status, const char *message)
{
    static const char old[] = "old bytes, not an image";
    test_write_file(p->path, old, sizeof old - 1);
    Curves c;
    make_curves(&c);
    const PlotSpec spec = {.xlabel = "x", .ylabel = "y"};
    DlfsError err = {0};
    assert_int_equal(plot_lines(p->path, &spec, c.series, 2, &err), status);
    assert_contains(err.msg, message);
    size_t len;
    unsigned char *bytes = test_read_bytes(p->path, &len);
    assert_int_equal(len, sizeof old - 1);
    assert_memory_equal(bytes, old, len);
    free(bytes);
    assert_false(test_path_exists(p->tmp));
}

/* DLFS2_GNUPLOT names no program: the install hint, and the existing file is byte-identical. */
static void test_gnuplot_missing(void **state)
{
    Paths p = paths_of(*state, "loss.png");
    assert_int_equal(setenv("DLFS2_GNUPLOT", "/nonexistent-dlfs2-dir/gnuplot", 1), 0);
    expect_failure_keeps_file(&p, DLFS_ERR_IO, "cannot plot: gnuplot not found");
    expect_failure_keeps_file(&p, DLFS_ERR_IO, "(install the gnuplot-nox package)");
    assert_int_equal(setenv("DLFS2_GNUPLOT", "dlfs2-no-such-gnuplot", 1), 0);
    expect_failure_keeps_file(&p, DLFS_ERR_IO, "install the gnuplot-nox package");
    assert_int_equal(unsetenv("DLFS2_GNUPLOT"), 0);
}

/* gnuplot fails, exits non-zero silently, or exits 0 having read nothing: an I/O error, the file left alone. */
static void test_gnuplot_fails(void **state)
{
    /* The real gnuplot cannot open its output: its own error line comes back. */
    Paths p = paths_of(*state, "missing-dir/loss.svg");
    DlfsError err = {0};
    Curves c;
    make_curves(&c);
    const PlotSpec spec = {.xlabel = "x", .ylabel = "y"};
    assert_int_equal(plot_lines(p.path, &spec, c.series, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "gnuplot failed: cannot open file");
    assert_contains(err.msg, "No such file or directory");

    Paths q = paths_of(*state, "loss.svg");
    assert_int_equal(setenv("DLFS2_GNUPLOT", "false", 1), 0);
    expect_failure_keeps_file(&q, DLFS_ERR_IO, "false exited with status 1");

    /* "true" reads none of a 2 MB script: the write meets EPIPE, and SIGPIPE must not kill us. */
    enum { BIG = 100000 };
    double *x = malloc(BIG * sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < BIG; i++) x[i] = 1.0 / (i + 3);
    const PlotSeries big = {.label = "big", .x = x, .y = x, .n = BIG};
    assert_int_equal(setenv("DLFS2_GNUPLOT", "true", 1), 0);
    assert_int_equal(plot_lines(q.path, &spec, &big, 1, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "true stopped reading its script");
    free(x);
    /* SIGPIPE is neither left blocked nor pending. */
    sigset_t mask, pending;
    assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
    assert_int_equal(sigismember(&mask, SIGPIPE), 0);
    assert_int_equal(sigpending(&pending), 0);
    assert_int_equal(sigismember(&pending, SIGPIPE), 0);
    /* With a small script "true" exits 0 and writes nothing (or the write meets EPIPE first). */
    test_write_file(q.path, "old", 3);
    assert_int_equal(plot_lines(q.path, &spec, c.series, 2, &err), DLFS_ERR_IO);
    if (!strstr(err.msg, "gnuplot wrote nothing to") && !strstr(err.msg, "stopped reading"))
        fail_msg("unexpected message: %s", err.msg);
    assert_false(test_path_exists(q.tmp));
    assert_int_equal(unsetenv("DLFS2_GNUPLOT"), 0);
}

/* Every argument error: DLFS_ERR_ARG, a message that says what, and no file. */
static void test_bad_arguments(void **state)
{
    Curves c;
    make_curves(&c);
    double all_nan[3] = {NAN, INFINITY, NAN};
    const PlotSpec spec = {.xlabel = "x", .ylabel = "y"};
    const PlotSpec no_xlabel = {.ylabel = "y"};
    const PlotSpec narrow = {.xlabel = "x", .ylabel = "y", .width = 15};
    const PlotSpec tall = {.xlabel = "x", .ylabel = "y", .height = 10001};
    const PlotSpec bad_title = {.title = "two\nlines", .xlabel = "x", .ylabel = "y"};
    const PlotSeries empty = {.label = "e", .x = c.x, .y = c.softmax, .n = 0};
    const PlotSeries no_y = {.label = "no y", .x = c.x, .y = NULL, .n = 3};
    const PlotSeries nan_only = {.label = "nan", .x = c.x, .y = all_nan, .n = 3};
    const PlotSeries bad_label = {.label = "a\tb", .x = c.x, .y = c.softmax, .n = 3};
    const struct {
        const char *name;
        const PlotSpec *spec;
        const PlotSeries *series;
        int n_series;
        const char *message;
    } cases[] = {
        {"loss.jpg", &spec, c.series, 2, "cannot plot to %s: use a .png or .svg file name"},
        {"loss", &spec, c.series, 2, "use a .png or .svg file name"},
        {"png", &spec, c.series, 2, "use a .png or .svg file name"},
        {"new\nline.png", &spec, c.series, 2, "the file name contains a control character"},
        {"a.png", &spec, c.series, 0, "no series to draw (n_series = 0)"},
        {"a.png", &spec, NULL, 1, "no series to draw"},
        {"a.png", &spec, &empty, 1, "series[0] ('e') has 0 points"},
        {"a.png", &spec, &no_y, 1, "series[0] ('no y') has no y values"},
        {"a.png", &spec, &nan_only, 1, "no point has a finite x and y"},
        {"a.png", &spec, &bad_label, 1, "the label of series[0] contains a control character"},
        {"a.png", &no_xlabel, c.series, 2, "the x axis has no label"},
        {"a.png", &narrow, c.series, 2, "width 15 is not in [16, 10000] pixels"},
        {"a.svg", &tall, c.series, 2, "height 10001 is not in [16, 10000] pixels"},
        {"a.svg", &bad_title, c.series, 2, "the title contains a control character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Paths p = paths_of(*state, cases[i].name);
        DlfsError err = {0};
        assert_int_equal(plot_lines(p.path, cases[i].spec, cases[i].series, cases[i].n_series, &err), DLFS_ERR_ARG);
        char want[sizeof p.path + 128];
        snprintf(want, sizeof want, cases[i].message, p.path);
        if (!strstr(err.msg, want)) fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err.msg, want);
        assert_int_equal(err.status, DLFS_ERR_ARG);
        assert_false(test_path_exists(p.path));
        assert_false(test_path_exists(p.tmp));
    }
}

/*
 * A word map: plot_labelled_points writes an SVG of the asked size with
 * every label as a text (a quote and "_" drawn as they are), none for a
 * point left out (NaN) or with an empty label; a PNG of the asked size.
 */
static void test_labelled_points(void **state)
{
    const double x[] = {0.5, -0.25, 1.0, NAN, 0.0}, y[] = {0.1, 0.7, -0.3, 0.2, 0.0};
    const char *labels[] = {"king", "queen", "don't_stop", "hidden", ""};
    const PlotSpec spec = {.title = "word map", .xlabel = "axis 1", .ylabel = "axis 2", .width = 500,
                           .height = 400};
    Paths p = paths_of(*state, "words.svg");
    DlfsError err = {0};
    if (plot_labelled_points(p.path, &spec, x, y, labels, 5, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(p.path, 500, 400);
    assert_false(test_path_exists(p.tmp));
    size_t len;
    char *svg = (char *)test_read_bytes(p.path, &len);
    assert_contains(svg, ">word map<");
    assert_contains(svg, ">axis 1<");
    assert_contains(svg, ">king<");
    assert_contains(svg, ">queen<");
    assert_contains(svg, ">don't_stop<");
    assert_null(strstr(svg, "hidden"));
    free(svg);

    Paths png = paths_of(*state, "words.png");
    const PlotSpec default_size = {.xlabel = "x", .ylabel = "y"};
    if (plot_labelled_points(png.path, &default_size, x, y, labels, 5, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_size(png.path, 640, 480);
    assert_false(test_path_exists(png.tmp));
}

/* plot_labelled_points' own errors, and one it shares with plot_lines: DLFS_ERR_ARG and no file. */
static void test_labelled_points_errors(void **state)
{
    const double x[] = {0, 1}, y[] = {1, 0};
    const char *labels[] = {"a", "b"}, *bad[] = {"a", "b\nc"};
    const PlotSpec spec = {.xlabel = "x", .ylabel = "y"};
    const struct {
        const char *name;
        const char *const *labels;
        int n;
        const char *message;
    } cases[] = {
        {"a.png", labels, 0, "no points to draw (n = 0)"},
        {"a.png", NULL, 2, "the points have no labels"},
        {"a.png", bad, 2, "the label of point 1 contains a control character"},
        {"a.gif", labels, 2, "use a .png or .svg file name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Paths p = paths_of(*state, cases[i].name);
        DlfsError err = {0};
        assert_int_equal(plot_labelled_points(p.path, &spec, x, y, cases[i].labels, cases[i].n, &err),
                         DLFS_ERR_ARG);
        if (!strstr(err.msg, cases[i].message))
            fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err.msg, cases[i].message);
        assert_false(test_path_exists(p.path));
        assert_false(test_path_exists(p.tmp));
    }
}

/* plot_image_size on hand-made files: big-endian PNG sizes, other SVG writers' headers, and what it must reject. */
static void test_image_size_files(void **state)
{
    TestTmpdir *t = *state;
    /* Signature, IHDR length 13, "IHDR", width 0x01020304, height 0x00000a0b. */
    static const unsigned char png[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                          'I', 'H', 'D', 'R', 1, 2, 3, 4, 0, 0, 0x0a, 0x0b};
    Paths p = paths_of(t, "a.png");
    test_write_file(p.path, png, sizeof png);
    assert_size(p.path, 0x01020304, 0x0a0b);

    static const char svg[] = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- <svg width=\"1\" height=\"1\"> -->\n"
                              "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/svg11.dtd\">\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" stroke-width=\"3\" height = '34'\n"
                              "  width=\"12px\" viewBox=\"0 0 12 34\"><rect width=\"99\" height=\"99\"/></svg>\n";
    Paths s = paths_of(t, "drawing.xml");
    test_write_file(s.path, svg, sizeof svg - 1);
    assert_size(s.path, 12, 34);

    const struct {
        const char *bytes;
        size_t len;
        int status;
        const char *message;
    } bad[] = {
        {"a text file, not an image\n", 26, DLFS_ERR_FORMAT, "is neither a PNG nor an SVG file"},
        {"", 0, DLFS_ERR_FORMAT, "is neither a PNG nor an SVG file"},
        {(const char *)png, 23, DLFS_ERR_FORMAT, "is a truncated PNG file (23 bytes)"},
        {(const char *)png, 8, DLFS_ERR_FORMAT, "is a truncated PNG file (8 bytes)"},
        {"\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT\0\0\0\1\0\0\0\1", 24, DLFS_ERR_FORMAT, "must begin with its IHDR chunk"},
        {"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\0\0\0\0\1", 24, DLFS_ERR_FORMAT, "bad PNG size 0 x 1"},
        {"<html><svg width=\"1\" height=\"1\"></svg></html>", 45, DLFS_ERR_FORMAT, "is neither a PNG nor an SVG file"},
        {"<svg width=\"640\" height=\"48", 27, DLFS_ERR_FORMAT, "is a truncated SVG file"},
        {"<?xml version=\"1.0\"", 19, DLFS_ERR_FORMAT, "is a truncated SVG file"},
        {"<svg width=\"50%\" height=\"480\">", 30, DLFS_ERR_FORMAT, "the <svg> width \"50%\" is not a size in pixels"},
        {"<svg width=\"640\" viewBox=\"0 0 1 1\">", 35, DLFS_ERR_FORMAT, "the <svg> element has no height attribute"},
        {"<svg width=640 height=480>", 26, DLFS_ERR_FORMAT, "malformed attribute in the <svg> tag"},
    };
    Paths b = paths_of(t, "bad.png");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_write_file(b.path, bad[i].bytes, bad[i].len);
        int w = -1, h = -1;
        DlfsError err = {0};
        assert_int_equal(plot_image_size(b.path, &w, &h, &err), bad[i].status);
        if (!strstr(err.msg, bad[i].message))
            fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err.msg, bad[i].message);
        assert_int_equal(w, 0);
        assert_int_equal(h, 0);
    }

    int w = -1, h = -1;
    DlfsError err = {0};
    assert_int_equal(plot_image_size(test_tmpdir_path(t, "none.png"), &w, &h, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "none.png");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_png_two_series),
        T(test_svg_labels_and_legend),
        T(test_path_with_space_and_quote),
        T(test_log_axes),
        T(test_gnuplot_missing),
        T(test_gnuplot_fails),
        T(test_bad_arguments),
        T(test_image_size_files),
        T(test_labelled_points),
        T(test_labelled_points_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
