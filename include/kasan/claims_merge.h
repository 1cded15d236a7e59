/* claims_merge: a month's claim file (children.csv or nurses.csv) with the
 * lines of some nurseries replaced and every other line left as it was
 * (SPEC 8.2, issue 21 item 13): forms arrive one by one, so intake adds or
 * replaces exactly the nurseries of the forms it is given.
 *
 * Both sides are CSV text (UTF-8, with or without BOM): the file as it is
 * ("old") and the lines made from the forms ("fresh", forms_csv: a header,
 * then lines sorted by nursery id).  Lines are told apart by their
 * nursery_id field.  The old file keeps its header, its line endings, its
 * BOM and every line of another nursery byte for byte; the fresh lines are
 * written in the old file's columns and placed before the first kept line
 * of a later nursery id (so a file in nursery order stays in order).  A
 * column the fresh lines have and the old file lacks (a file typed by hand
 * has no `form` column) is appended to the header, and each kept line gains
 * an empty cell for it: its values are unchanged.
 *
 * Not here: whether a nursery may be replaced (src/flow/intake.c), what a
 * claim line means (claims.c), reading forms (forms_read.c).  Nothing here
 * allocates from an arena: out is the caller's strbuf. */
#ifndef KASAN_CLAIMS_MERGE_H
#define KASAN_CLAIMS_MERGE_H
#include <stddef.h>

#include "kasan/diag.h"
#include "kasan/strbuf.h"

/* counts[i] = the lines of nursery ids[i] in the CSV data (its nursery_id
 * column); counts zeroed first.  0, or -1 after a problem in d (not
 * readable CSV, no nursery_id column). */
int claims_count_lines(const char *name, const char *data, size_t len, const char *const *ids,
                       size_t n_ids, size_t *counts, diag_list *d);

typedef struct claims_merge_stats {
    size_t kept;         /* old lines of other nurseries, kept */
    size_t removed;      /* old lines of ids[], removed */
    size_t added;        /* fresh lines written */
    size_t new_columns;  /* columns appended to the old header */
    char new_column_names[256]; /* their names, ", "-separated (cut if long) */
} claims_merge_stats;

/* Appends to out the old file (old NULL: none; then fresh as it is) with
 * every line of the nurseries ids[0..n_ids) removed and fresh's lines put
 * in.  Every fresh line must be of one of ids.  A CP932 old file is refused
 * (its bytes could not stay as they are beside UTF-8 lines).  0, or -1
 * after a problem in d, out then holding nothing usable. */
int claims_merge(const char *name, const char *old, size_t old_len, const char *fresh,
                 size_t fresh_len, const char *const *ids, size_t n_ids, strbuf *out,
                 claims_merge_stats *st, diag_list *d);

#endif
