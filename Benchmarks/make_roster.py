#!/usr/bin/env python3
"""Writes an attendee roster for the roster benchmarks (Benchmarks/roster-bench.sh).

usage: make_roster.py ROWS OUT.csv [--tags N DIR]

OUT.csv is an Eventbrite-style attendee report: Order #, First Name, Last Name, Email,
Company, Job Title, Cell Phone, Barcode #, Attendee #, Badge UID. Every row has a unique
email, barcode, attendee number and 7-byte badge UID (written with colons, lower-case, as
badge printers export them); a tenth of the names and companies need quoting.

With --tags N DIR, also writes N binary NDEF files (one URI record each,
https://example.com/badge?code=BARCODE) for the first N attendees: tags to import as leads
before the roster, for the late-enrichment figure. Deterministic (seeded).
"""
import argparse
import os
import random

FIRST = ["Jane", "Bob", "Ann", "Zoë", "Carol", "Dan", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy"]
LAST = ["Doe", "Stone", "Lee", "Ünal", "King", "Brown", "Smith", "O'Neil", "García", "Müller", "Nakamura", "Okafor"]
COMPANIES = ["Acme Corp", "Globex, Inc.", "Initech", "Umbrella", "Soylent AG", "Hooli", "Stark Industries", "Wayne \"WE\" Enterprises"]
TITLES = ["CTO", "VP Sales", "Engineer", "Buyer", "CEO", "Head of IT, EMEA"]


def cell(value):
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--tags", nargs=2, metavar=("N", "DIR"))
    args = parser.parse_args()
    rng = random.Random(16)
    codes = []
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write("Order #,First Name,Last Name,Email,Company,Job Title,Cell Phone,Barcode #,Attendee #,Badge UID\r\n")
        for i in range(args.rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            uid = "04:" + ":".join("%02x" % b for b in (i + 0x10000000).to_bytes(6, "big"))
            barcode = "%012d" % (100000000000 + i * 7919)
            codes.append(barcode)
            row = [str(5000 + i // 2), first, last, "%s.%s.%d@example.com" % (first.lower(), last.lower().replace("'", ""), i),
                   rng.choice(COMPANIES), rng.choice(TITLES), "+1 415 555 %04d" % (i % 10000), barcode, str(900000 + i), uid]
            f.write(",".join(cell(v) for v in row) + "\r\n")
    if args.tags:
        count, folder = int(args.tags[0]), args.tags[1]
        os.makedirs(folder, exist_ok=True)
        for i in range(count):
            url = ("https://example.com/badge?code=" + codes[i % len(codes)]).encode()
            payload = b"\x00" + url
            record = bytes([0xD1, 0x01, len(payload)]) + b"U" + payload
            with open(os.path.join(folder, "tag-%05d.ndef" % i), "wb") as out:
                out.write(record)


if __name__ == "__main__":
    main()
