#!/usr/bin/env bash
# A private PostgreSQL cluster on loopback for tests and benchmarks: its own data folder,
# port and socket folder, trust authentication, never the machine's own server.
#
#   pg-test-cluster.sh start DIR PORT [ssl]  initdb DIR/data if it is missing, then start the
#                                            server on 127.0.0.1:PORT (socket in DIR); `ssl`
#                                            also makes a self-signed certificate for localhost
#                                            (DIR/server.crt, the root to verify against)
#   pg-test-cluster.sh stop DIR [immediate]  stop the server, keep the data (start again later)
#   pg-test-cluster.sh destroy DIR           stop the server if it runs and remove DIR
#   pg-test-cluster.sh url DIR               print the URL of the server as started
#
# Run as root, the server runs as the `postgres` user (initdb refuses root); run as anyone
# else, it runs as that user. Debian's binaries are in /usr/lib/postgresql/VERSION/bin.
set -euo pipefail

say() { echo "pg-test-cluster: $*" >&2; }

bindir() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  say "PostgreSQL is not installed: run Hardware/setup.sh (Debian package postgresql)"
  exit 69
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

usage() { sed -n '2,15p' "$0" >&2; exit 64; }

command=${1:-}; dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || usage
bin=$(bindir)

case "$command" in
  start)
    port=${3:-}; [ -n "$port" ] || usage
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      runuser -u postgres -- test -x "$dir" || { say "the postgres user cannot reach $dir: make its parent folders world-searchable"; exit 64; }
    fi
    chmod 0700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || { say "initdb failed:"; tail -n 20 "$dir/initdb.log" >&2; exit 70; }
      {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "max_connections = 40"
        echo "shared_buffers = 128MB"
        echo "log_min_messages = warning"
      } >>"$dir/data/postgresql.conf"
      if [ "${4:-}" = ssl ] && ! command -v openssl >/dev/null 2>&1; then
        say "openssl is not installed: starting without TLS"
      elif [ "${4:-}" = ssl ]; then
        as_server_user openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
          -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
          -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1
        chmod 0600 "$dir/data/server.key"
        cp "$dir/data/server.crt" "$dir/server.crt"
        chmod 0644 "$dir/server.crt"
        echo "ssl = on" >>"$dir/data/postgresql.conf"
      fi
      echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url"
    fi
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { say "the server did not start:"; tail -n 20 "$dir/server.log" >&2; exit 69; }
    cat "$dir/url"
    ;;
  stop)
    mode=${3:-fast}
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null
    ;;
  destroy)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  url)
    cat "$dir/url"
    ;;
  *) usage ;;
esac
