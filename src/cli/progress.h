/* progress: one line of progress on a terminal for long work (the months of
 * `run --fy`, statements, settlement notices, claim forms): "\rWHAT 12,000/30,000"
 * on stderr, at most about ten times a second, only when stderr is a TTY and
 * the command was not given --quiet.  Not here: what is counted (the callers). */
#ifndef KASAN_CLI_PROGRESS_H
#define KASAN_CLI_PROGRESS_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/flow.h"

typedef struct progress {
    bool on;          /* stderr is a terminal and not --quiet */
    const char *what; /* "statements", "months", ... (borrowed) */
    size_t total;
    long long last_ms; /* when the line was last drawn; -1 never */
    size_t shown_len;  /* width of the line drawn, to blank it at the end */
    size_t shown_done; /* the count drawn last */
} progress;

/* Starts counting `total` items of `what`; draws nothing unless on. */
void progress_start(progress *p, bool quiet, const char *what, size_t total);
/* done items of total: redraws the line if ~100 ms passed (or done == total). */
void progress_tick(progress *p, size_t done);
/* The line's text: "statements 12,000/30,000"; returns its length. */
int progress_format(char *buf, size_t n, const char *what, size_t done, size_t total);
/* Clears the line (the summary or messages that follow start clean). */
void progress_end(progress *p);

/* A line as a procedure's progress callback (kasan/flow.h): each start of
 * the procedure's work (statements, notices, months) starts it anew. */
typedef struct progress_line {
    progress p;
    bool quiet;
    flow_progress cb;
} progress_line;
const flow_progress *progress_line_init(progress_line *l, bool quiet);

#endif
