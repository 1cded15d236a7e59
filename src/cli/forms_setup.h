/* forms_setup: what `kasan forms` and `kasan intake` both need before they
 * start — the rules, the terms in force for the month, the claim schema
 * built from them and the nursery registry (defined in forms.c). */
#ifndef KASAN_CLI_FORMS_SETUP_H
#define KASAN_CLI_FORMS_SETUP_H
#include "common.h"
#include "kasan/forms.h"
#include "kasan/intake.h"
#include "kasan/schema.h"

typedef struct form_setup {
    rule_set rs;
    const rule_terms *terms;
    claim_schema schema;
    registry reg;
    arena a;
} form_setup;

/* Loads everything for month m, printing problems; EXIT_OK or another exit
 * code.  Always form_setup_free() after. */
int form_setup_load(const cli_paths *paths, claim_month m, const char *cmd, form_setup *fs);
void form_setup_free(form_setup *fs);

#endif
