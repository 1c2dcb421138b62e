#!/usr/bin/env bash
# Installs every Debian package leadgate needs to build, test and run. Idempotent: packages
# already present are skipped, so running it twice costs one dpkg query.
set -euo pipefail

packages=(
  # build: C libraries the Swift system-library targets link
  libpcsclite-dev libnfc-dev libsqlite3-dev libpq-dev libphonenumber-dev libssl-dev
  pkg-config g++
  # build: the allocator the leadgate binary links in place of glibc's malloc (Package.swift)
  libjemalloc-dev
  # run and test: the PC/SC stack with its virtual reader, the shared store, the terminal
  pcscd vsmartcard-vpcd postgresql tmux sqlite3 libnfc-bin pcsc-tools
  # benchmarks: the reference vCard parser the parse benchmark compares against
  libez-vcard-java libvinnie-java default-jdk-headless
  # test: the kiosk's page in a real browser (headless chromium driven by selenium)
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# policy-rc.d keeps apt from starting pcscd/postgresql services: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
