#!/usr/bin/env bash
# Issue 3's import benchmark: 100,000 cards in 10,000 .vcf files imported into a new store
# (parsed, normalized, deduped, stored), against ez-vcard only parsing the same 100,000
# cards, measured in the same run on the same machine. Goal: import < ez-vcard; target: half.
#
# usage: Benchmarks/import-bench.sh        (SCRATCH=.build-x to build elsewhere, RUNS=3)
#
# leadgate: median wall time of RUNS imports, each into a new store, with /usr/bin/time's
# wall, user+system CPU and peak RSS per run. ez-vcard: Benchmarks/EzVcardBench.java on one
# file of the same cards (the 10,000 files concatenated), one JVM per round: the median of
# 3 in-JVM parses after 4 warm-up parses (ez-vcard at its best: no JVM start, no file
# reading, a warm JIT).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${SCRATCH:-.build}
RUNS=${RUNS:-3}
CARDS=100000
FILES=10000
OUT=Benchmarks/out
DATA=$OUT/import
EZ_CP=/usr/share/java/ez-vcard.jar:/usr/share/java/vinnie.jar

echo "load before: $(uptime)"

if [ "$(find "$DATA/files" -name '*.vcf' 2>/dev/null | wc -l)" != "$FILES" ] || [ ! -s "$DATA/all.vcf" ]; then
    echo "generating $CARDS cards in $FILES files"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    python3 Benchmarks/make_cards.py "$CARDS" "$DATA/files" --files "$FILES"
    # One file of the same cards, in the same order, for ez-vcard.
    find "$DATA/files" -name '*.vcf' | sort | xargs cat > "$DATA/all.vcf"
fi

echo "building release"
swift build -c release --scratch-path "$SCRATCH" >/dev/null
LEADGATE="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/leadgate"

if [ ! -f "$OUT/java/EzVcardBench.class" ] || [ Benchmarks/EzVcardBench.java -nt "$OUT/java/EzVcardBench.class" ]; then
    javac -d "$OUT/java" -cp /usr/share/java/ez-vcard.jar Benchmarks/EzVcardBench.java
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Rounds alternate: one import, then one ez-vcard process (4 warm-up parses, then the median
# of 3 timed ones),
# so that the machine's drift (its speed moves by a quarter from minute to minute) falls
# on both alike. Medians of the RUNS rounds are compared.
walls=()
ez_runs=()
for run in $(seq 1 "$RUNS"); do
    store="$DATA/store-$run/leads.sqlite"
    rm -rf "$DATA/store-$run"
    /usr/bin/time -f "%e %U %S %M" -o "$DATA/time-$run" \
        "$LEADGATE" import "$DATA/files" --event Bench --rep bench --store "$store" --json > "$DATA/summary-$run.json"
    read -r wall user sys rss < "$DATA/time-$run"
    imported=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['imported'])" "$DATA/summary-$run.json")
    cpu=$(awk "BEGIN { printf \"%.2f\", $user + $sys }")
    [ "$imported" = "$CARDS" ] || { echo "expected $CARDS new leads" >&2; exit 1; }
    walls+=("$wall")
    rm -rf "$DATA/store-$run"
    ez=$(java -cp "$OUT/java:$EZ_CP" EzVcardBench "$DATA/all.vcf" 3 4 | sed -n 's/.*median_s=\([0-9.]*\).*/\1/p')
    ez_runs+=("$ez")
    echo "round $run: leadgate import wall ${wall}s cpu ${cpu}s (user $user sys $sys) peak RSS $((rss / 1024)) MB, $imported leads; ez-vcard parse ${ez}s"
done
import_s=$(printf '%s\n' "${walls[@]}" | median)
ez_s=$(printf '%s\n' "${ez_runs[@]}" | median)

ratio=$(awk "BEGIN { printf \"%.2f\", $import_s / $ez_s }")
verdict=$(awk "BEGIN { r = $import_s / $ez_s; print (r <= 0.5 ? \"goal met (half or less)\" : (r < 1 ? \"faster than ez-vcard, not yet half\" : \"SLOWER than ez-vcard\")) }")
echo "load after: $(uptime)"
echo "RESULT import of $CARDS cards in $FILES files: ${import_s}s median wall; ez-vcard parse only: ${ez_s}s median; ratio $ratio (goal < 1, target <= 0.5): $verdict"
