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
    /* where the node's value is computed in its formula's flat code (flat.c):
     * instructions [x_first, x_end) leave it in register x_reg; x_reg < 0 for
     * a node fused into its parent's instruction (the x / y of round(x / y)) */
    const struct xcode *x;
    int x_first, x_end, x_reg;
};

/* ---- the flat form (flat.c lowers a checked tree, eval.c runs it) -------
 * A formula becomes one array of instructions over a register file of
 * values: registers [0, n_consts) hold the formula's constants, loaded
 * before a run; every other node writes its own register.  Branches (if,
 * and, or) are jumps; an aggregate's instruction is followed by its filter
 * and body code, which it runs once per line.  Operators whose operands are
 * whole by type (yen, days, whole numbers) get int64 instructions; only
 * where a fraction can arise does the code go through num's rationals. */
typedef enum xop {
    X_MOV, X_JMP, X_JF, X_JT, X_BAD,
    X_SLOT_N, X_SLOT_C, X_SLOT_S, X_DECL_C, X_DECL_S, X_MONTH_VAL, X_CTX,
    X_C_NURSERY_ID, X_C_CHILD_REF, X_C_CARE_TYPES, X_C_FROM, X_C_TO, X_C_DAYS,
    X_S_NURSERY_ID, X_S_STAFF_REF, X_S_QUALIFICATION, X_S_EMPLOYMENT, X_S_HOURS, X_S_SALARY,
    X_S_OTHER,
    X_NEG, X_ADD_I, X_SUB_I, X_MUL_I, X_ADD, X_SUB, X_MUL, X_DIV,
    X_ROUND, X_ROUND_DIV_I, X_ROUND_MUL,
    X_ROUND_MULDIV_I, /* round(a * b / c), all whole: a, b, c registers */
    X_MIN_I, X_MAX_I, X_MIN, X_MAX,
    X_CMP_I, X_CMP_NUM, X_CMP_DATE, X_CMP_TEXT, X_CMP_BOOL, X_CMP_SET,
    X_SET_HAS, X_SET_ANY, X_NOT, X_SELECT,
    X_TABLE, X_DATE_ADD, X_DATE_SUB, X_DATE_DIFF, X_DAYS_IN_MONTH, X_OVERLAP_DAYS,
    X_SUM_SLOT, X_SUM_SALARY, X_SUM_OTHER, X_COUNT_ALL, X_AGG, X_COUNT_DISTINCT,
    X_STORE_N, X_STORE_C, X_STORE_S, /* expr_joined: a formula's value into its slot (imm) */
} xop;

typedef struct xins xins;
/* An instruction's handler (eval.c): does its work, then calls the next
 * instruction's handler as its last act — a tail call, so each handler has
 * its own indirect jump for the processor to predict (threaded code) — and
 * stops at `end`.  False after a failure, recorded in c. */
typedef bool xfn(const xins *i, const xins *end, value *r, eval_ctx *c);

struct xins {
    xfn *fn;
    uint8_t op;      /* xop */
    uint8_t mode;    /* relation (OP_EQ…), round mode, AGG_* */
    uint8_t lines;   /* aggregates: 0 children, 1 staff, 2 months */
    uint8_t copy;    /* how the value it copies is copied: xcopy */
    int32_t dst, a, b, c, d; /* registers (d: overlap_days' fourth date) */
    /* relative to this instruction: jumps, the target; aggregates, the end
     * of the body (filter [1, c), body [c, jump), c relative too) */
    int32_t jump;
    int64_t imm;     /* slot, field, ctx which, rounding unit, care-set mask */
    const rule_table *tab;
    const enode *n;  /* the node whose failure this instruction reports */
    const enode *fused; /* round(x / y), round(x * y): the operator's node, for its failures */
};

typedef struct xcode {
    const xins *ins;
    int n_ins;
    const value *consts; /* loaded into registers [0, n_consts) */
    int n_consts, n_regs;
    int result;          /* register of the formula's value */
    uint8_t copy;        /* ... and how it is copied out (xcopy) */
} xcode;

/* Joined formulas: one code, the constants of all first (flat.c).  For
 * line formulas, instructions [0, n_pre) (the month's values: the same for
 * every line) run once before the lines, [n_pre, n_ins) once per line. */
struct expr_joined {
    xcode x;
    rule_scope scope;
    int n_pre;
};

/* Whether an instruction's c is a register (else unused or relative). */
static inline bool exprF_c_is_reg(int xo)
{
    return xo == X_OVERLAP_DAYS || xo == X_SELECT || xo == X_ROUND_MULDIV_I;
}

/* How a value is copied between registers and slots.  A 16-byte copy of a
 * number written as two 8-byte halves (n, then d) waits until both stores
 * have landed (the processor cannot forward them to one load), and most
 * copies are of numbers just computed: so whole ones go by the numerator
 * alone, other numbers too when whole at run time. */
typedef enum xcopy {
    XC_ANY,   /* not a number: the whole value */
    XC_WHOLE, /* whole by type (yen, days, whole numbers: d == 1 always, value.h) */
    XC_NUM,   /* a number that may be a fraction */
} xcopy;

/* Lowers a checked tree into its flat code (in a). */
const xcode *exprF_lower(arena *a, enode *root);
/* The handler of an operation (eval.c). */
xfn *exprE_handler(xop xo);

/* Parses a whole formula; NULL after reporting a syntax error. */
enode *exprP_parse(const char *text, const expr_src *src, arena *a, diag_list *d);
/* Resolves and type-checks in place; returns false after reporting. */
bool exprT_check(expr_compiler *c, enode *root, rule_scope scope, const char *text);
/* Line/column of a byte offset of a formula. */
void exprP_pos(const expr_src *src, const char *text, int off, int *line, int *col);

#endif
