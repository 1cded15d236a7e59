/* jobs: worker processes — a month's statements written in N slices, and
 * the ordered pool that runs the months of a fiscal year side by side.
 * fork() rather than threads: a month is independent, the libraries keep
 * process-wide state (libxlsxwriter's stderr, glibc malloc settings), and a
 * worker's memory goes back whole when it exits.  Workers leave with _exit:
 * the parent alone flushes, frees and publishes.  What a worker writes to
 * its stdout and stderr (a front-end's report of its month, a library's
 * complaint) is held and handed on, in task order, to the streams the
 * caller names.  Not here: what a month or a statement is (month.c,
 * outputs.c, src/report). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flow_int.h"
#include "kasan/fsutil.h"

int flow_jobs_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > FLOW_JOBS_MAX ? FLOW_JOBS_MAX : (int)n;
}

/* ---- statements in slices ---- */

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
    stmt_slot slot[FLOW_JOBS_MAX];
} stmt_shared;

/* Writes the statements of nurseries k, k+n, k+2n, ... (interleaved, so
 * that large and small nurseries spread evenly); 0 or -1. */
static int write_slice(const month_run *run, const run_meta *meta, const char *dir, int k, int n,
                       stmt_shared *sh, const flow_progress *pg)
{
    char path[4096];
    for (size_t i = (size_t)k; i < run->n_nurseries; i += (size_t)n) {
        if (atomic_load(&sh->stop))
            return 0;
        stmt_slot *s = &sh->slot[k];
        const char *id = run->nurseries[i].nursery->id;
        int rc = 0;
        if (report_statement_sent(meta, id)) { /* a correction: the changed ones only */
            char file[1024];
            report_document_file(meta, id, "xlsx", file, sizeof file);
            snprintf(path, sizeof path, "%s/%s", dir, file);
            errno = 0;
            rc = report_statement_xlsx(run, &run->nurseries[i], meta, path, s->msg, sizeof s->msg);
            if (rc == 0) { /* the PDF the nursery receives beside it (issue 22) */
                report_document_file(meta, id, "pdf", file, sizeof file);
                snprintf(path, sizeof path, "%s/%s", dir, file);
                rc = report_statement_pdf(run, &run->nurseries[i], meta,
                                          report_docno_of(meta, id), path, s->msg, sizeof s->msg);
            }
        }
        if (rc != 0) {
            s->err_no = errno;
            if (!*s->msg)
                snprintf(s->msg, sizeof s->msg, "%s: %s", path, strerror(errno ? errno : EIO));
            s->index = i;
            s->failed = 1;
            atomic_store(&sh->stop, 1);
            return -1;
        }
        size_t done = atomic_fetch_add(&sh->done, 1) + 1;
        if (pg && pg->tick)
            pg->tick(pg->ctx, done);
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

int flow_jobs_statements(const month_run *run, const run_meta *meta, const char *dir,
                         const flow_statements *how, char *err, size_t errsz)
{
    int n = how && how->jobs > 0 ? how->jobs : flow_jobs_default();
    const flow_progress *pg = how ? how->progress : NULL;
    if ((size_t)n > run->n_nurseries)
        n = run->n_nurseries ? (int)run->n_nurseries : 1;
    stmt_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (sh == MAP_FAILED) {
        snprintf(err, errsz, "%s/statements: cannot share memory with the writers: %s", dir,
                 strerror(errno));
        return -1;
    }
    if (pg && pg->start)
        pg->start(pg->ctx, "statements", run->n_nurseries);
    pid_t pid[FLOW_JOBS_MAX] = {0};
    fflush(stdout);
    fflush(stderr);
    for (int k = 1; k < n; k++) {
        pid[k] = fork();
        if (pid[k] == 0)
            _exit(write_slice(run, meta, dir, k, n, sh, NULL) ? 1 : 0);
    }
    int rc = write_slice(run, meta, dir, 0, n, sh, pg);
    for (int k = 1; k < n; k++) {
        int st;
        if (pid[k] < 0) /* no process: this one writes the slice */
            rc |= write_slice(run, meta, dir, k, n, sh, pg);
        else if (waitpid(pid[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            rc = -1;
    }
    if (pg && pg->tick)
        pg->tick(pg->ctx, atomic_load(&sh->done));
    if (pg && pg->end)
        pg->end(pg->ctx);
    if (rc != 0 && first_failure(sh, n, err, errsz) == 0)
        snprintf(err, errsz, "%s/statements: a writer process failed", dir);
    munmap(sh, sizeof *sh);
    return rc ? -1 : 0;
}

/* ---- tasks in parallel, finished in order ---- */

/* A fixed pool of workers, each taking the next task when it is free (the
 * months differ in size, and the cores are shared: a fixed split left one
 * worker idle while the other still had months to do), one task after
 * another so that it reuses its memory (a fresh process per month faulted
 * in its ~65 MB again: 0.35 s of system time over a year).  A worker says
 * each task's exit code on the pool's one pipe. */
typedef struct task_out {
    FILE *out, *err; /* the task's stdout and stderr */
} task_out;

typedef struct pool_shared { /* an anonymous shared mapping */
    atomic_int next;         /* the next task to take */
} pool_shared;

typedef struct task_done { /* one write on the pipe: atomic (< PIPE_BUF) */
    int task, rc;
} task_done;

static void worker_loop(int n, task_out *t, pool_shared *sh, int fd, flow_task_fn task,
                        void *ctx)
{
    for (int i; (i = atomic_fetch_add(&sh->next, 1)) < n;) {
        fflush(stdout);
        fflush(stderr);
        dup2(fileno(t[i].out), STDOUT_FILENO);
        dup2(fileno(t[i].err), STDERR_FILENO);
        task_done m = {i, task(i, ctx)};
        fflush(stdout);
        fflush(stderr);
        if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
            break;
    }
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

/* Task i's exit code: what the workers said until then is kept in rc[]
 * (-2: not yet); a task no worker finished (one died) is an internal error. */
static int task_rc(int fd, int *rc, int i)
{
    while (rc[i] == -2) {
        task_done m;
        ssize_t r = read(fd, &m, sizeof m);
        if (r < 0 && errno == EINTR)
            continue;
        if (r != (ssize_t)sizeof m)
            return EXIT_INTERNAL; /* every worker gone */
        rc[m.task] = m.rc;
    }
    return rc[i];
}

static int pool_start(int w, int n, task_out *t, pool_shared *sh, pid_t *pid, int *done,
                      int *fd, flow_task_fn task, void *ctx, flow_notes *notes)
{
    for (int i = 0; i < n; i++)
        if (!(t[i].out = tmpfile()) || !(t[i].err = tmpfile())) {
            flow_say(notes, FLOW_NOTE_KASAN, "cannot create a temporary file for a worker: %s",
                     strerror(errno));
            return EXIT_INTERNAL;
        }
    int p[2];
    if (pipe(p) != 0) {
        flow_say(notes, FLOW_NOTE_KASAN, "cannot start a worker process: %s", strerror(errno));
        return EXIT_INTERNAL;
    }
    fflush(stdout);
    fflush(stderr);
    int rc = EXIT_OK;
    for (int k = 0; k < w && rc == EXIT_OK; k++) {
        if ((pid[k] = fork()) < 0) {
            flow_say(notes, FLOW_NOTE_KASAN, "cannot start a worker process: %s",
                     strerror(errno));
            rc = EXIT_INTERNAL;
        } else if (pid[k] == 0) {
            close(p[0]);
            worker_loop(n, t, sh, p[1], task, ctx);
            for (int i = 0; i < n; i++) { /* the parent's, freed here too (valgrind) */
                fclose(t[i].out);
                fclose(t[i].err);
            }
            free(t);
            free(pid);
            free(done);
            munmap(sh, sizeof *sh);
            _exit(0);
        }
    }
    close(p[1]); /* the workers' alone: the pipe ends when the last one does */
    *fd = p[0];
    return rc;
}

int flow_jobs_ordered(int n, int jobs, flow_task_fn task, flow_finish_fn finish, void *ctx,
                      const flow_progress *pg, FILE *out, FILE *err, flow_notes *notes)
{
    int w = jobs < n ? jobs : n, fd = -1;
    task_out *t = calloc((size_t)n, sizeof *t);
    pid_t *pid = calloc((size_t)w, sizeof *pid);
    int *done = malloc((size_t)n * sizeof *done);
    pool_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (!t || !pid || !done || sh == MAP_FAILED) {
        free(t);
        free(pid);
        free(done);
        if (sh != MAP_FAILED)
            munmap(sh, sizeof *sh);
        return EXIT_INTERNAL;
    }
    atomic_init(&sh->next, 0);
    for (int i = 0; i < n; i++)
        done[i] = -2;
    int rc = pool_start(w, n, t, sh, pid, done, &fd, task, ctx, notes), i = 0;
    for (; rc == EXIT_OK && i < n; i++) {
        int trc = task_rc(fd, done, i);
        if (pg && pg->end)
            pg->end(pg->ctx);
        copy_out(t[i].err, err);
        rc = finish(i, trc, ctx);
        if (rc == EXIT_OK) {
            copy_out(t[i].out, out);
            if (pg && pg->tick)
                pg->tick(pg->ctx, (size_t)i + 1);
        }
    }
    for (int k = 0; k < w; k++) /* our own workers, by id; then their leftovers */
        if (rc != EXIT_OK && pid[k] > 0)
            kill(pid[k], SIGTERM);
    for (int k = 0; k < w; k++)
        if (pid[k] > 0)
            while (waitpid(pid[k], NULL, 0) < 0 && errno == EINTR)
                ;
    if (fd >= 0)
        close(fd);
    for (int k = rc == EXIT_OK ? n : i; k < n; k++)
        finish(k, -1, ctx);
    for (int k = 0; k < n; k++) {
        if (t[k].out)
            fclose(t[k].out);
        if (t[k].err)
            fclose(t[k].err);
    }
    free(t);
    free(pid);
    free(done);
    munmap(sh, sizeof *sh);
    return rc;
}
