#!/usr/bin/env bash
# Fault figures of `leadgate forward` to a webhook (issue 18), on loopback:
#   1. duplicate POSTs after killing a continuous forward with SIGKILL KILLS times, every
#      KILL_EVERY seconds (default 0.4), while it drains LEADS leads (then `forward --once`);
#   2. POSTs a receiver answering 500 to everything gets in SECONDS seconds.
#
#   Benchmarks/forward-faults.sh [LEADS] [KILLS] [SECONDS]    default 3000, 6, 10
#
# Env: LEADGATE_BIN (default .build/debug/leadgate). Prints one JSON line at the end.
set -euo pipefail

leads=${1:-3000}
kills=${2:-6}
seconds=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${LEADGATE_BIN:-$root/.build/debug/leadgate}
work=$(mktemp -d /tmp/leadgate-faults.XXXXXX)
export LEADGATE_WEBHOOK_SECRET=forward-faults-secret-0123456789
receiver_pid=""
cleanup() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

receiver() {  # STATUSES LOG -> sets port and receiver_pid
  python3 -u "$root/Hardware/webhook_receiver.py" --secret "$LEADGATE_WEBHOOK_SECRET" --statuses "$1" --log "$2" >"$work/port" 2>/dev/null &
  receiver_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(head -1 "$work/port")
}

python3 "$root/Benchmarks/make_cards.py" "$leads" "$work/cards" --files 4 >/dev/null
for store in store refused; do
  "$bin" import "$work/cards" --event "Faults" --rep bench --store "$work/$store.sqlite" >/dev/null 2>&1
done

# 1. Kills.
receiver 200 "$work/posts.jsonl"
for _ in $(seq "$kills"); do
  "$bin" forward --to "http://127.0.0.1:$port/hooks" --store "$work/store.sqlite" >/dev/null 2>&1 &
  pid=$!
  sleep "${KILL_EVERY:-0.4}"
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
done
"$bin" forward --once --to "http://127.0.0.1:$port/hooks" --store "$work/store.sqlite" >/dev/null 2>&1
posts=$(wc -l <"$work/posts.jsonl")
distinct=$(python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in open(sys.argv[1])}))' "$work/posts.jsonl")
kill "$receiver_pid"; receiver_pid=""

# 2. A receiver that answers 500 to everything.
rm -f "$work/port"
receiver 500 "$work/errors.jsonl"
"$bin" forward --to "http://127.0.0.1:$port/hooks" --store "$work/refused.sqlite" >/dev/null 2>&1 &
pid=$!
sleep "$seconds"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
errors=$(cat "$work/errors.jsonl" 2>/dev/null | wc -l)

printf '{"leads":%d,"kills":%d,"posts":%d,"distinct":%d,"duplicates":%d,"always_500_seconds":%d,"always_500_posts":%d}\n' \
  "$leads" "$kills" "$posts" "$distinct" $((posts - distinct)) "$seconds" "$errors"
