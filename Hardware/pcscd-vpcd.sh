#!/usr/bin/env bash
# A private pcscd with vpcd's virtual reader ("Virtual PCD 00 00" on TCP PORT, "Virtual PCD 00 01"
# on PORT+1), for tests, benchmarks and trying leadgate without a reader. It never touches the
# machine's own pcscd (the one a booth laptop runs on /run/pcscd/pcscd.comm) nor its readers:
#
#   - pcscd 1.9 binds the fixed path /run/pcscd/pcscd.comm (only libpcsclite, the client side,
#     reads PCSCLITE_CSOCK_NAME), so ours runs in a mount namespace of its own where /run is an
#     empty tmpfs and /run/pcscd is this instance's folder: its socket is $state/run/pcscd.comm,
#     and clients reach it with PCSCLITE_CSOCK_NAME=$state/run/pcscd.comm;
#   - in that namespace the USB drivers folder is empty too (pcscd logs "Disabling USB
#     support"), so ours never claims a real reader; vpcd is loaded from a copy by reader.conf;
#   - vpcd's ports come from $LEADGATE_VPCD_PORT (reader.conf DEVICENAME /dev/null:0xPORT), by
#     default a free pair picked at the first start and kept in the state folder.
#
#   pcscd-vpcd.sh start [FOLDER]    start ours in the background (pid in FOLDER/pcscd.pid), wait
#                                   until it is ready, print the environment clients need
#   pcscd-vpcd.sh run [FOLDER]      start ours, print "ready PID" on stdout, and stay in the
#                                   foreground until pcscd ends or this script gets SIGTERM or
#                                   SIGINT (then it stops pcscd): the tests supervise it this way
#   pcscd-vpcd.sh stop [FOLDER]     stop ours (`kill` is the same)
#   pcscd-vpcd.sh restart [FOLDER]  stop, then start
#   pcscd-vpcd.sh status [FOLDER]   prints "ours PID" or "stopped"
#   pcscd-vpcd.sh env [FOLDER]      prints PCSCLITE_CSOCK_NAME=... and LEADGATE_VPCD_PORT=...
#                                   lines, for `export $(Hardware/pcscd-vpcd.sh env)`
#
# FOLDER (else $LEADGATE_PCSCD_STATE, else /tmp/leadgate-vpcd) holds one instance: its
# reader.conf.d, socket, pid and log; any number of instances run side by side. Needs root, or
# unprivileged user namespaces (then it runs under `unshare --user --map-root-user`).
set -euo pipefail

state=${2:-${LEADGATE_PCSCD_STATE:-/tmp/leadgate-vpcd}}
pidfile=$state/pcscd.pid
conf=$state/reader.conf.d
rundir=$state/run
socket=$rundir/pcscd.comm
portfile=$state/vpcd.port

say() { echo "pcscd-vpcd: $*" >&2; }

# A process that ended lingers as a zombie until its parent reaps it: not alive.
alive() {
  local stat
  stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

our_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  # Ours: a pcscd reading this folder's reader.conf.d (a pid may have been reused).
  [ -n "$pid" ] && alive "$pid" && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = pcscd ] &&
    tr '\0' ' ' < /proc/"$pid"/cmdline | grep -qF -- "$conf" && echo "$pid"
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

# The folder pcscd scans for USB reader drivers (bundles); hidden in our namespace.
usb_drivers() {
  local path
  for path in /usr/lib/pcsc/drivers /usr/lib/*/pcsc/drivers /usr/local/lib/pcsc/drivers; do
    [ -d "$path" ] && echo "$path"
  done
}

# A TCP port P with P+1 free as well (vpcd listens on all addresses, one port a slot).
free_port_pair() {
  python3 - <<'PY'
import socket
for _ in range(50):
    first = socket.socket()
    first.bind(("", 0))
    port = first.getsockname()[1]
    second = socket.socket()
    try:
        second.bind(("", port + 1))
    except OSError:
        continue
    finally:
        first.close()
        second.close()
    print(port)
    break
PY
}

vpcd_port() {
  if [ -n "${LEADGATE_VPCD_PORT:-}" ]; then echo "$LEADGATE_VPCD_PORT"
  elif [ -s "$portfile" ]; then cat "$portfile"
  else free_port_pair
  fi
}

listening() {
  # /proc/net/tcp: local address ADDR:PORT in hex, state 0A is LISTEN.
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

wait_ready() {
  # The socket exists and vpcd listens on both slots; no connection is made to vpcd, as that
  # would put a card on the reader.
  local pid=$1 port=$2
  for _ in $(seq 1 200); do
    alive "$pid" || { say "pcscd exited at start; its log ($state/pcscd.log):"; tail -n 20 "$state/pcscd.log" >&2 || true; exit 69; }
    if [ -S "$socket" ] && listening "$((port + 1))"; then return 0; fi
    sleep 0.05
  done
  say "pcscd did not get ready within 10 s (vpcd ports $port and $((port + 1)) taken?); its log: $state/pcscd.log"
  tail -n 20 "$state/pcscd.log" >&2 || true
  exit 69
}

wait_gone() {
  local pid=$1
  for _ in $(seq 1 100); do
    alive "$pid" || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.1
}

print_env() {
  echo "PCSCLITE_CSOCK_NAME=$socket"
  echo "LEADGATE_VPCD_PORT=$(vpcd_port)"
}

# Starts pcscd in the background as a child of this shell; sets `pcscd_pid`.
start_ours() {
  local port driver
  port=$(vpcd_port)
  [ -n "$port" ] || { say "found no free pair of TCP ports for vpcd"; exit 69; }
  echo "$port" > "$portfile"
  driver=$(vpcd_driver)
  mkdir -p "$conf" "$rundir" "$state/empty"
  # A pcscd that was killed leaves its socket and pid file; ours would take them for a live one.
  rm -f "$socket" "$rundir/pcscd.pid"
  cp "$driver" "$state/libifdvpcd.so"
  cat > "$conf/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x$(printf '%X' "$port")
LIBPATH      $state/libifdvpcd.so
CHANNELID    0x$(printf '%X' "$port")
CONF
  local mounts="mount -t tmpfs -o mode=0755 leadgate-pcscd /run && mkdir -p /run/pcscd && mount --bind '$rundir' /run/pcscd"
  local drivers
  for drivers in $(usb_drivers); do mounts+=" && mount --bind '$state/empty' '$drivers'"; done
  local user=()
  [ "$(id -u)" -eq 0 ] || user=(--user --map-root-user)
  # setsid: Ctrl-C in the caller's terminal does not reach it; exec: the pid is pcscd's.
  setsid unshare "${user[@]}" --mount --propagation private \
    sh -c "$mounts && exec pcscd --foreground --config '$conf'" > "$state/pcscd.log" 2>&1 < /dev/null &
  pcscd_pid=$!
  echo "$pcscd_pid" > "$pidfile"
  wait_ready "$pcscd_pid" "$port"
  say "pcscd $pcscd_pid ready on $socket, vpcd on TCP $port and $((port + 1))"
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

mkdir -p "$state"
case "${1:-}" in
  start)
    if pid=$(our_pid); then say "pcscd $pid already runs here"; else start_ours; fi
    print_env ;;
  run)
    stop_ours
    echo $$ > "$state/supervisor.pid"
    start_ours
    trap 'stop_ours; rm -f "$state/supervisor.pid"; exit 0' TERM INT
    echo "ready $pcscd_pid"
    # wait returns early when a trapped signal arrives; then the trap stops pcscd.
    set +e
    wait "$pcscd_pid"
    status=$?
    rm -f "$pidfile" "$state/supervisor.pid"
    exit "$status" ;;
  stop | kill) stop_ours ;;
  restart) stop_ours; start_ours; print_env ;;
  status)
    if pid=$(our_pid); then echo "ours $pid"; else echo "stopped"; fi ;;
  env) print_env ;;
  *) echo "usage: $0 start|run|stop|restart|status|env" >&2; exit 64 ;;
esac
