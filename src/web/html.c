/* html: the only way text gets into a page.  Literal markup comes from
 * string literals of the code (the web_html and web_html_lit macros accept
 * nothing else); every value goes through a web_harg that says what it is
 * and is escaped accordingly, so text from the data (a nursery's name, a
 * file name, an error message) can never become markup.  Also the
 * pagination of long lists.  Not here: what a page says (pages.c), the
 * chart (chart.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/num.h"
#include "web_int.h"

void web_html_init(web_html *h)
{
    sb_init(&h->sb);
}

void web_html_release(web_html *h)
{
    sb_release(&h->sb);
}

const char *web_html_str(const web_html *h)
{
    return h->sb.buf;
}

void web_escape(strbuf *sb, const char *s, size_t n)
{
    size_t run = 0; /* bytes copied as they are, added in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *ent = NULL;
        switch (c) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                ent = ""; /* dropped: no control character reaches a page */
        }
        if (!ent)
            continue;
        sb_add(sb, s + run, i - run);
        sb_adds(sb, ent);
        run = i + 1;
    }
    sb_add(sb, s + run, n - run);
}

void web_html_text_n(web_html *h, const char *s, size_t n)
{
    if (s)
        web_escape(&h->sb, s, n);
}

void web_html_text(web_html *h, const char *s)
{
    if (s)
        web_escape(&h->sb, s, strlen(s));
}

void web_html_lit_(web_html *h, const char *lit, size_t n)
{
    sb_add(&h->sb, lit, n);
}

static void add_arg(web_html *h, const web_harg *a)
{
    switch (a->kind) {
    case WEB_HA_TEXT:
        web_html_text(h, a->s);
        return;
    case WEB_HA_INT:
        sb_addf(&h->sb, "%lld", (long long)a->i);
        return;
    case WEB_HA_YEN: {
        char buf[48];
        if (a->i == INT64_MIN) /* num_format_grouped negates */
            snprintf(buf, sizeof buf, "%lld", (long long)a->i);
        else
            num_format_grouped(num_int(a->i), buf, sizeof buf);
        sb_adds(&h->sb, buf); /* digits, '-' and ',' only */
        sb_adds(&h->sb, "円");
        return;
    }
    case WEB_HA_HTML:
        if (a->s)
            sb_adds(&h->sb, a->s);
        return;
    }
    assert(!"unknown web_harg kind");
}

void web_html_fmt_(web_html *h, const char *tmpl, const web_harg *args, size_t n)
{
    size_t used = 0;
    const char *p = tmpl, *run = tmpl;
    while (*p) {
        if (p[0] == '{' && (p[1] == '}' || p[1] == '{')) {
            sb_add(&h->sb, run, (size_t)(p - run));
            if (p[1] == '{')
                sb_addc(&h->sb, '{');
            else {
                assert(used < n && "more {} than arguments");
                if (used < n)
                    add_arg(h, &args[used]);
                used++;
            }
            p += 2;
            run = p;
        } else
            p++;
    }
    sb_add(&h->sb, run, (size_t)(p - run));
    assert(used == n && "more arguments than {}");
}

web_pager web_pager_make(size_t total, size_t per_page, const char *page_param)
{
    assert(per_page > 0);
    web_pager p = {total, per_page, 1, 1, 0, 0};
    p.pages = total ? (total - 1) / per_page + 1 : 1;
    size_t page = 0;
    if (page_param && *page_param && strlen(page_param) <= 9) {
        for (const char *c = page_param; *c; c++) {
            if (*c < '0' || *c > '9') {
                page = 0;
                break;
            }
            page = page * 10 + (size_t)(*c - '0');
        }
    }
    if (page < 1)
        page = 1;
    if (page > p.pages)
        page = p.pages;
    p.page = page;
    p.first = (page - 1) * per_page;
    p.count = total > p.first ? total - p.first : 0;
    if (p.count > per_page)
        p.count = per_page;
    return p;
}

void web_html_pager(web_html *h, const web_pager *p, const char *base)
{
    if (p->pages <= 1)
        return;
    web_html_lit(h, "<nav class=\"pager\" aria-label=\"ページ送り\"><ul>");
    if (p->page > 1) {
        web_html(h, "<li><a href=\"{}page=1\">最初</a></li>", H_TEXT(base));
        web_html(h, "<li><a href=\"{}page={}\" rel=\"prev\">前へ</a></li>", H_TEXT(base),
                 H_INT(p->page - 1));
    }
    web_html(h, "<li aria-current=\"page\">{} / {} ページ（全{}件）</li>", H_INT(p->page),
             H_INT(p->pages), H_INT(p->total));
    if (p->page < p->pages) {
        web_html(h, "<li><a href=\"{}page={}\" rel=\"next\">次へ</a></li>", H_TEXT(base),
                 H_INT(p->page + 1));
        web_html(h, "<li><a href=\"{}page={}\">最後</a></li>", H_TEXT(base), H_INT(p->pages));
    }
    web_html_lit(h, "</ul></nav>");
}
