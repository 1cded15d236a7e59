/* access: the access log of personal data (個人情報・要配慮個人情報): who was
 * shown children's care types or bank accounts, what and when.  A page or
 * download that shows them writes its entry first, through the procedure
 * every front-end uses (flow_access_record: the ledger database's
 * access_log table, outside the money hash chain; `kasan audit access
 * --from D --to D` prints it), and is not shown if the entry cannot be
 * written.  Not here: deciding what is personal (the pages that show it). */
#include <stdio.h>

#include "kasan/flow_view.h"
#include "web_int.h"

int web_access_log(web_ctx *c, const char *what)
{
    if (!c->have_session || !c->s.logged_in || !what || !*what)
        return -1;
    flow_notes notes = {0};
    int rc = flow_access_record(c->app->cfg->out_dir, c->s.op.id, "web", what, &notes);
    if (rc != EXIT_OK)
        for (size_t i = 0; i < notes.n; i++)
            fprintf(stderr, "kasan serve: %s\n", notes.v[i].text);
    flow_notes_free(&notes);
    return rc == EXIT_OK ? 0 : -1;
}
