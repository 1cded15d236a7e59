/* stubs: subcommands not built yet say so plainly. */
#include <stdio.h>

#include "kasan/cli.h"

int cmd_replay(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "kasan %s: not available in this build\n", argv[0]);
    return EXIT_INTERNAL;
}

int cmd_diff(int argc, char **argv) { return cmd_replay(argc, argv); }
int cmd_budget(int argc, char **argv) { return cmd_replay(argc, argv); }
