/*
 * plot.h — line plots and labelled scatter plots as PNG or SVG images,
 * drawn by gnuplot.
 *
 * The textbook draws its loss curves with matplotlib (common/trainer.py
 * `plot`); we have no Python, and a well-kept tool beats a hand-rolled
 * rasteriser, so plot_lines writes a gnuplot script (the data inline as
 * datablocks) to a gnuplot child process. gnuplot must be installed when
 * the program runs (Debian/Ubuntu: the gnuplot-nox package, which has the
 * pngcairo and svg terminals); the build does not need it. The program is
 * "gnuplot" on the PATH, or $DLFS2_GNUPLOT when that is set and not empty.
 *
 * Used for the loss curves of `dlfs2 compare` and `dlfs2 train --plot`,
 * by the labs (a sampler's distribution over word rank, log axes), and
 * for the word maps of `dlfs2 plot-words` (plot_labelled_points).
 */
#ifndef DLFS2_PLOT_PLOT_H
#define DLFS2_PLOT_PLOT_H

#include <stdbool.h>

#include "common/status.h"

/* One line of a plot: n points (x[i], y[i]). Everything is borrowed for the call. */
typedef struct PlotSeries {
    const char *label;  /* legend text, UTF-8; NULL or "" for no legend entry */
    const double *x;    /* (n,) */
    const double *y;    /* (n,) */
    int n;              /* >= 1; a point whose x or y is NaN or infinite is left out and breaks the line */
} PlotSeries;

/* What surrounds the lines. Strings are UTF-8, drawn as they are (no gnuplot markup). */
typedef struct PlotSpec {
    const char *title;  /* may be NULL: no title */
    const char *xlabel; /* axis labels; required (non-NULL) */
    const char *ylabel;
    int width, height;  /* pixels, each in [16, 10000]; 0 means 640 (width) or 480 (height) */
    bool log_x, log_y;  /* logarithmic axes: every drawn value on them must be > 0 */
} PlotSpec;

/*
 * Draws series[0..n_series) as lines (linewidth 2, one colour each) with a
 * legend at the top right, a grid, spec's title and axis labels, into
 * path. The format comes from path's extension: ".png" (gnuplot's pngcairo
 * terminal) or ".svg" (svg terminal, white background), either case; the
 * image is exactly width x height pixels. Strings and path may hold any
 * character but control characters (a space or a quote is fine).
 *
 * The image is written atomically: gnuplot draws into "path.tmp", which
 * is renamed over path only when gnuplot exited 0 and the file is not
 * empty; on any failure path.tmp is removed and a file already at path is
 * left untouched.
 *
 * Errors (one line in err, nothing written): DLFS_ERR_ARG for an extension
 * other than .png/.svg, n_series < 1, a series with n < 1 or NULL x/y, no
 * finite point at all, a NULL axis label, a control character in a string,
 * a size outside [16, 10000], or a value <= 0 on a logarithmic axis (the
 * message names the series and the value); DLFS_ERR_IO when gnuplot cannot
 * be found or started ("... install the gnuplot-nox package") or fails (the
 * message carries gnuplot's own error line), or the file cannot be renamed.
 */
int plot_lines(const char *path, const PlotSpec *spec, const PlotSeries *series, int n_series,
               DlfsError *err) DLFS_WARN_UNUSED;

/*
 * A scatter plot with a text beside every point, e.g. a word map
 * (evaluation/word_map.h): point i at (x[i], y[i]) drawn as a dot with
 * labels[i] just right of and above it, no legend, a grid, spec's title and
 * axis labels, and a margin around the points so the labels stay inside.
 * x, y and labels are (n,) and borrowed for the call; labels[i] may be
 * NULL or "" (a dot without a text). A point whose x or y is NaN or
 * infinite is left out with its label. Format, size, strings and the
 * atomic write as plot_lines (labels are drawn as they are, UTF-8, any
 * character but control characters).
 *
 * Errors (one line in err, nothing written): as plot_lines' (the points
 * are checked as one series), n < 1 or NULL labels (DLFS_ERR_ARG), a
 * control character in a label (DLFS_ERR_ARG, naming the point's index).
 */
int plot_labelled_points(const char *path, const PlotSpec *spec, const double *x, const double *y,
                         const char *const *labels, int n, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads the pixel size of the image at path into *width and *height: the
 * IHDR chunk of a PNG, or the width="N" and height="N" attributes (plain
 * numbers or "Npx") of the root <svg> element of an SVG, whatever the file
 * is called. Errors: DLFS_ERR_IO (cannot open or read), DLFS_ERR_FORMAT
 * (neither a PNG nor an SVG, truncated, or a size that is missing, not in
 * pixels, or not in [1, 2^31 - 1]); *width and *height are then 0.
 */
int plot_image_size(const char *path, int *width, int *height, DlfsError *err) DLFS_WARN_UNUSED;

#endif
