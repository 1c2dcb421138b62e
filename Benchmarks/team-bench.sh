#!/usr/bin/env bash
# The shared store as the team reads it, at N leads (default 100,000), on a private server:
#   - lead_board and followups_due: a full read of each view with psql (median of RUNS, ms),
#     beside a read of the same plain columns of `leads` (the table itself: reference), and the
#     reads a person makes: one owner's overdue follow-ups, one event's board page;
#   - the forward of the N leads into the empty database (s, leads/s: the upsert now fills
#     the flat columns and the person key);
#   - `leadgate leads --from` (JSON lines) for all N leads, beside `leadgate leads` of the
#     same leads from the local store (reference);
#   - notification latency: `leadgate set --owner` with `leadgate forward --notify` running,
#     from the end of `set` to the webhook receiver's arrival time (median of RUNS).
#
#   Benchmarks/team-bench.sh [LEADS] [RUNS]          default 100000 leads, 5 runs
#
# Env: LEADGATE_BIN (default: a release build in .build-team-release), KEEP=1 keeps the work
# folder. Prints one JSON line at the end.
set -euo pipefail

leads=${1:-100000}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/leadgate-team-bench.XXXXXX)
chmod 0755 "$work"
cluster=$work/pg
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
receiver_pid=
forward_pid=

cleanup() {
  [ -n "$forward_pid" ] && kill "$forward_pid" 2>/dev/null || true
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  "$root/Hardware/pg-test-cluster.sh" destroy "$cluster" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

bin=${LEADGATE_BIN:-}
if [ -z "$bin" ]; then
  echo "team-bench: building leadgate (release)" >&2
  (cd "$root" && swift build -c release --scratch-path .build-team-release --product leadgate >/dev/null)
  bin=$root/.build-team-release/release/leadgate
fi

"$root/Hardware/pg-test-cluster.sh" start "$cluster" "$port" >/dev/null
base="postgres://postgres@127.0.0.1:$port"
db="$base/team?sslmode=disable"
psql -X -q -v ON_ERROR_STOP=1 "$base/postgres?sslmode=disable" -c "CREATE DATABASE team"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

echo "team-bench: generating, importing and forwarding $leads leads" >&2
python3 "$root/Benchmarks/make_cards.py" "$leads" "$work/cards.vcf" >/dev/null
store=$work/store.sqlite
"$bin" import "$work/cards.vcf" --event "Bench 2026" --rep bench --store "$store" >/dev/null
start=$(now)
"$bin" forward --once --to "$db" --store "$store" >/dev/null
end=$(now)
forward_s=$(calc "$end - $start")
echo "team-bench: forward: $forward_s s" >&2
rows=$(psql -X -At "$db" -c "SELECT count(*) FROM lead_board")
[ "$rows" = "$leads" ] || { echo "team-bench: $rows rows in lead_board, expected $leads" >&2; exit 70; }
psql -X -q "$db" -c "VACUUM ANALYZE"

# A full read of a query through psql, server time as psql's \timing reports it (ms).
query_ms() {
  psql -X -q "$db" -o /dev/null -c '\timing on' -c "$1" | awk '/^Time:/ {print $2}'
}
declare -A results
# Half the leads overdue, spread over 20 owners, so the per-owner reads have rows to find.
psql -X -q "$db" -c "UPDATE leads SET owner = 'owner' || (abs(hashtext(id::text)) % 20), due_at = due_at - interval '3 days' * (abs(hashtext(id::text)) % 2)"
psql -X -q "$db" -c "VACUUM ANALYZE"
for name in board followups reference owner_overdue board_page; do
  case $name in
    board) sql="SELECT * FROM lead_board" ;;
    followups) sql="SELECT * FROM followups_due ORDER BY owner, due" ;;
    reference) sql="SELECT id, name, company, title, email, phone, event, rep, owner, status, tags, note, next_action, due_at, first_contacted_at, gateway, captured_at, person_key FROM leads" ;;
    owner_overdue) sql="SELECT * FROM followups_due WHERE owner = 'owner7' AND overdue ORDER BY due" ;;
    board_page) sql="SELECT * FROM lead_board WHERE event = 'Bench 2026' ORDER BY captured_at DESC LIMIT 50" ;;
  esac
  times=()
  for run in $(seq 1 "$runs"); do times+=("$(query_ms "$sql")"); done
  results[$name]=$(printf '%s\n' "${times[@]}" | median)
  echo "team-bench: $name: ${times[*]} ms" >&2
done

from_times=(); local_times=()
for run in $(seq 1 "$runs"); do
  start=$(now); "$bin" leads --from "$db" --format json >"$work/from.jsonl"; end=$(now)
  from_times+=("$(calc "$end - $start")")
  start=$(now); "$bin" leads --format json --store "$store" >"$work/local.jsonl"; end=$(now)
  local_times+=("$(calc "$end - $start")")
done
[ "$(wc -l <"$work/from.jsonl")" = "$leads" ] || { echo "team-bench: leads --from gave $(wc -l <"$work/from.jsonl") lines" >&2; exit 70; }
cmp -s <(sort "$work/from.jsonl") <(sort "$work/local.jsonl") || { echo "team-bench: leads --from differs from the local leads" >&2; exit 70; }
from_s=$(printf '%s\n' "${from_times[@]}" | median)
local_s=$(printf '%s\n' "${local_times[@]}" | median)
echo "team-bench: leads --from: ${from_times[*]} s; local: ${local_times[*]} s" >&2

# Notification latency: a receiver, a forwarder with --notify, and `set --owner` per run.
touch "$work/messages.jsonl"
python3 "$root/Hardware/notify_receiver.py" --log "$work/messages.jsonl" >"$work/ports" &
receiver_pid=$!
for _ in $(seq 1 100); do [ -s "$work/ports" ] && break; sleep 0.05; done
http_port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' "$work/ports")
"$bin" forward --to "$db" --notify "http://127.0.0.1:$http_port/hooks/team" --store "$store" >"$work/forward.log" 2>&1 &
forward_pid=$!
sleep 5
ids=($(sqlite3 "$store" "SELECT id FROM leads LIMIT $runs"))
latencies=()
for run in $(seq 1 "$runs"); do
  "$bin" set "${ids[$((run - 1))]}" --owner "owner$run" --store "$store" >/dev/null
  done_at=$(now)
  for _ in $(seq 1 3000); do
    [ "$(wc -l <"$work/messages.jsonl")" -ge "$run" ] && break
    sleep 0.01
  done
  [ "$(wc -l <"$work/messages.jsonl")" -ge "$run" ] || { echo "team-bench: no notification within 30 s" >&2; cat "$work/forward.log" >&2; exit 70; }
  arrived=$(tail -n 1 "$work/messages.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["received_at"])')
  latencies+=("$(calc "($arrived - $done_at) * 1000")")
  sleep 0.3
done
latency_ms=$(printf '%s\n' "${latencies[@]}" | median)
echo "team-bench: notification latency: ${latencies[*]} ms" >&2

printf '{"leads": %d, "runs": %d, "forward_s": %s, "lead_board_ms": %s, "followups_due_ms": %s, "plain_leads_ms": %s, "owner_overdue_ms": %s, "board_page_ms": %s, "leads_from_s": %s, "leads_local_s": %s, "notify_latency_ms": %s}\n' \
  "$leads" "$runs" "$forward_s" "${results[board]}" "${results[followups]}" "${results[reference]}" "${results[owner_overdue]}" "${results[board_page]}" "$from_s" "$local_s" "$latency_ms"
