#!/usr/bin/env bash
# Issue 16's roster figures, each beside a reference measured in the same run:
#   1. `leadgate roster import` of 100,000 attendees (Eventbrite-style CSV, 10 columns,
#      three keys each) into a new store, against `sqlite3 .import` of the same CSV into a
#      new database (no indexes, no checks: the floor of getting those rows into SQLite).
#      Goal: under 2 s.
#   2. Roster lookup at capture at 100,000 attendees (`leadgate bench roster`: the keys from
#      the tag, the indexed lookups, the contact normalized), against a UID-only tap's
#      capture (committed and fsync'd) in the same run. Goal: under 1 ms.
#   3. Late enrichment of 10,000 leads: 10,000 URL-code tags imported as leads, then the
#      roster imported; the enrichment step's time (`--timings`), against the import of
#      those 10,000 tags.
# Medians of RUNS runs (default 5), each a new process into a new store.
#
# usage: Benchmarks/roster-bench.sh        (SCRATCH=.build-x to build elsewhere, RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${SCRATCH:-.build}
RUNS=${RUNS:-5}
ROWS=100000
LEADS=10000
OUT=Benchmarks/out
DATA=$OUT/roster

echo "load before: $(uptime)"
if [ ! -s "$DATA/roster.csv" ] || [ "$(find "$DATA/tags" -name '*.ndef' 2>/dev/null | wc -l)" != "$LEADS" ]; then
    echo "generating $ROWS attendees and $LEADS tags"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    python3 Benchmarks/make_roster.py "$ROWS" "$DATA/roster.csv" --tags "$LEADS" "$DATA/tags"
fi

if [ -z "${LEADGATE:-}" ]; then
    echo "building release"
    swift build -c release --scratch-path "$SCRATCH" --product leadgate >/dev/null
    LEADGATE="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/leadgate"
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
seconds() { /usr/bin/time -f "%e" -o "$DATA/time" "$@" > /dev/null 2>> "$DATA/stderr"; cat "$DATA/time"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

cat "$DATA/roster.csv" > /dev/null
imports=(); sqlites=(); enrich=(); tag_imports=()
for run in $(seq 1 "$RUNS"); do
    rm -rf "$DATA/s"; mkdir -p "$DATA/s"
    imports+=("$(seconds "$LEADGATE" roster import "$DATA/roster.csv" --event Bench --store "$DATA/s/leads.sqlite")")
    stored=$(sqlite3 "$DATA/s/leads.sqlite" "SELECT count(*) FROM roster")
    [ "$stored" = "$ROWS" ] || { echo "expected $ROWS attendees, stored $stored" >&2; exit 1; }
    rm -f "$DATA/s/ref.db"
    sqlites+=("$(seconds sqlite3 "$DATA/s/ref.db" ".mode csv" ".import $DATA/roster.csv roster")")
    # Late enrichment: the tags first, then the roster.
    rm -rf "$DATA/e"; mkdir -p "$DATA/e"
    tag_imports+=("$(seconds "$LEADGATE" import "$DATA/tags" --event Bench --rep bench --store "$DATA/e/leads.sqlite")")
    line=" "$("$LEADGATE" roster import "$DATA/roster.csv" --event Bench --store "$DATA/e/leads.sqlite" --timings 2>&1 >/dev/null | grep 'roster timings')
    enrich+=("$(echo "$line" | field enrich_s)")
    enriched=$(sqlite3 "$DATA/e/leads.sqlite" "SELECT count(*) FROM lead_events WHERE kind = 'enriched'")
    [ "$enriched" = "$LEADS" ] || { echo "expected $LEADS enriched leads, got $enriched" >&2; exit 1; }
    echo "run $run: roster import ${imports[-1]}s, sqlite3 .import ${sqlites[-1]}s; import of $LEADS tags ${tag_imports[-1]}s, enrichment ${enrich[-1]}s ($line)"
done
lookup=$("$LEADGATE" bench roster --store "$DATA/s/leads.sqlite" --event Bench --runs "$RUNS")
echo "$lookup"
rm -rf "$DATA/s" "$DATA/e"

import_s=$(printf '%s\n' "${imports[@]}" | median)
sqlite_s=$(printf '%s\n' "${sqlites[@]}" | median)
enrich_s=$(printf '%s\n' "${enrich[@]}" | median)
tags_s=$(printf '%s\n' "${tag_imports[@]}" | median)
echo "load after: $(uptime)"
echo "RESULT roster import of $ROWS rows: ${import_s}s wall (median of $RUNS); sqlite3 .import ${sqlite_s}s; ratio $(awk "BEGIN { printf \"%.2f\", $import_s / $sqlite_s }") (goal: under 2 s)"
echo "RESULT roster lookup at $ROWS attendees: $(echo "$lookup" | field median_us) us median per lookup; a UID tap's capture $(echo "$lookup" | field capture_median_us) us; ratio $(echo "$lookup" | field ratio) (goal: under 1 ms)"
echo "RESULT late enrichment of $LEADS leads: ${enrich_s}s (median of $RUNS); import of those $LEADS tags ${tags_s}s; ratio $(awk "BEGIN { printf \"%.2f\", $enrich_s / $tags_s }")"
