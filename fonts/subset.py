#!/usr/bin/python3
"""subset.py SOURCE.ttc INDEX OUT.otf — the font kasan's PDF documents are set in.

Noto Sans CJK JP (Debian's fonts-noto-cjk) cut down, at build time, to the
characters Japanese administrative documents are written in: ASCII, the
half-width katakana, the CP932 repertoire (JIS X 0208 levels 1 and 2 and the
NEC/IBM extensions: ①, ㈱, 髙, …) and the punctuation, arrows, symbols and
kana blocks; outlines kept as they are, subroutines expanded, hints and
layout features dropped (a document is printed, not hinted on a screen).

Why: cairo subsets the embedded font again for every document, and reads
the whole CFF table of the font to do it (15 MB for Noto Sans CJK, with
subroutines its parser sometimes gives up on and then embeds whole: 930 KB
documents).  From this 2 MB font without subroutines a statement costs about
a millisecond of font work and weighs tens of kilobytes.  A character
outside it (a rare kanji in a name) falls back to the full system font
(src/report/pdf.c asks for this family first, then Noto Sans CJK JP).

The family is renamed "Noto Sans CJK JP kasan" so that fontconfig tells it
from the system's; the PostScript name (what a PDF names) stays.  Needs
fontTools (Debian: python3-fonttools).
"""
import sys

from fontTools import subset

FAMILY = "Noto Sans CJK JP kasan"


def repertoire():
    chars = set(range(0x20, 0x7F))
    chars.update(range(0xFF61, 0xFFA0))  # half-width katakana
    for hi in list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)):
        for lo in range(0x40, 0xFD):
            try:
                chars.update(ord(c) for c in bytes([hi, lo]).decode("cp932"))
            except UnicodeDecodeError:
                pass
    for lo, hi in ((0x00A0, 0x00FF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2150, 0x218F),
                   (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F),
                   (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3040, 0x30FF),
                   (0x3200, 0x33FF), (0xFF00, 0xFFEF)):
        chars.update(range(lo, hi + 1))
    return chars


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[0])
    src, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opts = subset.Options()
    opts.font_number = index
    opts.desubroutinize = True
    opts.hinting = False
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    font = subset.load_font(src, opts, dontLoadGlyphNames=True)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(repertoire()))
    sub.subset(font)
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (1, 16):          # family, typographic family
            rec.string = FAMILY
        elif rec.nameID == 4:              # full name
            rec.string = FAMILY + " Regular"
    subset.save_font(font, out, opts)


if __name__ == "__main__":
    main()
