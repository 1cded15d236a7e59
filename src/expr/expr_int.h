/* expr_int: the formula language's tokens and syntax tree, shared by the
 * stages in src/expr and by nothing else. */
#ifndef KASAN_EXPR_INT_H
#define KASAN_EXPR_INT_H
#include "kasan/expr.h"

enum { EXPR_MAX_DEPTH = 200, EXPR_MAX_ARGS = 32 };

typedef enum tok_kind {
    TK_EOF, TK_NUM, TK_STR, TK_IDENT,
    TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK, TK_COMMA,
    TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH,
    TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
    /* keywords */
    TK_IF, TK_THEN, TK_ELSE, TK_AND, TK_OR, TK_NOT, TK_IN, TK_WHERE, TK_TRUE, TK_FALSE, TK_YEN,
    TK_ERROR,
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *s;   /* start in the source */
    size_t len;
    int off;         /* byte offset in the formula */
} token;

typedef struct lexer {
    const char *src;
    size_t len, pos;
    token tok;       /* current token */
} lexer;

void exprL_init(lexer *lx, const char *src);
void exprL_next(lexer *lx);
const char *exprL_name(tok_kind k);

typedef enum op {
    /* from the parser */
    OP_NUM, OP_STR, OP_BOOL, OP_NAME, OP_CALL, OP_INDEX, OP_WHERE,
    OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN,
    OP_AND, OP_OR, OP_NOT, OP_IF,
    /* resolved by the type checker */
    OP_CONST,        /* k holds the value */
    OP_SLOT_N, OP_SLOT_C, OP_SLOT_S, /* formula slot of nursery / child / staff scope */
    OP_FIELD_C, OP_FIELD_S,          /* field of the current child / staff line */
    OP_DECL_C, OP_DECL_S,            /* declared column of it (slot = decl[] index) */
    OP_MONTH_VAL,    /* settlement: a monthly value of the current month (slot = value index) */
    OP_CTX,          /* month context: which = CTX_* */
    OP_DATE_ADD, OP_DATE_SUB_DAYS, OP_DATE_DIFF,
    OP_CMP_NUM, OP_CMP_DATE, OP_CMP_TEXT, OP_CMP_BOOL, OP_CMP_SET,
    OP_SET_HAS,      /* text in care set */
    OP_SET_ANY,      /* has_any(set, set) */
    OP_ROUND,        /* which = mode, unit in k.n */
    OP_MIN, OP_MAX,
    OP_AGG,          /* which = AGG_*, a = lines (maybe with filter in b), c = body */
    OP_TABLE,        /* table lookup: tab, a = key */
    OP_DAYS_IN_MONTH, OP_OVERLAP_DAYS, OP_DATE_OF,
} op;

enum ctx_which { CTX_DAYS_IN_MONTH, CTX_MONTH_START, CTX_MONTH_END, CTX_CHILDREN, CTX_STAFF,
                 CTX_MONTHS, CTX_REPORTED_SALARY, CTX_REPORTED_OTHER };
enum agg_which { AGG_SUM, AGG_COUNT, AGG_ANY, AGG_ALL, AGG_MIN, AGG_MAX, AGG_COUNT_DISTINCT };
enum field_child { FC_NURSERY_ID, FC_CHILD_REF, FC_CARE_TYPES, FC_FROM, FC_TO, FC_DAYS };
enum field_staff {
    FS_NURSERY_ID, FS_STAFF_REF, FS_QUALIFICATION, FS_EMPLOYMENT, FS_HOURS, FS_SALARY, FS_OTHER,
};

struct enode {
    op op;
    vtype type;
    int off;                 /* offset of the node's token in the formula */
    int which;               /* sub-kind: comparison, ctx, agg, field, round mode */
    int slot;
    enode *a, *b, *c;
    enode **args;
    int nargs;
    const char *name;        /* OP_NAME / OP_CALL / OP_STR */
    size_t name_len;
    value k;
    const rule_table *tab;
    const rule_value *rv;    /* the program value a slot or constant came from */
    vtype line_kind;         /* OP_AGG / OP_WHERE: VT_CHILDREN or VT_STAFF */
    const expr_src *src;     /* for positions */
};

/* Parses a whole formula; NULL after reporting a syntax error. */
enode *exprP_parse(const char *text, const expr_src *src, arena *a, diag_list *d);
/* Resolves and type-checks in place; returns false after reporting. */
bool exprT_check(expr_compiler *c, enode *root, rule_scope scope, const char *text);
/* Line/column of a byte offset of a formula. */
void exprP_pos(const expr_src *src, const char *text, int off, int *line, int *col);

#endif
