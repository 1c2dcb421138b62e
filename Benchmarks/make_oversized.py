#!/usr/bin/env python3
"""Writes the oversized inputs of issue 18 defect 9, for peak-memory checks of leadgate.

Each is hostile but well-formed enough to reach the parsers: a single line of text with no
line break, a vCard with one card holding a huge number of TEL lines, a MECARD holding
many fields, a MECARD whose name is the whole file, and a vCard whose NOTE and FN are huge
(folded, so no single line is over the parser's line limit).

usage: make_oversized.py OUT_DIR [--mb N]     (N: the size of each file in MB, default 50)

Then, per file:  /usr/bin/time -v leadgate parse FILE > /dev/null   ("Maximum resident set size")
"""
import os
import sys


def write(path, chunks):
    with open(path, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
    return os.path.getsize(path)


def repeated(unit, total):
    """`unit` repeated to about `total` bytes, yielded in blocks of about 1 MB."""
    per_block = max(1, (1 << 20) // len(unit))
    block = unit * per_block
    written = 0
    while written + len(block) <= total:
        yield block
        written += len(block)
    rest = (total - written) // len(unit)
    if rest > 0:
        yield unit * rest


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    mb = 50
    if "--mb" in args:
        mb = int(args[args.index("--mb") + 1])
    size = mb << 20
    os.makedirs(out, exist_ok=True)

    # Words, emails and phone-looking runs on one line: what a scanned brochure could hold.
    line = b"call Jane at +1 415 555 0100 or mail jane.doe@acme.example, fax 030 1234567; "
    write(os.path.join(out, "single-line.txt"), repeated(line, size))

    # The same without an email address: the scanner's cost, not that of masking emails.
    write(os.path.join(out, "single-line-words.txt"),
          repeated(b"Lorem ipsum dolor sit amet, booth 1234 hall 7; call +1 415 555 0100 ", size))

    # One card, a TEL line after another (the 27 MB held a million).
    tel = b"TEL;TYPE=CELL:+1 415 555 0100\r\n"
    write(os.path.join(out, "many-tel.vcf"),
          [b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\n"] + list(repeated(tel, size)) + [b"END:VCARD\r\n"])

    # A MECARD with field after field.
    field = b"TEL:+14155550100;EMAIL:jane@acme.example;"
    write(os.path.join(out, "many-fields.mecard.txt"),
          [b"MECARD:N:Doe,Jane;"] + list(repeated(field, size)) + [b";"])

    # A MECARD whose name is the whole file.
    write(os.path.join(out, "huge-name.mecard.txt"),
          [b"MECARD:N:Doe,"] + list(repeated(b"Jane ", size)) + [b";EMAIL:jane@acme.example;;"])

    # A vCard with a huge FN and NOTE, folded into 74-byte lines (each under the line limit).
    def folded(name, total):
        yield name + b":"
        for block in repeated(b"\r\n Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod ", total):
            yield block
        yield b"\r\n"
    write(os.path.join(out, "huge-note.vcf"),
          [b"BEGIN:VCARD\r\nVERSION:3.0\r\n"] + list(folded(b"FN", size // 2)) + list(folded(b"NOTE", size // 2))
          + [b"EMAIL:jane@acme.example\r\nEND:VCARD\r\n"])


if __name__ == "__main__":
    main()
