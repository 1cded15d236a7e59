/* archive: a run's (or a settlement's) rule files and inputs as the ledger
 * archived them, loaded back for replay, restore, transfer and the
 * settlement.  Not here: recomputing or comparing (replay.c), writing
 * outputs (outputs.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/ledger.h"

/* Loads the archived rule files of a run into rs. */
int replay_archived_rule_files(ledger *lg, const ledger_file *files, size_t n, rule_set *rs,
                               arena *a, const char *who)
{
    size_t k = 0;
    rule_file *rf = arena_calloc(a, n + 1, sizeof *rf);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].role, ledger_role_name(LEDGER_ROLE_RULES)))
            continue;
        char *data;
        size_t len;
        int st = ledger_blob_get(lg, files[i].sha256, &data, &len);
        if (st != LEDGER_OK) {
            fprintf(stderr, "%s: archived rule file %s: %s\n", who, files[i].name,
                    ledger_errmsg(lg));
            return st == LEDGER_CORRUPT ? EXIT_DIFFERENT : EXIT_INTERNAL;
        }
        rf[k].path = arena_printf(a, "ledger:%s", files[i].name);
        rf[k].name = files[i].name;
        rf[k].data = arena_strndup(a, data, len);
        rf[k].len = len;
        k++;
        free(data);
    }
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_files(rf, k, rs, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

int replay_archived_rules(ledger *lg, const ledger_run *r, rule_set *rs, arena *a)
{
    return replay_archived_rule_files(lg, r->files, r->n_files, rs, a, "kasan replay");
}

int replay_archived_inputs(ledger *lg, const ledger_run *r, input_file in[INPUT_COUNT],
                                arena *a)
{
    for (int k = 0; k < INPUT_COUNT; k++) {
        const ledger_file *f = NULL;
        for (size_t i = 0; i < r->n_files; i++)
            if (!strcmp(r->files[i].role, cli_input_role(k)))
                f = &r->files[i];
        if (!f) {
            fprintf(stderr, "kasan replay: the ledger holds no %s file for run %s\n", cli_input_role(k),
                    r->run_id);
            return EXIT_DIFFERENT;
        }
        char *data;
        size_t len;
        int st = ledger_blob_get(lg, f->sha256, &data, &len);
        if (st != LEDGER_OK) {
            fprintf(stderr, "kasan replay: archived %s: %s\n", f->name, ledger_errmsg(lg));
            return st == LEDGER_CORRUPT ? EXIT_DIFFERENT : EXIT_INTERNAL;
        }
        in[k].name = f->name;
        in[k].data = arena_strndup(a, data, len);
        in[k].len = len;
        free(data);
    }
    return EXIT_OK;
}
