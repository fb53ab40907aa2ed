/*
 * cmd_gradcheck.c — `dlfs2 gradcheck [NAME|all] [--seed N]`: the gradient
 * check of every layer and model (gradcheck/gradcheck.h, gradcheck/cases.h),
 * one table row per layer/model and checked tensor; a FAIL row names its
 * worst element and may add a hint line (gradcheck/gradcheck.h).
 *
 * Exit status 0 only if every row passes; 1 if any fails; 2 for a bad
 * command line (an unknown NAME lists the known ones).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>

#include "cli/cli.h"
#include "gradcheck/cases.h"
#include "gradcheck/gradcheck.h"

enum { OPT_SEED = CLI_OPT_LONG_BASE };

static const struct option gradcheck_options[] = {
    {"seed", required_argument, NULL, OPT_SEED},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_gradcheck(void)
{
    printf("Usage: dlfs2 gradcheck [NAME|all] [OPTIONS]\n"
           "\n"
           "Checks each layer's and model's backward against numerical gradients: for every\n"
           "parameter and input, the five-point central difference of the loss (in double,\n"
           "step h = %g) against the analytic gradient, on a small random problem with\n"
           "its ids, labels and negatives frozen. Prints per tensor the max absolute error\n"
           "|a - n| and the max relative error |a - n| / max(|a| + |n|, tiny), where tiny\n"
           "is the float32 noise floor of the numerical gradient; PASS if the relative\n"
           "error is at most %g.\n"
           "\n"
           "A FAIL row goes on with its worst element: its index (row,col for a matrix),\n"
           "the analytic and the numerical gradient there. A hint line follows when the\n"
           "numbers point at a classic mistake: analytic = B x or 1/B x numerical for the\n"
           "batch size B (a missing or extra 1/B), or only the rows that a repeated id\n"
           "gathers are wrong (`=` instead of `+=` in an Embedding-like backward).\n"
           "\n"
           "NAME (case-insensitive) is one of:\n ",
           GRADCHECK_STEP, GRADCHECK_RTOL);
    for (int i = 0; i < gradcheck_case_count(); i++) printf(" %s", gradcheck_case_name(i));
    printf("\nor all (the default).\n"
           "\n"
           "Options:\n"
           "  --seed N     draws of the random problems (1)\n"
           "  -h, --help   show this help\n"
           "\n"
           "Exit status: 0 if every row passes, 1 if any fails, 2 usage error.\n");
}

int cmd_gradcheck(int argc, char **argv)
{
    uint64_t seed = 1;
    const char *name = NULL;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-:h", gradcheck_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_gradcheck(); return CLI_EXIT_OK;
        case OPT_SEED:
            if (cli_parse_u64("--seed", optarg, &seed)) return CLI_EXIT_USAGE;
            break;
        case 1:
            if (name) {
                cli_error("gradcheck: unexpected argument '%s' (see 'dlfs2 gradcheck --help')",
                          optarg);
                return CLI_EXIT_USAGE;
            }
            name = optarg;
            break;
        default: return cli_getopt_error("gradcheck", c, argv);
        }
    }
    if (optind < argc) {
        cli_error("gradcheck: unexpected argument '%s' (see 'dlfs2 gradcheck --help')",
                  argv[optind]);
        return CLI_EXIT_USAGE;
    }

    int first = 0, last = gradcheck_case_count();
    if (name && strcasecmp(name, "all") != 0) {
        first = gradcheck_case_find(name);
        if (first < 0) {
            fprintf(stderr, "dlfs2: gradcheck: unknown layer or model '%s'; known:", name);
            for (int i = 0; i < gradcheck_case_count(); i++)
                fprintf(stderr, " %s", gradcheck_case_name(i));
            fputs(" (or all)\n", stderr);
            return CLI_EXIT_USAGE;
        }
        last = first + 1;
    }

    printf("gradient check: 5-point central differences in double, h = %g, "
           "PASS if max rel err <= %g, seed %llu\n",
           GRADCHECK_STEP, GRADCHECK_RTOL, (unsigned long long)seed);
    gradcheck_print_header(stdout);
    int n_rows = 0, n_fail = 0;
    for (int i = first; i < last; i++) {
        GradCheckResult results[GRADCHECK_MAX_TENSORS];
        const int n = gradcheck_run_case(i, seed, results);
        for (int k = 0; k < n; k++) {
            gradcheck_print_result(stdout, &results[k]);
            n_rows++;
            if (!results[k].pass) n_fail++;
        }
        fflush(stdout);
    }
    if (n_fail == 0)
        printf("all %d rows PASS\n", n_rows);
    else
        printf("%d of %d rows FAIL\n", n_fail, n_rows);
    return n_fail == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
}
