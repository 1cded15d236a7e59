/* jobs: the CLI's worker processes — months of `run --fy` computed side by
 * side and finished in month order, and a month's statements written by N
 * processes at once.  fork() rather than threads: a month is independent, the
 * libraries keep process-wide state (libxlsxwriter's stderr, glibc malloc
 * settings), and a worker's memory goes back whole when it exits.
 * Not here: what a month or a statement is (run.c, report/). */
#ifndef KASAN_CLI_JOBS_H
#define KASAN_CLI_JOBS_H
#include <stdbool.h>
#include <stddef.h>

#include "progress.h"

/* The online cores (sysconf), at least 1: the default of --jobs. */
int jobs_default(void);
/* Parses --jobs N (1..256) into *jobs; prints a message if not. */
bool jobs_parse(const char *cmd, const char *s, int *jobs);

/* For run_write_outputs (also used by restore): how many processes write a
 * month's statements, and whether a terminal shows their progress.
 * Defaults: all cores, progress shown. */
void jobs_configure_statements(int jobs, bool quiet);
struct month_run;
struct run_meta;
/* Writes dir/statements/ID.xlsx for every nursery of run with the configured
 * number of processes; 0, or -1 with the first failure's message in err
 * (errno set when err is empty). */
int jobs_write_statements(const struct month_run *run, const struct run_meta *meta,
                          const char *dir, char *err, size_t errsz);

/* Tasks 0..n-1 run in `jobs` worker processes (each worker takes the next
 * task when it is free, one after another, so a worker reuses its memory),
 * each task's stdout and stderr held in a temporary file.  In the parent, in task order: the task's
 * stderr is copied out, then finish(i, rc) decides (returns EXIT_OK to go
 * on), then the task's stdout is copied out if it did and pg (may be NULL)
 * counts the task done.  After a failure the workers are stopped and
 * finish(i, -1) lets each later task clean up.  Returns the first failing
 * code, or EXIT_OK. */
typedef int (*jobs_task_fn)(int i, void *ctx);
typedef int (*jobs_finish_fn)(int i, int rc, void *ctx);
int jobs_run_ordered(int n, int jobs, jobs_task_fn task, jobs_finish_fn finish, void *ctx,
                     progress *pg);

#endif
