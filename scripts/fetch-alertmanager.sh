#!/usr/bin/env bash
# Fetches Debian's prometheus-alertmanager package into .tools/alertmanager/ (repo-local, gitignored) so the webhook
# tests can run a real Alertmanager without root, systemd or a global install. Idempotent: skips when present.
#
# Debian's build reads its default notification template from /usr/share/prometheus/alertmanager/default.tmpl (the
# package carries it there; a `templates:` entry in the config does not replace it), so an unpacked binary refuses
# every config. Rather than write outside the repo, we keep a copy of the binary whose compiled-in template
# directory (34 bytes) is rewritten to a same-length relative one ("." and slashes): started with its working
# directory at the unpacked template folder, it loads the package's own default.tmpl. The original stays untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deb-download.sh
source scripts/lib/deb-download.sh

dest=".tools/alertmanager"
bin="$dest/usr/bin/prometheus-alertmanager"
templates="$dest/usr/share/prometheus/alertmanager"
local_bin="$dest/bin/alertmanager"

if [[ -x "$local_bin" && -f "$templates/default.tmpl" ]]; then
  echo "fetch-alertmanager: already present: $local_bin ($("$local_bin" --version 2>&1 | head -n 1))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "fetch-alertmanager: apt-get/dpkg not found; see docs/alerts.md (Tests) for installing Alertmanager by hand" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

download_deb prometheus-alertmanager "$work" fetch-alertmanager

deb="$(ls "$work"/prometheus-alertmanager_*.deb | head -n 1)"
mkdir -p "$dest/bin"
dpkg -x "$deb" "$dest"
if [[ ! -f "$templates/default.tmpl" ]]; then
  echo "fetch-alertmanager: $(basename "$deb") carries no default.tmpl under /usr/share/prometheus/alertmanager" >&2
  exit 1
fi

node -e '
const fs = require("node:fs");
const [from, to] = process.argv.slice(1);
const old = Buffer.from("/usr/share/prometheus/alertmanager");
const relative = Buffer.from("." + "/".repeat(old.length - 1));
const data = fs.readFileSync(from);
let count = 0;
for (let at = data.indexOf(old); at !== -1; at = data.indexOf(old, at + old.length)) {
  relative.copy(data, at);
  count += 1;
}
if (count === 0) {
  console.error("fetch-alertmanager: the binary names no /usr/share/prometheus/alertmanager; use it as it is");
}
fs.writeFileSync(to, data, { mode: 0o755 });
' "$bin" "$local_bin"
echo "fetch-alertmanager: extracted $(basename "$deb") into $dest"
"$local_bin" --version 2>&1 | head -n 1
