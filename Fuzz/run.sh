#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for a while, starting from Fuzz/seeds/TARGET.
# Usage: Fuzz/run.sh TARGET SECONDS
# New inputs go to Fuzz/out/corpus/TARGET, crashes to Fuzz/out/TARGET-crash-*, the log to
# Fuzz/out/TARGET.log; Fuzz/out is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS}

# Each target: the module sources it fuzzes, and its harness defining LLVMFuzzerTestOneInput;
# imports lists the modules those sources import, each built first as a module of its own.
imports=()
case "$target" in
    ndef)  sources=(Sources/NDEF/*.swift); harness=Fuzz/NDEFMessageFuzz.swift ;;
    type2) sources=(Sources/NDEF/*.swift); harness=Fuzz/TypeTwoFuzz.swift ;;
    vcard) sources=(Sources/ContactFormats/*.swift); harness=Fuzz/VCardFuzz.swift; imports=(NDEF) ;;
    *) echo "run.sh: unknown target '$target' (ndef, type2, vcard)" >&2; exit 64 ;;
esac

swiftc=${SWIFTC:-swiftc}
if ! command -v "$swiftc" >/dev/null && [ -x /opt/swift/usr/bin/swiftc ]; then
    swiftc=/opt/swift/usr/bin/swiftc
fi

mkdir -p "Fuzz/out/corpus/$target" "Fuzz/out/modules/$target"
# Compiled together with the sources, `import NDEF` would name no module: build it alone,
# instrumented the same way, and link its object.
objects=()
for module in "${imports[@]}"; do
    "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -wmo -module-name "$module" -emit-module \
        -emit-module-path "Fuzz/out/modules/$target/$module.swiftmodule" \
        -c Sources/"$module"/*.swift -o "Fuzz/out/modules/$target/$module.o"
    objects+=("Fuzz/out/modules/$target/$module.o")
done
"$swiftc" -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzTarget -I "Fuzz/out/modules/$target" \
    "${sources[@]}" "$harness" "${objects[@]}" -o "Fuzz/out/$target"

seeds=()
[ -d "Fuzz/seeds/$target" ] && seeds=("Fuzz/seeds/$target")

status=0
# Swift's own crash backtracer would race ASan and libFuzzer for the report; they suffice.
SWIFT_BACKTRACE=enable=no "Fuzz/out/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="Fuzz/out/$target-" "Fuzz/out/corpus/$target" "${seeds[@]}" \
    >"Fuzz/out/$target.log" 2>&1 || status=$?

tail -n 25 "Fuzz/out/$target.log"
executions=$(grep -o 'number_of_executed_units: [0-9]*' "Fuzz/out/$target.log" | tail -n 1 | grep -o '[0-9]*$' || true)
echo "$target: ${executions:-unknown} executions in $seconds s (exit status $status)"
exit "$status"
