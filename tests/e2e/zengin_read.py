#!/usr/bin/env python3
"""zengin_read.py — an independent fixed-position reader of a Zengin 総合振込
file (SPEC 7), for the tests: written from the published layout, not from
src/report/zengin.c.  Checks that every record is 120 bytes + CRLF, every
byte is JIS X 0201 (0x20-0x7E, 0xA1-0xDF), numeric fields are digits, dummy
fields are spaces, the records come as 1, 2..., 8, 9, and the trailer's count
and total equal the data records.  Prints one line per field, `R.field=value`
(R = record number; text trailing spaces stripped, half-width kana as UTF-8).
Exit 0 if the file is well formed, 1 with the problems on stderr if not.

usage: zengin_read.py FILE
"""
import sys

# (name, width, kind): N numeric (digits), C text, D dummy (spaces)
HEADER = [("data_type", 1, "N"), ("type_code", 2, "N"), ("code_division", 1, "N"),
          ("requester_code", 10, "N"), ("requester_name", 40, "C"), ("transfer_date", 4, "N"),
          ("bank_code", 4, "N"), ("bank_name", 15, "C"), ("branch_code", 3, "N"),
          ("branch_name", 15, "C"), ("account_type", 1, "N"), ("account_number", 7, "N"),
          ("dummy", 17, "D")]
DATA = [("data_type", 1, "N"), ("bank_code", 4, "N"), ("bank_name", 15, "C"),
        ("branch_code", 3, "N"), ("branch_name", 15, "C"), ("clearing_house", 4, "N"),
        ("account_type", 1, "N"), ("account_number", 7, "N"), ("holder", 30, "C"),
        ("amount", 10, "N"), ("new_code", 1, "N"), ("customer_code1", 10, "N"),
        ("customer_code2", 10, "N"), ("transfer_kind", 1, "N"), ("edi_flag", 1, "C"),
        ("dummy", 7, "D")]
TRAILER = [("data_type", 1, "N"), ("count", 6, "N"), ("total", 12, "N"), ("dummy", 101, "D")]
END = [("data_type", 1, "N"), ("dummy", 119, "D")]
LAYOUTS = {"1": HEADER, "2": DATA, "8": TRAILER, "9": END}
FIXED = {("1", "type_code"): "21", ("1", "code_division"): "0",
         ("2", "clearing_house"): "0000", ("2", "new_code"): "0", ("2", "transfer_kind"): "7"}

for layout in LAYOUTS.values():
    assert sum(w for _, w, _ in layout) == 120, layout


def jisx0201(b):
    return 0x20 <= b <= 0x7E or 0xA1 <= b <= 0xDF


def read(data):
    """Returns (lines, problems)."""
    out, bad = [], []
    recs = data.split(b"\r\n")
    if recs[-1] != b"":
        bad.append("the file does not end with CRLF")
    recs = recs[:-1]
    kinds = []
    for i, rec in enumerate(recs, 1):
        if len(rec) != 120:
            bad.append(f"record {i}: {len(rec)} bytes, not 120 (or a bare CR/LF inside)")
            continue
        for j, b in enumerate(rec, 1):
            if not jisx0201(b):
                bad.append(f"record {i} byte {j}: 0x{b:02X} is not JIS X 0201")
        kind = chr(rec[0])
        if kind not in LAYOUTS:
            bad.append(f"record {i}: unknown data type {kind!r}")
            continue
        kinds.append((i, kind))
        pos = 0
        fields = {}
        for name, width, t in LAYOUTS[kind]:
            raw = rec[pos:pos + width]
            pos += width
            text = raw.decode("cp932", errors="replace")
            if t == "N" and not raw.isdigit():
                bad.append(f"record {i} {name}: {text!r} is not {width} digits")
            if t == "D" and raw != b" " * width:
                bad.append(f"record {i} {name}: dummy is not spaces")
            if (kind, name) in FIXED and text != FIXED[(kind, name)]:
                bad.append(f"record {i} {name}: {text!r}, want {FIXED[(kind, name)]!r}")
            fields[name] = text
            if t != "D":
                out.append(f"{i}.{name}={text.rstrip(' ')}")
        if kind == "2":
            kinds[-1] = (i, kind, int(fields["amount"]) if fields["amount"].isdigit() else 0)
        if kind == "8":
            kinds[-1] = (i, kind, fields["count"], fields["total"])
    seq = "".join(k[1] for k in kinds)
    n = seq.count("2")
    if seq != "1" + "2" * n + "89" or n == 0:
        bad.append(f"record order {seq!r}: want a header 1, data records 2, a trailer 8, an end 9")
    data_recs = [k for k in kinds if k[1] == "2"]
    trailers = [k for k in kinds if k[1] == "8"]
    if trailers:
        _, _, count, total = trailers[0]
        if count != f"{len(data_recs):06d}":
            bad.append(f"trailer count {count} but {len(data_recs)} data records")
        want = sum(k[2] for k in data_recs)
        if total != f"{want:012d}":
            bad.append(f"trailer total {total} but the data records sum to {want}")
    return out, bad


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        lines, bad = read(f.read())
    for line in lines:
        print(line)
    for b in bad:
        print(f"zengin_read: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
