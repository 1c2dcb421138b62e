#!/usr/bin/env bash
# Taps each tag kind N times on vpcd (real pcscd, Hardware/virtual_tag.py as the tag) through
# `leadgate read`, and reports per kind:
#   - commands per tap against the minimum: the UID plus the 16-byte reads from page 3 through
#     the end of the NDEF TLV for Type 2 tags; for Type 4 the UID, SELECT application, SELECT
#     and READ of the CC, SELECT NDEF, READ NLEN and the MLe chunks; the UID alone for a badge;
#   - the median time from the tag's arrival (SCardGetStatusChange returning) to the normalized
#     contact, less the time inside SCardConnect/SCardTransmit (the reader's own I/O), and the
#     raw medians (total, reader I/O, decoding).
#
#   Benchmarks/tap-bench.sh [TAPS]        (default 20 taps per kind; needs root for pcscd)
#
# LEADGATE_BINARY picks the binary (default: a release build in .build-tags). Results also go
# to Benchmarks/out/tap-bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
taps=${1:-20}
out=Benchmarks/out
mkdir -p "$out"
work=$(mktemp -d)

if [ -z "${LEADGATE_BINARY:-}" ]; then
  swift build -c release --scratch-path .build-tags --product leadgate >&2
  LEADGATE_BINARY=$(swift build -c release --scratch-path .build-tags --show-bin-path)/leadgate
fi

# A pcscd of its own (socket and vpcd ports in $work/pcscd), beside any the machine runs;
# leadgate and the virtual tag find it through PCSCLITE_CSOCK_NAME and LEADGATE_VPCD_PORT.
cleanup() {
  [ -n "${tag_pid:-}" ] && kill "$tag_pid" 2>/dev/null || true
  bash Hardware/pcscd-vpcd.sh stop "$work/pcscd" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck disable=SC2046
export $(bash Hardware/pcscd-vpcd.sh start "$work/pcscd")

printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nTITLE:CTO\r\nEMAIL;TYPE=work:jane@acme.example\r\nTEL;TYPE=cell:+1 555 0100\r\nURL:https://acme.example/jane\r\nEND:VCARD\r\n' > "$work/jane.vcf"
note=$(printf 'Met at booth 12, wants a 50-seat pilot. %.0s' $(seq 1 14))
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nEMAIL:jane@acme.example\r\nTEL:+1 555 0100\r\nNOTE:%s\r\nEND:VCARD\r\n' "$note" > "$work/long.vcf"

kinds=(
  "ntag213-uri|--kind ntag213 --uri https://popl.co/jane"
  "ntag215-vcard|--kind ntag215 --vcf $work/jane.vcf"
  "ntag216-long-vcard-lock-control|--kind ntag216 --vcf $work/long.vcf --lock-control"
  "type4-vcard-mle32|--kind type4 --vcf $work/jane.vcf --mle 32"
  "mifare-classic-1k-uid|--kind mifare_classic_1k"
)

for entry in "${kinds[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  echo "tap-bench: $name, $taps taps" >&2
  # shellcheck disable=SC2086
  python3 -u Hardware/virtual_tag.py --slot 0 --taps "$taps" --gap 0.5 $args > "$work/$name.tag.jsonl" &
  tag_pid=$!
  "$LEADGATE_BINARY" read --json --timings --count "$taps" --timeout $((taps * 3 + 10)) --region US > "$work/$name.taps.jsonl"
  wait "$tag_pid"
  tag_pid=
  sleep 0.6
done

python3 - "$work" "$taps" "$out/tap-bench.json" "${kinds[@]}" <<'PY'
import json, statistics, sys
work, taps, result_path, kinds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
rows = []
for entry in kinds:
    name = entry.split("|")[0]
    lines = [json.loads(l) for l in open(f"{work}/{name}.taps.jsonl") if l.strip()]
    tag = [json.loads(l) for l in open(f"{work}/{name}.tag.jsonl") if l.strip()]
    summary = [e for e in tag if e["event"] == "summary"][-1]
    commands = [l["commands"] for l in lines]
    def median(key):
        return statistics.median(l["timings"][key] for l in lines) / 1000
    rows.append({
        "kind": name, "taps": len(lines), "tag_type": lines[0]["tag_type"],
        "commands_per_tap": sorted(set(commands)), "commands_answered_by_tag": sorted(set(summary["apdus_per_tap"])),
        "minimum": summary["minimum"],
        "median_to_contact_ms_excluding_reader_io": median("to_contact_us"),
        "median_own_ms": median("own_us"), "median_total_ms": median("total_us"),
        "median_reader_io_ms": median("reader_io_us"), "median_decoding_ms": median("decoding_us"),
        "contacts": len(lines[0]["contacts"]),
    })
json.dump(rows, open(result_path, "w"), indent=2)
print(f"{'kind':34} {'type':18} {'taps':>4} {'cmds/tap':>8} {'minimum':>7} {'to contact ms':>13} {'own ms':>7} {'total ms':>8} {'reader I/O ms':>13} {'decode ms':>9}")
for r in rows:
    cmds = ",".join(map(str, r["commands_per_tap"]))
    print(f"{r['kind']:34} {r['tag_type']:18} {r['taps']:>4} {cmds:>8} {r['minimum']:>7} "
          f"{r['median_to_contact_ms_excluding_reader_io']:>13.3f} {r['median_own_ms']:>7.3f} {r['median_total_ms']:>8.3f} "
          f"{r['median_reader_io_ms']:>13.3f} {r['median_decoding_ms']:>9.3f}")
    assert r["taps"] == taps, f"{r['kind']}: {r['taps']} taps read, {taps} expected"
    assert r["commands_per_tap"] == r["commands_answered_by_tag"], f"{r['kind']}: leadgate and the tag disagree on commands"
    assert max(r["commands_per_tap"]) <= r["minimum"] + 1, f"{r['kind']}: more than the minimum + 1 commands"
PY
