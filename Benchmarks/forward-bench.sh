#!/usr/bin/env bash
# Leads per second into PostgreSQL: `leadgate forward --once` draining N queued leads into a
# fresh database, beside `psql \copy` of the same rows (same table definition: jsonb, the
# same indexes) into another fresh database, in the same run on the same private server.
#
#   Benchmarks/forward-bench.sh [LEADS] [RUNS]     default 20000 leads, 5 runs; medians reported
#
# The leads are generated vCards (make_cards.py) imported with `leadgate import`, which
# captures them through LeadStore.capture; each run forwards a fresh copy of that store.
# Env: LEADGATE_BIN (default: a release build in .build-fwd-release), BATCH (forward's
# --batch-size), KEEP=1 keeps the work folder. Prints one JSON line at the end.
set -euo pipefail

leads=${1:-20000}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/leadgate-fwd-bench.XXXXXX)
chmod 0755 "$work"  # the server runs as the postgres user and must reach its folder inside
cluster=$work/pg
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  "$root/Hardware/pg-test-cluster.sh" destroy "$cluster" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

bin=${LEADGATE_BIN:-}
if [ -z "$bin" ]; then
  echo "forward-bench: building leadgate (release)" >&2
  (cd "$root" && swift build -c release --scratch-path .build-fwd-release --product leadgate >/dev/null)
  bin=$root/.build-fwd-release/release/leadgate
fi
batch_args=()
[ -n "${BATCH:-}" ] && batch_args=(--batch-size "$BATCH")

"$root/Hardware/pg-test-cluster.sh" start "$cluster" "$port" >/dev/null
base="postgres://postgres@127.0.0.1:$port"
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$base/postgres?sslmode=disable" "$@"; }

echo "forward-bench: generating and importing $leads leads" >&2
python3 "$root/Benchmarks/make_cards.py" "$leads" "$work/cards.vcf" >/dev/null
"$bin" import "$work/cards.vcf" --event "Bench 2026" --rep bench --store "$work/template.sqlite" >/dev/null
sqlite3 "$work/template.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
queued=$("$bin" status --json --store "$work/template.sqlite" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queued"])')
[ "$queued" = "$leads" ] || { echo "forward-bench: expected $leads queued, got $queued" >&2; exit 70; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

forward_times=()
for run in $(seq 1 "$runs"); do
  psql_admin -c "CREATE DATABASE fwd_$run"
  cp "$work/template.sqlite" "$work/run.sqlite"
  rm -f "$work/run.sqlite-wal" "$work/run.sqlite-shm"
  start=$(now)
  "$bin" forward --once --to "$base/fwd_$run?sslmode=disable" --store "$work/run.sqlite" "${batch_args[@]}" >/dev/null
  end=$(now)
  rows=$(psql -X -At "$base/fwd_$run?sslmode=disable" -c "SELECT count(*) FROM leads")
  [ "$rows" = "$leads" ] || { echo "forward-bench: run $run delivered $rows rows, expected $leads" >&2; exit 70; }
  t=$(calc "$end - $start")
  forward_times+=("$t")
  echo "forward-bench: forward run $run: $(printf '%.3f' "$t") s, $(calc "$leads / $t" | xargs printf '%.0f') leads/s" >&2
done

# The same rows, as the forwarder wrote them, loaded with psql's \copy into the same table.
columns="id, lead, event, rep, owner, status, due_at, captured_at, updated_at, source_seq"
psql -X -q "$base/fwd_1?sslmode=disable" -c "\\copy (SELECT $columns FROM leads ORDER BY captured_at) TO '$work/rows.tsv'"
pg_dump -s -t leads "$base/fwd_1?sslmode=disable" >"$work/leads-schema.sql"
copy_times=()
for run in $(seq 1 "$runs"); do
  psql_admin -c "CREATE DATABASE copy_$run"
  psql -X -q -v ON_ERROR_STOP=1 "$base/copy_$run?sslmode=disable" -f "$work/leads-schema.sql" >/dev/null
  start=$(now)
  psql -X -q -v ON_ERROR_STOP=1 "$base/copy_$run?sslmode=disable" -c "\\copy leads ($columns) FROM '$work/rows.tsv'"
  end=$(now)
  t=$(calc "$end - $start")
  copy_times+=("$t")
  echo "forward-bench: \\copy run $run: $(printf '%.3f' "$t") s, $(calc "$leads / $t" | xargs printf '%.0f') rows/s" >&2
done

forward_median=$(printf '%s\n' "${forward_times[@]}" | median)
copy_median=$(printf '%s\n' "${copy_times[@]}" | median)
forward_rate=$(calc "$leads / $forward_median")
copy_rate=$(calc "$leads / $copy_median")
ratio=$(calc "$forward_rate / $copy_rate")
bytes=$(stat -c %s "$work/rows.tsv")
printf 'forward: %.0f leads/s (median %.3f s)   \\copy: %.0f rows/s (median %.3f s)   ratio %.2f   (%d leads, %d runs, %d bytes of rows)\n' \
  "$forward_rate" "$forward_median" "$copy_rate" "$copy_median" "$ratio" "$leads" "$runs" "$bytes"
printf '{"leads": %d, "runs": %d, "forward_median_s": %.4f, "forward_leads_per_s": %.0f, "copy_median_s": %.4f, "copy_rows_per_s": %.0f, "ratio": %.3f}\n' \
  "$leads" "$runs" "$forward_median" "$forward_rate" "$copy_median" "$copy_rate" "$ratio"
