/* parse: formula text → syntax tree (recursive descent, one function per
 * precedence level).  Nesting is bounded (EXPR_MAX_DEPTH) so no input can
 * exhaust the stack.  Precedence, loosest first:
 *   if-then-else, or, and, not, comparison/in, + -, * /, unary -, postfix. */
#include <string.h>

#include "expr_int.h"

typedef struct parser {
    lexer lx;
    const char *text;
    const expr_src *src;
    arena *a;
    diag_list *d;
    int depth;
    bool failed;
} parser;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Exact position: walk the scalar in the file, matching the formula's
 * non-blank bytes (YAML folding and indentation only change blanks). */
static void pos_in_file(const expr_src *src, const char *text, int off, int *line, int *col)
{
    size_t k = 0;
    for (int i = 0; i < off && text[i]; i++)
        k += !is_space(text[i]);
    const char *p = src->origin, *end = src->origin_end;
    int l = src->line, c = src->col;
    if (src->folded) {
        while (p < end && *p != '\n')
            p++;
    } else if (src->quoted) {
        p++, c++;
    }
    for (; p < end; p++) {
        if (*p == '\n') {
            l++, c = 1;
            continue;
        }
        if (!is_space(*p)) {
            if (k == 0)
                break;
            k--;
        }
        if (((unsigned char)*p & 0xC0) != 0x80)
            c++;
    }
    *line = l;
    *col = c;
}

void exprP_pos(const expr_src *src, const char *text, int off, int *line, int *col)
{
    if (src->origin) {
        pos_in_file(src, text, off, line, col);
        return;
    }
    int l = src->line, c = src->col;
    for (int i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            l++;
            c = src->folded ? 3 : 1; /* block scalars are indented; approximate */
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    if (src->folded && l == src->line)
        l++, c = 3 + off; /* a block scalar's text starts on the next line */
    *line = l;
    *col = c;
}

static void perr(parser *p, const token *t, const char *what)
{
    if (p->failed)
        return;
    p->failed = true;
    int line, col;
    exprP_pos(p->src, p->text, t->off, &line, &col);
    if (t->kind == TK_EOF)
        diag_error(p->d, p->src->file, line, col, "formula: %s at end of formula", what);
    else
        diag_error(p->d, p->src->file, line, col, "formula: %s near '%.*s'", what, (int)t->len,
                   t->s);
}

static enode *node(parser *p, op o, int off)
{
    enode *n = arena_alloc(p->a, sizeof *n);
    n->op = o;
    n->off = off;
    n->src = p->src;
    return n;
}

static bool accept(parser *p, tok_kind k)
{
    if (p->lx.tok.kind != k)
        return false;
    exprL_next(&p->lx);
    return true;
}

static bool expect(parser *p, tok_kind k)
{
    if (accept(p, k))
        return true;
    char msg[64];
    snprintf(msg, sizeof msg, "expected %s", exprL_name(k));
    perr(p, &p->lx.tok, msg);
    return false;
}

static enode *parse_expr(parser *p);
static enode *parse_or(parser *p);

/* Bounds recursion: every nesting construct passes through here. */
static bool deeper(parser *p)
{
    if (++p->depth <= EXPR_MAX_DEPTH)
        return true;
    perr(p, &p->lx.tok, "formula is nested too deeply");
    return false;
}

static enode *parse_number(parser *p)
{
    token t = p->lx.tok;
    char buf[64];
    size_t n = 0;
    for (size_t i = 0; i < t.len; i++)
        if (t.s[i] != '_' && n < sizeof buf - 1)
            buf[n++] = t.s[i];
    enode *e = node(p, OP_NUM, t.off);
    num_status st = num_parse(buf, n, &e->k.n);
    if (st != NUM_OK || t.len >= sizeof buf) {
        perr(p, &t, st == NUM_OK ? "number has too many digits" : num_strerror(st));
        return NULL;
    }
    e->type = num_is_int(e->k.n) && !memchr(t.s, '.', t.len) ? VT_INT : VT_NUMBER;
    exprL_next(&p->lx);
    if (accept(p, TK_YEN)) {
        if (e->type != VT_INT) {
            perr(p, &t, "an amount of yen must be whole");
            return NULL;
        }
        e->type = VT_YEN;
    }
    return e;
}

static enode *parse_string(parser *p)
{
    token t = p->lx.tok;
    enode *e = node(p, OP_STR, t.off);
    char *s = arena_alloc(p->a, t.len);
    size_t n = 0;
    for (size_t i = 1; i + 1 < t.len; i++) {
        if (t.s[i] == '\\')
            i++;
        s[n++] = t.s[i];
    }
    s[n] = '\0';
    e->name = s;
    e->name_len = n;
    e->type = VT_TEXT;
    exprL_next(&p->lx);
    return e;
}

static enode *parse_call(parser *p, enode *e)
{
    enode *args[EXPR_MAX_ARGS];
    int n = 0;
    e->op = OP_CALL;
    if (!accept(p, TK_RPAREN)) {
        do {
            if (n == EXPR_MAX_ARGS) {
                perr(p, &p->lx.tok, "too many arguments");
                return NULL;
            }
            if (!(args[n++] = parse_expr(p)))
                return NULL;
        } while (accept(p, TK_COMMA));
        if (!expect(p, TK_RPAREN))
            return NULL;
    }
    e->nargs = n;
    e->args = arena_calloc(p->a, (size_t)n + 1, sizeof *e->args);
    memcpy(e->args, args, (size_t)n * sizeof *args);
    return e;
}

static enode *parse_primary(parser *p)
{
    token t = p->lx.tok;
    switch (t.kind) {
    case TK_NUM: return parse_number(p);
    case TK_STR: return parse_string(p);
    case TK_TRUE:
    case TK_FALSE: {
        enode *e = node(p, OP_BOOL, t.off);
        e->k.b = t.kind == TK_TRUE;
        e->type = VT_BOOL;
        exprL_next(&p->lx);
        return e;
    }
    case TK_LPAREN: {
        exprL_next(&p->lx);
        enode *e = parse_expr(p);
        return e && expect(p, TK_RPAREN) ? e : NULL;
    }
    case TK_IDENT: {
        enode *e = node(p, OP_NAME, t.off);
        e->name = arena_strndup(p->a, t.s, t.len);
        e->name_len = t.len;
        exprL_next(&p->lx);
        if (accept(p, TK_LPAREN))
            return parse_call(p, e);
        return e;
    }
    case TK_ERROR:
        perr(p, &t, t.s[0] == '"' ? "unterminated text (a closing \" is missing)"
                                  : "invalid character");
        return NULL;
    default: perr(p, &t, "expected a value"); return NULL;
    }
}

static enode *parse_postfix(parser *p)
{
    int depth = p->depth; /* each [ ] or where below nests the tree one level */
    enode *e = parse_primary(p);
    while (e) {
        token t = p->lx.tok;
        if ((t.kind == TK_LBRACK || t.kind == TK_WHERE) && !deeper(p))
            return NULL;
        if (accept(p, TK_LBRACK)) {
            enode *x = node(p, OP_INDEX, t.off);
            x->a = e;
            x->b = parse_expr(p);
            if (!x->b || !expect(p, TK_RBRACK))
                return NULL;
            e = x;
        } else if (accept(p, TK_WHERE)) {
            enode *x = node(p, OP_WHERE, t.off);
            x->a = e;
            if (!(x->b = parse_or(p)))
                return NULL;
            e = x;
        } else {
            break;
        }
    }
    p->depth = depth;
    return e;
}

static enode *parse_unary(parser *p)
{
    token t = p->lx.tok;
    if (accept(p, TK_MINUS)) {
        enode *e = node(p, OP_NEG, t.off);
        if (!deeper(p))
            return NULL;
        e->a = parse_unary(p);
        p->depth--;
        return e->a ? e : NULL;
    }
    return parse_postfix(p);
}

/* A chain a + b + c ... makes a left-deep tree, as deep as the chain is
 * long, and the type checker and evaluator recurse over it: each link counts
 * as a level of nesting until the chain ends (the caller restores p->depth). */
static enode *binary(parser *p, op o, const token *t, enode *l, enode *(*rhs)(parser *))
{
    if (!deeper(p))
        return NULL;
    enode *e = node(p, o, t->off);
    e->a = l;
    e->b = rhs(p);
    return e->b ? e : NULL;
}

static enode *parse_mul(parser *p)
{
    int depth = p->depth;
    enode *e = parse_unary(p);
    while (e) {
        token t = p->lx.tok;
        if (accept(p, TK_STAR))
            e = binary(p, OP_MUL, &t, e, parse_unary);
        else if (accept(p, TK_SLASH))
            e = binary(p, OP_DIV, &t, e, parse_unary);
        else
            break;
    }
    p->depth = depth;
    return e;
}

static enode *parse_add(parser *p)
{
    int depth = p->depth;
    enode *e = parse_mul(p);
    while (e) {
        token t = p->lx.tok;
        if (accept(p, TK_PLUS))
            e = binary(p, OP_ADD, &t, e, parse_mul);
        else if (accept(p, TK_MINUS))
            e = binary(p, OP_SUB, &t, e, parse_mul);
        else
            break;
    }
    p->depth = depth;
    return e;
}

static enode *parse_cmp(parser *p)
{
    static const struct {
        tok_kind k;
        op o;
    } cmps[] = {{TK_EQ, OP_EQ}, {TK_NE, OP_NE}, {TK_LT, OP_LT}, {TK_LE, OP_LE},
                {TK_GT, OP_GT}, {TK_GE, OP_GE}, {TK_IN, OP_IN}};
    enode *e = parse_add(p);
    if (!e)
        return NULL;
    token t = p->lx.tok;
    int depth = p->depth;
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++)
        if (accept(p, cmps[i].k)) {
            e = binary(p, cmps[i].o, &t, e, parse_add);
            p->depth = depth;
            return e;
        }
    return e;
}

static enode *parse_not(parser *p)
{
    token t = p->lx.tok;
    if (accept(p, TK_NOT)) {
        enode *e = node(p, OP_NOT, t.off);
        if (!deeper(p))
            return NULL;
        e->a = parse_not(p);
        p->depth--;
        return e->a ? e : NULL;
    }
    return parse_cmp(p);
}

static enode *parse_and(parser *p)
{
    int depth = p->depth;
    enode *e = parse_not(p);
    while (e) {
        token t = p->lx.tok;
        if (!accept(p, TK_AND))
            break;
        e = binary(p, OP_AND, &t, e, parse_not);
    }
    p->depth = depth;
    return e;
}

static enode *parse_or(parser *p)
{
    int depth = p->depth;
    enode *e = parse_and(p);
    while (e) {
        token t = p->lx.tok;
        if (!accept(p, TK_OR))
            break;
        e = binary(p, OP_OR, &t, e, parse_and);
    }
    p->depth = depth;
    return e;
}

static enode *parse_expr(parser *p)
{
    if (!deeper(p))
        return NULL;
    enode *e;
    token t = p->lx.tok;
    if (accept(p, TK_IF)) {
        e = node(p, OP_IF, t.off);
        if (!(e->a = parse_expr(p)) || !expect(p, TK_THEN) || !(e->b = parse_expr(p)) ||
            !expect(p, TK_ELSE) || !(e->c = parse_expr(p)))
            e = NULL;
    } else {
        e = parse_or(p);
    }
    p->depth--;
    return e;
}

enode *exprP_parse(const char *text, const expr_src *src, arena *a, diag_list *d)
{
    parser p = {.text = text, .src = src, .a = a, .d = d};
    exprL_init(&p.lx, text);
    enode *e = parse_expr(&p);
    if (e && p.lx.tok.kind != TK_EOF) {
        perr(&p, &p.lx.tok, "unexpected text after the formula");
        e = NULL;
    }
    if (p.lx.tok.kind == TK_ERROR)
        perr(&p, &p.lx.tok, "invalid character or unterminated text");
    return p.failed ? NULL : e;
}
