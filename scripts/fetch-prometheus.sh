#!/usr/bin/env bash
# Fetches Debian's prometheus package into .tools/prometheus/ (repo-local, gitignored) so the metrics tests can
# run a real Prometheus and promtool without root, systemd or a global install. Idempotent: skips when present.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deb-download.sh
source scripts/lib/deb-download.sh

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

download_deb prometheus "$work" fetch-prometheus

deb="$(ls "$work"/prometheus_*.deb | head -n 1)"
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
echo "fetch-prometheus: extracted $(basename "$deb") into $dest"
"$bin" --version 2>&1 | head -n 1
"$tool" --version 2>&1 | head -n 1
