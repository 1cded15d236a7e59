/* zengin_sample: writes a small transfer file the way `kasan transfer` will,
 * as a thin layer: the payer in force from a rules directory, three nurseries
 * with their holder names as the sample registry writes them, zengin_write,
 * and the bytes to a file.  transfer_file.sh reads it back with zengin_read.py.
 * usage: zengin_sample RULES_DIR OUT_FILE */
#include <stdio.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/rules.h"
#include "kasan/zengin.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: zengin_sample RULES_DIR OUT_FILE\n");
        return 1;
    }
    rule_set rs;
    diag_list d = DIAG_LIST_INIT;
    if (rules_load_dir(argv[1], &rs, &d) != 0) {
        diag_print(&d, stderr);
        return 2;
    }
    date_t day = date_from_ymd(2025, 5, 23);
    const rule_payer *rp = rules_payer_in_force(&rs, day);
    if (!rp) {
        fprintf(stderr, "zengin_sample: no payer in force\n");
        return 2;
    }
    zengin_payer payer = {rp->requester_code, rp->requester_name, day, rp->bank_code,
                          rp->bank_name, rp->branch_code, rp->branch_name, rp->account_type,
                          rp->account_number};
    char c1[3][11];
    zengin_transfer t[3] = {
        {"P001", "0009", "ミツイスミトモ", "123", "オオヤマ", ZENGIN_ORDINARY, "1466542",
         "ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ", 196290, c1[0], NULL},
        {"P002", "0005", "ミツビシユーエフジェイ", "456", "イタバシ", ZENGIN_ORDINARY, "1762890",
         "シャカイフクシホウジン　コウメイカイ", 230000, c1[1], NULL},
        {"P004", "1356", "スガモシンキン", "045", "シムラ", ZENGIN_CURRENT, "6475811",
         "カ）スクスクキッズ", 85000, c1[2], NULL},
    };
    for (size_t i = 0; i < 3; i++)
        zengin_customer_code(t[i].id, c1[i]);
    zengin_file f = {&payer, rp->file->path, t, 3, "sample registry"};
    strbuf out;
    sb_init(&out);
    zengin_totals tot;
    int rc = zengin_write(&f, &out, &tot, &d) == 0 ? 0 : 2;
    diag_print(&d, stderr);
    if (rc == 0 && fs_write_atomic(argv[2], out.buf, out.len) != 0)
        rc = 5;
    if (rc == 0)
        printf("%lld transfers, %lld yen\n", (long long)tot.count, (long long)tot.amount);
    sb_release(&out);
    diag_release(&d);
    rules_free(&rs);
    return rc;
}
