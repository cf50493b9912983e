#!/usr/bin/env bash
# Makes `systemd-analyze` available to the test that verifies deploy/incidentpilot.service: the one on PATH when the
# machine has systemd, else Debian's `systemd` package unpacked into .tools/systemd/ (repo-local, gitignored; no
# root, nothing started). Idempotent: skips when either is present.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deb-download.sh
source scripts/lib/deb-download.sh

dest=".tools/systemd"
bin="$dest/usr/bin/systemd-analyze"

if command -v systemd-analyze >/dev/null 2>&1; then
  echo "fetch-systemd: using $(command -v systemd-analyze) ($(systemd-analyze --version | head -n 1))"
  exit 0
fi
if [[ -x "$bin" ]]; then
  echo "fetch-systemd: already present: $bin"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "fetch-systemd: apt-get/dpkg not found; install systemd (for systemd-analyze) by hand" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
download_deb systemd "$work" fetch-systemd
# Newer Debian releases ship systemd-analyze's shared library in its own package; older ones inside systemd.
(cd "$work" && apt-get download libsystemd-shared >/dev/null 2>&1) || true
mkdir -p "$dest"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest"; done
if [[ ! -x "$bin" ]]; then
  echo "fetch-systemd: the systemd package carries no usr/bin/systemd-analyze" >&2
  exit 1
fi
echo "fetch-systemd: unpacked $bin"
