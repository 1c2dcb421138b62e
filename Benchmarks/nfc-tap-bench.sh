#!/usr/bin/env bash
# Taps each tag kind N times on the PN532 emulator (Hardware/pn532_emulator.py on a
# pseudo-terminal, driven by the real libnfc pn532_uart driver) through
# `leadgate read --reader nfc:...`, and reports per kind:
#   - commands per tap (what reached the tag; the UID comes with the select) against the
#     minimum: one READ per 16 bytes from page 3 through the end of the NDEF TLV for Type 2;
#     for Type 4 SELECT application, SELECT and READ of the CC, SELECT NDEF, READ NLEN and the
#     MLe chunks; nothing for a Classic badge. The emulator's log is the tag's own count.
#   - the median time from the tag's arrival (the select returning) to the normalized contact,
#     less the time inside nfc_initiator_transceive_bytes (the reader's own I/O), beside the
#     same-run reference: the same content through `leadgate read --simulate` (no reader at
#     all), and their ratio;
# and then the CPU that an idle `leadgate read` uses with a tag lying on the reader for
# IDLE seconds (utime + stime from /proc/PID/stat), and with an empty field, beside the
# emulator's own CPU in the same run.
#
#   Benchmarks/nfc-tap-bench.sh [TAPS] [IDLE]     (defaults 20 taps per kind, 30 s idle)
#
# No pcscd needed. LEADGATE_BINARY picks the binary (default: the release build in .build).
# Results also go to Benchmarks/out/nfc-tap-bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
taps=${1:-20}
idle=${2:-30}
out=Benchmarks/out
mkdir -p "$out"
work=$(mktemp -d)

if [ -z "${LEADGATE_BINARY:-}" ]; then
  swift build -c release --product leadgate >&2
  LEADGATE_BINARY=$(swift build -c release --show-bin-path)/leadgate
fi

cleanup() {
  [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null || true
  [ -n "${reader_pid:-}" ] && kill "$reader_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def vcard_record(card):
    payload = card.encode()
    t = b"text/vcard"
    if len(payload) < 256:
        return bytes([0xD2, len(t), len(payload)]) + t + payload
    return bytes([0xC2, len(t)]) + len(payload).to_bytes(4, "big") + t + payload
jane = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nTITLE:CTO\r\n"
        "EMAIL;TYPE=work:jane@acme.example\r\nTEL;TYPE=cell:+1 555 0100\r\nURL:https://acme.example/jane\r\nEND:VCARD\r\n")
note = "Met at booth 12, wants a 50-seat pilot. " * 10
long = jane.replace("END:VCARD", "NOTE:" + note + "\r\nEND:VCARD")
uri = bytes([0xD1, 0x01, 0x0D, 0x55, 0x04]) + b"popl.co/jane"
kinds = {
    "ntag215-uri": {"kind": "type2", "uid": "04A1B2C3D4E5F6", "ndef": uri.hex()},
    "ntag215-vcard": {"kind": "type2", "uid": "04A1B2C3D4E5F6", "ndef": vcard_record(jane).hex()},
    "ntag216-long-vcard": {"kind": "type2", "uid": "04A1B2C3D4E5F6", "ndef": vcard_record(long).hex()},
    "type4-vcard-mle32": {"kind": "type4", "uid": "08A1B2C3", "ndef": vcard_record(jane).hex(), "mle": 32},
    "mifare-classic-1k-uid": {"kind": "classic", "uid": "0A1B2C3D"},
}
for name, tag in kinds.items():
    ndef = bytes.fromhex(tag.get("ndef", ""))
    if tag["kind"] == "type2":
        end = 16 + (2 if len(ndef) < 255 else 4) + len(ndef)
        minimum = -(-(end - 12) // 16)
    elif tag["kind"] == "type4":
        minimum = 5 + -(-len(ndef) // tag["mle"])
    else:
        minimum = 0
    json.dump({"steps": [dict(tag, hold=0.6, gap=0.4)]}, open(f"{work}/{name}.json", "w"))
    if ndef:
        open(f"{work}/{name}.ndef", "wb").write(ndef)
    else:
        open(f"{work}/{name}.uid", "w").write(tag["uid"] + "\n")
    open(f"{work}/{name}.minimum", "w").write(str(minimum))
json.dump({"steps": [{"kind": "type2", "uid": "04A1B2C3D4E5F6", "ndef": uri.hex(), "hold": 100000}]},
          open(f"{work}/lying.json", "w"))
PY

kinds=(ntag215-uri ntag215-vcard ntag216-long-vcard type4-vcard-mle32 mifare-classic-1k-uid)
start_emulator() {  # script, log
  python3 -u Hardware/pn532_emulator.py --script "$1" --link "$work/tty" --log "$2" --repeat "${3:-1}" > "$work/emulator.out" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -e "$work/tty" ] && break; sleep 0.1; done
}
stop_emulator() {
  kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; emulator_pid=
  rm -f "$work/tty"
}

for name in "${kinds[@]}"; do
  echo "nfc-tap-bench: $name, $taps taps" >&2
  start_emulator "$work/$name.json" "$work/$name.log" "$taps"
  "$LEADGATE_BINARY" read --reader "nfc:pn532_uart:$work/tty" --json --timings --count "$taps" \
    --timeout $((taps * 3 + 10)) --region US > "$work/$name.taps.jsonl"
  stop_emulator
  reference="$work/$name.ndef"
  [ -e "$reference" ] || reference="$work/$name.uid"
  # shellcheck disable=SC2046
  "$LEADGATE_BINARY" read $(for _ in $(seq "$taps"); do printf -- '--simulate %s ' "$reference"; done) \
    --json --timings --count "$taps" --timeout $((taps + 10)) --region US > "$work/$name.simulated.jsonl"
done

ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
idle_cpu() {  # script: CPU of leadgate read and of the emulator over $idle seconds
  start_emulator "$1" "$work/idle.log"
  "$LEADGATE_BINARY" read --reader "nfc:pn532_uart:$work/tty" --count 1000 --timeout $((idle + 30)) > /dev/null 2>&1 &
  reader_pid=$!
  sleep 3   # opened, and the tag (if any) read
  local r0 e0 r1 e1
  r0=$(ticks "$reader_pid"); e0=$(ticks "$emulator_pid")
  sleep "$idle"
  r1=$(ticks "$reader_pid"); e1=$(ticks "$emulator_pid")
  kill -INT "$reader_pid"; wait "$reader_pid" 2>/dev/null || true; reader_pid=
  stop_emulator
  echo "$((r1 - r0)) $((e1 - e0))"
}
echo "nfc-tap-bench: idle with a tag lying on the reader, $idle s" >&2
read -r lying_reader lying_emulator < <(idle_cpu "$work/lying.json")
echo "[]" > "$work/empty.json"
echo "nfc-tap-bench: idle with an empty field, $idle s" >&2
read -r empty_reader empty_emulator < <(idle_cpu "$work/empty.json")

python3 - "$work" "$taps" "$idle" "$(getconf CLK_TCK)" "$out/nfc-tap-bench.json" \
  "$lying_reader" "$lying_emulator" "$empty_reader" "$empty_emulator" "${kinds[@]}" <<'PY'
import json, statistics, sys
work, taps, idle, hz, result_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
lying_reader, lying_emulator, empty_reader, empty_emulator = map(int, sys.argv[6:10])
kinds = sys.argv[10:]
rows = []
for name in kinds:
    lines = [json.loads(l) for l in open(f"{work}/{name}.taps.jsonl") if l.strip()]
    log = [json.loads(l) for l in open(f"{work}/{name}.log") if l.strip()]
    minimum = int(open(f"{work}/{name}.minimum").read())
    # The tag's own count: exchanges while it lay there, less the presence checks
    # (a READ of page 0, an ISO-DEP R(NAK) block).
    per_tag = {}
    for entry in log:
        if entry.get("cmd") in ("InDataExchange", "InCommunicateThru") and "tag" in entry:
            data = entry["data"]
            if data == "013000" or data.startswith("B2") or data.startswith("B3"):
                continue
            per_tag[entry["tag"]] = per_tag.get(entry["tag"], 0) + 1
    answered = sorted(set(per_tag.get(i, 0) for i in range(len(lines))))
    commands = [l["commands"] for l in lines]
    def median(key, source=lines):
        return statistics.median(l["timings"][key] for l in source) / 1000
    simulated = [json.loads(l) for l in open(f"{work}/{name}.simulated.jsonl") if l.strip()]
    rows.append({
        "simulated_to_contact_ms_same_run": median("to_contact_us", simulated),
        "ratio_to_simulated": median("to_contact_us") / median("to_contact_us", simulated),
        "kind": name, "taps": len(lines), "tag_type": lines[0]["tag_type"],
        "commands_per_tap": sorted(set(commands)), "commands_answered_by_tag": answered, "minimum": minimum,
        "median_to_contact_ms_excluding_reader_io": median("to_contact_us"),
        "median_own_ms": median("own_us"), "median_total_ms": median("total_us"),
        "median_reader_io_ms": median("reader_io_us"), "median_decoding_ms": median("decoding_us"),
    })
cpu = {
    "idle_seconds": idle,
    "tag_lying_leadgate_percent_of_one_cpu": 100 * lying_reader / hz / idle,
    "tag_lying_emulator_percent_of_one_cpu": 100 * lying_emulator / hz / idle,
    "empty_field_leadgate_percent_of_one_cpu": 100 * empty_reader / hz / idle,
    "empty_field_emulator_percent_of_one_cpu": 100 * empty_emulator / hz / idle,
}
json.dump({"kinds": rows, "idle_cpu": cpu}, open(result_path, "w"), indent=2)
print(f"{'kind':24} {'type':18} {'taps':>4} {'cmds/tap':>8} {'minimum':>7} {'to contact ms':>13} {'simulated ms':>12} {'ratio':>5} {'own ms':>7} {'total ms':>8} {'reader I/O ms':>13} {'decode ms':>9}")
for r in rows:
    cmds = ",".join(map(str, r["commands_per_tap"]))
    print(f"{r['kind']:24} {r['tag_type']:18} {r['taps']:>4} {cmds:>8} {r['minimum']:>7} "
          f"{r['median_to_contact_ms_excluding_reader_io']:>13.3f} {r['simulated_to_contact_ms_same_run']:>12.3f} {r['ratio_to_simulated']:>5.2f} "
          f"{r['median_own_ms']:>7.3f} {r['median_total_ms']:>8.3f} "
          f"{r['median_reader_io_ms']:>13.3f} {r['median_decoding_ms']:>9.3f}")
print(f"idle leadgate read, {idle:.0f} s: tag lying {cpu['tag_lying_leadgate_percent_of_one_cpu']:.2f}% of one CPU "
      f"(emulator {cpu['tag_lying_emulator_percent_of_one_cpu']:.2f}%), empty field {cpu['empty_field_leadgate_percent_of_one_cpu']:.2f}% "
      f"(emulator {cpu['empty_field_emulator_percent_of_one_cpu']:.2f}%)")
for r in rows:
    assert r["taps"] == taps, f"{r['kind']}: {r['taps']} taps read, {taps} expected"
    assert r["commands_per_tap"] == r["commands_answered_by_tag"], f"{r['kind']}: leadgate and the tag disagree on commands"
    assert max(r["commands_per_tap"]) <= r["minimum"] + 1, f"{r['kind']}: more than the minimum + 1 commands"
PY
