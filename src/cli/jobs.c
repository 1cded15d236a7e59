/* jobs: worker processes of the CLI (see jobs.h) — a month's statements
 * written in N slices, and the ordered pool that runs the months of
 * `run --fy` side by side.  Workers leave with _exit: the parent alone
 * flushes, frees and publishes.  Not here: a month's outputs (run.c). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "kasan/cli.h"
#include "kasan/fsutil.h"
#include "kasan/report.h"

enum { JOBS_MAX = 256 };

int jobs_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (int)n;
}

bool jobs_parse(const char *cmd, const char *s, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > JOBS_MAX) {
        fprintf(stderr, "kasan %s: --jobs takes a number of processes from 1 to %d, not '%s'\n",
                cmd, JOBS_MAX, s);
        return false;
    }
    *jobs = (int)v;
    return true;
}

/* ---- statements in slices ---- */

static struct {
    int jobs; /* 0: all cores */
    bool quiet;
} stmt_cfg;

void jobs_configure_statements(int jobs, bool quiet)
{
    stmt_cfg.jobs = jobs;
    stmt_cfg.quiet = quiet;
}

/* Shared by the writers (an anonymous shared mapping): the count for the
 * progress line, a stop flag, and each slice's first failure. */
typedef struct stmt_slot {
    int failed, err_no;
    size_t index; /* the nursery that failed */
    char msg[4200]; /* "PATH: why" */
} stmt_slot;
typedef struct stmt_shared {
    atomic_size_t done;
    atomic_int stop;
    stmt_slot slot[JOBS_MAX];
} stmt_shared;

/* Writes the statements of nurseries k, k+n, k+2n, ... (interleaved, so
 * that large and small nurseries spread evenly); 0 or -1. */
static int write_slice(const month_run *run, const run_meta *meta, const char *dir, int k, int n,
                       stmt_shared *sh, progress *pg)
{
    char path[4096];
    for (size_t i = (size_t)k; i < run->n_nurseries; i += (size_t)n) {
        if (atomic_load(&sh->stop))
            return 0;
        stmt_slot *s = &sh->slot[k];
        snprintf(path, sizeof path, "%s/statements/%s.xlsx", dir, run->nurseries[i].nursery->id);
        errno = 0;
        if (report_statement_xlsx(run, &run->nurseries[i], meta, path, s->msg, sizeof s->msg) != 0) {
            s->err_no = errno;
            if (!*s->msg)
                snprintf(s->msg, sizeof s->msg, "%s: %s", path, strerror(errno ? errno : EIO));
            s->index = i;
            s->failed = 1;
            atomic_store(&sh->stop, 1);
            return -1;
        }
        size_t done = atomic_fetch_add(&sh->done, 1) + 1;
        if (pg)
            progress_tick(pg, done);
    }
    return 0;
}

/* The failure of the lowest nursery, as a serial run would have met it. */
static int first_failure(const stmt_shared *sh, int n, char *err, size_t errsz)
{
    const stmt_slot *f = NULL;
    for (int k = 0; k < n; k++)
        if (sh->slot[k].failed && (!f || sh->slot[k].index < f->index))
            f = &sh->slot[k];
    if (!f)
        return 0;
    snprintf(err, errsz, "%s", f->msg);
    errno = f->err_no;
    return -1;
}

int jobs_write_statements(const month_run *run, const run_meta *meta, const char *dir,
                          char *err, size_t errsz)
{
    int n = stmt_cfg.jobs > 0 ? stmt_cfg.jobs : jobs_default();
    if ((size_t)n > run->n_nurseries)
        n = run->n_nurseries ? (int)run->n_nurseries : 1;
    stmt_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (sh == MAP_FAILED) {
        snprintf(err, errsz, "%s/statements: cannot share memory with the writers: %s", dir,
                 strerror(errno));
        return -1;
    }
    progress pg;
    progress_start(&pg, stmt_cfg.quiet, "statements", run->n_nurseries);
    pid_t pid[JOBS_MAX] = {0};
    fs_defer_sync(true); /* one syncfs below instead of an fsync per statement */
    fflush(stdout);
    fflush(stderr);
    for (int k = 1; k < n; k++) {
        pid[k] = fork();
        if (pid[k] == 0)
            _exit(write_slice(run, meta, dir, k, n, sh, NULL) ? 1 : 0);
    }
    int rc = write_slice(run, meta, dir, 0, n, sh, &pg);
    for (int k = 1; k < n; k++) {
        int st;
        if (pid[k] < 0) /* no process: this one writes the slice */
            rc |= write_slice(run, meta, dir, k, n, sh, &pg);
        else if (waitpid(pid[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            rc = -1;
    }
    progress_tick(&pg, atomic_load(&sh->done));
    progress_end(&pg);
    fs_defer_sync(false);
    char sdir[4200];
    snprintf(sdir, sizeof sdir, "%s/statements", dir);
    if (rc == 0 && fs_sync_dir(sdir) != 0) {
        snprintf(err, errsz, "%s: %s", sdir, strerror(errno));
        munmap(sh, sizeof *sh);
        return -1;
    }
    if (rc != 0 && first_failure(sh, n, err, errsz) == 0)
        snprintf(err, errsz, "%s/statements: a writer process failed", dir);
    munmap(sh, sizeof *sh);
    return rc ? -1 : 0;
}

/* ---- tasks in parallel, finished in order ---- */

typedef struct job {
    pid_t pid;
    FILE *out, *err; /* the task's stdout and stderr */
} job;

static void job_close(job *j)
{
    if (j->out)
        fclose(j->out);
    if (j->err)
        fclose(j->err);
    j->out = j->err = NULL;
}

static int job_start(job *j, int i, jobs_task_fn task, void *ctx)
{
    j->out = tmpfile();
    j->err = tmpfile();
    if (!j->out || !j->err) {
        fprintf(stderr, "kasan: cannot create a temporary file for a worker: %s\n",
                strerror(errno));
        job_close(j);
        return EXIT_INTERNAL;
    }
    fflush(stdout);
    fflush(stderr);
    j->pid = fork();
    if (j->pid < 0) {
        fprintf(stderr, "kasan: cannot start a worker process: %s\n", strerror(errno));
        job_close(j);
        return EXIT_INTERNAL;
    }
    if (j->pid == 0) {
        dup2(fileno(j->out), STDOUT_FILENO);
        dup2(fileno(j->err), STDERR_FILENO);
        int rc = task(i, ctx);
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    return EXIT_OK;
}

/* The task's exit code; a worker killed by a signal is an internal error. */
static int job_wait(job *j)
{
    int st;
    if (j->pid <= 0)
        return EXIT_INTERNAL;
    while (waitpid(j->pid, &st, 0) < 0)
        if (errno != EINTR)
            return EXIT_INTERNAL;
    return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_INTERNAL;
}

static void copy_out(FILE *from, FILE *to)
{
    char buf[8192];
    size_t n;
    rewind(from);
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        fwrite(buf, 1, n, to);
    fflush(to);
}

int jobs_run_ordered(int n, int jobs, jobs_task_fn task, jobs_finish_fn finish, void *ctx,
                     progress *pg)
{
    job *j = calloc((size_t)n, sizeof *j);
    if (!j)
        return EXIT_INTERNAL;
    int rc = EXIT_OK, started = 0;
    for (int i = 0; i < started || (rc == EXIT_OK && i < n); i++) {
        while (rc == EXIT_OK && started < n && started < i + jobs)
            if ((rc = job_start(&j[started], started, task, ctx)) == EXIT_OK)
                started++;
        if (i >= started)
            break;
        int trc = job_wait(&j[i]);
        if (rc != EXIT_OK) { /* an earlier task failed: this one is dropped */
            finish(i, -1, ctx);
            job_close(&j[i]);
            continue;
        }
        if (pg)
            progress_end(pg);
        copy_out(j[i].err, stderr);
        rc = finish(i, trc, ctx);
        if (rc == EXIT_OK) {
            copy_out(j[i].out, stdout);
            if (pg)
                progress_tick(pg, (size_t)i + 1);
        } else {
            for (int k = i + 1; k < started; k++) /* our own workers, by id */
                kill(j[k].pid, SIGTERM);
        }
        job_close(&j[i]);
    }
    free(j);
    return rc;
}
