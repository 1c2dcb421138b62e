#!/usr/bin/env bash
# Starts pcscd with the vpcd virtual reader ("Virtual PCD 00 00" on TCP 35963, "Virtual PCD 00 01"
# on 35964) for tests and demos, or reuses the pcscd already running: pcscd's socket path is
# fixed (/run/pcscd/pcscd.comm), so a machine has one.
#
#   pcscd-vpcd.sh start     reuse a running pcscd, else start ours (pidfile in $LEADGATE_PCSCD_STATE)
#   pcscd-vpcd.sh own       make the running pcscd ours: a foreign one is stopped (its command
#                           line saved) and ours started, so tests may stop and restart it
#   pcscd-vpcd.sh restart   own, then stop and start ours
#   pcscd-vpcd.sh stop      stop ours, and start again the foreign one `own` stopped; never
#                           stops a pcscd this script did not start
#   pcscd-vpcd.sh kill      stop ours and leave pcscd down (a foreign one stays saved for `stop`)
#   pcscd-vpcd.sh status    prints "ours PID", "foreign PID" or "stopped"
#
# Needs root (pcscd and /run/pcscd). Tests serialize on /tmp/leadgate-vpcd.lock (flock) so that
# only one of them drives vpcd at a time.
set -euo pipefail

state=${LEADGATE_PCSCD_STATE:-/tmp/leadgate-pcscd}
pidfile=$state/pcscd.pid
conf=$state/reader.conf.d
foreign=$state/foreign.cmdline
socket=/run/pcscd/pcscd.comm

say() { echo "pcscd-vpcd: $*" >&2; }

running_pid() {
  # A pcscd that is exiting lingers as a zombie with an empty command line: not running.
  local pid
  for pid in $(pgrep -x pcscd || true); do
    [ -s /proc/"$pid"/cmdline ] && { echo "$pid"; return; }
  done
}

our_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = pcscd ] && echo "$pid"
}

vpcd_driver() {
  local path
  for path in /usr/lib/pcsc/drivers/serial/libifdvpcd.so /usr/lib/*/pcsc/drivers/serial/libifdvpcd.so; do
    [ -e "$path" ] && { echo "$path"; return; }
  done
  path=$(find /usr/lib /usr/local/lib -name libifdvpcd.so 2>/dev/null | head -n 1)
  [ -n "$path" ] || { say "vpcd is not installed: run Hardware/setup.sh (Debian package vsmartcard-vpcd)"; exit 69; }
  echo "$path"
}

wait_ready() {
  # The socket answers and vpcd listens on both slots; no connection is made to vpcd, as that
  # would put a card on the reader.
  for _ in $(seq 1 100); do
    if [ -S "$socket" ]; then
      if ! command -v ss > /dev/null; then sleep 0.3; return 0; fi  # no iproute2: trust the socket
      ss -ltn 2>/dev/null | grep -q ':35964 ' && return 0
    fi
    sleep 0.05
  done
  say "pcscd did not get ready within 5 s; its log: $state/pcscd.log"
  tail -n 20 "$state/pcscd.log" >&2 || true
  exit 69
}

wait_gone() {
  local pid=$1
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.1
}

start_ours() {
  # A pcscd that was killed leaves its socket and pidfile behind, and a new one would refuse
  # to start while the pid in that file is a process (even a zombie).
  if [ -z "$(running_pid)" ]; then rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid; fi
  mkdir -p "$conf"
  cat > "$conf/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      $(vpcd_driver)
CHANNELID    0x8C7B
CONF
  setsid pcscd --foreground --config "$conf" > "$state/pcscd.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_ready
  say "started pcscd $(cat "$pidfile") with vpcd"
}

stop_ours() {
  local pid
  if pid=$(our_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid"
    say "stopped pcscd $pid"
  fi
  rm -f "$pidfile"
}

take_over() {
  our_pid > /dev/null && return 0
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    tr '\0' ' ' < /proc/"$pid"/cmdline > "$foreign"
    say "stopping foreign pcscd $pid (restored by 'stop'): $(cat "$foreign")"
    kill -TERM "$pid"
    wait_gone "$pid"
  fi
  start_ours
}

restore_foreign() {
  [ -f "$foreign" ] || return 0
  local command
  command=$(cat "$foreign")
  rm -f "$foreign"
  [ -n "${command// /}" ] || return 0
  say "starting the foreign pcscd again: $command"
  # shellcheck disable=SC2086
  setsid $command < /dev/null > /dev/null 2>&1 &
}

mkdir -p "$state"
case "${1:-}" in
  start)
    if pid=$(our_pid); then say "reusing pcscd $pid (started here)"; wait_ready
    elif pid=$(running_pid) && [ -n "$pid" ]; then say "reusing running pcscd $pid"
    else start_ours
    fi ;;
  own) take_over ;;
  restart) take_over; stop_ours; start_ours ;;
  stop) stop_ours; restore_foreign ;;
  kill) take_over; stop_ours ;;
  status)
    if pid=$(our_pid); then echo "ours $pid"
    elif pid=$(running_pid) && [ -n "$pid" ]; then echo "foreign $pid"
    else echo "stopped"
    fi ;;
  *) echo "usage: $0 start|own|restart|stop|kill|status" >&2; exit 64 ;;
esac
