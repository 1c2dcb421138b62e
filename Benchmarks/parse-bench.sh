#!/usr/bin/env bash
# Issue 2's parse benchmark: `leadgate bench parse` (parse + normalize, one thread) beside
# ez-vcard (parse only) on the same 100,000-card file, both pinned to CPU 0 so neither gets
# a second core (the JVM's JIT and GC share it too). Prints both medians and the ratio.
# Every run of ours starts cold: a new normalizer with an empty E.164 cache of its own, so no
# run is timed on numbers an earlier run converted.
#
# usage: Benchmarks/parse-bench.sh        (SCRATCH=.build-x to build elsewhere, RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${SCRATCH:-.build}
RUNS=${RUNS:-5}
OUT=Benchmarks/out
FILE=$OUT/cards.vcf
EZ_CP=/usr/share/java/ez-vcard.jar:/usr/share/java/vinnie.jar

echo "load before: $(uptime)"
if [ ! -s "$FILE" ]; then
    mkdir -p "$OUT"
    python3 Benchmarks/make_cards.py 100000 "$FILE"
fi
swift build -c release --scratch-path "$SCRATCH" >/dev/null
LEADGATE="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/leadgate"
if [ ! -f "$OUT/java/EzVcardBench.class" ] || [ Benchmarks/EzVcardBench.java -nt "$OUT/java/EzVcardBench.class" ]; then
    javac -d "$OUT/java" -cp /usr/share/java/ez-vcard.jar Benchmarks/EzVcardBench.java
fi

ours=$(taskset -c 0 "$LEADGATE" bench parse "$FILE" --runs "$RUNS")
echo "$ours"
theirs=$(taskset -c 0 java -cp "$OUT/java:$EZ_CP" EzVcardBench "$FILE" "$RUNS")
echo "$theirs"
ours_s=$(sed -n 's/.* median_s=\([0-9.]*\).*/\1/p' <<< "$ours")
parse_s=$(sed -n 's/.*parse_only_s=\([0-9.]*\).*/\1/p' <<< "$ours")
theirs_s=$(sed -n 's/.*median_s=\([0-9.]*\).*/\1/p' <<< "$theirs")
echo "load after: $(uptime)"
echo "RESULT parse+normalize ${ours_s}s (parse alone ${parse_s}s) vs ez-vcard parse ${theirs_s}s on CPU 0:" \
     "ratio $(awk "BEGIN { printf \"%.2f\", $ours_s / $theirs_s }") (parse alone $(awk "BEGIN { printf \"%.2f\", $parse_s / $theirs_s }"))"
