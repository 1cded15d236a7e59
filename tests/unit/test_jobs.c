/* test_jobs: the ordered pool of src/flow/jobs.c that runs the months of
 * `run --fy --jobs N` — a free worker takes the next task, the parent still
 * sees every task's output and exit code in task order, and a worker that
 * dies is an internal error, not a hang.  (tests/e2e/jobs.sh covers the
 * months themselves.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/flow/flow_int.h"

enum { N_TASKS = 6 };

typedef struct seen {
    int order[N_TASKS]; /* finish's task numbers, in call order */
    int rc[N_TASKS];    /* finish's rc for each task */
    int n;
    int slow_task;      /* sleeps 300 ms */
    int die_task;       /* its worker is killed; -1 none */
} seen;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* In a worker: prints "task I pid P"; task 3 fails with exit code 2. */
static int task(int i, void *ctx)
{
    seen *s = ctx;
    if (i == s->die_task)
        raise(SIGKILL);
    if (i == s->slow_task)
        sleep_ms(300);
    printf("task %d pid %ld\n", i, (long)getpid());
    return i == 3 ? 2 : EXIT_OK;
}

static int finish(int i, int rc, void *ctx)
{
    seen *s = ctx;
    s->order[s->n++] = i;
    s->rc[i] = rc;
    return rc == 2 ? EXIT_OK : rc < 0 ? EXIT_INTERNAL : rc; /* task 3's 2: go on */
}

/* Runs the pool with stdout to a file; returns the pool's code and the
 * text the tasks printed, in the order the parent copied it out. */
static int run_pool(seen *s, int jobs, char *out, size_t outsz)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(stdout);
    int saved = dup(1);
    dup2(fileno(f), 1);
    flow_notes notes = {0};
    int rc = flow_jobs_ordered(N_TASKS, jobs, task, finish, s, NULL, stdout, stderr, &notes);
    flow_notes_free(&notes);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, outsz - 1, f);
    out[n] = '\0';
    fclose(f);
    return rc;
}

/* Task 0 takes 300 ms: the other worker does 1 to 5 meanwhile (with a fixed
 * split, tasks 2 and 4 waited for task 0's worker); the output and finish
 * still go 0, 1, 2, ... */
static void test_free_worker_takes_the_next_task(void **state)
{
    (void)state;
    seen s = {.slow_task = 0, .die_task = -1};
    char out[4096];
    assert_int_equal(run_pool(&s, 2, out, sizeof out), EXIT_OK);
    assert_int_equal(s.n, N_TASKS);
    for (int i = 0; i < N_TASKS; i++) {
        assert_int_equal(s.order[i], i);
        assert_int_equal(s.rc[i], i == 3 ? 2 : EXIT_OK);
    }
    long pid[N_TASKS];
    const char *p = out;
    for (int i = 0; i < N_TASKS; i++) {
        int task_no;
        assert_int_equal(sscanf(p, "task %d pid %ld", &task_no, &pid[i]), 2);
        assert_int_equal(task_no, i); /* copied out in task order */
        p = strchr(p, '\n') + 1;
    }
    for (int i = 1; i < N_TASKS; i++)
        assert_true(pid[i] == pid[1] && pid[i] != pid[0]);
}

/* A worker killed in task 2: task 2 is an internal error (once the other
 * worker has ended, no hang), tasks 0 and 1 were finished with their codes,
 * and every later task gets finish(k, -1) to clean up. */
static void test_dead_worker_is_an_internal_error(void **state)
{
    (void)state;
    seen s = {.slow_task = -1, .die_task = 2};
    char out[4096];
    assert_int_equal(run_pool(&s, 2, out, sizeof out), EXIT_INTERNAL);
    assert_int_equal(s.n, N_TASKS);
    for (int i = 0; i < N_TASKS; i++)
        assert_int_equal(s.order[i], i);
    assert_int_equal(s.rc[0], EXIT_OK);
    assert_int_equal(s.rc[1], EXIT_OK);
    assert_int_equal(s.rc[2], EXIT_INTERNAL);
    for (int i = 3; i < N_TASKS; i++)
        assert_int_equal(s.rc[i], -1);
}

/* One worker: the tasks one after another in one process. */
static void test_one_worker(void **state)
{
    (void)state;
    seen s = {.slow_task = -1, .die_task = -1};
    char out[4096];
    assert_int_equal(run_pool(&s, 1, out, sizeof out), EXIT_OK);
    long first, pid;
    int t;
    const char *p = out;
    assert_int_equal(sscanf(p, "task %d pid %ld", &t, &first), 2);
    for (int i = 0; i < N_TASKS; i++, p = strchr(p, '\n') + 1) {
        assert_int_equal(sscanf(p, "task %d pid %ld", &t, &pid), 2);
        assert_int_equal(t, i);
        assert_int_equal(pid, first);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_worker_takes_the_next_task),
        cmocka_unit_test(test_dead_worker_is_an_internal_error),
        cmocka_unit_test(test_one_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
