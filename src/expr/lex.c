/* lex: splits formula text into tokens.  Numbers may use '_' between digits
 * (55_000); strings are "double quoted"; '#' starts a comment to the end of
 * the line; 'yen' or 円 after a number makes it an amount of yen. */
#include <string.h>

#include "expr_int.h"

static const struct {
    const char *word;
    tok_kind kind;
} keywords[] = {
    {"if", TK_IF}, {"then", TK_THEN}, {"else", TK_ELSE}, {"and", TK_AND}, {"or", TK_OR},
    {"not", TK_NOT}, {"in", TK_IN}, {"where", TK_WHERE}, {"true", TK_TRUE},
    {"false", TK_FALSE}, {"yen", TK_YEN},
};

void exprL_init(lexer *lx, const char *src)
{
    lx->src = src;
    lx->len = strlen(src);
    lx->pos = 0;
    exprL_next(lx);
}

static int is_ident(int c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

static void lex_set(lexer *lx, tok_kind k, size_t start, size_t end)
{
    lx->tok.kind = k;
    lx->tok.s = lx->src + start;
    lx->tok.len = end - start;
    lx->tok.off = (int)start;
    lx->pos = end;
}

static void lex_number(lexer *lx, size_t p)
{
    size_t s = p;
    const char *t = lx->src;
    while (p < lx->len && ((t[p] >= '0' && t[p] <= '9') || (t[p] == '_' && p > s))) p++;
    if (p + 1 < lx->len && t[p] == '.' && t[p + 1] >= '0' && t[p + 1] <= '9') {
        p++;
        while (p < lx->len && t[p] >= '0' && t[p] <= '9') p++;
    }
    lex_set(lx, TK_NUM, s, p);
}

static void lex_string(lexer *lx, size_t p)
{
    size_t s = p++;
    const char *t = lx->src;
    while (p < lx->len && t[p] != '"' && t[p] != '\n') {
        if (t[p] == '\\' && p + 1 < lx->len)
            p++;
        p++;
    }
    if (p >= lx->len || t[p] != '"') {
        lex_set(lx, TK_ERROR, s, p);
        return;
    }
    lex_set(lx, TK_STR, s, p + 1);
}

static int two(lexer *lx, size_t p, char c) { return p + 1 < lx->len && lx->src[p + 1] == c; }

void exprL_next(lexer *lx)
{
    const char *t = lx->src;
    size_t p = lx->pos;
    for (;;) {
        while (p < lx->len && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r')) p++;
        if (p < lx->len && t[p] == '#') {
            while (p < lx->len && t[p] != '\n') p++;
            continue;
        }
        break;
    }
    if (p >= lx->len) {
        lex_set(lx, TK_EOF, p, p);
        return;
    }
    unsigned char c = (unsigned char)t[p];
    if (c >= '0' && c <= '9') {
        lex_number(lx, p);
        return;
    }
    if (is_ident(c, 1)) {
        size_t s = p;
        while (p < lx->len && is_ident((unsigned char)t[p], 0)) p++;
        lex_set(lx, TK_IDENT, s, p);
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (strlen(keywords[i].word) == p - s && !memcmp(keywords[i].word, t + s, p - s))
                lx->tok.kind = keywords[i].kind;
        return;
    }
    if (!strncmp(t + p, "円", strlen("円"))) {
        lex_set(lx, TK_YEN, p, p + strlen("円"));
        return;
    }
    switch (c) {
    case '"': lex_string(lx, p); return;
    case '(': lex_set(lx, TK_LPAREN, p, p + 1); return;
    case ')': lex_set(lx, TK_RPAREN, p, p + 1); return;
    case '[': lex_set(lx, TK_LBRACK, p, p + 1); return;
    case ']': lex_set(lx, TK_RBRACK, p, p + 1); return;
    case ',': lex_set(lx, TK_COMMA, p, p + 1); return;
    case '+': lex_set(lx, TK_PLUS, p, p + 1); return;
    case '-': lex_set(lx, TK_MINUS, p, p + 1); return;
    case '*': lex_set(lx, TK_STAR, p, p + 1); return;
    case '/': lex_set(lx, TK_SLASH, p, p + 1); return;
    case '=':
        lex_set(lx, two(lx, p, '=') ? TK_EQ : TK_ERROR, p, p + (two(lx, p, '=') ? 2 : 1));
        return;
    case '!':
        lex_set(lx, two(lx, p, '=') ? TK_NE : TK_ERROR, p, p + (two(lx, p, '=') ? 2 : 1));
        return;
    case '<':
        lex_set(lx, two(lx, p, '=') ? TK_LE : TK_LT, p, p + (two(lx, p, '=') ? 2 : 1));
        return;
    case '>':
        lex_set(lx, two(lx, p, '=') ? TK_GE : TK_GT, p, p + (two(lx, p, '=') ? 2 : 1));
        return;
    default: {
        /* one whole UTF-8 character, so the message shows it intact */
        size_t e = p + 1;
        while (e < lx->len && ((unsigned char)t[e] & 0xC0) == 0x80) e++;
        lex_set(lx, TK_ERROR, p, e);
    }
    }
}

const char *exprL_name(tok_kind k)
{
    static const char *names[] = {
        [TK_EOF] = "end of formula", [TK_NUM] = "number", [TK_STR] = "text",
        [TK_IDENT] = "name", [TK_LPAREN] = "'('", [TK_RPAREN] = "')'", [TK_LBRACK] = "'['",
        [TK_RBRACK] = "']'", [TK_COMMA] = "','", [TK_PLUS] = "'+'", [TK_MINUS] = "'-'",
        [TK_STAR] = "'*'", [TK_SLASH] = "'/'", [TK_EQ] = "'=='", [TK_NE] = "'!='",
        [TK_LT] = "'<'", [TK_LE] = "'<='", [TK_GT] = "'>'", [TK_GE] = "'>='", [TK_IF] = "'if'",
        [TK_THEN] = "'then'", [TK_ELSE] = "'else'", [TK_AND] = "'and'", [TK_OR] = "'or'",
        [TK_NOT] = "'not'", [TK_IN] = "'in'", [TK_WHERE] = "'where'", [TK_TRUE] = "'true'",
        [TK_FALSE] = "'false'", [TK_YEN] = "'yen'", [TK_ERROR] = "invalid character",
    };
    return names[k];
}
