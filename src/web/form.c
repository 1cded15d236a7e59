/* form: a request body's fields as the server reads them, within bounds
 * (web_limits): how many fields, how long a text field, how many files and
 * how large.  The first bound crossed stops the keeping (the status says
 * which) so a body can cost no more memory than its limits, and the page
 * never sees a form that was cut.  Values are wiped when released, since a
 * passphrase passes through here.  Not here: parsing urlencoded or
 * multipart bodies (libmicrohttpd's post processor, server.c), the byte
 * count of the whole body (server.c). */
#include <assert.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

enum { NAME_MAX_BYTES = 64, FILENAME_MAX_BYTES = 255 };

web_limits web_limits_resolve(const web_limits *given)
{
    web_limits l = given ? *given : (web_limits){0};
    if (!l.form_bytes) l.form_bytes = 64 << 10;
    if (!l.upload_bytes) l.upload_bytes = 32 << 20;
    if (!l.upload_files) l.upload_files = 100;
    if (!l.file_bytes) l.file_bytes = 8 << 20;
    if (!l.fields) l.fields = 200;
    if (!l.field_bytes) l.field_bytes = 8 << 10;
    if (!l.sessions) l.sessions = 1024;
    if (!l.threads) l.threads = 4;
    if (!l.connections) l.connections = 256;
    if (!l.timeout_s) l.timeout_s = 30;
    return l;
}

void web_form_init(web_form *form, const web_limits *lim, bool files_allowed)
{
    memset(form, 0, sizeof *form);
    form->lim = web_limits_resolve(lim);
    form->files_allowed = files_allowed;
}

static char *dup_bounded(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static web_form_status fail(web_form *form, web_form_status st)
{
    form->st = st;
    return st;
}

/* Grows field f to hold extra more bytes (and a NUL); false if out of memory. */
static bool reserve(web_field *f, size_t extra)
{
    size_t need = f->len + extra + 1;
    if (need <= f->cap)
        return true;
    size_t c = f->cap ? f->cap : 64;
    while (c < need)
        c *= 2;
    char *d = malloc(c); /* not realloc: the old bytes are wiped, not left behind */
    if (!d)
        return false;
    memcpy(d, f->data, f->len + 1);
    OPENSSL_cleanse(f->data, f->len);
    free(f->data);
    f->data = d;
    f->cap = c;
    return true;
}

web_form_status web_form_feed(web_form *form, const char *name, const char *filename,
                              const char *data, size_t off, size_t len)
{
    if (form->st != WEB_FORM_OK)
        return form->st;
    if (!name)
        name = "";
    if (off == 0) {
        if (form->n >= form->lim.fields)
            return fail(form, WEB_FORM_TOO_MANY_FIELDS);
        if (filename && !form->files_allowed)
            return fail(form, WEB_FORM_NO_FILES_HERE);
        if (filename && form->files >= form->lim.upload_files)
            return fail(form, WEB_FORM_TOO_MANY_FILES);
        if (form->n == form->cap) {
            size_t c = form->cap ? 2 * form->cap : 8;
            web_field *f = realloc(form->f, c * sizeof *f);
            if (!f)
                return fail(form, WEB_FORM_TOO_MANY_FIELDS);
            form->f = f;
            form->cap = c;
        }
        web_field *f = &form->f[form->n];
        memset(f, 0, sizeof *f);
        f->name = dup_bounded(name, NAME_MAX_BYTES);
        if (!f->name)
            return fail(form, WEB_FORM_FIELD_TOO_LONG);
        if (filename && !(f->filename = dup_bounded(filename, FILENAME_MAX_BYTES))) {
            free(f->name);
            return fail(form, WEB_FORM_FIELD_TOO_LONG);
        }
        f->data = calloc(1, 1);
        f->cap = 1;
        form->n++;
        form->files += filename != NULL;
    }
    assert(form->n > 0);
    web_field *f = &form->f[form->n - 1];
    size_t bound = f->filename ? form->lim.file_bytes : form->lim.field_bytes;
    if (len > bound || f->len > bound - len)
        return fail(form, f->filename ? WEB_FORM_FILE_TOO_LARGE : WEB_FORM_FIELD_TOO_LONG);
    if (!f->data || !reserve(f, len))
        return fail(form, f->filename ? WEB_FORM_FILE_TOO_LARGE : WEB_FORM_FIELD_TOO_LONG);
    memcpy(f->data + f->len, data, len);
    f->len += len;
    f->data[f->len] = '\0';
    return WEB_FORM_OK;
}

const char *web_form_value(const web_form *form, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < form->n; i++)
        if (!strcmp(form->f[i].name, name)) {
            if (v || form->f[i].filename)
                return NULL;
            v = form->f[i].data;
        }
    return v;
}

void web_form_release(web_form *form)
{
    for (size_t i = 0; i < form->n; i++) {
        web_field *f = &form->f[i];
        if (f->data) {
            OPENSSL_cleanse(f->data, f->len);
            free(f->data);
        }
        free(f->name);
        free(f->filename);
    }
    free(form->f);
    memset(form, 0, sizeof *form);
}
