/* chart: the budget page's chart as inline SVG — the year's cumulative
 * payments month by month against the budget line (予算額).  Amounts stay
 * whole yen (int64); pixel positions are integer arithmetic on them (a
 * 128-bit product, rounded down), so no floating point touches money.
 * Colours come from the style sheet (classes), not from inline styles,
 * which the Content-Security-Policy forbids.  Not here: where the figures
 * come from (the budget view of src/budget/ through flow_budget), the table
 * beside the chart (year.c). */
#include <assert.h>

#include "web_int.h"

__extension__ typedef __int128 i128;

enum {
    PLOT_W = WEB_CHART_W - WEB_CHART_LEFT - WEB_CHART_RIGHT,
    PLOT_H = WEB_CHART_H - WEB_CHART_TOP - WEB_CHART_BOTTOM,
    MONTH_W = PLOT_W / 12,
};

int64_t web_chart_top(const web_budget_chart *c)
{
    int64_t m = c->line_yen > 0 ? c->line_yen : 0;
    for (int i = 0; i < c->months && i < 12; i++)
        if (c->cumulative[i] > m)
            m = c->cumulative[i];
    if (m < WEB_CHART_TICKS)
        m = WEB_CHART_TICKS;
    static const int64_t mant[] = {1, 2, 5};
    for (int64_t pow = 1;; pow *= 10) {
        for (int k = 0; k < 3; k++) {
            int64_t step, top;
            if (__builtin_mul_overflow(mant[k], pow, &step) ||
                __builtin_mul_overflow(step, (int64_t)WEB_CHART_TICKS, &top))
                return m; /* beyond 64 bits of nice steps: the maximum itself */
            if (top >= m)
                return top;
        }
        if (pow > INT64_MAX / 10)
            return m;
    }
}

int web_chart_y(int64_t yen, int64_t top)
{
    assert(top > 0);
    if (yen < 0)
        yen = 0;
    if (yen > top)
        yen = top;
    return WEB_CHART_TOP + (int)(((i128)(top - yen) * PLOT_H) / top);
}

int web_chart_x(int i)
{
    assert(i >= 0 && i < 12);
    return WEB_CHART_LEFT + MONTH_W * i + MONTH_W / 2;
}

static const char *const month_ja[12] = {"4月", "5月", "6月", "7月", "8月", "9月",
                                         "10月", "11月", "12月", "1月", "2月", "3月"};

void web_chart_budget(web_html *h, const web_budget_chart *c)
{
    assert(c->months >= 0 && c->months <= 12);
    int64_t top = web_chart_top(c);
    const int right = WEB_CHART_W - WEB_CHART_RIGHT, bottom = WEB_CHART_TOP + PLOT_H;
    web_html(h,
             "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
             "width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">"
             "<title id=\"chart-title\">{}年度 予算執行：累計支払額と予算額</title>",
             H_INT(WEB_CHART_W), H_INT(WEB_CHART_H), H_INT(WEB_CHART_W), H_INT(WEB_CHART_H),
             H_INT(c->fy));
    web_html_lit(h, "<desc id=\"chart-desc\">");
    if (c->line_yen > 0)
        web_html(h, "予算額 {}。", H_YEN(c->line_yen));
    else
        web_html_lit(h, "この年度の予算額はありません。");
    if (c->months > 0)
        web_html(h, "{}までの累計支払額 {}。", H_TEXT(month_ja[c->months - 1]),
                 H_YEN(c->cumulative[c->months - 1]));
    else
        web_html_lit(h, "支払はまだありません。");
    web_html_lit(h, "</desc>");
    for (int t = 0; t <= WEB_CHART_TICKS; t++) { /* top is a multiple of TICKS */
        int64_t v = top / WEB_CHART_TICKS * t;
        int y = web_chart_y(v, top);
        web_html(h, "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                 H_INT(WEB_CHART_LEFT), H_INT(y), H_INT(right), H_INT(y));
        web_html(h, "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                 H_INT(WEB_CHART_LEFT - 6), H_INT(y + 4), H_YEN(v));
    }
    for (int i = 0; i < 12; i++)
        web_html(h, "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                 H_INT(web_chart_x(i)), H_INT(bottom + 20), H_TEXT(month_ja[i]));
    if (c->line_yen > 0) {
        int y = web_chart_y(c->line_yen, top);
        web_html(h,
                 "<line class=\"budget\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
                 "<text class=\"budget-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">予算額 {}</text>",
                 H_INT(WEB_CHART_LEFT), H_INT(y), H_INT(right), H_INT(y), H_INT(right),
                 H_INT(y - 6), H_YEN(c->line_yen));
    }
    if (c->months > 0) {
        web_html_lit(h, "<polyline class=\"paid\" fill=\"none\" points=\"");
        for (int i = 0; i < c->months; i++)
            web_html(h, "{}{},{}", H_TEXT(i ? " " : ""), H_INT(web_chart_x(i)),
                     H_INT(web_chart_y(c->cumulative[i], top)));
        web_html_lit(h, "\"/>");
        for (int i = 0; i < c->months; i++)
            web_html(h, "<circle class=\"paid\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>{}末 累計 {}</title></circle>",
                     H_INT(web_chart_x(i)), H_INT(web_chart_y(c->cumulative[i], top)),
                     H_TEXT(month_ja[i]), H_YEN(c->cumulative[i]));
    }
    web_html_lit(h, "</svg>");
}
