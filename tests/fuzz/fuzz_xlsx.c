/* fuzz_xlsx: bytes → the xlsx reader (xlsx_open_mem, every sheet read with
 * xlsx_sheet_read, every value tried as a date serial).  The seeds are real
 * claim forms (kasan forms) and their LibreOffice re-saves. */
#include "fuzz.h"
#include "kasan/xlsx.h"

int fuzz_xlsx_one(const uint8_t *data, size_t size)
{
    xlsx_book *b;
    char err[512];
    if (xlsx_open_mem(data, size, NULL, &b, err, sizeof err) != 0)
        return 0;
    arena a = ARENA_INIT;
    for (size_t i = 0; i < xlsx_sheet_count(b); i++) {
        xlsx_sheet s;
        (void)xlsx_sheet_name(b, i);
        if (xlsx_sheet_read(b, i, &a, &s, err, sizeof err) != 0)
            continue;
        for (size_t k = 0; k < s.n; k++) {
            date_t d;
            (void)xlsx_serial_date(s.cells[k].text, s.date1904, &d);
        }
    }
    (void)xlsx_sheet_find(b, "児童");
    arena_release(&a);
    xlsx_close(b);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_xlsx_one(data, size); }
#endif
