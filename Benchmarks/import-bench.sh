#!/usr/bin/env bash
# Issue 3's import benchmark: 100,000 cards in 10,000 .vcf files imported into a new store
# (parsed, normalized, deduped, stored), against ez-vcard only parsing the same 100,000
# cards, measured in the same run on the same machine. Goal: import < ez-vcard; target: half.
#
# usage: Benchmarks/import-bench.sh        (SCRATCH=.build-x to build elsewhere, RUNS=5)
#
# leadgate: each round, three imports, each a new process into a new store (/usr/bin/time's
# wall, user+system CPU, peak RSS); the round's figure is their median, the result the
# median of the rounds. Before each import the files are read into the page cache
# (untimed): ez-vcard's timed passes find them there, after its warm-up passes.
# ez-vcard (Benchmarks/EzVcardBench.java), four ways, each round one JVM per input:
#   folder, warm: the 10,000 files read and parsed one by one, as the import reads them;
#                 median of 3 passes after 4 warm-up passes (no JVM start, a warm JIT).
#                 ez-vcard at its fastest: the strictest reference.
#   folder, first pass: the first of those warm-up passes, what a one-off parse of the
#                 folder needs in a fresh JVM (JIT compilation included, JVM start not).
#   one file, warm / first pass: the same for the 10,000 files concatenated, parsed from
#                 one string (slower: ez-vcard then holds all 100,000 cards at once).
# Rounds alternate (an import, then the two JVMs) so the machine's drift falls on all alike.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${SCRATCH:-.build}
RUNS=${RUNS:-5}
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

warm_cache() { find "$DATA/files" -name '*.vcf' -print0 | xargs -0 cat > /dev/null; }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

walls=()
folder_warm=(); folder_first=(); file_warm=(); file_first=()
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
for run in $(seq 1 "$RUNS"); do
    # Three imports, each a new process into a new store; the round keeps the median, as
    # ez-vcard's warm figure is the median of its three passes.
    round_walls=(); round_figures=()
    for take in 1 2 3; do
        store="$DATA/store-$run-$take/leads.sqlite"
        rm -rf "$DATA/store-$run-$take"
        # The files in the page cache, as ez-vcard's timed passes find them (its warm-ups
        # have just read them). This machine drops cached pages within half a minute, so
        # without this an import read some files from disk and ez-vcard none.
        warm_cache
        /usr/bin/time -f "%e %U %S %M" -o "$DATA/time-$run-$take" \
            "$LEADGATE" import "$DATA/files" --event Bench --rep bench --store "$store" --json > "$DATA/summary-$run.json"
        read -r t_wall t_user t_sys t_rss < "$DATA/time-$run-$take"
        imported=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['imported'])" "$DATA/summary-$run.json")
        [ "$imported" = "$CARDS" ] || { echo "expected $CARDS new leads" >&2; exit 1; }
        rm -rf "$DATA/store-$run-$take"
        round_walls+=("$t_wall")
        round_figures+=("$t_wall $t_user $t_sys $t_rss")
    done
    wall=$(printf '%s\n' "${round_walls[@]}" | median)
    # CPU and memory as measured in the median import.
    for figures in "${round_figures[@]}"; do
        read -r t_wall user sys rss <<< "$figures"
        [ "$t_wall" = "$wall" ] && break
    done
    cpu=$(awk "BEGIN { printf \"%.2f\", $user + $sys }")
    walls+=("$wall")
    folder=$(java -cp "$OUT/java:$EZ_CP" EzVcardBench "$DATA/files" 3 4)
    file=$(java -cp "$OUT/java:$EZ_CP" EzVcardBench "$DATA/all.vcf" 3 4)
    folder_warm+=("$(echo "$folder" | field median_s)"); folder_first+=("$(echo "$folder" | field first_s)")
    file_warm+=("$(echo "$file" | field median_s)"); file_first+=("$(echo "$file" | field first_s)")
    echo "round $run: leadgate import wall ${wall}s (of ${round_walls[*]}) cpu ${cpu}s (user $user sys $sys) peak RSS $((rss / 1024)) MB, $imported leads;" \
         "ez-vcard folder ${folder_warm[-1]}s warm, ${folder_first[-1]}s first pass; one file ${file_warm[-1]}s warm, ${file_first[-1]}s first pass"
done
import_s=$(printf '%s\n' "${walls[@]}" | median)
ratio() { awk "BEGIN { printf \"%.2f\", $import_s / $1 }"; }
verdict() { awk "BEGIN { r = $import_s / $1; print (r <= 0.5 ? \"half or less\" : (r < 1 ? \"faster\" : \"SLOWER\")) }"; }
echo "load after: $(uptime)"
echo "RESULT import of $CARDS cards in $FILES files: ${import_s}s wall, median of $RUNS rounds (each the median of 3 imports)"
for ref in "folder, warm (strictest):folder_warm" "folder, first pass in a fresh JVM:folder_first" "one file, warm:file_warm" "one file, first pass:file_first"; do
    label=${ref%%:*}; name=${ref#*:}
    eval "values=(\"\${${name}[@]}\")"
    ez_s=$(printf '%s\n' "${values[@]}" | median)
    echo "RESULT   vs ez-vcard $label: ${ez_s}s median; ratio $(ratio "$ez_s") ($(verdict "$ez_s"); goal < 1, target <= 0.5)"
done
