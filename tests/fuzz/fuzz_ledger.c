/* fuzz_ledger: bytes → a ledger.sqlite file → ledger_open (no create),
 * ledger_verify, the read queries (current run of each month in the seeds,
 * every run, the fiscal year) and ledger_blob_get of every file a run names.
 * The file sits in a private temporary directory, removed at exit along
 * with SQLite's -wal and -shm companions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kasan/ledger.h"

static char dir[64], path[96], wal[112], shm[112];
static FILE *devnull;

static void cleanup(void)
{
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
}

static void setup(void)
{
    if (dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kasan-fuzz-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/ledger.sqlite", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    atexit(cleanup);
}

static void fetch_files(ledger *lg, const ledger_run *r)
{
    for (size_t i = 0; i < r->n_files; i++) {
        char *blob = NULL;
        size_t len = 0;
        if (r->files[i].sha256 && ledger_blob_get(lg, r->files[i].sha256, &blob, &len) == LEDGER_OK)
            free(blob);
    }
}

int fuzz_ledger_one(const uint8_t *data, size_t size)
{
    setup();
    unlink(wal);
    unlink(shm);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    ledger *lg;
    char err[512];
    if (ledger_open(path, false, &lg, err, sizeof err) != LEDGER_OK) {
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "== ledger_open: %s\n", err);
        return 0;
    }
    ledger_counts counts;
    int problems = ledger_verify(lg, getenv("FUZZ_VERBOSE") ? stderr : devnull, &counts);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "== ledger_verify: %d problems, %lld events\n", problems,
                (long long)counts.events);
    if (problems >= 0) { /* anchors: the head it reported, and a made-up one */
        ledger_anchor an[2] = {{.seq = counts.head_seq}, {.seq = 1}};
        memcpy(an[0].hash, counts.head_hash, sizeof an[0].hash);
        memset(an[1].hash, 'a', SHA256_HEX_LEN);
        an[1].hash[SHA256_HEX_LEN] = '\0';
        (void)ledger_verify_anchors(lg, an, 2, devnull);
    }
    static const char *const months[] = {"2025-04", "2025-10", "2026-03"};
    for (size_t m = 0; m < sizeof months / sizeof *months; m++) {
        arena a = ARENA_INIT;
        ledger_run run;
        if (ledger_month_current(lg, months[m], &a, &run) == LEDGER_OK)
            fetch_files(lg, &run);
        ledger_run *runs;
        size_t n;
        if (ledger_runs(lg, months[m], &a, &runs, &n) == LEDGER_OK)
            for (size_t i = 0; i < n; i++)
                fetch_files(lg, &runs[i]);
        arena_release(&a);
    }
    arena a = ARENA_INIT;
    ledger_month_sum *sums;
    size_t n;
    (void)ledger_fy_months(lg, 2025, &a, &sums, &n);
    arena_release(&a);
    (void)ledger_export_jsonl(lg, devnull);
    (void)ledger_errmsg(lg);
    ledger_close(lg);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_ledger_one(data, size); }
#endif
