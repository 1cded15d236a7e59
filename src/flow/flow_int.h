/* flow_int: what the files of src/flow share and nothing outside may call.
 * load.c: the rules, a month's inputs and the run id; publish.c: the
 * staging scheme, publication and the crash protocol; outputs.c: a month's
 * outputs into a directory; jobs.c: worker processes; archive.c: the one
 * reload of what the ledger archived; restore.c: OUT/M brought level with
 * the ledger; replay.c: a run recomputed and compared; transfer_files.c: a
 * month's transfer files across a republication.  month.c, settle.c,
 * transfer.c, forms.c, intake.c, audit.c and budget.c are reached through
 * kasan/flow.h. */
#ifndef KASAN_FLOW_INT_H
#define KASAN_FLOW_INT_H
#include <stdio.h>

#include "kasan/engine.h"
#include "kasan/forms.h"
#include "kasan/flow.h"
#include "kasan/report.h"
#include "kasan/ledger_transfer.h"
#include "kasan/rowmerge.h"
#include "kasan/schema.h"

/* ---- budget.c ---- */
/* The year of run's month as a budget view (its columns: run's programs,
 * its line: run's), the ledger's months placed as they stand (before_seq
 * 0) or just before event before_seq; lg NULL: no month placed.  The
 * ledger's status (what could be read is placed). */
int flow_budget_of_run(const month_run *run, ledger *lg, int64_t before_seq, arena *a,
                       budget_view *bv);
/* The latest fiscal year with a finalized month (one query); none yet, or
 * lg NULL: today's (0 when the clock gives no date).  `kasan budget`'s
 * default and the web's year page. */
int flow_fy_default(ledger *lg);

/* ---- notes.c ---- */
/* After a refusal (exit 3, SPEC 1.4): which event recorded it (seq 0: it
 * could not be recorded; lg's message then says why). */
void flow_refusal_note(flow_notes *notes, ledger *lg, int64_t seq, const char *hash);

/* ---- load.c (also flow_load_rules, flow_compute_month in flow.h) ---- */
/* The registry of the year's months read once (SPEC 9), for the terms in
 * force in month first; EXIT_OK or EXIT_INVALID after notes. */
int flow_load_registry(const flow_paths *paths, const rule_set *rs, claim_month first,
                       shared_registry *sr, flow_notes *notes);
/* The ledger role of intake's input file INPUT_*: "registry", "children", "staff". */
_Static_assert(INPUT_REGISTRY == 0 && INPUT_CHILDREN == 1 && INPUT_STAFF == 2 &&
                   LEDGER_ROLE_CHILDREN == LEDGER_ROLE_REGISTRY + 1 &&
                   LEDGER_ROLE_STAFF == LEDGER_ROLE_REGISTRY + 2,
               "inputs and ledger roles in the same order");
static inline const char *flow_input_role(int input)
{
    return ledger_role_name(LEDGER_ROLE_REGISTRY + input);
}
/* "2025-04-20250510T093000Z-1a2b3c4d": month, UTC time, and a digest of
 * the inputs, the rules and the moment (two runs in one second differ). */
char *flow_run_id(const month_run *run, const char *created, arena *a);
/* "20250510T093000Z" of an ISO time, into stamp (size 32). */
void flow_time_stamp(const char *created, char stamp[32]);

/* ---- publish.c (the crash protocol is described there) ---- */
/* The file in a staged or published OUT/M that names its run; moved out of
 * OUT/M to the marker OUT/.M.published once OUT/M is in place. */
#define FLOW_RUN_ID_FILE ".run-id"
/* PARENT/.NAME.staging-PID: where PARENT/NAME is written before it is
 * moved into place (every kind: months, settlements, forms, claim files). */
char *flow_stage_dir(const char *parent, const char *name, long pid, arena *a);
/* OUT/.M.published: the run whose outputs OUT/M holds. */
char *flow_marker_path(const flow_paths *paths, const char *mon, arena *a);
int flow_write_run_id(const char *path, const char *run_id);
/* The run id a marker or run id file holds (malloc'd), or NULL. */
char *flow_read_run_id(const char *path);
/* Moves final_dir/FLOW_RUN_ID_FILE to marker: the publication is complete. */
int flow_mark_published(const char *final_dir, const char *marker);
/* What the new directory keeps of the one it replaces: its transfer files
 * (a month, a settlement), its forms/ (a month), or every other entry not
 * written anew (a month's claim files). */
enum { FLOW_KEEP_TRANSFER_FILES = 1, FLOW_KEEP_FORMS = 2, FLOW_KEEP_OTHERS = 4,
       FLOW_KEEP_SENT = 8 /* files of statements/ (a month) and notices/ (a
                           * settlement) the new outputs lack: the documents a
                           * correction does not reissue (issue 22) */ };
/* Moves stage to final_dir, replacing the previous one whole (kept as
 * FINAL.old-PID until the end), then (marker not NULL) the run id to
 * marker; 0, or -1 with errno and the previous directory in place. */
int flow_publish_dir(const char *stage, const char *final_dir, unsigned keep, const char *marker);
/* T5 (the crash protocol): OUT/M/NAME replaced whole by staged (a file
 * already written and synced) while OUT/.M.published names run_id: 0; 1
 * when OUT/M holds another run or none (nothing replaced); -1 with errno. */
int flow_publish_file(const flow_paths *paths, const char *mon, const char *run_id,
                      const char *staged, const char *name);
/* Whether OUT/M holds a month's outputs (a draft's or a finalized run's):
 * its marker, or payments.csv of outputs older than the markers. */
bool flow_month_has_outputs(const flow_paths *paths, const char *mon, arena *a);
/* Removes PARENT/.NAME.staging-PID and PARENT/NAME.old-PID of dead
 * processes; a warning note if some cannot go. */
void flow_sweep(const char *parent, const char *name, flow_notes *notes);
/* The same for entries named PREFIX + PID (a temporary file's NAME.tmp-,
 * a staging name used before the one scheme). */
void flow_sweep_prefix(const char *parent, const char *prefix, flow_notes *notes);
/* DATA/claims/M brought back after an intake died between its two renames
 * (completed from its staging directory, or the previous files put back),
 * then the dead processes' leftovers swept; a note says what was done.
 * Every command that reads a month's claim files calls it first. */
void flow_claims_recover(const char *data_dir, const char *mon, flow_notes *notes);

/* ---- docnos.c: the 文書番号 of a month's documents ---- */
struct ledger_document;
/* meta->docnos: the next free numbers of the month's fiscal year, over
 * report_documents(run, meta) in nursery-id order (a finalization). */
int flow_docnos_assign(ledger *lg, const month_run *run, run_meta *meta, int64_t *first,
                       arena *a, flow_notes *notes);
/* meta->docnos as recorded with run_id (a rebuild prints the same numbers). */
int flow_docnos_recorded(ledger *lg, const char *run_id, const month_run *run, run_meta *meta,
                         arena *a, flow_notes *notes);
/* The n_docs documents numbered in docnos, staged as stage/files[i], in
 * the ledger as "DIR/files[i]", numbered first_number, +1, ... with their
 * SHA-256, for a finalization's or settlement's ledger request. */
int flow_docnos_record(const char *stage, const char *dir, const report_docno *docnos,
                       char *const *files, size_t n_docs, int64_t first_number, arena *a,
                       struct ledger_document **out, size_t *n, flow_notes *notes);
/* The documents of meta->docnos as staged in stage (files relative to OUT:
 * "MON/statements/..."), numbered first_number, +1, ... with their SHA-256,
 * for ledger_finalize_req.documents. */
int flow_docnos_hash(const char *stage, const char *mon, const run_meta *meta,
                     int64_t first_number, arena *a, struct ledger_document **out, size_t *n,
                     flow_notes *notes);
/* The month's ordinal of run_id among its recorded runs, or of the run
 * being made when run_id is NULL (1 + the runs recorded). */
int flow_run_ordinal(ledger *lg, const char *mon, const char *run_id, int *ordinal,
                     flow_notes *notes);

/* ---- outputs.c ---- */
/* How a month's statements are written: by how many processes (0: every
 * core), with what progress (NULL: none). */
typedef struct flow_statements {
    int jobs;
    const flow_progress *progress;
} flow_statements;
/* Writes payments.csv, rejections.csv, (workbooks) payments.xlsx and the
 * statements into dir, corrections.csv for a correction, then
 * FLOW_RUN_ID_FILE, then syncs; 0 or -1 after a note. */
int flow_outputs_write(bool workbooks, const month_run *run, const budget_view *bv,
                       const run_meta *meta, const char *dir, const flow_statements *how,
                       flow_notes *notes);

/* ---- jobs.c ---- */
/* The online cores (sysconf), at least 1: the default number of processes. */
int flow_jobs_default(void);
/* Writes dir/statements/ID.xlsx for every nursery of run by how->jobs
 * processes; 0, or -1 with the first failure's message in err (errno set
 * when err is empty). */
int flow_jobs_statements(const month_run *run, const run_meta *meta, const char *dir,
                         const flow_statements *how, char *err, size_t errsz);
/* Tasks 0..n-1 run in `jobs` worker processes (each worker takes the next
 * task when it is free, one after another, so a worker reuses its memory),
 * each task's stdout and stderr held in a temporary file.  In the parent,
 * in task order: the task's stderr is copied to err, then finish(i, rc)
 * decides (returns EXIT_OK to go on), then the task's stdout is copied to
 * out if it did and pg (may be NULL) counts the task done.  After a
 * failure the workers are stopped and finish(i, -1) lets each later task
 * clean up.  Returns the first failing code, or EXIT_OK; the pool's own
 * troubles (no process, no temporary file) go to notes. */
typedef int (*flow_task_fn)(int i, void *ctx);
typedef int (*flow_finish_fn)(int i, int rc, void *ctx);
int flow_jobs_ordered(int n, int jobs, flow_task_fn task, flow_finish_fn finish, void *ctx,
                      const flow_progress *pg, FILE *out, FILE *err, flow_notes *notes);

/* ---- archive.c ---- */
/* Exit codes: EXIT_OK; EXIT_INVALID when archived rules no longer load;
 * EXIT_DIFFERENT when a stored file is damaged or missing, or the inputs no
 * longer compute; EXIT_INTERNAL for an I/O error.  Problems in notes. */
/* One stored file's bytes, into a (NUL-terminated). */
int flow_archive_file(ledger *lg, const ledger_file *f, arena *a, const char **data, size_t *len,
                      flow_notes *notes);
/* The files of role "rules" among files (a run's or a settlement's) loaded
 * into rs (zeroed first; rules_free it); their bytes in a. */
int flow_archive_rules(ledger *lg, const ledger_file *files, size_t n, rule_set *rs, arena *a,
                       flow_notes *notes);
/* The run's file of a LEDGER_ROLE_*, or NULL. */
const ledger_file *flow_archive_role(const ledger_run *r, int role);
/* The run's three input files. */
int flow_archive_inputs(ledger *lg, const ledger_run *r, input_file in[INPUT_COUNT], arena *a,
                        flow_notes *notes);
/* Run r of month m recomputed from its archive alone: its rules (their
 * display paths under rules_dir when not NULL), its inputs, the engine. */
typedef struct flow_archived {
    arena a;          /* the archived bytes */
    rule_set rules;
    month_run run;    /* valid when computed */
    bool computed;
} flow_archived;
int flow_archive_month(ledger *lg, const ledger_run *r, claim_month m, const char *rules_dir,
                       flow_archived *out, flow_notes *notes);
void flow_archived_free(flow_archived *x);
/* The recomputed month against what run r paid, row by row in nursery ×
 * program order: each step gives the ledger's row and the recomputed one
 * (either NULL when that side has none). */
typedef struct flow_paid_walk {
    rowmerge m;
    payment_row *now;
    size_t n_now;
} flow_paid_walk;
void flow_paid_walk_start(flow_paid_walk *w, const month_run *run, const ledger_run *r);
bool flow_paid_walk_next(flow_paid_walk *w, const ledger_payment **paid, const payment_row **now);
/* False when the ledger's rows were not in key order (the walk stopped). */
bool flow_paid_walk_end(flow_paid_walk *w);

/* ---- restore.c ---- */
/* Makes OUT/M hold the month's finalized run if the ledger has one and
 * OUT/M does not (see publish.c: the states a crash leaves): publishes a
 * dead process's staged copy, or rebuilds the outputs from the ledger's
 * archive.  force: also when OUT/M has no record of its run, and "nothing
 * to restore" said when it holds it.  EXIT_OK, or an exit code after a
 * note. */
int flow_restore_month_in(const flow_paths *paths, ledger *lg, claim_month m, bool force,
                          const flow_statements *how, flow_notes *notes);
/* The budget view as run r's finalization saw it: each other month of the
 * fiscal year by its run current before r's event, and the settlement
 * current then; false if it does not fit. */
bool flow_budget_as_finalized(const month_run *run, ledger *lg, const ledger_run *r,
                              budget_view *bv, arena *keep);
/* The correction recorded by run r (SPEC 6.1) into c, and meta->correction
 * pointing at it. */
int flow_recorded_correction(ledger *lg, const ledger_run *r, const month_run *run, arena *a,
                             run_correction *c, run_meta *meta, flow_notes *notes);

/* ---- approve.c ---- */
/* T5 (publish.c): OUT/M/payments.xlsx written anew with the approval block
 * as the ledger stands (after an approval or a transfer file is recorded),
 * from the ledger's archive; *written (in keep) the file, or NULL when OUT/M
 * holds another run.  EXIT_OK or an exit code after a note (the step
 * recorded stands). */
int flow_signoff_republish(const flow_paths *paths, ledger *lg, claim_month m, arena *keep,
                           const char **written, flow_notes *notes);

/* ---- signoff.c ---- */
/* The operators files the ledger holds, loaded into rs (rules_free it),
 * their problems in d; n_files (may be NULL) how many; first_seq (may be
 * NULL) the first event that brought each of rs->files into the ledger (in
 * rs's arena).  0, or -1 when the ledger could not be read. */
int flow_ledger_operators(ledger *lg, rule_set *rs, diag_list *d, size_t *n_files,
                          const int64_t **first_seq);

/* ---- replay.c ---- */
/* Run r of month m recomputed from the ledger alone and compared with what
 * was paid (and, for a correction, with the recorded differences): the
 * comparison as result lines.  EXIT_OK identical, EXIT_DIFFERENT, or
 * another exit code.  Touches no output directory. */
int flow_replay_run(ledger *lg, const ledger_run *r, claim_month m, flow_notes *notes);

/* ---- settle.c ---- */
/* A settlement recomputed against the one recorded, row by row in nursery
 * × program order: each difference as a result line, then the count;
 * returns the number of differences. */
size_t flow_settle_compare(const settlement *st, const ledger_settlement *rec, flow_notes *notes);
/* `kasan replay --settlement FY` (opening the ledger under paths) and the
 * same within `kasan audit report` (lg borrowed; *settle_id, in a, the
 * settlement replayed): -1 when fy has no finalized settlement, else
 * EXIT_OK, EXIT_DIFFERENT or another exit code. */
int flow_settle_replay(const flow_paths *paths, int fy, flow_notes *notes);
int flow_settle_replay_in(ledger *lg, int fy, flow_notes *notes, arena *a,
                          const char **settle_id);
/* `kasan restore --settlement FY`. */
int flow_settle_restore(const flow_paths *paths, int fy, const flow_progress *pg,
                        flow_notes *notes);

/* ---- forms.c ---- */
/* What forms and intake both load first: the rules, the terms in force for
 * the month, the claim schema built from them and the nursery registry. */
typedef struct form_setup {
    rule_set rs;
    const rule_terms *terms;
    claim_schema schema;
    registry reg;
    arena a;
} form_setup;
/* EXIT_OK or another exit code after notes.  Always form_setup_free() after. */
int form_setup_load(const flow_paths *paths, claim_month m, form_setup *fs, flow_notes *notes);
void form_setup_free(form_setup *fs);

/* ---- transfer.c ---- */
/* Which earlier transfer of a subject (a month, or a settlement's fiscal
 * year when month is NULL) was paid: the latest of its transfers (t, oldest
 * first) whose run is not run_id — what a new file tops up — or NULL;
 * whether run_id has a transfer already; and how many files the subject has. */
const ledger_transfer *flow_transfer_paid_before(const char *month, int fy, const char *run_id,
                                                 const ledger_transfer *t, size_t n,
                                                 bool *current_done, size_t *n_files);

/* ---- owed.c: what is owed, against what was transferred ---- */
#define FLOW_BASE_TRANSFERRED "transferred" /* ledger_transfer.base_kind */
typedef struct flow_owed {
    bool transferred;             /* a transfer event was counted */
    flow_transfer_line *paid;     /* what was transferred, per nursery × program, sorted */
    size_t n_paid;
    int64_t paid_total;
    const char *last_run_id;      /* the run (settle_id) transferred last, NULL if none */
    const char **runs;            /* each run transferred, once */
    size_t n_runs;
    int64_t *events;              /* the transfer events counted (reissues included) */
    size_t n_events;
} flow_owed;
flow_transfer_line *flow_lines_of_run(const ledger_run *r, arena *a, size_t *n);
/* A settlement's 追加交付 per nursery × program (its positive amounts). */
flow_transfer_line *flow_lines_of_settlement(const ledger_settlement *s, arena *a, size_t *n);
/* What the transfer files of a month (month NULL: of FY fy's settlement)
 * paid, from the events before before_seq (0: all), a run except_run's
 * own files left out (a reissue is planned over what came before it). */
int flow_owed_transferred(ledger *lg, const char *month, int fy, const char *except_run,
                          int64_t before_seq, arena *a, flow_owed *o, flow_notes *notes);
/* Fills c's transferred, owed and transfer events for run (a correction),
 * as the transfer events before before_seq (0: all) stand. */
int flow_owed_of_run(ledger *lg, const month_run *run, int64_t before_seq, arena *a,
                     run_correction *c, flow_notes *notes);

/* ---- refund.c ---- */
struct flow_refund_res;
/* FY fy's receivables and receipts on an open ledger (the audit report's
 * 返還 sheet): EXIT_USAGE when the year has no settlement. */
int flow_refund_read(ledger *lg, int fy, struct flow_refund_res *res);
/* budget_close.c: the year's accounts around its closing (flow.h). */
int flow_budget_closing_read(ledger *lg, const rule_set *rs, int fy, flow_budget_closing *c);

/* ---- transfer_files.c ---- */
/* Writes into dir the transfer files the ledger recorded for a month (or,
 * month NULL, for FY settlement_fy's settlement) from the bytes it kept:
 * all of them (outputs rebuilt), or only those missing from dir.  Each one
 * whose bytes are gone from the ledger is said and added to *lost, and the
 * others are written all the same; EXIT_INTERNAL on a fault. */
int flow_transfer_restore_files(ledger *lg, const char *month, int settlement_fy, const char *dir,
                                bool only_missing, int *lost, flow_notes *notes);

#endif
