#!/usr/bin/env bash
# Fetches Debian's prometheus package into .tools/prometheus/ (repo-local, gitignored) so the metrics tests can
# run a real Prometheus and promtool without root, systemd or a global install. Idempotent: skips when present.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=".tools/prometheus"
bin="$dest/usr/bin/prometheus"
tool="$dest/usr/bin/promtool"

if [[ -x "$bin" && -x "$tool" ]]; then
  echo "fetch-prometheus: already present: $bin ($("$bin" --version 2>&1 | head -n 1))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "fetch-prometheus: apt-get/dpkg not found; install Prometheus yourself and put prometheus and promtool in $dest/usr/bin/" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# apt-get download needs package lists; a fresh container has none, so refresh them only when the first try fails.
if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
  echo "fetch-prometheus: download failed; running apt-get update first"
  if [[ "$(id -u)" -eq 0 ]]; then
    apt-get update -qq
  else
    sudo apt-get update -qq
  fi
  (cd "$work" && apt-get download prometheus)
fi

deb="$(ls "$work"/prometheus_*.deb | head -n 1)"
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
echo "fetch-prometheus: extracted $(basename "$deb") into $dest"
"$bin" --version 2>&1 | head -n 1
"$tool" --version 2>&1 | head -n 1
