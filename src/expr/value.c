/* value: names of the formula language's types and formatting for people. */
#include "kasan/value.h"

#include <stdio.h>
#include <string.h>

const char *vtype_name(vtype t)
{
    switch (t) {
    case VT_NONE: return "nothing";
    case VT_INT: return "whole number";
    case VT_NUMBER: return "number";
    case VT_DAYS: return "days";
    case VT_YEN: return "yen";
    case VT_YEN_FRAC: return "unrounded yen";
    case VT_BOOL: return "yes/no";
    case VT_TEXT: return "text";
    case VT_DATE: return "date";
    case VT_CARE_SET: return "care types";
    case VT_CHILDREN: return "child lines";
    case VT_STAFF: return "staff lines";
    case VT_MONTHS: return "months";
    }
    return "?";
}

void value_format(vtype t, value v, const char *const *care_names, char *buf, size_t size)
{
    switch (t) {
    case VT_YEN:
    case VT_YEN_FRAC: num_format_grouped(v.n, buf, size); break;
    case VT_INT:
    case VT_NUMBER:
    case VT_DAYS: num_format(v.n, buf, size); break;
    case VT_BOOL: snprintf(buf, size, "%s", v.b ? "yes" : "no"); break;
    case VT_TEXT: snprintf(buf, size, "%s", v.s ? v.s : ""); break;
    case VT_DATE:
        if (v.d == DATE_OPEN)
            snprintf(buf, size, "(open)");
        else
            date_format_iso(v.d, buf);
        break;
    case VT_CARE_SET: {
        size_t o = 0;
        buf[0] = '\0';
        for (int i = 0; i < 32 && o < size; i++) {
            if (!(v.set & (1u << i)))
                continue;
            int w = snprintf(buf + o, size - o, "%s%s", o ? ";" : "",
                             care_names ? care_names[i] : "?");
            if (w < 0)
                break;
            o += (size_t)w;
        }
        break;
    }
    default: snprintf(buf, size, "-"); break;
    }
}
