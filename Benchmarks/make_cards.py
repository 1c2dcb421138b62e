#!/usr/bin/env python3
"""Writes N synthetic but realistic vCards for the parse and import benchmarks.

A deterministic mix of what booth scanners and phones export: 3.0 (45%), 2.1 with
quoted-printable and CHARSET (25%), 4.0 (30%); 1-3 emails and 1-3 phones a card in
national and international formats of several regions, folded lines, non-ASCII names,
and a NOTE on one card in three. Every phone number and email is distinct, so caches
cannot make the benchmark look faster than real data.

usage: make_cards.py COUNT OUT [--files N]   (with --files, OUT is a folder of N .vcf files)
"""
import os
import random
import sys

GIVEN = ["Jane", "John", "Ana", "Björn", "Zoë", "Mohammed", "Wei", "Olga", "Luca", "Priya", "Kenji", "Fatima",
         "Émile", "Søren", "María", "Chloé", "Noah", "Amara", "Yusuf", "Ingrid"]
FAMILY = ["Doe", "Smith", "Müller", "García", "Rossi", "Nguyen", "Kowalski", "Tanaka", "O'Brien", "Dubois",
          "van der Berg", "Schmidt", "Ivanova", "Khan", "Larsen", "Silva", "Novák", "Öztürk", "Chen", "Jensen"]
ORGS = ["Acme Corp", "Globex, Inc.", "Initech", "Umbrella GmbH", "Stark Industries", "Wayne Enterprises",
        "Soylent AG", "Hooli", "Vandelay Industries", "Cyberdyne Systems"]
TITLES = ["CTO", "VP Sales", "Head of Procurement", "Software Engineer", "Director, Operations", "CEO", "Buyer"]
DOMAINS = ["acme.example", "globex.example", "initech.example", "mail.example.org", "corp.example.net"]


def phone(rng, i):
    kind = rng.randrange(6)
    n = 1000000 + (i * 7919 + rng.randrange(1000)) % 8999999
    s = str(n)
    if kind == 0:
        return f"+1 (415) {s[:3]}-{s[3:7]}"
    if kind == 1:
        return f"(212) {s[:3]}-{s[3:7]}"
    if kind == 2:
        return f"+44 20 7{s[:3]} {s[3:7]}"
    if kind == 3:
        return f"+49 30 {s[:4]}{s[4:7]}"
    if kind == 4:
        return f"+33 1 {s[:2]} {s[2:4]} {s[4:6]} 1{s[6]}"
    return f"+81 3-{s[:4]}-{s[4:7]}1"


def qp(text):
    out = []
    for b in text.encode("utf-8"):
        if 33 <= b <= 126 and b != 61:
            out.append(chr(b))
        else:
            out.append("=%02X" % b)
    return "".join(out)


def fold(line, width=75):
    raw = line.encode("utf-8")
    if len(raw) <= width:
        return line + "\r\n"
    parts, cur = [], b""
    for ch in line:
        e = ch.encode("utf-8")
        if len(cur) + len(e) > width:
            parts.append(cur.decode("utf-8"))
            cur = b" "
        cur += e
    parts.append(cur.decode("utf-8"))
    return "\r\n".join(parts) + "\r\n"


def card(rng, i):
    g, f = rng.choice(GIVEN), rng.choice(FAMILY)
    org, title = rng.choice(ORGS), rng.choice(TITLES)
    emails = [f"{g.lower()}.{i}.{k}@{rng.choice(DOMAINS)}" for k in range(1 + rng.randrange(3))]
    emails = [e.encode("ascii", "ignore").decode().replace(" ", "").replace("'", "") for e in emails]
    phones = [phone(rng, i * 3 + k) for k in range(1 + rng.randrange(3))]
    note = f"Met at booth 12; interested in plan {i % 7}, follow up next week." if i % 3 == 0 else None
    v = rng.random()
    if v < 0.45:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{f};{g};;;", f"FN:{g} {f}",
                 "ORG:" + org.replace(",", "\\,") + ";Sales", f"TITLE:{title.replace(',', chr(92) + ',')}"]
        lines += [f"EMAIL;TYPE=INTERNET,{'WORK' if k == 0 else 'HOME'}:{e}" for k, e in enumerate(emails)]
        lines += [f"TEL;TYPE={'CELL' if k == 0 else 'WORK,VOICE'}:{p}" for k, p in enumerate(phones)]
        lines += [f"ADR;TYPE=WORK:;;{i} Main St;Springfield;IL;62701;USA", f"URL:https://{DOMAINS[i % 5]}/{i}"]
        if note:
            lines.append("NOTE:" + note.replace(",", "\\,").replace(";", "\\;"))
        lines.append("END:VCARD")
        return "".join(fold(l) for l in lines)
    if v < 0.70:
        lines = ["BEGIN:VCARD", "VERSION:2.1",
                 f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp(f)};{qp(g)};;;",
                 f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp(g + ' ' + f)}",
                 f"ORG:{org}", f"TITLE:{title}"]
        lines += [f"EMAIL;PREF;INTERNET:{emails[0]}"] + [f"EMAIL;INTERNET:{e}" for e in emails[1:]]
        lines += [f"TEL;CELL;PREF:{phones[0]}"] + [f"TEL;WORK;VOICE:{p}" for p in phones[1:]]
        if note:
            lines.append(f"NOTE;ENCODING=QUOTED-PRINTABLE:{qp(note)}")
        lines.append("END:VCARD")
        return "".join(l + "\r\n" for l in lines)
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{g} {f}", f"N:{f};{g};;;", f"ORG:{org.replace(',', chr(92) + ',')}",
             f"TITLE:{title.replace(',', chr(92) + ',')}"]
    lines += [f"EMAIL;TYPE=work;PREF=1:{emails[0]}"] + [f"EMAIL;TYPE=home:{e}" for e in emails[1:]]
    lines += [f"TEL;VALUE=uri;TYPE=\"cell,voice\":tel:{p.replace(' ', '-').replace('(', '').replace(')', '')}" for p in phones]
    lines += [f"item1.URL:https://{DOMAINS[i % 5]}/people/{i}", "item1.X-ABLABEL:profile"]
    if note:
        lines.append("NOTE:" + note.replace(",", "\\,").replace(";", "\\;"))
    lines.append("END:VCARD")
    return "".join(fold(l) for l in lines)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    count, out = int(args[0]), args[1]
    files = int(args[args.index("--files") + 1]) if "--files" in args else 0
    rng = random.Random(20261122)
    if files:
        os.makedirs(out, exist_ok=True)
        per = count // files
        for k in range(files):
            with open(os.path.join(out, f"cards-{k:05d}.vcf"), "w", encoding="utf-8", newline="") as fh:
                fh.write("".join(card(rng, k * per + j) for j in range(per)))
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            for i in range(count):
                fh.write(card(rng, i))


if __name__ == "__main__":
    main()
