/* yaml: libyaml's event stream → a small tree of scalars, sequences and
 * mappings that remembers where each node starts, so every later message
 * can name file:line:col.  Depth and size are bounded; aliases refused. */
#include <string.h>
#include <yaml.h>

#include "rules_int.h"

typedef struct ybuild {
    yaml_parser_t p;
    const char *file;
    arena *a;
    diag_list *d;
    size_t nodes;
} ybuild;

static void ynode_push(ybuild *b, ynode *parent, ynode *child, size_t *cap)
{
    if (parent->n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        ynode **items = arena_calloc(b->a, c, sizeof *items);
        if (parent->n)
            memcpy(items, parent->items, parent->n * sizeof *items);
        parent->items = items;
        *cap = c;
    }
    parent->items[parent->n++] = child;
}

static ynode *ybuild_node(ybuild *b, const yaml_event_t *e, int depth);

static ynode *ybuild_children(ybuild *b, ynode *n, yaml_event_type_t end, int depth)
{
    size_t cap = 0;
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&b->p, &e)) {
            diag_error(b->d, b->file, (int)b->p.problem_mark.line + 1,
                       (int)b->p.problem_mark.column + 1, "YAML: %s",
                       b->p.problem ? b->p.problem : "syntax error");
            return NULL;
        }
        if (e.type == end) {
            yaml_event_delete(&e);
            break;
        }
        ynode *c = ybuild_node(b, &e, depth + 1);
        yaml_event_delete(&e);
        if (!c)
            return NULL;
        ynode_push(b, n, c, &cap);
    }
    if (n->kind == Y_MAP && n->n % 2) {
        diag_error(b->d, b->file, n->line, n->col, "YAML: mapping is missing a value");
        return NULL;
    }
    return n;
}

static ynode *ybuild_node(ybuild *b, const yaml_event_t *e, int depth)
{
    int line = (int)e->start_mark.line + 1, col = (int)e->start_mark.column + 1;
    if (depth > YAML_MAX_DEPTH || ++b->nodes > YAML_MAX_NODES) {
        diag_error(b->d, b->file, line, col, "YAML: document too deep or too large");
        return NULL;
    }
    ynode *n = arena_alloc(b->a, sizeof *n);
    n->line = line;
    n->col = col;
    n->start = e->start_mark.index;
    n->end = e->end_mark.index;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        n->kind = Y_SCALAR;
        n->s = arena_strndup(b->a, (const char *)e->data.scalar.value, e->data.scalar.length);
        n->len = e->data.scalar.length;
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->block = e->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                   e->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        if (e->data.scalar.anchor)
            goto anchor;
        return n;
    case YAML_SEQUENCE_START_EVENT:
        if (e->data.sequence_start.anchor)
            goto anchor;
        n->kind = Y_SEQ;
        return ybuild_children(b, n, YAML_SEQUENCE_END_EVENT, depth);
    case YAML_MAPPING_START_EVENT:
        if (e->data.mapping_start.anchor)
            goto anchor;
        n->kind = Y_MAP;
        return ybuild_children(b, n, YAML_MAPPING_END_EVENT, depth);
    case YAML_ALIAS_EVENT:
    default: break;
    }
anchor:
    diag_error(b->d, b->file, line, col,
               "YAML: anchors and aliases (&, *) are not allowed in rule files");
    return NULL;
}

ynode *yaml_tree(const char *file, const char *data, size_t len, arena *a, diag_list *d)
{
    ybuild b = {.file = file, .a = a, .d = d};
    if (!yaml_parser_initialize(&b.p))
        return NULL;
    yaml_parser_set_input_string(&b.p, (const unsigned char *)data, len);
    ynode *root = NULL;
    bool done = false;
    while (!done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&b.p, &e)) {
            diag_error(d, file, (int)b.p.problem_mark.line + 1, (int)b.p.problem_mark.column + 1,
                       "YAML: %s", b.p.problem ? b.p.problem : "syntax error");
            root = NULL;
            break;
        }
        switch (e.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT: break;
        default:
            if (root) {
                diag_error(d, file, (int)e.start_mark.line + 1, (int)e.start_mark.column + 1,
                           "YAML: one document per rule file");
                done = true;
                root = NULL;
                break;
            }
            root = ybuild_node(&b, &e, 0);
            if (!root)
                done = true;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&b.p);
    if (root && root->kind != Y_MAP) {
        diag_error(d, file, root->line, root->col, "a rule file is a mapping of keys to values");
        return NULL;
    }
    return root;
}

const ynode *ymap_get(const ynode *map, const char *key)
{
    if (!map || map->kind != Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->kind == Y_SCALAR && !strcmp(map->items[i]->s, key))
            return map->items[i + 1];
    return NULL;
}
