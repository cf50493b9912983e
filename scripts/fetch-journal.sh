#!/usr/bin/env bash
# Fetches Debian's systemd-journal-remote (builds journal files from journal export format) and systemd (journalctl),
# with the libraries they load, into .tools/journal/ (repo-local, gitignored), so the journal backend's tests read
# real journal files with the real journalctl without root or a running journald. Idempotent: skips when present.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deb-download.sh
source scripts/lib/deb-download.sh

dest=".tools/journal"
remote="$dest/lib/systemd/systemd-journal-remote"
journalctl="$dest/bin/journalctl"
libs="$dest/usr/lib/x86_64-linux-gnu/systemd:$dest/usr/lib/x86_64-linux-gnu"

if [[ -x "$remote" && -x "$journalctl" ]] && LD_LIBRARY_PATH="$libs" "$journalctl" --version >/dev/null 2>&1; then
  echo "fetch-journal: already present: $journalctl ($(LD_LIBRARY_PATH="$libs" "$journalctl" --version | head -n 1))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "fetch-journal: apt-get/dpkg not found; the journal backend's tests need Debian's systemd-journal-remote and journalctl in $dest" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# journalctl and systemd-journal-remote link libsystemd-shared of their own exact version; journal-remote also
# links libmicrohttpd. All four are unpacked side by side and found through LD_LIBRARY_PATH.
for package in systemd libsystemd-shared systemd-journal-remote libmicrohttpd12; do
  download_deb "$package" "$work" fetch-journal
done

mkdir -p "$dest"
for deb in "$work"/*.deb; do
  dpkg -x "$deb" "$dest"
  echo "fetch-journal: extracted $(basename "$deb") into $dest"
done
LD_LIBRARY_PATH="$libs" "$journalctl" --version | head -n 1
LD_LIBRARY_PATH="$libs" "$remote" --version | head -n 1
