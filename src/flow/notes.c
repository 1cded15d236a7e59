/* notes: what a procedure gives a person to read, as data (flow.h) — its
 * messages, diagnostics and result lines in the order they arose, the note
 * every refusal ends with — and yen as a person reads them.  Not here:
 * showing them (the front-end: src/cli prints them to stderr and stdout). */
#include "flow_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/num.h"

static void add(flow_notes *n, flow_note_kind kind, char *text)
{
    if (n->n == n->cap) {
        n->cap = n->cap ? 2 * n->cap : 8;
        n->v = realloc(n->v, n->cap * sizeof *n->v);
        if (!n->v)
            abort(); /* as every allocation failure of kasan */
    }
    n->v[n->n++] = (flow_note){kind, text};
}

void flow_say(flow_notes *n, flow_note_kind kind, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = len < 0 ? NULL : malloc((size_t)len + 1);
    if (!text)
        abort();
    vsnprintf(text, (size_t)len + 1, fmt, again);
    va_end(again);
    add(n, kind, text);
}

void flow_say_diags(flow_notes *n, const diag_list *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    diag_print(d, f); /* the one form of a diagnostic (core/diag.c) */
    fclose(f);
    for (char *line = buf; line && *line;) {
        size_t k = strcspn(line, "\n");
        char *text = strndup(line, k);
        if (!text)
            abort();
        add(n, FLOW_NOTE_LINE, text);
        line += k + (line[k] == '\n');
    }
    free(buf);
}

void flow_notes_free(flow_notes *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i].text);
    free(n->v);
    memset(n, 0, sizeof *n);
}

void flow_refusal_note(flow_notes *notes, ledger *lg, int64_t seq, const char *hash)
{
    if (seq)
        flow_say(notes, FLOW_NOTE_LINE, "  the refusal is recorded in the audit trail: event "
                 "%lld (anchor %lld:%s)", (long long)seq, (long long)seq, hash);
    else
        flow_say(notes, FLOW_NOTE_SAY, "warning: %s", ledger_errmsg(lg));
}

const char *flow_yen(int64_t v, bool sign, char buf[FLOW_YEN_LEN])
{
    char g[FLOW_YEN_LEN - 1]; /* room for the sign */
    num_format_grouped(num_int(v), g, sizeof g);
    snprintf(buf, FLOW_YEN_LEN, "%s%s", sign && v >= 0 ? "+" : "", g);
    return buf;
}
