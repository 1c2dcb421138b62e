#!/usr/bin/env bash
# Issue 3's import benchmark: 100,000 cards in 10,000 .vcf files imported into a new store
# (parsed, normalized, deduped, stored), against ez-vcard only parsing the same 100,000
# cards, measured in the same run on the same machine. Goal: import < ez-vcard; target: half.
#
# usage: Benchmarks/import-bench.sh        (SCRATCH=.build-x to build elsewhere, RUNS=3)
#
# leadgate: median wall time of RUNS imports, each into a new store, with /usr/bin/time's
# wall, user+system CPU and peak RSS per run. ez-vcard: Benchmarks/EzVcardBench.java on one
# file of the same cards (the 10,000 files concatenated): its median in-JVM parse time after
# JIT warm-up (the figure compared: ez-vcard at its best), and the JVM process's wall and CPU.
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

walls=()
for run in $(seq 1 "$RUNS"); do
    store="$DATA/store-$run/leads.sqlite"
    rm -rf "$DATA/store-$run"
    /usr/bin/time -f "%e %U %S %M" -o "$DATA/time-$run" \
        "$LEADGATE" import "$DATA/files" --event Bench --rep bench --store "$store" --json > "$DATA/summary-$run.json"
    read -r wall user sys rss < "$DATA/time-$run"
    imported=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['imported'])" "$DATA/summary-$run.json")
    cpu=$(awk "BEGIN { printf \"%.2f\", $user + $sys }")
    echo "leadgate import run $run: wall ${wall}s cpu ${cpu}s (user $user sys $sys) peak RSS $((rss / 1024)) MB, $imported leads"
    [ "$imported" = "$CARDS" ] || { echo "expected $CARDS new leads" >&2; exit 1; }
    walls+=("$wall")
    rm -rf "$DATA/store-$run"
done
import_s=$(printf '%s\n' "${walls[@]}" | median)

/usr/bin/time -f "%e %U %S %M" -o "$DATA/time-ez" \
    java -cp "$OUT/java:$EZ_CP" EzVcardBench "$DATA/all.vcf" "$RUNS" | tee "$DATA/ez.txt"
read -r ez_wall ez_user ez_sys ez_rss < "$DATA/time-ez"
ez_s=$(sed -n 's/.*median_s=\([0-9.]*\).*/\1/p' "$DATA/ez.txt")
echo "ez-vcard process (JVM start, read, 2 warm-up + $RUNS timed parses): wall ${ez_wall}s cpu $(awk "BEGIN { printf \"%.2f\", $ez_user + $ez_sys }")s peak RSS $((ez_rss / 1024)) MB"

ratio=$(awk "BEGIN { printf \"%.2f\", $import_s / $ez_s }")
verdict=$(awk "BEGIN { r = $import_s / $ez_s; print (r <= 0.5 ? \"goal met (half or less)\" : (r < 1 ? \"faster than ez-vcard, not yet half\" : \"SLOWER than ez-vcard\")) }")
echo "load after: $(uptime)"
echo "RESULT import of $CARDS cards in $FILES files: ${import_s}s median wall; ez-vcard parse only: ${ez_s}s median; ratio $ratio (goal < 1, target <= 0.5): $verdict"
